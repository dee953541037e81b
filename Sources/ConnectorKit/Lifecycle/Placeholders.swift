import Foundation

/// A template texts' placeholder syntax: how `attributes` values and texts name the failure's values. ConnectorKit
/// ships the SMA ServiceNow syntax, which other backends reuse; a plugin with its own defines it (Summit's `@EV_`).
public struct PlaceholderSyntax: Sendable {
    private let expander: @Sendable (String, PlaceholderValues) -> String

    public init(expand: @escaping @Sendable (String, PlaceholderValues) -> String) {
        self.expander = expand
    }

    public func expand(_ text: String, event: FailureEvent, job: DailyJob, timeZone: TimeZone) -> String {
        expander(text, PlaceholderValues(event: event, job: job, timeZone: timeZone))
    }

    /// `{0}` schedule, `{1}` job, `{2}` agent, `{3}` termination, `{4}` failure time `dd-MM-yyyy HH:mm` local, `{5}` the
    /// job's `uniqueJobId`, else `jobNumber` (the SMA ServiceNow connector's, and Jira's).
    public static let indexed = PlaceholderSyntax { text, values in
        let ordered = [
            values.event.schedule, values.event.job, values.event.agent, values.event.termination, values.failureTime,
            values.job.uniqueJobID ?? values.job.jobNumber.map(String.init) ?? "",
        ]
        var result = text
        for (index, value) in ordered.enumerated() {
            result = result.replacingOccurrences(of: "{\(index)}", with: value)
        }
        return result
    }
}

/// What a placeholder can stand for: one failure, its job, and the zone times are written in.
public struct PlaceholderValues: Sendable {
    public var event: FailureEvent
    public var job: DailyJob
    public var timeZone: TimeZone

    /// The failure time as `dd-MM-yyyy HH:mm` in the run's zone.
    public var failureTime: String { Placeholders.failureTime(event.failedAt, timeZone: timeZone) }
}

public enum Placeholders {
    /// `dd-MM-yyyy HH:mm` in the given zone (the SMA ServiceNow connector's `{4}`).
    public static func failureTime(_ date: Date, timeZone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "dd-MM-yyyy HH:mm"
        return formatter.string(from: date)
    }
}
