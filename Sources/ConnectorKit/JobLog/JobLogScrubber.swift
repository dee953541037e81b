import Foundation

/// Replaces the secrets a job log carries with `****` (SPEC §5 step 8), one line at a time, on bytes: everything else
/// stays byte for byte (CR LF, text that is not UTF-8).
///
/// Two kinds of secrets go:
/// - the value after `password`, `passwd`, `pwd`, `token`, `secret`, `apikey` or `api_key` (any case, also inside a
///   longer word such as `db_password`) followed by `=` or `:`: blanks may stand around the sign, and a quote may close
///   the key (`"password": "x"`). The value runs to the next blank, `;`, `,` or quote, or the end of the line; a value
///   that opens with a quote runs to the same quote, blanks included.
/// - every secret the run itself resolved (the OpCon token, the ITSM credentials), wherever it appears.
public struct JobLogScrubber: Sendable {
    /// Run secrets as bytes, longest first, so a secret that contains another is replaced whole.
    let secrets: [[UInt8]]

    public static let mask: [UInt8] = Array("****".utf8)
    static let keys: [[UInt8]] = ["password", "passwd", "pwd", "token", "secret", "apikey", "api_key"].map { Array($0.utf8) }

    /// Which bytes a run secret starts with: a line is searched for the secrets in one pass, not one pass each.
    let secretStarts: [Bool]

    public init(secrets: [String]) {
        self.secrets = Set(secrets.filter { !$0.isEmpty }).map { Array($0.utf8) }.sorted { $0.count > $1.count }
        var starts = [Bool](repeating: false, count: 256)
        for secret in self.secrets { starts[Int(secret[0])] = true }
        secretStarts = starts
    }

    /// The line with its secrets replaced, and how many values were replaced.
    public func scrub(_ line: some Collection<UInt8>) -> (bytes: [UInt8], count: Int) {
        let bytes = Array(line)
        return scrubbedIfNeeded(bytes[...]) ?? (bytes, 0)
    }

    /// The line with its secrets replaced and how many there were, or nil when it holds none: the common case, which
    /// then costs no copy of the line.
    public func scrubbedIfNeeded(_ line: ArraySlice<UInt8>) -> (bytes: [UInt8], count: Int)? {
        let (keyValues, found) = line.withUnsafeBufferPointer { scrubKeyValues($0) }
        var count = found
        var bytes: [UInt8]
        if let keyValues {
            bytes = keyValues
        } else {
            guard line.withUnsafeBufferPointer(holdsSecret) else { return nil }
            bytes = Array(line)
        }
        for secret in secrets { count += Self.replace(secret, in: &bytes) }
        return (bytes, count)
    }

    // MARK: key=value

    /// Whether a key can start with this byte (`p`, `t`, `s`, `a` in either case): most bytes are passed over with
    /// this one test.
    private static func mayStartKey(_ byte: UInt8) -> Bool {
        switch byte | 0x20 {
        case UInt8(ascii: "p"), UInt8(ascii: "t"), UInt8(ascii: "s"), UInt8(ascii: "a"): return true
        default: return false
        }
    }

    /// The line with its `key=value` secrets replaced (nil when there were none) and how many there were.
    private func scrubKeyValues(_ line: UnsafeBufferPointer<UInt8>) -> ([UInt8]?, Int) {
        var output: [UInt8] = []
        var count = 0
        var copied = 0  // line[..<copied] is in output
        var index = 0
        while index < line.count {
            guard Self.mayStartKey(line[index]), let value = valueRange(keyAt: index, in: line) else {
                index += 1
                continue
            }
            if value.isEmpty || line[value].elementsEqual(Self.mask) {
                index = value.upperBound
                continue
            }
            output.append(contentsOf: line[copied..<value.lowerBound])
            output.append(contentsOf: Self.mask)
            copied = value.upperBound
            index = value.upperBound
            count += 1
        }
        guard count > 0 else { return (nil, 0) }
        output.append(contentsOf: line[copied...])
        return (output, count)
    }

    /// The range of the value when a key starts at `start` and is followed by its sign; nil otherwise.
    private func valueRange(keyAt start: Int, in line: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard let key = Self.keys.first(where: { Self.matches($0, at: start, in: line) }) else { return nil }
        var index = start + key.count
        if index < line.count, Self.isQuote(line[index]) { index += 1 }
        index = Self.skipBlanks(from: index, in: line)
        guard index < line.count, line[index] == UInt8(ascii: "=") || line[index] == UInt8(ascii: ":") else { return nil }
        index = Self.skipBlanks(from: index + 1, in: line)
        if index < line.count, Self.isQuote(line[index]) {
            let quote = line[index]
            let valueStart = index + 1
            var end = valueStart
            while end < line.count, line[end] != quote, !Self.isLineEnd(line[end]) { end += 1 }
            return valueStart..<end
        }
        var end = index
        while end < line.count, !Self.endsValue(line[end]) { end += 1 }
        return index..<end
    }

    /// ASCII case-insensitive match of a lower-case key.
    private static func matches(_ key: [UInt8], at start: Int, in line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard start + key.count <= line.count else { return false }
        for offset in 0..<key.count where lowercased(line[start + offset]) != key[offset] { return false }
        return true
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    private static func skipBlanks(from start: Int, in line: UnsafeBufferPointer<UInt8>) -> Int {
        var index = start
        while index < line.count, line[index] == UInt8(ascii: " ") || line[index] == UInt8(ascii: "\t") { index += 1 }
        return index
    }

    private static func isQuote(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") }

    private static func isLineEnd(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") }

    private static func endsValue(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: ";"), UInt8(ascii: ","), UInt8(ascii: "\""), UInt8(ascii: "'"),
            UInt8(ascii: "\n"), UInt8(ascii: "\r"):
            return true
        default:
            return false
        }
    }

    // MARK: Run secrets

    /// Whether a run secret occurs in `line`.
    private func holdsSecret(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !secrets.isEmpty else { return false }
        for index in 0..<line.count where secretStarts[Int(line[index])] {
            for secret in secrets
            where secret[0] == line[index] && secret.count <= line.count - index
                && line[index..<(index + secret.count)].elementsEqual(secret)
            {
                return true
            }
        }
        return false
    }

    /// Replaces every occurrence of `secret` in `bytes`; returns how many there were.
    private static func replace(_ secret: [UInt8], in bytes: inout [UInt8]) -> Int {
        guard let first = secret.first, secret.count <= bytes.count else { return 0 }
        var output: [UInt8] = []
        var count = 0
        var copied = 0
        var index = 0
        let last = bytes.count - secret.count
        while index <= last {
            guard let found = bytes[index...last].firstIndex(of: first) else { break }
            index = found
            if bytes[index..<(index + secret.count)].elementsEqual(secret) {
                output.append(contentsOf: bytes[copied..<index])
                output.append(contentsOf: mask)
                index += secret.count
                copied = index
                count += 1
            } else {
                index += 1
            }
        }
        guard count > 0 else { return 0 }
        output.append(contentsOf: bytes[copied...])
        bytes = output
        return count
    }
}
