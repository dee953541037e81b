import ConnectorKit
import Foundation

/// Chooses the subcommand, parses its words against its declaration, runs it, and reports what it throws. The SMA
/// Notification Manager line (`connector -a … -t basic.json`) has no subcommand word and means `run`. `--home DIR`
/// may come before the subcommand (`connector --home X templates`) when the subcommand takes it.
struct CommandRouter: Sendable {
    let registry: BackendRegistry
    let environment: [String: String]
    let executablePath: String

    static let commands: [any ConnectorCommand.Type] = {
        var commands: [any ConnectorCommand.Type] = [
            RunCommand.self, ExplainCommand.self, CheckCommand.self, SyncCommand.self, OutboxCommand.self,
            TemplatesCommand.self, EncryptCommand.self,
        ]
        #if canImport(Simulators)
            commands += [DemoCommand.self, SimulateCommand.self]
        #endif
        return commands
    }()

    static let version = ConnectorVersion.current

    /// The options that stand in the place of a command, whatever command would follow: the only global ones.
    static let versionOption = CommandOption.flag("-V", "--version", help: "print the version")
    static let globalOptions = [CommandHelp.helpOption, versionOption]
    /// The words, besides those options, that ask for the version or for help.
    static let versionWords = Set(versionOption.names + ["version"])
    static let helpWords = Set(CommandHelp.helpOption.names + ["help"])

    func run(_ words: [String]) async -> ExitCode {
        let console = Console()
        let leading: LeadingOptions
        switch LeadingOptions.split(words) {
        case .success(let options):
            leading = options
        case .failure(let error):
            console.error("connector: \(error.message)")
            return error.exitCode
        }
        guard let first = leading.rest.first else {
            console.error(
                leading.home == nil
                    ? Overview.text(commands: Self.commands, version: Self.version)
                    : "connector: --home names the install directory; a command or the failure flags must follow (see connector --help).")
            return .usage
        }
        if Self.versionWords.contains(first) {
            console.print("connector \(Self.version)")
            return .ok
        }
        if Self.helpWords.contains(first) {
            guard leading.rest.count > 1 else {
                console.print(Overview.text(commands: Self.commands, version: Self.version))
                return .ok
            }
            guard let command = Self.command(named: leading.rest[1]) else {
                console.error("connector: \(Self.unknownCommand(leading.rest[1]).message)")
                return .usage
            }
            console.print(CommandHelp.text(for: command.signature))
            return .ok
        }

        let command: any ConnectorCommand.Type
        var rest = Array(leading.rest.dropFirst())
        var home = leading.home
        // Messages of a subcommand start with its name; the failure line has none.
        var prefix = "connector"
        if let named = Self.command(named: first) {
            command = named
            prefix = "connector \(named.name)"
        } else if first.hasPrefix("-"), let defaultCommand = Self.commands.first(where: { $0.signature.isDefault }) {
            // The failure line reads --home itself, wherever it stands, as SMA's connectors were given it.
            command = defaultCommand
            rest = words
            home = nil
        } else {
            console.error("connector: \(Self.unknownCommand(first).message)")
            return .usage
        }
        if rest.contains(where: CommandHelp.helpOption.names.contains) {
            console.print(CommandHelp.text(for: command.signature))
            return .ok
        }
        let failures = FailureReporter(environment: environment, executablePath: executablePath, words: words)
        do {
            let options = try OptionParser(command.signature).parse(rest, leadingHome: home)
            failures.install(option: options.home)
            let context = CommandContext(
                words: rest, options: options, registry: registry, environment: environment,
                executablePath: executablePath, failures: failures)
            return try await command.init().run(context)
        } catch let reported as ReportedError {
            // Logged by the command already (with what it alone knew); only printed here.
            console.error("\(prefix): \(reported.error.message)")
            return reported.error.exitCode
        } catch let error as ConnectorError {
            let shown = failures.report(error)
            console.error("\(prefix): \(shown.message)")
            return shown.exitCode
        } catch {
            console.error("\(prefix): internal error: \(error). Please report it with the log file.")
            return .software
        }
    }

    static func command(named name: String) -> (any ConnectorCommand.Type)? {
        commands.first { $0.name == name }
    }

    static func unknownCommand(_ word: String) -> ConnectorError {
        let hint = ClosestName.hint(for: word, among: commands.map { $0.name })
        return .usage("unknown command \"\(word)\".\(hint) Run `connector --help` for the list of commands.")
    }
}

/// `--home DIR` (or `--home=DIR`) before the subcommand: the one option that may stand there. It is not global (a
/// command without an install directory refuses it), so the parser gives it to the command as one of its own.
struct LeadingOptions: Equatable {
    var home: String?
    /// The words from the subcommand (or the first failure flag) on.
    var rest: [String]

    static func split(_ words: [String]) -> Result<LeadingOptions, ConnectorError> {
        let name = CommandOption.home.names[0]
        var home: String?
        var index = 0
        while index < words.count {
            let word = words[index]
            let value: String
            if word == name {
                guard index + 1 < words.count, !words[index + 1].hasPrefix("-") else {
                    return .failure(.usage("option \(name) needs a value: the install directory."))
                }
                value = words[index + 1]
                index += 2
            } else if word.hasPrefix(name + "=") {
                value = String(word.dropFirst(name.count + 1))
                index += 1
            } else {
                break
            }
            guard home == nil else { return .failure(.usage("option \(name) is given twice; give it once.")) }
            home = value
        }
        return .success(LeadingOptions(home: home, rest: Array(words[index...])))
    }
}
