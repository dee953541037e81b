import Foundation

/// The two placeholder syntaxes of the SMA templates.
public enum PlaceholderStyle: Sendable, Equatable {
    /// ServiceNow: `{0}` schedule, `{1}` job, `{2}` agent, `{3}` termination, `{4}` failure time
    /// `dd-MM-yyyy HH:mm` local, `{5}` the job's `uniqueJobId`, else `jobNumber`.
    case indexed
    /// Summit: `@EV_Agent`, `@EV_Date`, `@EV_errorcode`, `@EV_Job`, `@EV_Schedule`, matched without regard to case.
    case environment
}

/// Expands template texts for one failure.
public enum Placeholders {
    public static func expand(_ text: String, style: PlaceholderStyle, event: FailureEvent, job: DailyJob, timeZone: TimeZone) -> String {
        switch style {
        case .indexed:
            let values = [
                event.schedule, event.job, event.agent, event.termination,
                failureTime(event.failedAt, timeZone: timeZone),
                job.uniqueJobID ?? job.jobNumber.map(String.init) ?? "",
            ]
            var result = text
            for (index, value) in values.enumerated() {
                result = result.replacingOccurrences(of: "{\(index)}", with: value)
            }
            return result
        case .environment:
            let values: [(String, String)] = [
                ("@EV_Schedule", event.schedule), ("@EV_Errorcode", event.termination), ("@EV_Agent", event.agent),
                ("@EV_Date", event.scheduleDate), ("@EV_Job", event.job),
            ]
            var result = text
            for (token, value) in values {
                result = result.replacingOccurrences(of: token, with: value, options: .caseInsensitive)
            }
            return result
        }
    }

    /// `dd-MM-yyyy HH:mm` in the given zone (the SMA ServiceNow connector's `{4}`).
    public static func failureTime(_ date: Date, timeZone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "dd-MM-yyyy HH:mm"
        return formatter.string(from: date)
    }
}
