import Foundation

/// The folder holding `Connector.config`, `templates/`, `log/`, `joblogs/`, `outbox/` and `locks/` (SPEC, words used).
public struct InstallDirectory: Sendable, Equatable {
    public let path: String

    public init(path: String) {
        self.path = (path as NSString).standardizingPath
    }

    /// `--home DIR`, else `CONNECTOR_HOME`, else the first of these folders that holds a Connector.config: the
    /// executable's folder as invoked (a symlink placed in the install folder counts), the folder of the real
    /// executable, and the working directory, which is where OpCon's Run Command puts SMA's connectors. When none
    /// holds one, the executable's folder (SPEC's default), whose missing Connector.config is then reported.
    public static func resolve(
        option: String?, environment: [String: String], executablePath: String,
        workingDirectory: String = FileManager.default.currentDirectoryPath,
        runningExecutable: String? = Bundle.main.executablePath,
        holdsConfig: (String) -> Bool = { InstallDirectory(path: $0).hasConfigFile }
    ) -> InstallDirectory {
        if let option, !option.isEmpty { return InstallDirectory(path: absolute(option, in: workingDirectory)) }
        if let fromEnvironment = environment["CONNECTOR_HOME"], !fromEnvironment.isEmpty {
            return InstallDirectory(path: absolute(fromEnvironment, in: workingDirectory))
        }
        var candidates: [String] = []
        // A bare name was found on PATH: only the running executable says where it lives.
        let invoked = executablePath.contains("/") ? absolute(executablePath, in: workingDirectory) : runningExecutable
        if let invoked {
            let url = URL(fileURLWithPath: invoked)
            candidates.append(url.deletingLastPathComponent().path)
            candidates.append(url.resolvingSymlinksInPath().deletingLastPathComponent().path)
        }
        candidates.append(workingDirectory)
        return InstallDirectory(path: candidates.first(where: holdsConfig) ?? candidates[0])
    }

    /// Whether the folder holds a Connector.config.
    public var hasConfigFile: Bool { FileManager.default.fileExists(atPath: configFile) }

    public var configFile: String { file("Connector.config") }
    public var logDirectory: String { file("log") }
    public var outboxDirectory: String { file("outbox") }
    public var locksDirectory: String { file("locks") }

    /// A path from Connector.config: absolute as given, else inside the install directory. Windows separators are
    /// read as folder separators (`templates\` is `templates`).
    public func file(_ relative: String) -> String {
        if relative.count > 1 && relative.dropFirst().hasPrefix(":") { return relative }  // a drive letter: Windows only
        let native = NativePath.from(relative)
        if native.hasPrefix("/") || native.hasPrefix("\\") { return native }
        return ((path as NSString).appendingPathComponent(native) as NSString).standardizingPath
    }

    static func absolute(_ path: String, in workingDirectory: String = FileManager.default.currentDirectoryPath) -> String {
        if path.hasPrefix("/") { return path }
        return (workingDirectory as NSString).appendingPathComponent(path)
    }
}
