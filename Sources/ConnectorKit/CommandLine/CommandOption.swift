/// One option as a command declares it: its names, the name of its value (none for a flag), and its line of help.
///
/// The declaration is all there is: the parser reads words against it, help is printed from it, and messages name the
/// option through it, so what `--help` promises and what the command line accepts cannot drift apart.
public struct CommandOption: Sendable, Hashable {
    /// Every name the option answers to, the short one first (`-t`, `--template`); the first is its key.
    public let names: [String]
    /// What help calls the value (`TEMPLATE`); nil for a flag, which takes none.
    public let valueName: String?
    /// Whether the command refuses to run without it (shown without brackets in the usage line).
    public let isRequired: Bool
    /// One sentence for `--help`.
    public let help: String

    private init(names: [String], valueName: String?, isRequired: Bool, help: String) {
        precondition(!names.isEmpty && names.allSatisfy { $0.hasPrefix("-") }, "an option needs a name starting with -")
        self.names = names
        self.valueName = valueName
        self.isRequired = isRequired
        self.help = help
    }

    /// An option followed by a value (`-t TEMPLATE`, `--interval=30`).
    public static func value(_ names: String..., valueName: String, required: Bool = false, help: String) -> CommandOption {
        CommandOption(names: names, valueName: valueName, isRequired: required, help: help)
    }

    /// An option that is present or not (`--json`).
    public static func flag(_ names: String..., help: String) -> CommandOption {
        CommandOption(names: names, valueName: nil, isRequired: false, help: help)
    }

    public var takesValue: Bool { valueName != nil }

    /// The name values are kept under.
    var key: String { names[0] }

    /// `-t (--template)` or `--once`: how messages name the option.
    public var displayName: String {
        names.count == 1 ? names[0] : "\(names[0]) (\(names.dropFirst().joined(separator: ", ")))"
    }
}

// MARK: - Options several commands share

extension CommandOption {
    /// The install directory. Declared once for every command that reads one, so each accepts it in the same way,
    /// before its name as well as among its options, and help describes it in the same words.
    public static let home = CommandOption.value(
        "--home", valueName: "DIR",
        help: "the install directory (default: CONNECTOR_HOME, else the executable's folder or the working directory, "
            + "whichever holds a Connector.config); may also stand before the command's name")

    /// `--json`: the same name everywhere, with a sentence saying what the document holds for that command.
    public static func json(_ help: String) -> CommandOption {
        .flag("--json", help: help)
    }

    /// `-t TEMPLATE` of the commands that work on one template.
    public static func template(_ help: String) -> CommandOption {
        .value("-t", "--template", valueName: "TEMPLATE", required: true, help: help)
    }
}
