import ConnectorKit
import Foundation

/// What every subcommand gets: its parsed options, the registry, the process environment.
struct CommandContext: Sendable {
    /// The words after the command's name, as typed.
    var words: [String]
    /// The words read against the command's declaration, `--home` before the command's name included.
    var options: ParsedOptions
    var registry: BackendRegistry
    var environment: [String: String]
    var executablePath: String
    /// Where a failure the command throws is written down; it learns of the runtime once one is loaded.
    var failures: FailureReporter
    var console = Console()

    /// Loads config and everything built from it, for the install directory `--home` or the environment names, and
    /// hands it to the failure reporter, so from here on a failure is logged (masked) by the runtime.
    /// - Parameter warningsOnConsole: also print warnings on stderr (they always go to the log).
    /// - Parameter deadlineClock: what the deadline is measured on (a `PassClock` for a long-running command).
    func runtime(
        warningsOnConsole: Bool = true,
        deadlineClock: @escaping Deadline.Clock = Deadline.monotonicSeconds
    ) throws(ConnectorError) -> ConnectorRuntime {
        let directory = InstallDirectory.resolve(option: options.home, environment: environment, executablePath: executablePath)
        let runtime = try ConnectorRuntime.load(
            home: directory, registry: registry, environment: environment,
            transport: PlatformTransport.factory, console: warningsOnConsole,
            deadlineClock: deadlineClock)
        failures.attach(runtime)
        return runtime
    }
}

/// One subcommand, in the manner of swift-argument-parser: a declaration of what it accepts, from which the command
/// line parses its words and prints its help, and a `run()` that throws its failures for the command line to report.
protocol ConnectorCommand: Sendable {
    static var signature: CommandSignature { get }
    init()
    func run(_ context: CommandContext) async throws -> ExitCode
}

extension ConnectorCommand {
    static var name: String { signature.name }
}
