import Foundation

/// How often and how patiently to retry.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in total, the first included.
    public var maxAttempts: Int
    /// The backoff ceiling before the first retry; it doubles with every further retry.
    public var baseDelay: Double
    /// No computed backoff is longer than this (a server's `Retry-After` may be).
    public var maxDelay: Double

    public init(maxAttempts: Int = 4, baseDelay: Double = 0.2, maxDelay: Double = 5) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    public static let standard = RetryPolicy()
}

/// Retries requests that failed for a passing reason (SPEC §7.3): connection errors, timeouts and HTTP 429,
/// 502, 503, 504. The delay is exponential backoff with full jitter, or the server's `Retry-After` when it sent
/// one, and a retry never starts if its wait would end past the run's deadline.
///
/// Only idempotent requests are retried after connection errors, timeouts and 5xx: the server may have acted on
/// a POST before the connection broke or the gateway gave up, and a second POST could open a second ticket.
/// A 429 is different: the server refused the request without processing it, so even a plain POST is retried.
public struct RetryMiddleware: ClientMiddleware {
    /// Waits the given number of seconds; tests inject one that records the delays instead.
    public typealias Sleep = @Sendable (Double) async throws -> Void
    /// A uniformly random number in `0...upperBound`.
    public typealias Random = @Sendable (_ upperBound: Double) -> Double

    public let policy: RetryPolicy
    public let deadline: Deadline
    private let sleep: Sleep
    private let random: Random
    private let now: @Sendable () -> Date
    private let logger: Logger

    public init(policy: RetryPolicy = .standard, deadline: Deadline, logger: Logger = .silent,
                sleep: @escaping Sleep = RetryMiddleware.taskSleep,
                random: @escaping Random = { Double.random(in: 0...max(0, $0)) },
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.policy = policy
        self.deadline = deadline
        self.logger = logger
        self.sleep = sleep
        self.random = random
        self.now = now
    }

    /// Sleeps with `Task.sleep`, so a cancelled run stops waiting at once.
    public static let taskSleep: Sleep = { seconds in
        try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
    }

    /// The statuses that mean "try again later".
    public static let retryableStatuses: Set<Int> = [429, 502, 503, 504]

    public func intercept(
        _ request: HTTPRequest,
        next: @Sendable (HTTPRequest) async throws -> HTTPResponse
    ) async throws -> HTTPResponse {
        var attempt = 1
        while true {
            let outcome: Result<HTTPResponse, any Error>
            do { outcome = .success(try await next(request)) } catch { outcome = .failure(error) }

            guard attempt < policy.maxAttempts, let (delay, reason) = retryDelay(after: outcome, of: request, attempt: attempt),
                  delay < deadline.remaining
            else { return try outcome.get() }

            logger.info("Retrying \(request.method.rawValue) \(request.url.absoluteString) in \(Self.milliseconds(delay)) ms "
                + "after \(reason) (attempt \(attempt + 1) of \(policy.maxAttempts)).")
            try await sleep(delay)
            attempt += 1
        }
    }

    /// The wait before the next attempt and why, or nil when this outcome must not be retried.
    private func retryDelay(after outcome: Result<HTTPResponse, any Error>, of request: HTTPRequest,
                            attempt: Int) -> (Double, String)? {
        switch outcome {
        case .success(let response):
            guard Self.retryableStatuses.contains(response.status) else { return nil }
            guard request.isIdempotent || response.status == 429 else { return nil }
            let serverDelay = RetryAfter.delay(from: response.header("Retry-After"), now: now())
            return (serverDelay ?? backoff(attempt: attempt), "HTTP \(response.status)")
        case .failure(let error):
            guard request.isIdempotent, let transportError = error as? TransportError else { return nil }
            switch transportError {
            case .connectionFailed, .timedOut: return (backoff(attempt: attempt), transportError.description)
            // A certificate does not become trusted by waiting.
            case .tlsFailure: return nil
            }
        }
    }

    /// Full jitter: uniformly random between 0 and the capped exponential ceiling.
    private func backoff(attempt: Int) -> Double {
        let ceiling = min(policy.maxDelay, policy.baseDelay * pow(2, Double(attempt - 1)))
        return min(ceiling, max(0, random(ceiling)))
    }

    private static func milliseconds(_ seconds: Double) -> Int { Int((seconds * 1000).rounded()) }
}
