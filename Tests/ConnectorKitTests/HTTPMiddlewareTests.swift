import ConnectorTesting
import Foundation
import Testing

@testable import ConnectorKit

@Suite("HTTP headers and debug logging")
struct HTTPMiddlewareTests {
    let secret = "pa55-Word-0f-the-day"

    func debugLogger(_ sink: MemoryLogSink, level: LogLevel = .debug) -> Logger {
        let masker = SecretMasker()
        masker.register(secret)
        return Logger(sinks: [sink], minimumLevel: level, masker: masker)
    }

    @Test("the header middleware adds missing headers and keeps those a request already has")
    func headers() async throws {
        let transport = ScriptedTransport { _ in .json(200, "{}") }
        let client = HTTPClient(transport: transport, middlewares: [HeaderMiddleware.opConToken("abc-123")])
        var explicit = HTTPRequest.get("https://opcon.test/api/tokens")
        explicit.setHeader("authorization", "Token other")
        _ = try await client.send(.get("https://opcon.test/api/tokens"))
        _ = try await client.send(explicit)
        #expect(transport.requests[0].header("Authorization") == "Token abc-123")
        #expect(transport.requests[1].header("Authorization") == "Token other")
        #expect(transport.requests[1].headers.count == 1)
    }

    @Test("an OpCon token given with its 'Token ' prefix is sent once", arguments: ["abc-123", "Token abc-123", " token  abc-123 "])
    func tokenPrefix(_ configured: String) {
        #expect(HeaderMiddleware.opConToken(configured).headers["Authorization"] == "Token abc-123")
    }

    @Test("basic authentication is user:password in base64")
    func basicAuthentication() {
        #expect(
            HeaderMiddleware.basicAuthentication(user: "admin", password: "secret").headers["Authorization"] == "Basic YWRtaW46c2VjcmV0")
    }

    @Test("each exchange is logged with method, URL, status and duration, secrets masked and credentials redacted")
    func logsExchange() async throws {
        let sink = MemoryLogSink()
        let transport = ScriptedTransport { _ in .json(200, "{\"echo\":\"\(secret)\"}") }
        let client = HTTPClient(transport: transport, middlewares: [DebugLoggingMiddleware(logger: debugLogger(sink))])
        var request = HTTPRequest(
            method: .post, url: URL(string: "https://snow.test/api/now/table/incident")!,
            headers: ["Authorization": "Basic dXNlcjpodW50ZXIy", "Content-Type": "application/json"],
            body: Data("{\"password\":\"\(secret)\"}".utf8))
        request.setHeader("Proxy-Authorization", "Basic cHJveHk6cHc=")
        _ = try await client.send(request)

        let log = sink.messages.joined(separator: "\n")
        #expect(log.contains("POST https://snow.test/api/now/table/incident -> 200 in "))
        #expect(log.contains(" ms"))
        #expect(log.contains("Content-Type: application/json"))
        #expect(log.contains("Authorization: [redacted]"))
        #expect(log.contains("{\"password\":\"****\"}"))
        #expect(log.contains("{\"echo\":\"****\"}"))
        #expect(!log.contains(secret))
        #expect(!log.contains("dXNlcjpodW50ZXIy"))
        #expect(!log.contains("cHJveHk6cHc="))
    }

    @Test("bodies are cut at 2 KiB without splitting a character")
    func cutsBodies() async throws {
        let sink = MemoryLogSink()
        let body = String(repeating: "a", count: 2047) + String(repeating: "é", count: 3000)
        let transport = ScriptedTransport { _ in .json(200, body) }
        let client = HTTPClient(transport: transport, middlewares: [DebugLoggingMiddleware(logger: debugLogger(sink))])
        _ = try await client.send(.get("https://opcon.test/api/version"))

        let entry = try #require(sink.messages.first { $0.contains("response body") })
        let excerpt = try #require(entry.components(separatedBy: "response body: ").last)
        let kept = try #require(excerpt.components(separatedBy: "… [").first)
        // 2047 ASCII bytes fit; the next character is two bytes and would cross the limit.
        #expect(kept == String(repeating: "a", count: 2047))
        #expect(excerpt.hasSuffix("[\(body.utf8.count - 2047) more bytes not logged]"))
    }

    @Test("a secret that straddles the 2 KiB cut is masked, not half-written")
    func masksBeforeCutting() async throws {
        let sink = MemoryLogSink()
        let body = String(repeating: "x", count: 2040) + secret + String(repeating: "y", count: 100)
        let transport = ScriptedTransport { _ in .json(200, body) }
        let client = HTTPClient(transport: transport, middlewares: [DebugLoggingMiddleware(logger: debugLogger(sink))])
        _ = try await client.send(.get("https://opcon.test/api/version"))
        let log = sink.messages.joined(separator: "\n")
        #expect(!log.contains(String(secret.prefix(8))))
        #expect(log.contains("****"))
    }

    @Test("failed exchanges are logged with the error")
    func logsFailures() async throws {
        let sink = MemoryLogSink()
        let transport = ScriptedTransport { _ in
            throw TransportError.connectionFailed(host: "opcon.test", reason: "the connection was refused")
        }
        let client = HTTPClient(transport: transport, middlewares: [DebugLoggingMiddleware(logger: debugLogger(sink))])
        await #expect(throws: TransportError.self) { try await client.send(.get("https://opcon.test/api/version")) }
        #expect(sink.messages.contains { $0.contains("GET https://opcon.test/api/version failed after") && $0.contains("refused") })
    }

    @Test("nothing is logged unless the logger is at debug level")
    func quietUnlessDebug() async throws {
        let sink = MemoryLogSink()
        let transport = ScriptedTransport { _ in .json(200, "{}") }
        let client = HTTPClient(transport: transport, middlewares: [DebugLoggingMiddleware(logger: debugLogger(sink, level: .info))])
        _ = try await client.send(.get("https://opcon.test/api/version"))
        #expect(sink.entries.isEmpty)
        #expect(transport.requests.count == 1)
    }
}

@Suite("explain's write capture")
struct WriteCaptureTests {
    @Test("reads go through; writes are recorded in order and answered 200 {} without reaching the transport")
    func capture() async throws {
        let sent = Recorder<Int>(0)
        let capture = WriteCapture()
        let client = HTTPClient(
            transport: ScriptedTransport { _ in
                _ = sent.next()
                return .json(200, "[]")
            }, middlewares: [capture])
        _ = try await client.send(.get("https://itsm.example/api/tickets"))
        _ = try await client.send(.post("https://itsm.example/api/search", retrySafe: true))
        let answer = try await client.send(.post("https://itsm.example/api/tickets"))
        _ = try await client.send(HTTPRequest(method: .put, url: URL(string: "https://itsm.example/api/tickets/1")!))
        #expect(sent.next() == 2)
        #expect(answer.status == 200 && answer.bodyText == "{}")
        #expect(capture.captured.map(\.method) == [.post, .put])
    }
}
