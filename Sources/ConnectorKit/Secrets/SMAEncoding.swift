import Foundation

/// The SMA `EncryptValue` format: lowercase hex of the base64 of the UTF-8 text (SPEC §3.3). It is an
/// encoding, not encryption: anyone can reverse it, so it hides a value from a glance, nothing more.
public enum SMAEncoding {
    /// `encode("admin") == "595752746157343d"`.
    public static func encode(_ text: String) -> String {
        let base64 = Data(text.utf8).base64EncodedString()
        return base64.utf8.map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }

    /// The text behind an encoded value, or nil when `encoded` is not one: it must be even-length
    /// lowercase hex, spell valid base64, and decode to UTF-8 text without control characters
    /// (that last test keeps hex-looking plain secrets such as `41414141` from being misread).
    public static func decode(_ encoded: String) -> String? {
        guard let base64 = hexDecodedASCII(encoded), isCanonicalBase64(base64),
            let bytes = Data(base64Encoded: base64),
            let text = String(data: bytes, encoding: .utf8), !text.isEmpty,
            !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        return text
    }

    /// The ASCII text a lowercase hex string spells, or nil.
    private static func hexDecodedASCII(_ hex: String) -> String? {
        let digits = Array(hex.utf8)
        guard !digits.isEmpty, digits.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for pair in stride(from: 0, to: digits.count, by: 2) {
            guard let high = hexValue(digits[pair]), let low = hexValue(digits[pair + 1]) else { return nil }
            let byte = high << 4 | low
            guard byte < 0x80 else { return nil }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        default: return nil
        }
    }

    /// Standard padded base64: a multiple of 4 characters from the base64 alphabet, `=` only as the
    /// last one or two.
    private static func isCanonicalBase64(_ text: String) -> Bool {
        let characters = Array(text.utf8)
        guard !characters.isEmpty, characters.count.isMultiple(of: 4) else { return false }
        let padding = characters.reversed().prefix { $0 == UInt8(ascii: "=") }.count
        guard padding <= 2 else { return false }
        return characters.dropLast(padding).allSatisfy { character in
            switch character {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"):
                return true
            default:
                return false
            }
        }
    }
}
