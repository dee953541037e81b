import ConnectorTesting
import Foundation
import Testing

@testable import ConnectorKit

@Suite("HTTP deadline")
struct HTTPDeadlineTests {
    @Test("remaining time counts down on the injected clock and never goes negative")
    func countsDown() {
        let clock = ManualClock()
        let deadline = Deadline(seconds: 10, clock: clock.now)
        #expect(deadline.remaining == 10)
        #expect(!deadline.hasPassed)
        clock.advance(4)
        #expect(deadline.remaining == 6)
        #expect(deadline.elapsed == 4)
        clock.advance(7)
        #expect(deadline.remaining == 0)
        #expect(deadline.hasPassed)
    }

    @Test("a request to a server that never answers ends with a timeout")
    func endsHungRequest() async throws {
        let transport = ScriptedTransport { _ in
            try await Task.sleep(nanoseconds: 60_000_000_000)
            return .json(200, "{}")
        }
        let client = HTTPClient(
            transport: transport,
            middlewares: [
                DeadlineMiddleware(deadline: Deadline(seconds: 0.2), requestTimeout: 30)
            ])
        let error = await #expect(throws: TransportError.self) {
            try await client.send(.get("https://opcon.test:9010/api/version"))
        }
        guard case .timedOut(let host, let seconds) = error else {
            Issue.record("expected a timeout, got \(String(describing: error))")
            return
        }
        #expect(host == "opcon.test")
        // Bounded by what was left of the 0.2 s budget when the request started.
        #expect(seconds <= 0.2)
    }

    @Test("the per-request timeout applies when it is shorter than the time left")
    func perRequestTimeout() async throws {
        let transport = ScriptedTransport { _ in
            try await Task.sleep(nanoseconds: 60_000_000_000)
            return .json(200, "{}")
        }
        let client = HTTPClient(
            transport: transport,
            middlewares: [
                DeadlineMiddleware(deadline: Deadline(seconds: 120), requestTimeout: 0.1)
            ])
        await #expect(throws: TransportError.timedOut(host: "opcon.test", seconds: 0.1)) {
            try await client.send(.get("https://opcon.test:9010/api/version"))
        }
    }

    @Test("once the deadline has passed no request is sent")
    func failsFast() async throws {
        let clock = ManualClock()
        let deadline = Deadline(seconds: 5, clock: clock.now)
        clock.advance(6)
        let transport = ScriptedTransport { _ in .json(200, "{}") }
        let client = HTTPClient(transport: transport, middlewares: [DeadlineMiddleware(deadline: deadline, requestTimeout: 30)])
        await #expect(throws: TransportError.timedOut(host: "opcon.test", seconds: 5)) {
            try await client.send(.get("https://opcon.test:9010/api/version"))
        }
        #expect(transport.requests.isEmpty)
    }

    @Test("a prompt answer passes through unchanged")
    func passesAnswers() async throws {
        let transport = ScriptedTransport { _ in .json(201, "{\"ok\":true}") }
        let client = HTTPClient(transport: transport, middlewares: [DeadlineMiddleware(deadline: Deadline(seconds: 5), requestTimeout: 5)])
        let response = try await client.send(.get("https://opcon.test:9010/api/version"))
        #expect(response.status == 201)
        #expect(response.bodyText == "{\"ok\":true}")
    }

    @Test("the whole stack gives up at the deadline instead of retrying a hung server")
    func stackStopsAtDeadline() async throws {
        let transport = ScriptedTransport { _ in
            try await Task.sleep(nanoseconds: 60_000_000_000)
            return .json(200, "{}")
        }
        let http = HTTPStack.make(
            config: ConnectorConfig(), deadline: Deadline(seconds: 0.3), logger: .silent,
            transport: transport, sleep: { _ in })
        await #expect(throws: TransportError.self) { try await http.send(.get("https://opcon.test:9010/api/version")) }
        // The first attempt used the whole budget; the retry middleware did not start another.
        #expect(transport.requests.count == 1)
    }
}
