import ConnectorKit
import Foundation

/// How this backend paces the creates it sends again itself (`IncidentCreation.swift`).
///
/// The shared `RetryMiddleware` repeats a POST only after a 429, which proves nothing landed. A create that failed
/// otherwise (5xx, a broken connection) is repeated here, and only after a correlation lookup shows it did not land.
/// The wait is the longer of the answer's `Retry-After` and a backoff, and attempts go on while that wait ends inside
/// the run's deadline (SPEC §7.1 sends an event to the outbox only for "5xx or 429 beyond the deadline"), up to
/// `maxPostAttempts` so that a server failing fast is not hammered.
extension ServiceNowBackend {
    /// The wait before the next attempt, once `attempt` attempts have failed.
    static func delay(afterAttempt attempt: Int, retryAfter: Double?) -> Double {
        max(retryAfter ?? 0, backoff(afterAttempt: attempt))
    }

    /// 0.5 s, doubling, at most 8 s. Fixed rather than jittered: one run sends one such POST at a time, and a server
    /// spreading a rate-limited crowd does so with `Retry-After`, which wins when it is longer.
    static func backoff(afterAttempt attempt: Int) -> Double {
        min(8, 0.5 * pow(2, Double(min(max(attempt, 1), 16) - 1)))
    }

    /// Why no further attempt follows `attempt` failed ones and a wait of `delay`, or nil when one may.
    func reasonToStop(afterAttempt attempt: Int, delay: Double) -> String? {
        let attempts = attempt == 1 ? "1 attempt" : "\(attempt) attempts"
        guard attempt < maxPostAttempts else { return "gave up after \(attempts)" }
        let remaining = deadline.remaining
        guard delay < remaining else {
            return "gave up after \(attempts): the next, \(Self.seconds(delay)) s from now, would be past the run's deadline (\(Self.seconds(remaining)) s left)"
        }
        return nil
    }

    /// Waits between attempts; a cancelled run stops waiting at once.
    func wait(seconds: Double) async throws(ConnectorError) {
        do {
            try await pause(seconds)
        } catch {
            throw ServiceFailure.map(error, service: service)
        }
    }

    /// Seconds for messages: `0.5`, `30`.
    static func seconds(_ value: Double) -> String {
        let tenths = (value * 10).rounded() / 10
        return tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)
    }
}
