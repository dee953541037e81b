/// Everything one command accepts on the command line: its name, what it does, its options and its argument.
/// `OptionParser` reads words against it and `CommandHelp` prints it, so help is generated, never written by hand.
public struct CommandSignature: Sendable {
    /// Where an option's value ends when it is given in several unquoted words.
    public enum ValueWords: Sendable, Equatable {
        /// A subcommand's own line: the words after an option up to the next word that is an option (`encrypt -v two
        /// words`). A word starting with `--` is always an option there, so a misspelt `--hom` is reported.
        case upToNextOption
        /// The Notification Manager line (SPEC §1.1): only a declared flag ends a value, so `-e -1`, `-jn COPY
        /// --force` are values; a word a typo away from a long flag is reported, since it would otherwise vanish into a
        /// value. Required flags are left to the reader, which knows the alternatives (`-i` needs only `-t`).
        case upToNextKnownFlag
    }

    /// The one word a command takes besides its options (`outbox list`).
    public struct Argument: Sendable, Equatable {
        /// How messages name it (`action`).
        public let name: String
        /// The words it may be.
        public let choices: [String]
        /// One sentence for `--help`.
        public let help: String

        public init(name: String, choices: [String], help: String) {
            self.name = name
            self.choices = choices
            self.help = help
        }
    }

    /// The word that selects the command (`check`).
    public let name: String
    /// One line for the list of commands and the head of `--help`.
    public let summary: String
    public let options: [CommandOption]
    public let argument: Argument?
    public let valueWords: ValueWords
    /// The command may be left out: a line that starts with a flag means this command (`connector -a …` is `run`).
    public let isDefault: Bool
    /// The sentence that closes an unknown-option message: where to read what is accepted.
    public let guidance: String
    /// Paragraphs `--help` prints after the options: what a line of help per option cannot say.
    public let discussion: String?

    public init(
        name: String, summary: String, options: [CommandOption] = [], argument: Argument? = nil,
        valueWords: ValueWords = .upToNextOption, isDefault: Bool = false, guidance: String? = nil,
        discussion: String? = nil
    ) {
        precondition(
            Set(options.flatMap(\.names)).count == options.flatMap(\.names).count,
            "connector \(name) declares an option name twice")
        self.name = name
        self.summary = summary
        self.options = options
        self.argument = argument
        self.valueWords = valueWords
        self.isDefault = isDefault
        self.guidance = guidance ?? "See connector \(name) --help."
        self.discussion = discussion
    }

    /// The declared option answering to `name`, if any.
    public func option(named name: String) -> CommandOption? {
        options.first { $0.names.contains(name) }
    }

    /// Whether the command reads an install directory, so `--home` may also stand before its name.
    public var acceptsHome: Bool { options.contains(.home) }
}
