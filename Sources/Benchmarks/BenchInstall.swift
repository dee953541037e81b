import ConnectorKit
import Foundation
import Simulators

/// The two ITSM backends the benchmark drives, by template.
enum Backend: CaseIterable {
    case serviceNow, summit

    var label: String { self == .serviceNow ? "ServiceNow" : "Summit" }
    var template: String { self == .serviceNow ? "servicenow.json" : "summit.json" }

    /// Tickets the backend's simulator holds.
    func tickets(in services: SimulatedServices) -> Int {
        self == .serviceNow ? services.serviceNow.incidents.count : services.summit.tickets.count
    }

    /// Requests the backend's simulator has received.
    func requests(in services: SimulatedServices) -> Int {
        self == .serviceNow ? services.serviceNow.journal.requests : services.summit.journal.requests
    }
}

/// Fresh simulators on 127.0.0.1 and a temporary install directory (`Connector.config`, both templates) pointing at
/// them: what Notification Manager's `connector` would find next to itself.
final class BenchInstall {
    let services: SimulatedServices
    let files: SimulatedInstall
    let home: String
    /// The connector's own whole-run budget: a run that hangs ends by itself.
    static let deadlineSeconds = 60

    /// `jorsPolls`: how many times each job-output request answers `submitted` before its result.
    init(jorsPolls: Int = 2) throws {
        services = SimulatedServices()
        services.opcon.settings.jobInstanceActionPolls = jorsPolls
        services.opcon.settings.jobActionPolls = jorsPolls
        files = SimulatedInstall(
            home: SimulatedInstall.temporaryHome(prefix: "connector-bench"),
            generalSettings: ["DEADLINE_SECONDS=\(Self.deadlineSeconds)"])
        home = files.home.path
        try files.start(services, seedDemoJobs: false)
    }

    /// Stops the simulators and removes the install directory, unless its logs are needed to explain a failed check.
    func close(keepingFiles: Bool = false) {
        services.stop()
        if !keepingFiles { files.remove() }
    }

    /// Adds a failed job with a 6.5 KB job log (500 CRLF lines) and returns its daily job id.
    @discardableResult
    func addFailedJob(_ job: String, scheduleID: Int) -> String {
        services.opcon.addJob(
            date: Self.today, scheduleID: scheduleID, schedule: "BENCHMARK", job: job, agent: "BENCH01",
            termination: "Exit Code 2",
            logFiles: ["\(job).log": String(repeating: "output line\r\n", count: 500)])
    }

    /// The Notification Manager command line for the job, as SMA's connectors receive it.
    func failureArguments(job: String, scheduleID: Int, backend: Backend) -> [String] {
        [
            "-a", "BENCH01", "-s", "BENCHMARK", "-jn", job, "-e", "Exit Code 2", "-sd", Self.today,
            "-si", String(scheduleID), "-sn", "1", "-t", backend.template,
        ]
    }

    /// The child's whole environment: nothing of the benchmark's own leaks in.
    var environment: [String: String] { ["CONNECTOR_HOME": home, "TZ": "UTC", "PATH": "/usr/bin:/bin"] }

    /// Requests received by all three simulators so far.
    var requestCounts: (opcon: Int, itsm: Int) {
        (services.opcon.journal.requests, services.serviceNow.journal.requests + services.summit.journal.requests)
    }

    /// Today in UTC (the children run with TZ=UTC), `yyyy-MM-dd`.
    static let today: String = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }()
}
