import Foundation

/// The folder holding `Connector.config`, `templates/`, `log/`, `joblogs/`, `outbox/` and `locks/` (SPEC, words used).
public struct InstallDirectory: Sendable, Equatable {
    public let path: String

    public init(path: String) {
        self.path = (path as NSString).standardizingPath
    }

    /// `--home DIR`, else `CONNECTOR_HOME`, else the folder that holds the executable.
    public static func resolve(option: String?, environment: [String: String], executablePath: String) -> InstallDirectory {
        if let option, !option.isEmpty { return InstallDirectory(path: absolute(option)) }
        if let fromEnvironment = environment["CONNECTOR_HOME"], !fromEnvironment.isEmpty {
            return InstallDirectory(path: absolute(fromEnvironment))
        }
        let executable = URL(fileURLWithPath: absolute(executablePath)).resolvingSymlinksInPath()
        return InstallDirectory(path: executable.deletingLastPathComponent().path)
    }

    public var configFile: String { file("Connector.config") }
    public var logDirectory: String { file("log") }
    public var outboxDirectory: String { file("outbox") }
    public var locksDirectory: String { file("locks") }

    /// A path from Connector.config: absolute as given, else inside the install directory.
    public func file(_ relative: String) -> String {
        if relative.hasPrefix("/") || relative.hasPrefix("\\") || (relative.count > 1 && relative.dropFirst().hasPrefix(":")) {
            return relative
        }
        return (path as NSString).appendingPathComponent(relative)
    }

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }
}
