import ConnectorKit
import Foundation
import Simulators
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

#if canImport(Glibc)
    import Glibc
    private let sockStreamValue = SOCK_STREAM.rawValue
#elseif canImport(Darwin)
    import Darwin
    private let sockStreamValue = SOCK_STREAM
#endif

/// A server that answers with what it received, so tests can see how the request was parsed.
private func echoServer() throws -> (HTTPServer, Int) {
    let server = HTTPServer { request in
        let query: [JSONValue] = request.queryItems.map { ["name": .string($0.decodedName), "value": .string($0.decodedValue)] }
        return .json([
            "method": .string(request.method), "path": .string(request.path), "rawPath": .string(request.rawPath),
            "segments": .array(request.pathSegments.map(JSONValue.string)), "query": .array(query),
            "body": .string(request.bodyText), "contentType": request.headers["content-type"].map(JSONValue.string) ?? nil,
        ])
    }
    let port = try server.start()
    return (server, port)
}

/// 0 when a socket without SO_REUSEADDR can bind 127.0.0.1:`port`, else the errno.
private func bindsPlainly(_ port: Int) -> Int32 {
    let fd = socket(AF_INET, Int32(sockStreamValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    return bound == 0 ? 0 : errno
}

@Suite("HTTP server")
struct HTTPServerTests {
    @Test("chunked request bodies are decoded")
    func decodesChunkedRequestBodies() throws {
        let (server, port) = try echoServer()
        defer { server.stop() }
        let connection = try SimHTTPConnection(host: "127.0.0.1", port: port)
        let body = Data(String(repeating: "chunked body ", count: 50).utf8)
        let response = try connection.exchange(method: "POST", target: "/echo", body: body, chunkSize: 7)
        #expect(response.status == 200)
        #expect(response.json?["body"]?.stringValue == String(decoding: body, as: UTF8.self))
    }

    @Test("the path is split from the query, and headers match ignoring case")
    func splitsPathAndQueryAndMatchesHeadersWithoutCase() throws {
        let (server, port) = try echoServer()
        defer { server.stop() }
        var headers = HTTPHeaders()
        headers.set("CONTENT-TYPE", "text/plain")
        let response = try call("GET", "http://127.0.0.1:\(port)/api/dailyjobs/2024%7C1%252F2?Name=A%2BB+C&flag", headers: headers)
        let json = try #require(response.json)
        #expect(json["rawPath"]?.stringValue == "/api/dailyjobs/2024%7C1%252F2")
        #expect(json["segments"] == ["api", "dailyjobs", "2024|1%2F2"])
        #expect(json["query"]?[0]?["name"] == "Name")
        #expect(json["query"]?[0]?["value"] == "A+B C")
        #expect(json["query"]?[1]?["name"] == "flag")
        #expect(json["contentType"] == "text/plain")
    }

    @Test("a connection is kept alive until the client asks to close it")
    func keepsConnectionsAliveUntilTheClientAsksToClose() throws {
        let (server, port) = try echoServer()
        defer { server.stop() }
        let connection = try SimHTTPConnection(host: "127.0.0.1", port: port)
        let first = try connection.exchange(method: "POST", target: "/one", body: Data("1".utf8))
        let second = try connection.exchange(method: "GET", target: "/two")
        #expect(first.json?["body"] == "1")
        #expect(first.headers["Connection"] == "keep-alive")
        #expect(second.json?["path"] == "/two")
        var close = HTTPHeaders()
        close.set("Connection", "close")
        let last = try connection.exchange(method: "GET", target: "/three", headers: close)
        #expect(last.headers["Connection"] == "close")
        #expect(connection.isClosedByPeer())
    }

    @Test("Expect: 100-continue is answered before the body is read")
    func answersExpectContinueBeforeTheBody() throws {
        let (server, port) = try echoServer()
        defer { server.stop() }
        let connection = try SimHTTPConnection(host: "127.0.0.1", port: port)
        try connection.sendRaw(Data("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n".utf8))
        let interim = try connection.readHead()
        #expect(interim.hasPrefix("HTTP/1.1 100"))
        try connection.sendRaw(Data("hello".utf8))
        let response = try connection.readResponse(forMethod: "POST")
        #expect(response.json?["body"] == "hello")
    }

    @Test("a malformed request is answered 400")
    func answersMalformedRequestsWith400() throws {
        let (server, port) = try echoServer()
        defer { server.stop() }
        let connection = try SimHTTPConnection(host: "127.0.0.1", port: port)
        try connection.sendRaw(Data("NONSENSE\r\n\r\n".utf8))
        #expect(try connection.readResponse().status == 400)
    }

    @Test("an answer to HEAD carries no body")
    func headAnswersCarryNoBody() throws {
        let (server, port) = try echoServer()
        defer { server.stop() }
        let connection = try SimHTTPConnection(host: "127.0.0.1", port: port)
        let head = try connection.exchange(method: "HEAD", target: "/x")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(Int(head.headers["Content-Length"] ?? "") ?? 0 > 0)
        // The connection is still usable, so no body bytes were left on it.
        #expect(try connection.exchange(method: "GET", target: "/y").json?["path"] == "/y")
    }

    @Test("a stopped server refuses connections, and starting again reuses its port")
    func stopRefusesConnectionsAndStartReusesThePort() throws {
        let (server, port) = try echoServer()
        defer { server.stop() }
        let idle = try SimHTTPConnection(host: "127.0.0.1", port: port)
        _ = try idle.exchange(method: "GET", target: "/before")
        server.stop()
        #expect(server.port == nil)
        #expect(idle.isClosedByPeer())
        #expect(throws: SimulatorError.self) { try SimHTTPConnection(host: "127.0.0.1", port: port) }
        #expect(try server.start(port: port) == port)
        #expect(try call("GET", "http://127.0.0.1:\(port)/after").json?["path"] == "/after")
    }

    @Test("starting a server twice is an error")
    func startingTwiceIsAnError() throws {
        let (server, port) = try echoServer()
        defer { server.stop() }
        #expect(throws: SimulatorError.alreadyRunning(port: port)) { try server.start() }
    }

    @Test("in silent mode the server reads requests but never answers")
    func silentModeReadsButNeverAnswers() throws {
        let (server, port) = try echoServer()
        defer { server.stop() }
        server.isSilent = true
        #expect(throws: SimulatorError.timedOut("no data from the peer")) {
            try call("POST", "http://127.0.0.1:\(port)/x", body: Data("body".utf8), timeout: 0.3)
        }
        server.isSilent = false
        #expect(try call("GET", "http://127.0.0.1:\(port)/x").status == 200)
    }

    @Test("URLSession clients are served")
    func servesURLSessionClients() async throws {
        let (server, port) = try echoServer()
        defer { server.stop() }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.connectionProxyDictionary = [:]
        let session = URLSession(configuration: configuration)
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/now/table/incident?sysparm_limit=1")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(String(repeating: "x", count: 5_000).utf8)
        for _ in 0..<2 {
            let (data, response) = try await session.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            #expect(try JSONValue.parse(data)["body"]?.stringValue?.count == 5_000)
        }
        session.finishTasksAndInvalidate()
    }

    @Test("a stopped server keeps its port until it starts again")
    func aStoppedServerKeepsItsPortUntilItStartsAgain() throws {
        let (server, port) = try echoServer()
        defer { server.stop() }
        server.stop()
        #expect(throws: SimulatorError.self) { try SimHTTPConnection(host: "127.0.0.1", port: port) }
        // The port is still bound, so the system gives it to no other socket meanwhile.
        #expect(bindsPlainly(port) == EADDRINUSE)
        #expect(try server.start(port: port) == port)
        #expect(try call("GET", "http://127.0.0.1:\(port)/back").json?["path"] == "/back")
    }
}
