import ConnectorKit
import Foundation

/// The POSTs this backend sends again itself, and how long it waits first.
///
/// The shared `RetryMiddleware` never repeats a POST: in general a second one could act twice. ServiceNow's answers
/// say when a repeat is safe. A 429 is its rate limiter turning the request away before processing it
/// (servicenow-api.md §1.7), so nothing landed; an unconfirmed create is repeated only after a correlation lookup
/// (`IncidentCreation.swift`). Either way the wait is the longer of the answer's `Retry-After` and a backoff, and
/// attempts go on while that wait ends inside the run's deadline (SPEC §7.1 sends an event to the outbox only for
/// "5xx or 429 beyond the deadline"), up to `maxPostAttempts` so that a server failing fast is not hammered.
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

    /// Sends a POST that is safe to send again after a 429 (an attachment), and returns the answer's JSON.
    func sendAgainWhenRateLimited(_ request: HTTPRequest, action: String) async throws(ConnectorError) -> JSONValue {
        var attempt = 1
        while true {
            let response: HTTPResponse
            do {
                response = try await http.send(request)
            } catch {
                throw ServiceFailure.map(error, service: service)
            }
            guard response.status == 429 else { return try ServiceNowAnswer.document(response, service: service, action: action) }
            let delay = Self.delay(afterAttempt: attempt, retryAfter: RetryAfter.delay(from: response.header("Retry-After"), now: Date()))
            if let stop = reasonToStop(afterAttempt: attempt, delay: delay) {
                let said = ServiceFailure.message(from: response.body).map { ": \($0)" } ?? ""
                throw .unavailable("\(service) could not \(action) (HTTP 429\(said)); \(stop).")
            }
            logger.info("\(service) turned the request to \(action) away (HTTP 429); sending it again in \(Self.seconds(delay)) s (attempt \(attempt + 1); \(Self.seconds(deadline.remaining)) s left before the deadline).")
            try await wait(seconds: delay)
            attempt += 1
        }
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
