import ConnectorKit
import Foundation

/// What every subcommand gets: the raw words after its name, the registry, the process environment.
struct CommandContext: Sendable {
    var words: [String]
    var registry: BackendRegistry
    var environment: [String: String]
    var executablePath: String
    /// `--home DIR` given before the subcommand's name.
    var home: String?
    var console = Console()

    init(words: [String], registry: BackendRegistry, environment: [String: String], executablePath: String, home: String? = nil) {
        self.words = words
        self.registry = registry
        self.environment = environment
        self.executablePath = executablePath
        self.home = home
    }

    /// The install directory option: `--home` before the subcommand or among its own options (not both).
    func home(_ ownOption: String?) throws(ConnectorError) -> String? {
        if home != nil && ownOption != nil {
            throw .usage("option --home is given twice (before and after the command); give it once.")
        }
        return ownOption ?? home
    }

    /// Loads config and everything built from it, for the install directory the words or environment name.
    /// - Parameter warningsOnConsole: also print warnings on stderr (they always go to the log).
    /// - Parameter deadlineClock: what the deadline is measured on (a `PassClock` for a long-running command).
    func runtime(home ownOption: String?, warningsOnConsole: Bool = true,
                 deadlineClock: @escaping Deadline.Clock = Deadline.monotonicSeconds) throws(ConnectorError) -> ConnectorRuntime {
        let directory = InstallDirectory.resolve(option: try home(ownOption), environment: environment, executablePath: executablePath)
        return try ConnectorRuntime.load(home: directory, registry: registry, environment: environment,
                                         transport: PlatformTransport.factory, console: warningsOnConsole, deadlineClock: deadlineClock)
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
