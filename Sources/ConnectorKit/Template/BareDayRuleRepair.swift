import Foundation

/// Tolerance for one mistake in SMA's own documentation (sma-connectors.md §14.8): the 2024 Summit sample template
/// has `"submitSingleIncidentPerDay": day`, which is not JSON, and templates copied from it must keep loading.
///
/// The bare word `day` as the value of a member of the top-level `rules` object is read as `true`. The JSON parser
/// stays strict: this runs only after a strict parse failed, changes only the spots where the parser stopped, and
/// gives up with an error that points into the file as written unless every repaired value lands in `rules`.
enum BareDayRuleRepair {
    /// The parsed template and the names of the rules whose value was the bare word.
    struct Repaired {
        var value: JSONValue
        var rules: [String]
    }

    static let word = Array("day".utf8)

    /// More bare words than a template has rules means something else is wrong.
    static let maximumRepairs = 64

    /// Stands in for the `index`th repaired value until the parsed tree shows where it landed: a quoted private-use
    /// character, which no template writes. It is three characters wide like `day`, so the line and column of a
    /// later parse error still point into the file as written.
    static func placeholder(_ index: Int) -> String {
        String(UnicodeScalar(0xE000 + index)!)
    }

    /// Parses `data`, whose strict parse failed with `failure`, repairing each bare `day` where the parser stops.
    /// The error returned is the first one the repair does not cover, positioned in the original text.
    static func parse(_ data: Data, after failure: JSONParseError) -> Result<Repaired, JSONParseError> {
        var bytes = [UInt8](data)
        var failure = failure
        // The parse error each repair answered, in order: reported if that repair turns out not to be a rule.
        var answered: [JSONParseError] = []
        var parsed: JSONValue?
        // Each pass replaces the word where the parser stopped and parses again; the parser gets further on every
        // pass (the replacement is valid JSON), so this ends.
        while parsed == nil {
            guard answered.count < maximumRepairs, isBareWordValue(at: failure.offset, in: bytes) else { return .failure(failure) }
            let quoted = Array("\"\(placeholder(answered.count))\"".utf8)
            bytes.replaceSubrange(failure.offset..<failure.offset + word.count, with: quoted)
            answered.append(failure)
            do {
                parsed = try JSONValue.parse(Data(bytes))
            } catch {
                failure = error
            }
        }
        guard let value = parsed else { return .failure(failure) }

        var rules = value["rules"]?.objectValue ?? [:]
        var names: [String] = []
        for (index, original) in answered.enumerated() {
            let mark = JSONValue.string(placeholder(index))
            let ruleNames = rules.filter { $0.value == mark }.map(\.key)
            guard ruleNames.count == 1, occurrences(of: mark, in: value) == 1 else { return .failure(original) }
            rules[ruleNames[0]] = .bool(true)
            names.append(ruleNames[0])
        }
        return .success(Repaired(value: value.setting("rules", to: .object(rules)), rules: names))
    }

    /// `day` at `offset` as a whole word, right after a member's `:`.
    static func isBareWordValue(at offset: Int, in bytes: [UInt8]) -> Bool {
        guard offset >= 0, offset + word.count <= bytes.count, Array(bytes[offset..<offset + word.count]) == word else { return false }
        let after = offset + word.count
        if after < bytes.count, !isWhitespace(bytes[after]), bytes[after] != UInt8(ascii: ","), bytes[after] != UInt8(ascii: "}") {
            return false
        }
        return bytes[..<offset].last { !isWhitespace($0) } == UInt8(ascii: ":")
    }

    static func occurrences(of mark: JSONValue, in value: JSONValue) -> Int {
        switch value {
        case .array(let items): return items.reduce(0) { $0 + occurrences(of: mark, in: $1) }
        case .object(let members): return members.values.reduce(0) { $0 + occurrences(of: mark, in: $1) }
        default: return value == mark ? 1 : 0
        }
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
