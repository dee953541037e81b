import ConnectorKit
import CurlHTTP
import Foundation
import Simulators
import Testing

@testable import URLSessionHTTP

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What every transport must do over a real loopback socket (SPEC §7.4), for libcurl and URLSession alike.
@Suite("Transports over loopback")
struct TransportBehaviourTests {
    @Test(
        "GET, POST and PUT carry their method, headers and body; the answer's status, headers and body come back",
        arguments: TransportKind.allCases)
    func roundTrips(kind: TransportKind) async throws {
        let server = try RecordingServer { request in
            var response = SimResponse.json(
                ["method": .string(request.method), "echo": .string(request.bodyText)], status: request.method == "POST" ? 201 : 200)
            response.headers.add("X-Test", "yes")
            return response
        }
        defer { server.stop() }
        let transport = try kind.make()
        for method in [HTTPMethod.get, .post, .put] {
            let body = method == .get ? nil : Data("{\"n\":\"\(method.rawValue)\"}".utf8)
            let request = HTTPRequest(
                method: method, url: server.url("/api/items?x=1"), headers: ["Content-Type": "application/json", "X-Caller": "tests"],
                body: body)
            let response = try await transport.send(request)
            #expect(response.status == (method == .post ? 201 : 200))
            #expect(response.header("x-test") == "yes")
            let answer = try JSONValue.parse(response.body)
            #expect(answer["method"]?.stringValue == method.rawValue)
            #expect(answer["echo"]?.stringValue == body.map { String(decoding: $0, as: UTF8.self) } ?? "")
        }
        let seen = server.requests
        #expect(seen.map(\.method) == ["GET", "POST", "PUT"])
        #expect(seen.allSatisfy { $0.headers["X-Caller"] == "tests" && $0.target == "/api/items?x=1" })
    }

    @Test("a body streamed from files (a slice, and base64 inside JSON) arrives byte for byte", arguments: TransportKind.allCases)
    func streamedUpload(kind: TransportKind) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let log = patternBytes(300 * 1024 + 17)
        let path = folder.file("job.log")
        try log.write(to: URL(fileURLWithPath: path))
        let server = try RecordingServer()
        defer { server.stop() }
        let transport = try kind.make()

        var raw = HTTPRequest(method: .post, url: server.url("/api/now/attachment/file"), headers: ["Content-Type": "text/plain"])
        raw.streamedBody = StreamedBody([
            .bytes(Data("head\n".utf8)), .file(FileSlice(path: path, offset: 1000, length: Int64(log.count - 1000))),
        ])
        _ = try await transport.send(raw)

        var wrapped = HTTPRequest(method: .post, url: server.url("/upload"), headers: ["Content-Type": "application/json"])
        wrapped.streamedBody = StreamedBody([
            .bytes(Data("{\"data\":\"".utf8)), .base64([.bytes(Data("x".utf8)), .file(try FileSlice.whole(path))]),
            .bytes(Data("\"}".utf8)),
        ])
        _ = try await transport.send(wrapped)

        let seen = server.requests
        #expect(seen.count == 2)
        #expect(seen.first?.body == Data("head\n".utf8) + log.dropFirst(1000))
        let json = try JSONValue.parse(try #require(seen.last?.body))
        #expect(json["data"]?.stringValue == (Data("x".utf8) + log).base64EncodedString())
    }

    @Test(
        "a 2xx answer goes to the request's sink as it arrives; an error answer stays in memory for its message",
        arguments: TransportKind.allCases)
    func answerToSink(kind: TransportKind) async throws {
        let big = patternBytes(300 * 1024)
        let server = try RecordingServer { request in
            request.path == "/big" ? SimResponse(status: 200, body: big) : .json(["message": "no such file"], status: 404)
        }
        defer { server.stop() }
        let transport = try kind.make()
        let sink = CollectingBodySink()
        var request = HTTPRequest(method: .get, url: server.url("/big"))
        request.responseSink = ResponseSink(sink)
        let ok = try await transport.send(request)
        #expect(ok.bodyWentToSink)
        #expect(ok.body.isEmpty)
        #expect(sink.bytes == big)
        #expect(sink.begins == 1)

        request.url = server.url("/missing")
        let other = CollectingBodySink()
        request.responseSink = ResponseSink(other)
        let missing = try await transport.send(request)
        #expect(missing.status == 404)
        #expect(!missing.bodyWentToSink)
        #expect(missing.bodyText.contains("no such file"))
        #expect(other.begins == 0 && other.bytes.isEmpty)
    }

    @Test(
        "a 401 with a Basic challenge comes back at once as a 401: the connector's credentials were refused",
        arguments: TransportKind.allCases)
    func challengeIsARefusal(kind: TransportKind) async throws {
        let server = try RecordingServer { _ in
            var response = SimResponse.json(
                ["error": ["message": "User Not Authenticated", "detail": "Required to provide Auth information"]], status: 401)
            response.headers.add("WWW-Authenticate", "BASIC realm=\"Service-now\"")
            return response
        }
        defer { server.stop() }
        let started = Date()
        let transport = try kind.make(TransportSettings(timeoutSeconds: 120))
        let response = try await transport.send(
            HTTPRequest(method: .get, url: server.url("/api/now/table/incident"), headers: ["Authorization": "Basic eDp5"]))
        #expect(response.status == 401)
        // The bounds of these tests are far below the limit that a broken transport would wait for, yet loose enough
        // for a machine busy with the rest of the suite (the executable's own figures: HTTPClientTests, benchmarks).
        #expect(Date().timeIntervalSince(started) < 60, "the 401 waited for the transport's timeout")
        #expect(server.requests.count == 1, "the transport must not answer the challenge itself")
    }

    @Test("a redirect is returned, not followed, so credentials stay with the host they were meant for", arguments: TransportKind.allCases)
    func redirectsAreNotFollowed(kind: TransportKind) async throws {
        let server = try RecordingServer { _ in
            var response = SimResponse(status: 302)
            response.headers.add("Location", "http://elsewhere.invalid/steal")
            return response
        }
        defer { server.stop() }
        let response = try await kind.make().send(HTTPRequest(method: .get, url: server.url("/api/version")))
        #expect(response.status == 302)
        #expect(response.header("Location") == "http://elsewhere.invalid/steal")
    }

    @Test("a refused port is a failure to connect naming the host: nothing was sent", arguments: TransportKind.allCases)
    func refused(kind: TransportKind) async throws {
        let refused = RefusedPort()
        let error = await #expect(throws: TransportError.self) {
            try await kind.make().send(HTTPRequest(method: .get, url: URL(string: "http://127.0.0.1:\(refused.port)/api/version")!))
        }
        #expect(error == .notConnected(host: "127.0.0.1", reason: "the connection was refused"))
    }

    @Test("a request ends at its own limit against a server that never answers", arguments: TransportKind.allCases)
    func requestLimit(kind: TransportKind) async throws {
        let server = try RecordingServer { _ in .silence }
        defer { server.stop() }
        var request = HTTPRequest(method: .get, url: server.url("/api/version"))
        request.timeout = 1
        let started = Date()
        let error = await #expect(throws: TransportError.self) { try await kind.make(TransportSettings(timeoutSeconds: 120)).send(request) }
        guard case .timedOut(let host, _) = error else {
            Issue.record("expected a timeout, got \(String(describing: error))")
            return
        }
        #expect(host == "127.0.0.1")
        #expect(Date().timeIntervalSince(started) < 60, "the request waited for the transport's 120 s, not its own 1 s")
    }

    @Test("the deadline middleware ends a hung request through the whole client", arguments: TransportKind.allCases)
    func deadlineThroughTheClient(kind: TransportKind) async throws {
        let server = try RecordingServer { _ in .silence }
        defer { server.stop() }
        let client = HTTPClient(
            transport: try kind.make(TransportSettings(timeoutSeconds: 120)),
            middlewares: [
                DeadlineMiddleware(deadline: Deadline(seconds: 0.3), requestTimeout: 120)
            ])
        let started = Date()
        await #expect(throws: TransportError.self) { try await client.send(HTTPRequest(method: .get, url: server.url("/api/version"))) }
        #expect(Date().timeIntervalSince(started) < 60)
    }
}

/// What only the libcurl transport promises: kept-alive connections, no Expect wait, its identity, cancellation,
/// TLS and proxy handling (Linux's production path).
@Suite("libcurl transport")
struct CurlTransportTests {
    @Test("sequential requests to one host, bodies included, share one TCP connection")
    func keepAlive() async throws {
        let server = try RecordingServer()
        defer { server.stop() }
        let transport = try CurlTransport()
        for index in 0..<6 {
            let method: HTTPMethod = index.isMultiple(of: 2) ? .get : .post
            let body = method == .post ? Data(String(repeating: "x", count: 4096).utf8) : nil
            let response = try await transport.send(
                HTTPRequest(method: method, url: server.url("/api/\(index)"), headers: ["Content-Type": "text/plain"], body: body))
            #expect(response.status == 200)
        }
        #expect(server.requests.count == 6)
        #expect(server.server.acceptedConnections == 1)
    }

    @Test("a body over 1 KiB is sent without Expect: 100-continue, and every request names the connector")
    func headersOfOurOwn() async throws {
        let server = try RecordingServer()
        defer { server.stop() }
        let body = Data(String(repeating: "y", count: 64 * 1024).utf8)
        _ = try await CurlTransport().send(
            HTTPRequest(method: .post, url: server.url("/x"), headers: ["Content-Type": "text/plain"], body: body))
        _ = try await CurlTransport().send(HTTPRequest(method: .post, url: server.url("/y")))
        let first = try #require(server.requests.first)
        #expect(first.headers["Expect"] == nil)
        #expect(first.headers["User-Agent"] == "connector/\(ConnectorVersion.current)")
        #expect(first.body == body)
        // A POST without a body is not labelled as a form.
        #expect(server.requests.last?.headers["Content-Type"] == nil)
    }

    @Test("a cancelled request stops within a second, even while the server is silent")
    func cancellation() async throws {
        let server = try RecordingServer { _ in .silence }
        defer { server.stop() }
        let transport = try CurlTransport(settings: TransportSettings(timeoutSeconds: 120))
        let task = Task { try await transport.send(HTTPRequest(method: .get, url: server.url("/api/version"))) }
        while server.server.openConnections == 0 { try await Task.sleep(nanoseconds: 10_000_000) }
        // The server's side of the socket tells when libcurl gave up; a thread of its own watches it, so a busy
        // test process cannot delay the reading.
        let closed = ConnectionWatch(server: server.server)
        task.cancel()
        let outcome = await task.result
        guard case .failure(let error) = outcome else {
            Issue.record("a silent server answered")
            return
        }
        #expect(error is CancellationError)
        let seconds = try #require(await closed.secondsUntilClosed())
        // libcurl consults the transfer-info callback about once a second while nothing moves.
        #expect(seconds < 1.5, "the connection stayed open \(seconds) s after the cancellation")
    }

    @Test("the proxy from Connector.config carries every request")
    func proxy() async throws {
        let proxy = try RecordingServer { _ in .json(["via": "proxy"]) }
        defer { proxy.stop() }
        var config = ConnectorConfig.Proxy()
        config.enabled = true
        config.host = "127.0.0.1"
        config.port = proxy.port
        let settings = TransportSettings(timeoutSeconds: 10, proxyURL: TransportSettings.proxyURL(for: config))
        let response = try await CurlTransport(settings: settings).send(
            HTTPRequest(method: .get, url: URL(string: "http://opcon.example.invalid:9010/api/version")!))
        #expect(response.status == 200)
        #expect(proxy.requests.first?.target == "http://opcon.example.invalid:9010/api/version")
    }

    @Test("a self-signed server is refused, and the message says how to trust OpCon's certificate")
    func selfSignedCertificate() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let server = try await SelfSignedTLSServer(folder: folder)
        defer { server.stop() }
        let error = await #expect(throws: TransportError.self) {
            try await CurlTransport().send(HTTPRequest(method: .get, url: URL(string: "https://127.0.0.1:\(server.port)/api/version")!))
        }
        guard case .tlsFailure(let host, let reason) = error else {
            Issue.record("expected a TLS failure, got \(String(describing: error))")
            return
        }
        #expect(host == "127.0.0.1")
        #expect(reason.lowercased().contains("certificate"))
        let message = ServiceFailure.map(try #require(error), service: "OpCon").message
        #expect(message.contains("Trusted Root Certification Authorities"))
        #expect(message.contains("update-ca-certificates"))
    }
}

/// The URLSession transport's mappings, which only its own platform's errors exercise.
@Suite("URLSession transport")
struct URLSessionTransportTests {
    @Test("URLSession errors map to transport errors; Linux's self-signed certificate error is a TLS failure")
    func errorMapping() {
        func map(_ code: URLError.Code, _ text: String? = nil) -> any Error {
            let info = text.map { [NSLocalizedDescriptionKey: $0] } ?? [:]
            return URLErrorMapping.map(URLError(code, userInfo: info), host: "opcon.test", timeout: 30)
        }
        #expect(map(.timedOut) as? TransportError == .timedOut(host: "opcon.test", seconds: 30))
        #expect(map(.cannotConnectToHost) as? TransportError == .notConnected(host: "opcon.test", reason: "the connection was refused"))
        #expect(map(.cannotFindHost) as? TransportError == .notConnected(host: "opcon.test", reason: "the host name could not be resolved"))
        #expect(map(.cancelled) is CancellationError)
        if case .tlsFailure = map(.serverCertificateUntrusted) as? TransportError {} else { Issue.record("untrusted certificate") }
        let linux = map(.unknown, "SSL certificate problem: self-signed certificate")
        #expect(linux as? TransportError == .tlsFailure(host: "opcon.test", reason: "SSL certificate problem: self-signed certificate"))
    }

    @Test("the proxy becomes URLSession keys and libcurl environment variables")
    func proxy() {
        var proxy = ConnectorConfig.Proxy()
        proxy.host = "proxy.corp"
        proxy.port = 3128
        #expect(TransportSettings.proxyURL(for: proxy) == nil)  // configured but not switched on
        proxy.enabled = true
        let url = TransportSettings.proxyURL(for: proxy)
        #expect(url == "http://proxy.corp:3128")
        #expect(URLSessionProxy.environment(for: url) == ["http_proxy": "http://proxy.corp:3128", "https_proxy": "http://proxy.corp:3128"])
        let keys = URLSessionProxy.connectionProxyDictionary(for: url)
        #expect(keys?["HTTPSProxy"] as? String == "proxy.corp")
        #expect(keys?["HTTPSPort"] as? Int == 3128)
        proxy.host = "http://proxy.corp:8080"
        #expect(TransportSettings.proxyURL(for: proxy) == "http://proxy.corp:8080")
    }
}
