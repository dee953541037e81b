import Foundation

/// Keeps every request inside the run's deadline: refuses to start once it has passed, and ends a request
/// after `min(per-request timeout, time left)` even when the server accepted the connection and never answers.
///
/// A transport's own timeout is not relied upon: URLSession's on Linux is an idle timer that restarts with every
/// byte, and a stub may have none. The request is raced against a timer in a task group; the loser is cancelled. A
/// task group waits for its children, so this needs transports that honour cancellation: `CurlTransport` stops at
/// its next transfer-info callback, `URLSessionTransport` cancels its data task.
public struct DeadlineMiddleware: ClientMiddleware {
    /// The run's budget.
    public let deadline: Deadline
    /// The per-request limit (`TIMEOUT_SECONDS`).
    public let requestTimeout: Double

    public init(deadline: Deadline, requestTimeout: Double) {
        self.deadline = deadline
        self.requestTimeout = requestTimeout
    }

    public func intercept(
        _ request: HTTPRequest,
        next: @Sendable (HTTPRequest) async throws -> HTTPResponse
    ) async throws -> HTTPResponse {
        let host = request.url.host ?? request.url.absoluteString
        let remaining = deadline.remaining
        guard remaining > 0 else {
            throw TransportError.timedOut(host: host, seconds: deadline.budget)
        }
        let limit = min(requestTimeout, remaining)
        var limited = request
        limited.timeout = limit
        // The group awaits both children before it returns, so `next` never outlives this call. Should a transport
        // miss the cancellation, the limit handed to it in `timeout` still ends the request about then.
        return try await withoutActuallyEscaping(next) { next in
            try await withThrowingTaskGroup(of: HTTPResponse.self) { group in
                group.addTask { [limited] in try await next(limited) }
                group.addTask {
                    try await Task.sleep(nanoseconds: UInt64(limit * 1_000_000_000))
                    throw TransportError.timedOut(host: host, seconds: limit)
                }
                defer { group.cancelAll() }
                guard let first = try await group.next() else {
                    throw TransportError.timedOut(host: host, seconds: limit)
                }
                return first
            }
        }
    }
}
