import Foundation
import Testing
@testable import ConnectorKit
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("URLSession transport")
struct HTTPTransportTests {
    @Test("a refused port is a connection failure")
    func refused() async throws {
        let (port, release) = LoopbackServer.refusedPort()
        defer { release() }
        let transport = URLSessionTransport(timeoutSeconds: 5)
        do {
            _ = try await transport.send(.get("http://127.0.0.1:\(port)/api/version"))
            Issue.record("expected a connection failure")
        } catch let error as TransportError {
            guard case .connectionFailed(let host, _) = error else {
                Issue.record("expected connectionFailed, got \(error)")
                return
            }
            #expect(host == "127.0.0.1")
        }
    }

    @Test("an answer arrives with its status, headers and body, and the request carries its method, headers and body")
    func roundTrip() async throws {
        let server = LoopbackServer(.respond("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-Test: yes\r\nContent-Length: 11\r\nConnection: close\r\n\r\n{\"id\":4711}"))
        defer { server.stop() }
        let transport = URLSessionTransport(timeoutSeconds: 5)
        let response = try await transport.send(HTTPRequest(method: .post, url: URL(string: "http://127.0.0.1:\(server.port)/api/jobactions")!,
                                                            headers: ["Content-Type": "application/json"], body: Data("{}".utf8)))
        #expect(response.status == 201)
        #expect(response.header("x-test") == "yes")
        #expect(response.bodyText == "{\"id\":4711}")
    }

    @Test("a redirect is returned, not followed, so credentials stay with the host they were meant for")
    func redirectsAreNotFollowed() async throws {
        let server = LoopbackServer(.respond("HTTP/1.1 302 Found\r\nLocation: http://elsewhere.invalid/steal\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
        defer { server.stop() }
        let response = try await URLSessionTransport(timeoutSeconds: 5).send(.get("http://127.0.0.1:\(server.port)/api/version"))
        #expect(response.status == 302)
        #expect(response.header("Location") == "http://elsewhere.invalid/steal")
    }

    @Test("the deadline ends a request to a server that accepts the connection and never answers")
    func hungServer() async throws {
        let server = LoopbackServer(.hang)
        defer { server.stop() }
        let client = HTTPClient(transport: URLSessionTransport(timeoutSeconds: 30), middlewares: [
            DeadlineMiddleware(deadline: Deadline(seconds: 0.3), requestTimeout: 30),
        ])
        let error = await #expect(throws: TransportError.self) {
            try await client.send(.get("http://127.0.0.1:\(server.port)/api/version"))
        }
        guard case .timedOut(let host, _) = error else {
            Issue.record("expected a timeout, got \(String(describing: error))")
            return
        }
        #expect(host == "127.0.0.1")
    }

    @Test("the deadline hands each request its limit: TIMEOUT_SECONDS, or the time left when that is less")
    func limitHandedToTheRequest() async throws {
        let transport = ScriptedTransport { _ in .json(200, "{}") }
        let client = HTTPClient(transport: transport, middlewares: [DeadlineMiddleware(deadline: Deadline(seconds: 120), requestTimeout: 30)])
        _ = try await client.send(.get("https://opcon.test/api/version"))
        #expect(transport.requests.first?.timeout == 30)
        let short = ScriptedTransport { _ in .json(200, "{}") }
        _ = try await HTTPClient(transport: short, middlewares: [DeadlineMiddleware(deadline: Deadline(seconds: 5), requestTimeout: 30)])
            .send(.get("https://opcon.test/api/version"))
        let limit = try #require(short.requests.first?.timeout)
        #expect(limit <= 5 && limit > 4)
    }

    @Test("the transport ends a request at the request's own limit, whatever its own timeout, without any middleware")
    func transportHonoursTheRequestLimit() async throws {
        let server = LoopbackServer(.hang)
        defer { server.stop() }
        var request = HTTPRequest.get("http://127.0.0.1:\(server.port)/api/version")
        request.timeout = 1
        let started = Date()
        await #expect(throws: (any Error).self) { try await URLSessionTransport(timeoutSeconds: 30).send(request) }
        #expect(Date().timeIntervalSince(started) < 15, "the request waited for the transport's 30 s, not its own 1 s")
    }

    @Test("URLSession errors map to transport errors; Linux's self-signed certificate error is a TLS failure")
    func errorMapping() {
        func map(_ code: URLError.Code, _ text: String? = nil) -> any Error {
            let info = text.map { [NSLocalizedDescriptionKey: $0] } ?? [:]
            return TransportErrorMapping.map(URLError(code, userInfo: info), host: "opcon.test", timeout: 30)
        }
        #expect(map(.timedOut) as? TransportError == .timedOut(host: "opcon.test", seconds: 30))
        #expect(map(.cannotConnectToHost) as? TransportError == .connectionFailed(host: "opcon.test", reason: "the connection was refused"))
        #expect(map(.cannotFindHost) as? TransportError == .connectionFailed(host: "opcon.test", reason: "the host name could not be resolved"))
        #expect(map(.cancelled) is CancellationError)
        if case .tlsFailure = map(.serverCertificateUntrusted) as? TransportError {} else { Issue.record("untrusted certificate") }
        let linux = map(.unknown, "SSL certificate problem: self-signed certificate")
        #expect(linux as? TransportError == .tlsFailure(host: "opcon.test", reason: "SSL certificate problem: self-signed certificate"))
    }

    @Test("the proxy settings become URLSession keys and libcurl environment variables")
    func proxy() {
        var proxy = ConnectorConfig.Proxy()
        proxy.host = "proxy.corp"
        proxy.port = 3128
        #expect(ProxySettings.proxyURL(for: proxy) == nil) // configured but not switched on

        proxy.enabled = true
        #expect(ProxySettings.proxyURL(for: proxy) == "http://proxy.corp:3128")
        #expect(ProxySettings.environment(for: proxy) == ["http_proxy": "http://proxy.corp:3128", "https_proxy": "http://proxy.corp:3128"])
        let keys = ProxySettings.connectionProxyDictionary(for: proxy)
        #expect(keys?["HTTPSProxy"] as? String == "proxy.corp")
        #expect(keys?["HTTPSPort"] as? Int == 3128)
        #expect(keys?["HTTPProxy"] as? String == "proxy.corp")

        proxy.host = "http://proxy.corp:8080"
        #expect(ProxySettings.proxyURL(for: proxy) == "http://proxy.corp:8080")
    }
}
