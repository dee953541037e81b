import ConnectorTesting
import Foundation
import Testing

@testable import ConnectorKit

@Suite("HTTP retries")
struct HTTPRetryTests {
    let url = "https://opcon.test:9010/api/dailyjobs"

    /// A client with only the retry middleware; jitter always picks the ceiling so delays are predictable.
    func client(
        _ transport: ScriptedTransport, sleeper: SleepRecorder, deadline: Deadline = Deadline(seconds: 120),
        now: Date = Date()
    ) -> HTTPClient {
        HTTPClient(
            transport: transport,
            middlewares: [
                RetryMiddleware(deadline: deadline, sleep: sleeper.sleep, random: { $0 }, now: { now })
            ])
    }

    @Test("a GET answered 503 is retried with exponential backoff until it succeeds")
    func backoff() async throws {
        let transport = ScriptedTransport([.json(503, ""), .json(503, ""), .json(200, "[]")])
        let sleeper = SleepRecorder()
        let response = try await client(transport, sleeper: sleeper).send(.get(url))
        #expect(response.status == 200)
        #expect(transport.requests.count == 3)
        #expect(sleeper.delays == [0.2, 0.4])
    }

    @Test("jitter is drawn between zero and the capped ceiling", arguments: [1, 2, 3, 4, 5, 6])
    func jitterBounds(attempts: Int) async throws {
        let transport = ScriptedTransport([], then: .json(503, ""))
        let sleeper = SleepRecorder()
        let ceilings = Recorder<[Double]>()
        let middleware = RetryMiddleware(
            policy: RetryPolicy(maxAttempts: attempts + 1), deadline: Deadline(seconds: 120),
            sleep: sleeper.sleep,
            random: {
                ceilings.record($0)
                return $0 / 2
            })
        _ = try await HTTPClient(transport: transport, middlewares: [middleware]).send(.get(url))
        let expected = (1...attempts).map { min(5, 0.2 * pow(2, Double($0 - 1))) }
        #expect(ceilings.current == expected)
        #expect(sleeper.delays == expected.map { $0 / 2 })
    }

    @Test("429, 502, 503 and 504 are retried for a GET", arguments: [429, 502, 503, 504])
    func retryableStatuses(status: Int) async throws {
        let transport = ScriptedTransport([.json(status, ""), .json(200, "{}")])
        let response = try await client(transport, sleeper: SleepRecorder()).send(.get(url))
        #expect(response.status == 200)
        #expect(transport.requests.count == 2)
    }

    @Test("500, 400 and 404 are not retried", arguments: [500, 400, 404])
    func finalStatuses(status: Int) async throws {
        let transport = ScriptedTransport([.json(status, ""), .json(200, "{}")])
        let response = try await client(transport, sleeper: SleepRecorder()).send(.get(url))
        #expect(response.status == status)
        #expect(transport.requests.count == 1)
    }

    @Test("Retry-After in seconds is honoured instead of the backoff")
    func retryAfterSeconds() async throws {
        let transport = ScriptedTransport([.json(429, "", headers: ["Retry-After": "3"]), .json(200, "{}")])
        let sleeper = SleepRecorder()
        _ = try await client(transport, sleeper: sleeper).send(.get(url))
        #expect(sleeper.delays == [3])
    }

    @Test("Retry-After as an HTTP date is honoured")
    func retryAfterDate() async throws {
        let now = Date(timeIntervalSince1970: 784_111_770)  // Sun, 06 Nov 1994 08:49:30 GMT
        let transport = ScriptedTransport([
            .json(503, "", headers: ["Retry-After": "Sun, 06 Nov 1994 08:49:37 GMT"]), .json(200, "{}"),
        ])
        let sleeper = SleepRecorder()
        _ = try await client(transport, sleeper: sleeper, now: now).send(.get(url))
        #expect(sleeper.delays == [7])
    }

    @Test("a plain POST is never retried on 503")
    func postNotRetriedOn503() async throws {
        let transport = ScriptedTransport([.json(503, ""), .json(200, "{}")])
        let response = try await client(transport, sleeper: SleepRecorder()).send(.post(url))
        #expect(response.status == 503)
        #expect(transport.requests.count == 1)
    }

    @Test(
        "a plain POST is never retried after a connection error or a timeout",
        arguments: [TransportError.connectionFailed(host: "opcon.test", reason: "reset"), .timedOut(host: "opcon.test", seconds: 30)])
    func postNotRetriedOnTransportErrors(error: TransportError) async throws {
        let transport = ScriptedTransport([.failure(error), .json(200, "{}")])
        await #expect(throws: error) { try await client(transport, sleeper: SleepRecorder()).send(.post(url)) }
        #expect(transport.requests.count == 1)
    }

    @Test("a plain POST is not retried on 503, even with Retry-After: it may have acted")
    func postNotRetriedOn503WithRetryAfter() async throws {
        let transport = ScriptedTransport([.json(503, "", headers: ["Retry-After": "1"]), .json(201, "{}")])
        let sleeper = SleepRecorder()
        let response = try await client(transport, sleeper: sleeper).send(.post(url))
        #expect(response.status == 503)
        #expect(transport.requests.count == 1)
        #expect(sleeper.delays.isEmpty)
    }

    @Test("a plain POST answered 429 is sent again after Retry-After: the server did not process it")
    func postRetriedOn429() async throws {
        let transport = ScriptedTransport([.json(429, "", headers: ["Retry-After": "1"]), .json(201, "{}")])
        let sleeper = SleepRecorder()
        let response = try await client(transport, sleeper: sleeper).send(.post(url))
        #expect(response.status == 201)
        #expect(transport.requests.count == 2)
        #expect(sleeper.delays == [1])
    }

    @Test(
        "with Retry-After, retries go on past maxAttempts for as long as each wait ends inside the deadline",
        arguments: [429, 502, 503, 504])
    func retryAfterBoundedByDeadlineNotAttempts(status: Int) async throws {
        let clock = ManualClock()
        let deadline = Deadline(seconds: 120, clock: clock.now)
        let refusals = Array(repeating: ScriptedTransport.Answer.json(status, "", headers: ["Retry-After": "2"]), count: 10)
        let transport = ScriptedTransport(refusals + [.json(200, "{}")])
        let sleeper = SleepRecorder(advancing: clock)
        let response = try await client(transport, sleeper: sleeper, deadline: deadline).send(.get(url))
        #expect(response.status == 200)
        #expect(transport.requests.count == 11)
        #expect(sleeper.delays == Array(repeating: 2, count: 10))
    }

    @Test("with Retry-After, the retries stop at the first wait that would end past the deadline")
    func retryAfterStopsAtDeadline() async throws {
        let clock = ManualClock()
        let deadline = Deadline(seconds: 35, clock: clock.now)
        let transport = ScriptedTransport([], then: .json(429, "", headers: ["Retry-After": "10"]))
        let sleeper = SleepRecorder(advancing: clock)
        let response = try await client(transport, sleeper: sleeper, deadline: deadline).send(.get(url))
        #expect(response.status == 429)
        // 10 + 10 + 10 leave 5 s: the fourth wait of 10 s would end past the deadline.
        #expect(sleeper.delays == [10, 10, 10])
        #expect(transport.requests.count == 4)
    }

    @Test("waits named by Retry-After do not use up the backoff attempts, and the backoff restarts from its own count")
    func retryAfterDoesNotSpendBackoffAttempts() async throws {
        let clock = ManualClock()
        let deadline = Deadline(seconds: 120, clock: clock.now)
        let plain = ScriptedTransport.Answer.json(503, "")
        let named = ScriptedTransport.Answer.json(429, "", headers: ["Retry-After": "1"])
        let transport = ScriptedTransport([plain] + Array(repeating: named, count: 5), then: plain)
        let sleeper = SleepRecorder(advancing: clock)
        let response = try await client(transport, sleeper: sleeper, deadline: deadline).send(.get(url))
        // maxAttempts 4 allows three guessed waits (0.2, 0.4, 0.8); the five named ones come on top.
        #expect(response.status == 503)
        #expect(transport.requests.count == 1 + 5 + 3)
        #expect(sleeper.delays == [0.2, 1, 1, 1, 1, 1, 0.4, 0.8])
    }

    @Test("Retry-After: 0 still waits the base delay, so a server cannot make the retries spin")
    func retryAfterZeroHasAFloor() async throws {
        let transport = ScriptedTransport([.json(503, "", headers: ["Retry-After": "0"]), .json(200, "{}")])
        let sleeper = SleepRecorder()
        _ = try await client(transport, sleeper: sleeper).send(.get(url))
        #expect(sleeper.delays == [RetryPolicy.standard.baseDelay])
    }

    @Test("a POST marked retry-safe is retried on 503 and on connection errors")
    func retrySafePost() async throws {
        let transport = ScriptedTransport([
            .json(503, ""), .failure(TransportError.connectionFailed(host: "opcon.test", reason: "refused")), .json(200, "{}"),
        ])
        let response = try await client(transport, sleeper: SleepRecorder()).send(.post(url, retrySafe: true))
        #expect(response.status == 200)
        #expect(transport.requests.count == 3)
    }

    @Test("a GET is retried after a connection error, but not after a TLS failure")
    func transportErrorsForGet() async throws {
        let refused = ScriptedTransport([
            .failure(TransportError.connectionFailed(host: "opcon.test", reason: "refused")), .json(200, "{}"),
        ])
        #expect(try await client(refused, sleeper: SleepRecorder()).send(.get(url)).status == 200)

        let untrusted = TransportError.tlsFailure(host: "opcon.test", reason: "self-signed certificate")
        let tls = ScriptedTransport([.failure(untrusted), .json(200, "{}")])
        await #expect(throws: untrusted) { try await client(tls, sleeper: SleepRecorder()).send(.get(url)) }
        #expect(tls.requests.count == 1)
    }

    @Test("without Retry-After, after the last attempt the last answer is returned, with most of the deadline left")
    func maxAttempts() async throws {
        let transport = ScriptedTransport([], then: .json(503, ""))
        let response = try await client(transport, sleeper: SleepRecorder()).send(.get(url))
        #expect(response.status == 503)
        #expect(transport.requests.count == RetryPolicy.standard.maxAttempts)
    }

    @Test("no retry waits past the deadline, even when the server asks for it")
    func retryAfterBeyondDeadline() async throws {
        let clock = ManualClock()
        let deadline = Deadline(seconds: 10, clock: clock.now)
        let transport = ScriptedTransport([.json(503, "", headers: ["Retry-After": "30"]), .json(200, "{}")])
        let sleeper = SleepRecorder(advancing: clock)
        let response = try await client(transport, sleeper: sleeper, deadline: deadline).send(.get(url))
        #expect(response.status == 503)
        #expect(sleeper.delays.isEmpty)
        #expect(transport.requests.count == 1)
    }

    @Test("retries stop when the deadline runs out between attempts")
    func retriesStopAtDeadline() async throws {
        let clock = ManualClock()
        let deadline = Deadline(seconds: 5, clock: clock.now)
        // Each answer takes 2 s of the 5 s budget: after the second, the 0.5 s wait would end at the deadline.
        let transport = ScriptedTransport { _ in
            clock.advance(2)
            return .json(503, "", headers: ["Retry-After": "0.5"])
        }
        let sleeper = SleepRecorder(advancing: clock)
        let response = try await client(transport, sleeper: sleeper, deadline: deadline).send(.get(url))
        #expect(response.status == 503)
        #expect(transport.requests.count == 2)
        #expect(sleeper.delays == [0.5])
    }
}

@Suite("Retry-After parsing")
struct HTTPRetryAfterTests {
    let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT

    @Test("a number of seconds is the delay, with spaces around it or a fraction")
    func seconds() {
        #expect(RetryAfter.delay(from: "120", now: now) == 120)
        #expect(RetryAfter.delay(from: " 0 ", now: now) == 0)
        #expect(RetryAfter.delay(from: "1.5", now: now) == 1.5)
    }

    @Test("an HTTP date in any of its three formats is the time until that date; a date in the past is no wait")
    func dates() {
        #expect(RetryAfter.delay(from: "Sun, 06 Nov 1994 08:50:37 GMT", now: now) == 60)
        #expect(RetryAfter.delay(from: "Sunday, 06-Nov-94 08:49:47 GMT", now: now) == 10)
        #expect(RetryAfter.delay(from: "Sun Nov  6 08:49:57 1994", now: now) == 20)
        // A date in the past means "now".
        #expect(RetryAfter.delay(from: "Sun, 06 Nov 1994 08:00:00 GMT", now: now) == 0)
    }

    @Test("a missing, empty, negative or unreadable value gives no delay")
    func unreadable() {
        #expect(RetryAfter.delay(from: nil, now: now) == nil)
        #expect(RetryAfter.delay(from: "", now: now) == nil)
        #expect(RetryAfter.delay(from: "-5", now: now) == nil)
        #expect(RetryAfter.delay(from: "soon", now: now) == nil)
    }
}

@Suite("A request that never left the machine")
struct NotConnectedRetryTests {
    @Test("is sent again whatever its method, since nothing can have acted on it; a broken connection after sending is not")
    func plainPostsAreRetriedOnlyWhenNothingWasSent() async throws {
        let refused = ScriptedTransport(
            [.failure(TransportError.notConnected(host: "itsm", reason: "the connection was refused"))],
            then: .response(.json(201, "{}")))
        let retrying = HTTPClient(transport: refused, middlewares: [RetryMiddleware(deadline: Deadline(seconds: 60), sleep: { _ in })])
        #expect(try await retrying.send(.post("https://itsm/api/tickets")).status == 201)
        #expect(refused.requests.count == 2)

        let broken = ScriptedTransport(
            [.failure(TransportError.connectionFailed(host: "itsm", reason: "reset"))], then: .response(.json(201, "{}")))
        let client = HTTPClient(transport: broken, middlewares: [RetryMiddleware(deadline: Deadline(seconds: 60), sleep: { _ in })])
        await #expect(throws: TransportError.self) { _ = try await client.send(.post("https://itsm/api/tickets")) }
        #expect(broken.requests.count == 1)
    }
}
