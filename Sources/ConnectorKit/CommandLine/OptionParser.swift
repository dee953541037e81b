/// Turns the words of one command into the values of its declared options: the one parser of the command line, for
/// the subcommands and for the Notification Manager line alike.
///
/// - A value follows its option (`-t x.json`) or its `=` (`--interval=30`). Given in several unquoted words, it runs
///   up to the next option (see `CommandSignature.ValueWords`), joined with single spaces; a command with an argument
///   (`outbox list`) takes one word per value, since the next plain word may be the argument.
/// - An option given twice, a value missing, an unknown option (with a guess when one is close), a word the command
///   has no place for: each is a usage error (exit 64) naming the option. Messages do not name the command: the
///   command line prints them after `connector <command>: `.
/// - On a subcommand's line `--` ends the options; the Notification Manager line has no such word, as on SMA's.
public struct OptionParser: Sendable {
    public let signature: CommandSignature

    public init(_ signature: CommandSignature) {
        self.signature = signature
    }

    /// The values in `words`. `leadingHome` is a `--home` that stood before the command's name: it counts as given
    /// among the command's options, so a command without an install directory refuses it, and giving it in both
    /// places is an error.
    public func parse(_ words: [String], leadingHome: String? = nil) throws(ConnectorError) -> ParsedOptions {
        var parsed = ParsedOptions(signature: signature)
        // The value option whose words are being collected, and the words so far.
        var open: (option: CommandOption, words: [String])?
        var optionsEnded = false

        func closeOpenValue() throws(ConnectorError) {
            guard let (option, words) = open else { return }
            open = nil
            let value = words.filter { !$0.isEmpty }.joined(separator: " ")
            guard !value.allSatisfy(\.isWhitespace) else { throw .usage("option \(option.displayName) needs a value.") }
            parsed.values[option.key] = value
        }

        for word in words {
            if !optionsEnded, word == "--", signature.valueWords == .upToNextOption {
                try closeOpenValue()
                optionsEnded = true
                continue
            }
            let (name, inlineValue) = split(word)
            if !optionsEnded, let option = signature.option(named: name) {
                try closeOpenValue()
                guard parsed.values[option.key] == nil else {
                    throw .usage("option \(option.displayName) is given twice; give it once.")
                }
                if option.takesValue {
                    open = (option, inlineValue.map { [$0] } ?? [])
                } else if inlineValue != nil {
                    throw .usage("option \(option.displayName) takes no value.")
                } else {
                    parsed.values[option.key] = ""
                }
                continue
            }
            if !optionsEnded, let unknown = unknownOption(word, name: name, collecting: open != nil) {
                throw unknown
            }
            // A plain word: part of the open value, else the command's argument.
            if let current = open, signature.argument == nil || current.words.isEmpty {
                open?.words.append(word)
                continue
            }
            try closeOpenValue()
            guard signature.argument != nil else {
                throw .usage("unexpected argument \"\(word)\"; \(lowercasedFirst(signature.guidance))")
            }
            parsed.arguments.append(word)
        }
        try closeOpenValue()
        try place(leadingHome, in: &parsed)
        try checkArgument(parsed.arguments)
        if signature.valueWords == .upToNextOption {
            for option in signature.options where option.isRequired && parsed.values[option.key] == nil {
                throw .usage("option \(option.displayName) is required.")
            }
        }
        return parsed
    }

    /// `--name=value` (on a subcommand's line also `-n=value`) as its name and value; any other word as itself. The
    /// Notification Manager line splits only long flags, as SMA's did: `-x=1` there may be part of a job's name.
    private func split(_ word: String) -> (name: String, value: String?) {
        let prefix = signature.valueWords == .upToNextOption ? "-" : "--"
        guard word.hasPrefix(prefix), let equals = word.firstIndex(of: "=") else { return (word, nil) }
        return (String(word[..<equals]), String(word[word.index(after: equals)...]))
    }

    /// The error for a word that looks like an option but is none of the declared ones; nil when the word is a value.
    private func unknownOption(_ word: String, name: String, collecting: Bool) -> ConnectorError? {
        guard word.hasPrefix("-"), word != "-" else { return nil }
        let guess: String
        switch signature.valueWords {
        case .upToNextOption:
            // `-1` or `-x` after an option is a value (`encrypt -v -secret-`); `--anything` never is.
            guard !collecting || word.hasPrefix("--") else { return nil }
            guess = ClosestName.hint(for: name, among: signature.options.flatMap(\.names))
        case .upToNextKnownFlag:
            if !collecting {
                guess = ClosestName.hint(for: name, among: signature.options.flatMap(\.names))
            } else {
                // Only a near miss of a long flag is refused: a job name may hold `--force`, and a failure must never
                // be turned away for its name.
                let longNames = signature.options.flatMap(\.names).filter { $0.hasPrefix("--") }
                guard Self.looksLikeLongOption(word),
                    let closest = ClosestName.to(name, among: longNames, prefixes: false)
                else { return nil }
                guess = " Did you mean \(closest)?"
            }
        }
        return .usage("unknown option \(name).\(guess) \(signature.guidance)")
    }

    /// `--name`: two dashes, then a letter.
    private static func looksLikeLongOption(_ word: String) -> Bool {
        guard word.hasPrefix("--"), let third = word.dropFirst(2).first else { return false }
        return third.isLetter
    }

    private func place(_ leadingHome: String?, in parsed: inout ParsedOptions) throws(ConnectorError) {
        guard let leadingHome else { return }
        guard signature.acceptsHome else {
            throw .usage("unknown option \(CommandOption.home.displayName). \(signature.guidance)")
        }
        guard parsed.values[CommandOption.home.key] == nil else {
            throw .usage("option \(CommandOption.home.displayName) is given twice (before and after the command); give it once.")
        }
        parsed.values[CommandOption.home.key] = leadingHome
    }

    /// A command with an argument needs exactly one, and one of its choices.
    private func checkArgument(_ words: [String]) throws(ConnectorError) {
        guard let argument = signature.argument else { return }
        guard words.count == 1, let word = words.first, argument.choices.contains(word) else {
            let given = words.first.map { " (found \"\($0)\")" } ?? ""
            let hint = words.first.map { ClosestName.hint(for: $0, among: argument.choices) } ?? ""
            let choices =
                argument.choices.dropLast().joined(separator: ", ")
                + (argument.choices.count > 1 ? " or " : "") + (argument.choices.last ?? "")
            throw .usage("give one \(argument.name), \(choices)\(given).\(hint)")
        }
    }

    private func lowercasedFirst(_ text: String) -> String {
        text.prefix(1).lowercased() + text.dropFirst()
    }
}
