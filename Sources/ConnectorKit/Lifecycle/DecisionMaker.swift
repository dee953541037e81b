import Foundation

/// The decision of SPEC §5 step 7, a pure function of the existing ticket, the rules, the job documentation and the clock.
public enum DecisionMaker {
    /// Decides what to do with one failure.
    /// - Parameters:
    ///   - existing: the ticket the backend found for this job, if any.
    ///   - documentation: the job's documentation (for the once-per-day `Last Incident Date` line).
    ///   - dailyStartHour: `DAILY_START_HOUR`, the hour the operations day starts.
    public static func decide(
        existing: ExistingTicket?, rules: DecisionRules, documentation: String?,
        dailyStartHour: Int?, now: Date, calendar: Calendar
    ) -> Decision {
        guard let existing else { return .create }

        if rules.singleIncidentPerDay, let dailyStartHour,
            let windowEnd = onceADayWindowEnd(documentation: documentation, dailyStartHour: dailyStartHour, calendar: calendar)
        {
            guard now < windowEnd else { return afterOnceADayWindow(existing) }
            if existing.isFinal {
                return .skip(
                    reason:
                        "once-per-day window: ticket \(existing.reference.number) is \(existing.rawState) and no second ticket is opened before \(format(windowEnd, calendar: calendar))"
                )
            }
            return existing.status == .resolved ? .reopen(existing) : .update(existing)
        }

        // A ticket found by searching the ITSM was made for this job by a run that died before writing it back:
        // adopt it rather than opening a duplicate, whatever alwaysCreateNewTicket says.
        if rules.alwaysCreateNewTicket && !existing.foundBySearch { return .replace(existing) }

        if existing.isFinal { return .replace(existing) }
        switch existing.status {
        case .closed, .cancelled:
            return .replace(existing)
        case .resolved:
            return rules.allowReopen ? .reopen(existing) : .replace(existing)
        case .new, .inProgress, .onHold, .other:
            return .update(existing)
        }
    }

    /// Once the window has passed, the new operations day gets a new ticket (SPEC §6.1). Only a Closed or Cancelled
    /// ticket is *replaced*, the one case where the SPEC names the old ticket (`Previous Ticket Number`) in the new
    /// ticket and the job documentation. An open or resolved ticket belongs to an earlier day and is left as it is:
    /// a plain create, which the engine still writes back over the job's ticket record and stamps with the new
    /// `Last Incident Date`.
    private static func afterOnceADayWindow(_ existing: ExistingTicket) -> Decision {
        if existing.isFinal { return .replace(existing) }
        switch existing.status {
        case .closed, .cancelled: return .replace(existing)
        case .new, .inProgress, .onHold, .resolved, .other: return .create
        }
    }

    /// `DAILY_START_HOUR` on the day after the documentation's `Last Incident Date`, or nil without such a line.
    public static func onceADayWindowEnd(documentation: String?, dailyStartHour: Int, calendar: Calendar) -> Date? {
        guard var components = JobDocumentation.lastIncidentDate(in: documentation) else { return nil }
        components.hour = dailyStartHour
        guard let sameDay = calendar.date(from: components) else { return nil }
        return calendar.date(byAdding: .day, value: 1, to: sameDay)
    }

    /// `yyyy-MM-dd` in the calendar's zone: the date written into `Last Incident Date`.
    public static func localDate(_ date: Date, calendar: Calendar) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    private static func format(_ date: Date, calendar: Calendar) -> String {
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return localDate(date, calendar: calendar) + String(format: " %02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }
}
