import ConnectorKit
import Foundation

/// Chooses the subcommand. The SMA Notification Manager line (`connector -a … -t basic.json`) has no
/// subcommand word and means `run`.
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

    func run(_ words: [String]) async -> ExitCode {
        let console = Console()
        guard let first = words.first else {
            console.error(Self.overview)
            return .usage
        }
        if first == "--version" || first == "version" {
            console.print("connector \(Self.version)")
            return .ok
        }
        if first == "--help" || first == "-h" || first == "help" {
            if words.count > 1, let command = Self.commands.first(where: { $0.name == words[1] }) {
                console.print(Self.help(for: command))
            } else {
                console.print(Self.overview)
            }
            return .ok
        }

        let command: any ConnectorCommand.Type
        var rest = Array(words.dropFirst())
        if let named = Self.commands.first(where: { $0.name == first }) {
            command = named
        } else if first.hasPrefix("-") {
            command = RunCommand.self
            rest = words
        } else {
            console.error("connector: unknown command \"\(first)\". Run `connector --help` for the list of commands.")
            return .usage
        }
        if rest.contains("--help") || rest.contains("-h") {
            console.print(Self.help(for: command))
            return .ok
        }
        let context = CommandContext(words: rest, registry: registry, environment: environment, executablePath: executablePath)
        do {
            return try await command.init().run(context)
        } catch let reported as ReportedError {
            console.error("connector: \(reported.error.message)")
            return reported.error.exitCode
        } catch let error as ConnectorError {
            console.error("connector: \(error.message)")
            logEarlyFailure(error, words: rest)
            return error.exitCode
        } catch {
            console.error("connector: internal error: \(error). Please report it with the log file.")
            return .software
        }
    }

    /// A failure raised before the runtime existed (usage, Connector.config) goes to the install directory's log
    /// too, when the folder really is an install directory (it holds a Connector.config).
    private func logEarlyFailure(_ error: ConnectorError, words: [String]) {
        let homeOption = words.firstIndex(of: "--home").flatMap { words.indices.contains($0 + 1) ? words[$0 + 1] : nil }
        let home = InstallDirectory.resolve(option: homeOption, environment: environment, executablePath: executablePath)
        guard FileManager.default.fileExists(atPath: home.configFile) else { return }
        FileLogSink(directory: home.logDirectory).write(
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

            Commands:
            \(lines.joined(separator: "\n"))

            Every command accepts --help and --home DIR (the install directory; default: CONNECTOR_HOME, else the
            folder of the executable). Exit codes: 0 handled, 64 usage, 65 data, 69 unavailable and not saved,
            70 internal, 75 saved to the outbox, 77 permission, 78 configuration.
            """
    }
}
