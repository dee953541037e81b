import ConnectorKit
import CurlHTTP
import Foundation
import ServiceNowPlugin
import SummitPlugin
import URLSessionHTTP

/// `Benchmarks --run-failure curl|urlsession <failure flags>`: this program, started as a child, handles one failure
/// the way the executable does (the same runtime, plugins and engine) over the named transport. The Linux executable
/// links only libcurl, so this is how URLSession is measured beside it, in a process of its own.
enum TransportChild {
    static let flag = "--run-failure"

    enum Kind: String, CaseIterable {
        case curl, urlsession

        var label: String { self == .curl ? "libcurl" : "URLSession" }

        var factory: TransportFactory {
            switch self {
            case .curl: return { settings throws(ConnectorError) in try CurlTransport(settings: settings) }
            case .urlsession: return { settings throws(ConnectorError) in URLSessionTransport(settings: settings) }
            }
        }
    }

    /// Runs the child and returns its exit code.
    static func main(_ words: [String]) async -> Int32 {
        guard let first = words.first, let kind = Kind(rawValue: first) else {
            FileHandle.standardError.write(Data("Benchmarks \(flag): expected curl or urlsession\n".utf8))
            return ExitCode.usage.rawValue
        }
        let environment = ProcessInfo.processInfo.environment
        do {
            let arguments = try FailureArguments.parse(Array(words.dropFirst()), failedAt: Date())
            guard case .handleFailure(let event) = arguments.request else { return ExitCode.usage.rawValue }
            let home = InstallDirectory.resolve(option: arguments.home, environment: environment, executablePath: CommandLine.arguments[0])
            let runtime = try ConnectorRuntime.load(
                home: home, registry: BackendRegistry([ServiceNowPlugin.plugin, SummitPlugin.plugin]),
                environment: environment, transport: kind.factory, console: false)
            let outcome = try await runtime.engine(forTemplate: event.template).handle(event)
            return outcome.exitCode.rawValue
        } catch let error as ConnectorError {
            FileHandle.standardError.write(Data("\(error.message)\n".utf8))
            return error.exitCode.rawValue
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            return ExitCode.software.rawValue
        }
    }
}
