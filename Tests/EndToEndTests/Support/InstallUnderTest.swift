import ConnectorKit
import Foundation

@testable import Simulators

/// A temporary install directory wired to OpCon, ServiceNow and Summit simulators running in the test process, for
/// driving the real `connector` executable over loopback; released, it stops the simulators and removes the folder.
final class InstallUnderTest: @unchecked Sendable {
    let services: SimulatedServices
    let files: SimulatedInstall
    var home: String { files.home.path }

    var opcon: OpConSimulator { services.opcon }
    var serviceNow: ServiceNowSimulator { services.serviceNow }
    var summit: SummitSimulator { services.summit }

    /// Starts the simulators (with the demo jobs seeded for today unless `seedDemoJobs` is false) and writes
    /// `Connector.config`, `templates/servicenow.json` and `templates/summit.json`.
    init(
        serviceNowRules: [String: Bool] = [:], summitRules: [String: Bool] = [:], dailyStartHour: Int = 7,
        seedDemoJobs: Bool = true, services: SimulatedServices = SimulatedServices()
    ) throws {
        self.services = services
        files = SimulatedInstall(
            home: SimulatedInstall.temporaryHome(prefix: "connector-e2e"), dailyStartHour: dailyStartHour,
            serviceNowRules: serviceNowRules, summitRules: summitRules)
        try files.start(services, seedDemoJobs: seedDemoJobs)
    }

    deinit {
        services.stop()
        files.remove()
    }

    /// Writes a file relative to the install directory (a test's own config or template).
    func write(_ relativePath: String, _ text: String) throws { try files.write(relativePath, text) }

    func read(_ relativePath: String) -> String? {
        try? String(contentsOfFile: home + "/" + relativePath, encoding: .utf8)
    }

    /// The Notification Manager Run Command words for a job, unquoted as Notification Manager passes them
    /// (a multi-word schedule or job name arrives as several words).
    func failureWords(_ job: DemoJob, template: String) -> [String] {
        var words = ["-a"] + job.agent.split(separator: " ").map(String.init)
        words += ["-s"] + job.schedule.split(separator: " ").map(String.init)
        words += ["-jn"] + job.job.split(separator: " ").map(String.init)
        words += ["-e"] + job.termination.split(separator: " ").map(String.init)
        words += ["-sd", job.date, "-si", String(job.scheduleID), "-sn", String(job.instance), "-t", template]
        return words
    }

    /// Adds a failed job to the OpCon simulator for today and returns it as Notification Manager would describe it.
    func addFailedJob(
        schedule: String = "FINANCE", scheduleID: Int = 77, job: String, agent: String = "WINAGENT01",
        tags: [String] = [], documentation: String? = nil, termination: String = "Exit Code 1",
        logFiles: KeyValuePairs<String, String> = [:], date: String? = nil
    ) -> DemoJob {
        let day = date ?? Self.today()
        let id = opcon.addJob(
            date: day, scheduleID: scheduleID, schedule: schedule, job: job, agent: agent, tags: tags,
            documentation: documentation, termination: termination, logFiles: logFiles)
        return DemoJob(
            id: id, date: day, scheduleID: scheduleID, instance: 1, schedule: schedule, job: job, agent: agent,
            termination: termination, tags: tags)
    }

    /// Runs the real executable against this install directory.
    func run(_ words: [String], environment: [String: String] = [:], timeout: Double = 120) async throws -> ConnectorRun {
        try await ConnectorProcess.run(words, home: home, environment: environment, timeout: timeout)
    }

    /// Today as `yyyy-MM-dd` in UTC (the tests run the connector with TZ=UTC).
    static func today(_ date: Date = Date()) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}
