import ConnectorKit
import Foundation

/// The one place a command's failure is written down. Commands throw; the command line asks this reporter for the
/// sentence to print, and the reporter logs the failure where it belongs:
/// - once the command has loaded its runtime, through the runtime: masked, and scoped to the job and template the
///   command said it was handling;
/// - before that (a usage error, a missing Connector.config), to the install directory's log when the folder really
///   is an install directory (it holds a Connector.config), so an operator finds it next to the runs'.
final class FailureReporter: @unchecked Sendable {
    private let environment: [String: String]
    private let executablePath: String
    private let lock = NSLock()
    private var runtime: ConnectorRuntime?
    private var scope: Logger?
    private var installOption: String?

    /// `words` is the whole command line: its `--home`, wherever it stands, names the log of an early failure until
    /// the parsed options say better.
    init(environment: [String: String], executablePath: String, words: [String]) {
        self.environment = environment
        self.executablePath = executablePath
        installOption = Self.homeWord(in: words)
    }

    /// The parsed `--home`, for a failure before the runtime exists.
    func install(option: String?) {
        lock.withLock { installOption = option }
    }

    func attach(_ runtime: ConnectorRuntime) {
        lock.withLock { self.runtime = runtime }
    }

    /// Failures from now on concern the job and template `logger` is scoped to.
    func concern(_ logger: Logger) {
        lock.withLock { scope = logger }
    }

    /// Logs `error` and returns it as it is printed (secrets masked once the runtime knows them).
    func report(_ error: ConnectorError) -> ConnectorError {
        let (runtime, scope, option) = lock.withLock { (self.runtime, self.scope, installOption) }
        if let runtime { return runtime.report(error, logger: scope).error }
        let directory = InstallDirectory.resolve(option: option, environment: environment, executablePath: executablePath)
        if FileManager.default.fileExists(atPath: directory.configFile) {
            FileLogSink(directory: directory.logDirectory).write(
                LogEntry(time: Date(), level: .error, job: nil, template: nil, message: error.message))
        }
        return error
    }

    /// `error` with the runtime's secrets masked, without logging it: for a JSON document printed before it is thrown.
    func masked(_ error: ConnectorError) -> ConnectorError {
        lock.withLock { runtime }.map { error.masked(by: $0.masker) } ?? error
    }

    private static func homeWord(in words: [String]) -> String? {
        for (index, word) in words.enumerated() {
            if word == CommandOption.home.names[0], words.indices.contains(index + 1) { return words[index + 1] }
            if word.hasPrefix(CommandOption.home.names[0] + "=") { return String(word.dropFirst(CommandOption.home.names[0].count + 1)) }
        }
        return nil
    }
}
