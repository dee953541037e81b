import ConnectorKit
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A connector install directory for running `SimulatedServices`: `Connector.config` pointing at the simulated OpCon,
/// `templates/servicenow.json` and `templates/summit.json` at the simulated ITSMs. `connector demo`,
/// `connector simulate --write`, the end-to-end tests and the benchmarks all write their install through this, so
/// a change to what an install needs is made once.
public struct SimulatedInstall: Sendable {
    public static let serviceNowTemplate = "templates/servicenow.json"
    public static let summitTemplate = "templates/summit.json"

    public let home: InstallDirectory
    /// `DAILY_START_HOUR` of the config.
    public var dailyStartHour: Int
    /// Rules of the ServiceNow template that differ from the simulator's defaults.
    public var serviceNowRules: [String: Bool]
    /// Rules of the Summit template that differ from the simulator's defaults.
    public var summitRules: [String: Bool]
    /// `KEY=value` lines added at the top of `[GENERAL]` (the benchmarks bound each run with `DEADLINE_SECONDS`).
    public var generalSettings: [String]

    public init(
        home: InstallDirectory, dailyStartHour: Int = 7, serviceNowRules: [String: Bool] = [:],
        summitRules: [String: Bool] = [:], generalSettings: [String] = []
    ) {
        self.home = home
        self.dailyStartHour = dailyStartHour
        self.serviceNowRules = serviceNowRules
        self.summitRules = summitRules
        self.generalSettings = generalSettings
    }

    /// A folder that does not exist yet under the system's temporary directory, `<prefix>-<8 characters>`.
    public static func temporaryHome(prefix: String) -> InstallDirectory {
        InstallDirectory(path: NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString.prefix(8))")
    }

    /// Each file's path relative to the install directory and its text. The config names the services' ports, so
    /// they must be listening.
    public func files(for services: SimulatedServices) -> [(path: String, text: String)] {
        var config = services.connectorConfig(dailyStartHour: dailyStartHour)
        if !generalSettings.isEmpty {
            config = config.replacingOccurrences(of: "[GENERAL]\n", with: "[GENERAL]\n" + generalSettings.map { $0 + "\n" }.joined())
        }
        return [
            ("Connector.config", config),
            (Self.serviceNowTemplate, services.serviceNowTemplate(rules: serviceNowRules)),
            (Self.summitTemplate, services.summitTemplate(rules: summitRules)),
        ]
    }

    /// Writes the files for `services` into the install directory, creating it and `templates/` when missing.
    public func write(for services: SimulatedServices) throws {
        try FileManager.default.createDirectory(atPath: home.file("templates"), withIntermediateDirectories: true)
        for (path, text) in files(for: services) { try write(path, text) }
    }

    /// Starts `services` (seeding the demo jobs for today unless `seedDemoJobs` is false) and writes the files for
    /// them; when the files cannot be written the services are stopped again, so a failed setup leaves no listener.
    public func start(_ services: SimulatedServices, seedDemoJobs: Bool = true) throws {
        try services.start(seedDemoJobs: seedDemoJobs)
        do {
            try write(for: services)
        } catch {
            services.stop()
            throw error
        }
    }

    /// Writes one file, given relative to the install directory, whose folder exists.
    ///
    /// C stdio, because Foundation's file writing fsyncs every file: on a busy disk each fsync took seconds, and in
    /// the tests that held the threads Swift concurrency runs every test on. The files are scratch: a crash mid-write
    /// costs nothing.
    public func write(_ relativePath: String, _ text: String) throws {
        let path = home.file(relativePath)
        guard let file = fopen(path, "w") else { throw Self.writeError(path) }
        let bytes = Array(text.utf8)
        let written = fwrite(bytes, 1, bytes.count, file)
        guard fclose(file) == 0, written == bytes.count else { throw Self.writeError(path) }
    }

    /// Removes the install directory and everything the connector wrote into it (logs, outbox, job logs).
    public func remove() { try? FileManager.default.removeItem(atPath: home.path) }

    private static func writeError(_ path: String) -> CocoaError {
        let reason = POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        return CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSUnderlyingErrorKey: reason])
    }
}
