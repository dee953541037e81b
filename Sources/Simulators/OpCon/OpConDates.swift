import Foundation

/// The date spellings OpCon accepts in filters and daily ids.
enum OpConDates {
    /// `yyyyMMdd` from `yyyy-MM-dd`, `yyyyMMdd`, or the lenient `MM/dd/yyyy` and `MM-dd-yyyy`; nil otherwise.
    static func compactDay(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(whereSeparator: { $0 == "-" || $0 == "/" }).map(String.init)
        let year: String
        let month: String
        let day: String
        if parts.count == 1, trimmed.count == 8, trimmed.allSatisfy(\.isNumber) {
            (year, month, day) = (String(trimmed.prefix(4)), String(trimmed.dropFirst(4).prefix(2)), String(trimmed.suffix(2)))
        } else if parts.count == 3, parts[0].count == 4, trimmed.contains("-") {
            (year, month, day) = (parts[0], parts[1], parts[2])
        } else if parts.count == 3, parts[2].count == 4 {
            (year, month, day) = (parts[2], parts[0], parts[1])
        } else {
            return nil
        }
        guard let y = Int(year), let m = Int(month), let d = Int(day), (1...12).contains(m), (1...31).contains(d), y > 1900 else {
            return nil
        }
        return SimTime.pad(y, 4) + SimTime.pad(m) + SimTime.pad(d)
    }

    /// `yyyy-MM-dd` from `yyyyMMdd`.
    static func dashed(_ compact: String) -> String {
        String(compact.prefix(4)) + "-" + String(compact.dropFirst(4).prefix(2)) + "-" + String(compact.suffix(2))
    }
}

/// `*` and `?` wildcards as OpCon name filters use them, ignoring case.
enum Wildcard {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        glob(Array(pattern.lowercased())[...], Array(text.lowercased())[...])
    }

    private static func glob(_ pattern: ArraySlice<Character>, _ text: ArraySlice<Character>) -> Bool {
        guard let first = pattern.first else { return text.isEmpty }
        switch first {
        case "*":
            var candidate = text
            while true {
                if glob(pattern.dropFirst(), candidate) { return true }
                guard !candidate.isEmpty else { return false }
                candidate = candidate.dropFirst()
            }
        case "?":
            return !text.isEmpty && glob(pattern.dropFirst(), text.dropFirst())
        default:
            return text.first == first && glob(pattern.dropFirst(), text.dropFirst())
        }
    }
}
