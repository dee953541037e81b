import Foundation

/// The `-sd` schedule date: `yyyy-MM-dd` (the SMA custom property), `yyyyMMdd`, `MM/dd/yyyy`, or OpCon's
/// default `dd-MMM-yyyy` with an English month abbreviation in any case. Parsed by hand rather than with
/// DateFormatter so the result never depends on the machine's locale or time zone.
public enum ScheduleDate {
    /// The date as `yyyy-MM-dd`, or nil when `text` is in none of the formats or is not a real calendar date.
    public static func normalise(_ text: String) -> String? {
        let parts: (year: Substring, month: Substring, day: Substring)
        let dashed = text.split(separator: "-", omittingEmptySubsequences: false)
        let slashed = text.split(separator: "/", omittingEmptySubsequences: false)
        if dashed.count == 3 && dashed[0].count == 4 {
            parts = (dashed[0], dashed[1], dashed[2])  // yyyy-MM-dd
        } else if dashed.count == 3 && dashed[2].count == 4 {
            guard let month = monthNumber(dashed[1]) else { return nil }  // dd-MMM-yyyy
            return validated(year: dashed[2], month: Substring(month), day: dashed[0])
        } else if slashed.count == 3 {
            parts = (slashed[2], slashed[0], slashed[1])  // MM/dd/yyyy
        } else if text.count == 8 {
            let year = text.prefix(4)
            let month = text.dropFirst(4).prefix(2)
            let day = text.suffix(2)
            parts = (year, month, day)  // yyyyMMdd
        } else {
            return nil
        }
        return validated(year: parts.year, month: parts.month, day: parts.day)
    }

    private static let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]

    private static func monthNumber(_ name: Substring) -> String? {
        months.firstIndex(of: name.uppercased()).map { String($0 + 1) }
    }

    /// `yyyy-MM-dd` when the digits make a real date (four-digit year; one- or two-digit month and day).
    private static func validated(year: Substring, month: Substring, day: Substring) -> String? {
        guard year.count == 4, (1...2).contains(month.count), (1...2).contains(day.count),
            [year, month, day].allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let y = Int(year), let m = Int(month), let d = Int(day),
            y >= 1, (1...12).contains(m), d >= 1, d <= daysIn(month: m, year: y)
        else { return nil }
        return "\(year)-\(twoDigits(m))-\(twoDigits(d))"
    }

    private static func twoDigits(_ number: Int) -> String {
        number < 10 ? "0\(number)" : "\(number)"
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2:
            let leap = (year.isMultiple(of: 4) && !year.isMultiple(of: 100)) || year.isMultiple(of: 400)
            return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
