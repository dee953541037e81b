import Foundation
@testable import ConnectorKit

/// A transport that answers with a closure and records every request it was given.
final class ScriptedTransport: ClientTransport, @unchecked Sendable {
    typealias Handler = @Sendable (HTTPRequest) async throws -> HTTPResponse
    private let lock = NSLock()
    private var recorded: [HTTPRequest] = []
    private let handler: Handler

    init(_ handler: @escaping Handler) { self.handler = handler }

    /// Answers with `outcomes` in order; the last one repeats.
    convenience init(sequence outcomes: [Result<HTTPResponse, TransportError>]) {
        let counter = Counter()
        self.init { _ in
            let index = min(counter.next(), outcomes.count - 1)
            return try outcomes[index].get()
        }
    }

    var requests: [HTTPRequest] { lock.withLock { recorded } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        lock.withLock { recorded.append(request) }
        return try await handler(request)
    }
}

/// A thread-safe counter starting at 0.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    /// Returns the current value and increments it.
    func next() -> Int { lock.withLock { defer { value += 1 }; return value } }
}

/// A monotonic clock the test advances by hand (for `Deadline`).
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds: Double = 1000

    var now: Deadline.Clock { { [self] in lock.withLock { seconds } } }
    func advance(_ delta: Double) { lock.withLock { seconds += delta } }
}

/// Keeps every log entry in memory.
final class MemoryLogSink: LogSink, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [LogEntry] = []
    func write(_ entry: LogEntry) { lock.withLock { stored.append(entry) } }
    var entries: [LogEntry] { lock.withLock { stored } }
    var messages: [String] { entries.map(\.message) }
}

/// Records the delays a retry or a poll would have slept.
final class SleepRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [Double] = []
    private let clock: ManualClock?

    init(advancing clock: ManualClock? = nil) { self.clock = clock }

    var sleep: RetryMiddleware.Sleep {
        { [self] seconds in
            lock.withLock { recorded.append(seconds) }
            clock?.advance(seconds)
        }
    }
    var delays: [Double] { lock.withLock { recorded } }
}

extension HTTPResponse {
    static func json(_ status: Int, _ text: String, headers: [String: String] = [:]) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers.merging(["Content-Type": "application/json"]) { first, _ in first },
                     body: Data(text.utf8))
    }

    static func json(_ status: Int, _ value: JSONValue) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: value.data())
    }
}

extension HTTPRequest {
    static func get(_ url: String) -> HTTPRequest { HTTPRequest(method: .get, url: URL(string: url)!) }
    static func post(_ url: String, retrySafe: Bool = false) -> HTTPRequest {
        HTTPRequest(method: .post, url: URL(string: url)!, body: Data("{}".utf8), isRetrySafe: retrySafe)
    }

    /// The body parsed as JSON (tests only send JSON).
    var jsonBody: JSONValue? { body.flatMap { try? JSONValue.parse($0) } }
}
