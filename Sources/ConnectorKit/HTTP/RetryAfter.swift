import Foundation

/// Reads an HTTP `Retry-After` header (RFC 9110 §10.2.3): either a number of seconds or an HTTP-date.
public enum RetryAfter {
    /// Seconds to wait, or nil when the header is absent or unreadable. A date in the past gives 0.
    public static func delay(from value: String?, now: Date) -> Double? {
        guard let text = value?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        // The RFC allows whole seconds only; a decimal is accepted too, as some gateways send one.
        if text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) { return Double(text) }
        guard let date = httpDate(text) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) and the two obsolete forms servers still send.
    private static func httpDate(_ text: String) -> Date? {
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            // A formatter per call: this runs at most a few times per run, and DateFormatter is not Sendable.
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
