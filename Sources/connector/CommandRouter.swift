import ConnectorKit
import Foundation

/// Chooses the subcommand. The SMA Notification Manager line (`connector -a … -t basic.json`) has no
/// subcommand word and means `run`. `--home DIR` may come before the subcommand (`connector --home X templates`).
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

    /// Words that mean "show the version" or "show help" in the place of a command.
    static let versionWords: Set<String> = ["--version", "-V", "version"]
    static let helpWords: Set<String> = ["--help", "-h", "help"]

    func run(_ words: [String]) async -> ExitCode {
        let console = Console()
        let global: GlobalOptions
        switch GlobalOptions.split(words) {
        case .success(let options):
            global = options
        case .failure(let error):
            console.error("connector: \(error.message)")
            return error.exitCode
        }
        guard let first = global.rest.first else {
            console.error(global.home == nil ? Self.overview
                : "connector: --home names the install directory; a command or the failure flags must follow (see connector --help).")
            return .usage
        }
        if Self.versionWords.contains(first) {
            console.print("connector \(Self.version)")
            return .ok
        }
        if Self.helpWords.contains(first) {
            if global.rest.count > 1, let command = Self.commands.first(where: { $0.name == global.rest[1] }) {
                console.print(Self.help(for: command))
            } else {
                console.print(Self.overview)
            }
            return .ok
        }

        let command: any ConnectorCommand.Type
        var rest = Array(global.rest.dropFirst())
        // Messages of a subcommand start with its name; the failure line has none.
        var prefix = "connector"
        var home = global.home
        if let named = Self.commands.first(where: { $0.name == first }) {
            command = named
            prefix = "connector \(named.name)"
        } else if first.hasPrefix("-") {
            // The failure line reads --home itself, wherever it stands.
            command = RunCommand.self
            rest = words
            home = nil
        } else {
            let hint = ClosestName.hint(for: first, among: Self.commands.map { $0.name })
            console.error("connector: unknown command \"\(first)\".\(hint) Run `connector --help` for the list of commands.")
            return .usage
        }
        if rest.contains("--help") || rest.contains("-h") {
            console.print(Self.help(for: command))
            return .ok
        }
        let context = CommandContext(words: rest, registry: registry, environment: environment, executablePath: executablePath,
                                     home: home)
        let instance: any ConnectorCommand = command.init()
        return await execute(instance, context, prefix: prefix, console: console)
    }

    /// Runs one command and turns what it throws into the exit code and the one sentence on stderr.
    private func execute(_ command: any ConnectorCommand, _ context: CommandContext, prefix: String, console: Console) async -> ExitCode {
        do {
            return try await command.run(context)
        } catch let reported as ReportedError {
            console.error("\(prefix): \(reported.error.message)")
            return reported.error.exitCode
        } catch let error as ConnectorError {
            console.error("\(prefix): \(error.message)")
            logEarlyFailure(error, words: context.words, home: context.home)
            return error.exitCode
        } catch {
            console.error("\(prefix): internal error: \(error). Please report it with the log file.")
            return .software
        }
    }

    /// A failure raised before the runtime existed (usage, Connector.config) goes to the install directory's log
    /// too, when the folder really is an install directory (it holds a Connector.config).
    private func logEarlyFailure(_ error: ConnectorError, words: [String], home: String?) {
        let homeOption = home ?? words.firstIndex(of: "--home").flatMap { words.indices.contains($0 + 1) ? words[$0 + 1] : nil }
        let directory = InstallDirectory.resolve(option: homeOption, environment: environment, executablePath: executablePath)
        guard FileManager.default.fileExists(atPath: directory.configFile) else { return }
        FileLogSink(directory: directory.logDirectory).write(
            LogEntry(time: Date(), level: .error, job: nil, template: nil, message: error.message))
    }

    static func help(for command: any ConnectorCommand.Type) -> String {
        "connector \(command.name): \(command.summary)\n\nUsage:\n\(command.usage)"
    }

    static var overview: String {
        let lines = commands.map { "  \($0.name.padding(toLength: 10, withPad: " ", startingAt: 0)) \($0.summary)" }
        return """
            connector \(version): opens, updates, reopens or replaces an ITSM incident when an OpCon job fails.

            Usage (the Notification Manager Run Command line of the SMA connectors works unchanged):
              connector -a [[$MACHINE NAME]] -s [[$SCHEDULE NAME]] -jn [[$JOB NAME]] -e [[$JOB TERMINATION]] \\
                        -sd [[$SCHEDULE DATE-SNOW]] -si [[$SCHEDULE ID]] -sn [[$SCHEDULE INST]] -t basic.json
              connector [--home DIR] COMMAND [OPTIONS]

            Commands:
            \(lines.joined(separator: "\n"))

            Every command accepts --help, and --home DIR (the install directory; default: CONNECTOR_HOME, else the
            folder of the executable) before or after its name. check, templates, outbox list and sync --once accept
            --json (one JSON document on stdout). -V or --version prints the version. Exit codes: 0 handled, 64 usage,
            65 data, 69 unavailable and not saved, 70 internal, 75 saved to the outbox, 77 permission, 78 configuration.
            """
    }
}

/// The options that may stand before the subcommand: `--home DIR` (or `--home=DIR`).
struct GlobalOptions: Equatable {
    var home: String?
    /// The words from the subcommand (or the first failure flag) on.
    var rest: [String]

    static func split(_ words: [String]) -> Result<GlobalOptions, ConnectorError> {
        var home: String?
        var index = 0
        while index < words.count {
            let word = words[index]
            if word == "--home" {
                guard index + 1 < words.count, !words[index + 1].hasPrefix("-") else {
                    return .failure(.usage("option --home needs a value: the install directory."))
                }
                guard home == nil else { return .failure(.usage("option --home is given twice; give it once.")) }
                home = words[index + 1]
                index += 2
            } else if word.hasPrefix("--home=") {
                guard home == nil else { return .failure(.usage("option --home is given twice; give it once.")) }
                home = String(word.dropFirst("--home=".count))
                index += 1
            } else {
                break
            }
        }
        return .success(GlobalOptions(home: home, rest: Array(words[index...])))
    }
}
