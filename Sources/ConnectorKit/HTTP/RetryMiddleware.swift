import Foundation

/// How often and how patiently to retry.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in total, the first included, when the server names no wait: the exponential backoff is our guess,
    /// and a few guesses are enough. A server that sends `Retry-After` is waited for as long as the deadline allows.
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

    /// The capped exponential ceiling of the `retry`-th guessed wait (1 for the first retry).
    public func ceiling(retry: Int) -> Double {
        min(maxDelay, baseDelay * pow(2, Double(min(max(retry, 1), 30) - 1)))
    }

    /// The `retry`-th guessed wait: with `jitter`, uniformly random up to the ceiling (full jitter, so a crowd of
    /// clients spreads out); without, the ceiling itself.
    public func backoff(retry: Int, jitter: Bool = true) -> Double {
        let ceiling = ceiling(retry: retry)
        return jitter ? Double.random(in: 0...ceiling) : ceiling
    }
}

/// Retries requests that failed for a passing reason (SPEC §7.3): connection errors, timeouts and HTTP 429,
/// 502, 503, 504.
///
/// Two kinds of retry, bounded differently:
/// - The answer carries `Retry-After`: the server said when to come back, so the request is repeated after that
///   wait for as long as the wait ends inside the run's deadline, however many attempts that takes (SPEC §7.1
///   sends an event to the outbox only for "5xx or 429 beyond the deadline"). A wait is never shorter than
///   `baseDelay`, so a server answering `Retry-After: 0` cannot make this spin.
/// - No `Retry-After` (or a connection error, a timeout): exponential backoff with full jitter, at most
///   `maxAttempts` attempts in all, and never past the deadline either.
///
/// A 429 is retried whatever the method: the server turned the request away before doing anything with it
/// (ServiceNow's rate limiter, servicenow-api.md §1.7; RFC 6585), so sending it again cannot act twice, and SPEC
/// §7.1 queues an event only for "429 beyond the deadline". So is a request that never left this machine (a refused
/// connection). Everything else is retried only for idempotent requests (GET, PUT, PATCH, DELETE and POSTs marked
/// retry-safe): a plain POST may have acted before the connection broke or the gateway gave up, and a second one could
/// open a second ticket (`ServiceClient.create` repeats a create only after its landing check; SPEC §6.2).
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

    public init(
        policy: RetryPolicy = .standard, deadline: Deadline, logger: Logger = .silent,
        sleep: @escaping Sleep = RetryMiddleware.taskSleep,
        random: @escaping Random = { Double.random(in: 0...max(0, $0)) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
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
        // Only retries whose wait we guessed count against maxAttempts; waits the server named are bounded by the deadline.
        var guessedRetries = 0
        while true {
            let outcome: Result<HTTPResponse, any Error>
            do { outcome = .success(try await next(request)) } catch { outcome = .failure(error) }

            guard let retry = plannedRetry(after: outcome, of: request, guessedRetries: guessedRetries),
                retry.delay < deadline.remaining
            else { return try outcome.get() }

            let bound =
                retry.serverNamedWait
                ? "\(Self.milliseconds(deadline.remaining)) ms left before the deadline"
                : "at most \(policy.maxAttempts) attempts"
            logger.info(
                "Retrying \(request.method.rawValue) \(request.url.absoluteString) in \(Self.milliseconds(retry.delay)) ms "
                    + "after \(retry.reason) (attempt \(attempt + 1); \(bound)).")
            try await sleep(retry.delay)
            attempt += 1
            if !retry.serverNamedWait { guessedRetries += 1 }
        }
    }

    /// One planned retry: how long to wait first, why, and whether the server named the wait (`Retry-After`).
    private struct PlannedRetry {
        var delay: Double
        var reason: String
        var serverNamedWait: Bool
    }

    /// The retry that follows this outcome, or nil when it must not be retried (or the backoff attempts are spent).
    private func plannedRetry(
        after outcome: Result<HTTPResponse, any Error>, of request: HTTPRequest,
        guessedRetries: Int
    ) -> PlannedRetry? {
        let backoffAllowed = guessedRetries + 1 < policy.maxAttempts
        switch outcome {
        case .success(let response):
            guard Self.retryableStatuses.contains(response.status), request.isIdempotent || response.status == 429 else { return nil }
            let reason = "HTTP \(response.status)"
            if let serverDelay = RetryAfter.delay(from: response.header("Retry-After"), now: now()) {
                return PlannedRetry(delay: max(serverDelay, policy.baseDelay), reason: reason, serverNamedWait: true)
            }
            guard backoffAllowed else { return nil }
            return PlannedRetry(delay: backoff(retry: guessedRetries + 1), reason: reason, serverNamedWait: false)
        case .failure(let error):
            guard backoffAllowed, let transportError = error as? TransportError else { return nil }
            switch transportError {
            // A request that never left this machine can be sent again whatever its method.
            case .notConnected:
                return PlannedRetry(delay: backoff(retry: guessedRetries + 1), reason: transportError.description, serverNamedWait: false)
            case .connectionFailed, .timedOut:
                guard request.isIdempotent else { return nil }
                return PlannedRetry(delay: backoff(retry: guessedRetries + 1), reason: transportError.description, serverNamedWait: false)
            // A certificate does not become trusted by waiting.
            case .tlsFailure: return nil
            }
        }
    }

    /// Full jitter: uniformly random between 0 and the capped exponential ceiling of the `retry`-th guessed wait.
    private func backoff(retry: Int) -> Double {
        let ceiling = policy.ceiling(retry: retry)
        return min(ceiling, max(0, random(ceiling)))
    }

    private static func milliseconds(_ seconds: Double) -> Int { Int((seconds * 1000).rounded()) }
}
