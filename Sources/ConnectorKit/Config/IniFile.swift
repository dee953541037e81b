import Foundation

/// An INI file as the SMA connectors write it: `[SECTION]` headers, `KEY=value` lines and `;` / `#`
/// comments, in file order. It only splits lines; `ConnectorConfigLoader` gives the keys meaning.
public struct IniFile: Sendable, Equatable {
    /// One `KEY=value` line.
    public struct Entry: Sendable, Equatable {
        /// The section as written (trimmed), e.g. `OPCON API`; empty before the first header.
        public var section: String
        /// The key as written (trimmed).
        public var key: String
        /// The value, trimmed, with any trailing comment removed.
        public var value: String
        /// 1-based line number, for messages.
        public var line: Int

        public init(section: String, key: String, value: String, line: Int) {
            self.section = section
            self.key = key
            self.value = value
            self.line = line
        }

        /// The section name for lookups: upper case, inner runs of spaces collapsed.
        public var sectionID: String { IniFile.normalisedName(section) }
        /// The key for lookups: upper case.
        public var keyID: String { IniFile.normalisedName(key) }
    }

    /// Path of the file, for messages.
    public var path: String
    /// Every `KEY=value` line, in file order.
    public var entries: [Entry]
    /// Every section header as written, in file order, including sections that hold no keys.
    public var sections: [String]

    /// Splits `text` into entries; a line that is neither a header, a setting nor a comment is an error
    /// naming `path` and the line number (the line itself is not quoted: it may hold a secret).
    public static func parse(text: String, path: String) throws(ConnectorError) -> IniFile {
        var body = Substring(text)
        if body.first == "\u{FEFF}" { body = body.dropFirst() }  // Notepad's UTF-8 byte order mark
        var result = IniFile(path: path, entries: [], sections: [])
        var section = ""
        // `Character.isNewline` treats "\r\n" as one character, so CRLF files keep their line numbers.
        let lines = body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, rawLine) in lines.enumerated() {
            let lineNumber = index + 1
            let line = withoutComment(rawLine).trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty else {
                    throw .configuration(
                        "\(path): line \(lineNumber) has an empty section header `[]`; "
                            + "write the section name between the brackets, e.g. [GENERAL].")
                }
                section = name
                result.sections.append(name)
                continue
            }
            // `KEY=value` or `KEY: value`, as the INI reader of the Java connectors takes both; a lone KEY is set empty.
            guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                guard !line.contains(where: \.isWhitespace) else {
                    throw .configuration(
                        "\(path): \(location(lineNumber, section)) is neither a [SECTION] header, "
                            + "a KEY=value setting nor a comment; fix or remove it (comments start with ; or #).")
                }
                result.entries.append(Entry(section: section, key: line, value: "", line: lineNumber))
                continue
            }
            let key = line[..<separator].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else {
                throw .configuration(
                    "\(path): \(location(lineNumber, section)) has a value but no key "
                        + "before the `=`; write it as KEY=value.")
            }
            let value = unquoted(line[line.index(after: separator)...].trimmingCharacters(in: .whitespaces))
            result.entries.append(Entry(section: section, key: key, value: value, line: lineNumber))
        }
        return result
    }

    /// The value without one pair of surrounding double quotes (`TEMPLATES_DIRECTORY="templates"`).
    private static func unquoted(_ value: String) -> String {
        guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else { return value }
        return String(value.dropFirst().dropLast())
    }

    /// Upper case with runs of whitespace collapsed to one space, so `[Opcon  Api]` finds `OPCON API`.
    public static func normalisedName(_ name: String) -> String {
        name.uppercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// `line 7 (in [GENERAL])`, or just `line 7` before the first header.
    private static func location(_ line: Int, _ section: String) -> String {
        section.isEmpty ? "line \(line)" : "line \(line) (in [\(section)])"
    }

    /// The line without its comment: a whole-line comment starts with `;` or `#`; a trailing comment
    /// starts with ` ;` or ` #` (whitespace first), so `abc;def` and `pa#ss` stay values.
    private static func withoutComment(_ line: Substring) -> Substring {
        let trimmed = line.drop { $0.isWhitespace }
        if trimmed.first == ";" || trimmed.first == "#" { return "" }
        var previousIsSpace = false
        for index in line.indices {
            let character = line[index]
            if previousIsSpace && (character == ";" || character == "#") { return line[..<index] }
            previousIsSpace = character == " " || character == "\t"
        }
        return line
    }
}
