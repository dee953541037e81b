import Foundation

/// Decides whether a moment falls inside a template's `workingHours` (SPEC §5 step 5).
public enum WorkingHours {
    /// True inside a working window, false outside, nil when the template defines no working hours.
    ///
    /// A window whose stop is earlier than its start runs past midnight: Friday `2200`–`0200` covers Friday 22:00
    /// to Saturday 02:00. `0000`–`0000` marks a non-working day; a weekday missing from the template is non-working.
    public static func isWorkingTime(_ date: Date, windows: [Int: WorkingWindow]?, calendar: Calendar) -> Bool? {
        guard let windows else { return nil }
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        guard let weekday = parts.weekday, let hour = parts.hour, let minute = parts.minute else { return false }
        let now = hour * 60 + minute

        if let today = windows[weekday], !today.isNonWorkingDay {
            if today.spansMidnight {
                if now >= today.start { return true }
            } else if now >= today.start && now < today.stop {
                return true
            }
        }
        // The tail of yesterday's window if it ran past midnight.
        let yesterday = weekday == 1 ? 7 : weekday - 1
        if let previous = windows[yesterday], !previous.isNonWorkingDay, previous.spansMidnight, now < previous.stop {
            return true
        }
        return false
    }
}
