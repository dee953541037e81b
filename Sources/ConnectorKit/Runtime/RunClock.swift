import Foundation

/// The run's notion of "now". `CONNECTOR_NOW` (ISO 8601, e.g. `2026-11-23T06:59:00+01:00`) pins it, so an operator
/// can replay a failure "as of" a moment and tests can check working hours and once-per-day windows from outside.
public enum RunClock {
    public static func now(environment: [String: String]) throws(ConnectorError) -> @Sendable () -> Date {
        guard let pinned = environment["CONNECTOR_NOW"], !pinned.isEmpty else { return { Date() } }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: pinned) else {
            throw .usage("CONNECTOR_NOW must be an ISO 8601 date-time such as 2026-11-23T06:59:00+01:00, found \"\(pinned)\".")
        }
        return { date }
    }
}
