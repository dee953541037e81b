/// `connector <command> --help`, printed from the command's declaration: a usage line, each option with its value
/// name and help, and how a value of several words is read.
public enum CommandHelp {
    /// The width help is wrapped to: a terminal a little wider than the classic 80 columns, which the failure line's
    /// usage would fill three times over.
    static let width = 100

    /// `--help` and `-h`: every command answers them, so every command's help lists them.
    public static let helpOption = CommandOption.flag("-h", "--help", help: "show this help")

    public static func text(for signature: CommandSignature) -> String {
        var sections = ["connector \(signature.name): \(signature.summary)", "Usage:\n" + usage(of: signature, indent: 2, hanging: 4)]
        if let argument = signature.argument {
            sections.append("Arguments:\n" + table([(argument.choices.joined(separator: "|"), argument.help)]))
        }
        sections.append("Options:\n" + table((signature.options + [helpOption]).map { (label(of: $0), $0.help) }))
        if let note = valueWordsNote(signature) { sections.append(wrap(note, indent: 0, hanging: 0)) }
        if let discussion = signature.discussion { sections.append(wrap(discussion, indent: 0, hanging: 0)) }
        return sections.joined(separator: "\n\n")
    }

    /// `connector check -t TEMPLATE [--home DIR] [--json]`: required options bare, the others in brackets; wrapped
    /// between options, never inside one.
    public static func usage(of signature: CommandSignature, indent: Int, hanging: Int) -> String {
        var words = ["connector", signature.isDefault ? "[\(signature.name)]" : signature.name]
        if let argument = signature.argument { words.append(argument.choices.joined(separator: "|")) }
        for option in signature.options {
            let text = [option.names[0], option.valueName].compactMap { $0 }.joined(separator: " ")
            words.append(option.isRequired ? text : "[\(text)]")
        }
        return lines(words, indent: indent, hanging: hanging)
    }

    /// `-t, --template TEMPLATE`: every name, then the value's.
    public static func label(of option: CommandOption) -> String {
        option.names.joined(separator: ", ") + (option.valueName.map { " \($0)" } ?? "")
    }

    /// What a reader of a usage line cannot guess: where a value given in unquoted words ends.
    private static func valueWordsNote(_ signature: CommandSignature) -> String? {
        guard signature.options.contains(where: \.takesValue) else { return nil }
        switch signature.valueWords {
        case .upToNextKnownFlag:
            return "Values need no quotes, as Notification Manager passes none: every word up to the next flag above "
                + "belongs to the value (-s FINANCE DAILY is the schedule FINANCE DAILY; -e -1 is the termination -1)."
        case .upToNextOption where signature.argument == nil:
            return "A value needs no quotes: the words after an option up to the next option are its value, joined "
                + "with single spaces."
        case .upToNextOption:
            return nil
        }
    }

    /// Two columns, the second wrapped beside the first; a label too wide for the column has its help below it.
    public static func table(_ rows: [(label: String, help: String)]) -> String {
        let column = min(rows.map(\.label.count).max() ?? 0, 24) + 4
        return rows.map { row in
            let help = wrap(row.help, indent: column, hanging: column)
            let start = help.index(help.startIndex, offsetBy: column)
            if row.label.count + 4 <= column {
                return "  " + row.label + String(repeating: " ", count: column - 2 - row.label.count) + help[start...]
            }
            return "  " + row.label + "\n" + help
        }.joined(separator: "\n")
    }

    /// `text` in lines of at most `width` characters (a longer word gets a line of its own), the first indented by
    /// `indent`, the others by `hanging`. A line break in `text` starts a new line, indented by `hanging`.
    public static func wrap(_ text: String, indent: Int, hanging: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { number, paragraph in
            wrapParagraph(paragraph, indent: number == 0 ? indent : hanging, hanging: hanging)
        }.joined(separator: "\n")
    }

    private static func wrapParagraph(_ text: Substring, indent: Int, hanging: Int) -> String {
        lines(text.split(separator: " ").map(String.init), indent: indent, hanging: hanging)
    }

    /// `units` separated by spaces, in lines of at most `width` characters where they fit.
    private static func lines(_ units: [String], indent: Int, hanging: Int) -> String {
        var lines: [String] = []
        var line = String(repeating: " ", count: indent)
        var lineHasWord = false
        for word in units {
            if lineHasWord && line.count + 1 + word.count > width {
                lines.append(line)
                line = String(repeating: " ", count: hanging)
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }
}
