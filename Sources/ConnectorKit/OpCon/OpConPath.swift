import Foundation

/// Percent-encoding for OpCon URLs.
///
/// Daily job ids contain `|`, spaces and sometimes `/` (`20240615|16|1|GL LOAD/EU`). Everything but the RFC 3986
/// unreserved characters is encoded; a `/` is encoded twice (`%252F`) because OpCon's web server decodes `%2F` into
/// a path separator before routing, which is what the vendor's Java client works around.
public enum OpConPath {
    /// One path segment (a daily job id).
    public static func segment(_ value: String) -> String {
        encode(value) { $0 == UInt8(ascii: "/") ? "%252F" : nil }
    }

    /// One query value. Commas stay literal: OpCon reads list parameters as comma-joined values.
    public static func queryValue(_ value: String) -> String {
        encode(value) { $0 == UInt8(ascii: ",") ? "," : nil }
    }

    /// `name=value&...` with every value encoded.
    public static func query(_ items: [(name: String, value: String)]) -> String {
        items.map { "\($0.name)=\(queryValue($0.value))" }.joined(separator: "&")
    }

    private static func encode(_ value: String, special: (UInt8) -> String?) -> String {
        var encoded = ""
        for byte in value.utf8 {
            if let replacement = special(byte) {
                encoded += replacement
            } else if isUnreserved(byte) {
                encoded.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return encoded
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
