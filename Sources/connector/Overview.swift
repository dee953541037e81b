import ConnectorKit

/// `connector --help`: the commands with their summaries, the options that really are global, and which commands
/// take `--home` and `--json`, all read from the commands' declarations.
enum Overview {
    static func text(commands: [any ConnectorCommand.Type], version: String) -> String {
        let signatures = commands.map { $0.signature }
        var usage = signatures.filter(\.isDefault).map { CommandHelp.usage(of: $0, indent: 2, hanging: 12) }
        usage += ["  connector COMMAND [OPTIONS]", "  connector help COMMAND"]
        var notes: [String] = []
        if signatures.contains(where: \.isDefault) {
            notes.append("The first line is the Notification Manager Run Command line of the SMA connectors; it works unchanged.")
        }
        let homeCommands = signatures.filter(\.acceptsHome).map(\.name)
        if !homeCommands.isEmpty {
            notes.append(
                "\(CommandHelp.label(of: .home)) (the install directory) may also stand before the command's name, "
                    + "for \(list(homeCommands)).")
        }
        let jsonCommands = signatures.filter { $0.option(named: "--json") != nil }.map(\.name)
        if !jsonCommands.isEmpty {
            notes.append("\(list(jsonCommands)) accept --json: one JSON document on stdout (see each command's --help).")
        }
        notes.append(
            "Exit codes: 0 handled, 64 usage, 65 data, 69 unavailable and not saved, 70 internal, 75 saved to "
                + "the outbox, 77 permission, 78 configuration.")
        return [
            "connector \(version): opens, updates, reopens or replaces an ITSM incident when an OpCon job fails.",
            "Usage:\n" + usage.joined(separator: "\n"),
            "Commands:\n" + CommandHelp.table(signatures.map { ($0.name, $0.summary) }),
            "Options:\n" + CommandHelp.table(CommandRouter.globalOptions.map { (CommandHelp.label(of: $0), $0.help) }),
            notes.map { CommandHelp.wrap($0, indent: 0, hanging: 0) }.joined(separator: "\n"),
        ].joined(separator: "\n\n")
    }

    /// `a, b and c`.
    private static func list(_ names: [String]) -> String {
        names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names[names.count - 1]
    }
}
