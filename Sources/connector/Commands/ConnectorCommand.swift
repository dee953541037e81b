import ConnectorKit
import Foundation

/// What every subcommand gets: the raw words after its name, the registry, the process environment.
struct CommandContext: Sendable {
    var words: [String]
    var registry: BackendRegistry
    var environment: [String: String]
    var executablePath: String
    var console = Console()

    /// Loads config and everything built from it, for the install directory the words or environment name.
    /// - Parameter warningsOnConsole: also print warnings on stderr (they always go to the log).
    func runtime(home: String?, warningsOnConsole: Bool = true) throws(ConnectorError) -> ConnectorRuntime {
        let directory = InstallDirectory.resolve(option: home, environment: environment, executablePath: executablePath)
        return try ConnectorRuntime.load(home: directory, registry: registry, environment: environment,
                                         transport: PlatformTransport.factory, console: warningsOnConsole)
    }
}

/// One subcommand: a small type with its options and a `run()`, in the manner of swift-argument-parser.
protocol ConnectorCommand: Sendable {
    static var name: String { get }
    static var summary: String { get }
    /// Usage lines shown by `--help`.
    static var usage: String { get }
    init()
    func run(_ context: CommandContext) async throws -> ExitCode
}
