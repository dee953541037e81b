import Foundation

/// Time stamps in the formats the simulated services print (no DateFormatter: it is not Sendable everywhere).
enum SimTime {
    /// ServiceNow's raw date-time values: `yyyy-MM-dd HH:mm:ss` in UTC.
    static func serviceNow(_ date: Date = Date()) -> String {
        format(date, in: TimeZone(identifier: "UTC")!, separator: " ")
    }

    /// Summit's date-times: `yyyy-MM-dd HH:mm:ss` in the server's local time.
    static func summit(_ date: Date = Date()) -> String {
        format(date, in: .current, separator: " ")
    }

    /// OpCon's ISO 8601 date-times with the local offset, e.g. `2024-06-15T01:00:03-04:00`.
    static func opcon(_ date: Date = Date()) -> String {
        let zone = TimeZone.current
        let offset = zone.secondsFromGMT(for: date) / 60
        let sign = offset < 0 ? "-" : "+"
        return format(date, in: zone, separator: "T") + sign + pad(abs(offset) / 60) + ":" + pad(abs(offset) % 60)
    }

    /// `yyyyMMdd` of a date in local time (the form OpCon daily ids embed).
    static func compactDay(_ date: Date) -> String {
        let parts = calendar(.current).dateComponents([.year, .month, .day], from: date)
        return pad(parts.year!, 4) + pad(parts.month!) + pad(parts.day!)
    }

    /// Local midnight of a `yyyyMMdd` day.
    static func midnight(ofCompactDay day: String) -> Date? {
        guard day.count == 8, let year = Int(day.prefix(4)), let month = Int(day.dropFirst(4).prefix(2)),
            let dayOfMonth = Int(day.suffix(2))
        else { return nil }
        return calendar(.current).date(from: DateComponents(year: year, month: month, day: dayOfMonth))
    }

    /// Seconds since 1970, for `X-RateLimit-Reset`.
    static func epochSeconds(_ date: Date = Date()) -> Int { Int(date.timeIntervalSince1970) }

    static func pad(_ number: Int, _ width: Int = 2) -> String {
        let digits = String(number)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    private static func calendar(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    private static func format(_ date: Date, in zone: TimeZone, separator: String) -> String {
        let parts = calendar(zone).dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return pad(parts.year!, 4) + "-" + pad(parts.month!) + "-" + pad(parts.day!) + separator
            + pad(parts.hour!) + ":" + pad(parts.minute!) + ":" + pad(parts.second!)
    }
}
