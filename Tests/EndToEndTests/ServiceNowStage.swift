import ConnectorKit
import Foundation
import Testing

@testable import Simulators

/// What the ServiceNow and sync end-to-end suites share: a fresh install wired to the simulators, jobs that fail on a
/// fixed Monday, runs of the real executable with a pinned clock, and readers of the simulators' state.
final class ServiceNowStage: Sendable {
    let install: InstallUnderTest

    /// Monday 23 November 2026: every job of these suites fails on this day.
    static let day = "2026-11-23"
    /// 09:15 UTC that Monday: inside the working hours of every template these suites write.
    static let morning = "2026-11-23T09:15:00Z"
    /// `{4}` of a run at `morning` in UTC.
    static let morningText = "23-11-2026 09:15"

    /// A fresh install. The SMA business rules are off unless a test turns them on, so that no callback moves a
    /// job behind a test's back.
    init(rules: [String: Bool] = [:], businessRules: BusinessRuleSwitches = .allOff) throws {
        install = try InstallUnderTest(serviceNowRules: rules, seedDemoJobs: false)
        install.serviceNow.settings.businessRules = businessRules
    }

    var opcon: OpConSimulator { install.opcon }
    var serviceNow: ServiceNowSimulator { install.serviceNow }

    // MARK: Files

    /// Rewrites `templates/servicenow.json` as the simulator's template (with `rules`) changed by `edit`.
    func editTemplate(rules: [String: Bool] = [:], _ edit: (JSONValue) -> JSONValue) throws {
        let template = try JSONValue.parse(Data(install.services.serviceNowTemplate(rules: rules).utf8))
        try install.write("templates/servicenow.json", edit(template).serialized(pretty: true))
    }

    /// Rewrites `Connector.config` with the call-back address (`RET_SERVER`, `RET_PORT`) replaced, or removed when nil.
    func setCallbackAddress(server: String?, port: Int?) throws {
        let opconPort = opcon.port ?? 0
        var lines = install.services.connectorConfig().components(separatedBy: "\n")
        lines.removeAll { $0.hasPrefix("RET_SERVER=") || $0.hasPrefix("RET_PORT=") }
        let anchor = try #require(lines.firstIndex { $0.hasPrefix("TOKEN=") })
        if let port { lines.insert("RET_PORT=\(port)", at: anchor + 1) }
        if let server { lines.insert("RET_SERVER=\(server)", at: anchor + 1) }
        #expect(lines.contains("PORT=\(opconPort)"))
        try install.write("Connector.config", lines.joined(separator: "\n"))
    }

    /// Seven weekdays with the same window, as a `workingHours` object.
    static func workingHours(start: String, stop: String) -> JSONValue {
        let days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        return .object(Dictionary(uniqueKeysWithValues: days.map { ($0, ["start": .string(start), "stop": .string(stop)]) }))
    }

    /// A list of `{name, value}` template attributes.
    static func attributes(_ pairs: KeyValuePairs<String, String>) -> JSONValue {
        .array(pairs.map { ["name": .string($0.key), "value": .string($0.value)] })
    }

    // MARK: Jobs and runs

    /// Adds a failed job on `day` and returns it as Notification Manager describes it. `extraFields` replace members
    /// of the job OpCon returns (e.g. `uniqueJobId`).
    func addJob(
        _ job: String, schedule: String = "FINANCE", scheduleID: Int = 77, agent: String = "WINAGENT01",
        termination: String = "Exit Code 1", tags: [String] = [], documentation: String? = nil,
        logFiles: KeyValuePairs<String, String> = [:], day: String = ServiceNowStage.day,
        status: OpConJobStatus = .failed, extraFields: [String: JSONValue] = [:]
    ) -> DemoJob {
        let id = opcon.addJob(
            date: day, scheduleID: scheduleID, schedule: schedule, job: job, agent: agent, tags: tags,
            documentation: documentation, status: status, termination: termination, logFiles: logFiles,
            extraFields: extraFields)
        return DemoJob(
            id: id, date: day, scheduleID: scheduleID, instance: 1, schedule: schedule, job: job, agent: agent,
            termination: termination, tags: tags)
    }

    /// Runs the Notification Manager line for `job` with the clock pinned to `moment` (TZ=UTC unless overridden).
    func fail(_ job: DemoJob, at moment: String = ServiceNowStage.morning, environment: [String: String] = [:]) async throws -> ConnectorRun
    {
        var environment = environment
        environment["CONNECTOR_NOW"] = moment
        return try await install.run(install.failureWords(job, template: "servicenow.json"), environment: environment)
    }

    /// `connector sync -t servicenow.json --once` with the clock pinned to `moment`.
    func sync(at moment: String = ServiceNowStage.morning) async throws -> ConnectorRun {
        try await install.run(["sync", "-t", "servicenow.json", "--once"], environment: ["CONNECTOR_NOW": moment])
    }

    // MARK: Reading the simulators

    /// The one incident of the instance; records an issue when there is not exactly one.
    func onlyIncident(sourceLocation: SourceLocation = #_sourceLocation) throws -> ServiceNowRecord {
        let incidents = serviceNow.incidents
        #expect(
            incidents.count == 1, "expected one incident, found \(incidents.map { $0["number"] ?? "?" })", sourceLocation: sourceLocation)
        return try #require(incidents.first, sourceLocation: sourceLocation)
    }

    /// What OpCon's Incident Ticket ID must hold for `incident`: `<number>/<sys_id>`.
    static func recordedID(_ incident: ServiceNowRecord) -> String { "\(incident["number"] ?? "")/\(incident["sys_id"] ?? "")" }

    /// What OpCon's ticket URL must hold for `incident`.
    func ticketURL(_ incident: ServiceNowRecord) -> String {
        "\(serviceNow.baseURL)/nav_to.do?uri=incident.do?sys_id=\(incident["sys_id"] ?? "")"
    }

    /// The simulator template's `description` attribute expanded for `job`.
    func description(of job: DemoJob, at time: String = ServiceNowStage.morningText) -> String {
        let unique = opcon.job(job.id)?["uniqueJobId"]?.stringValue ?? ""
        return
            "Technical data of the OpCon batch (schedule (\(job.schedule)) job (\(job.job)) server (\(job.agent)) error code (\(job.termination)) date (\(time)) JOBID=\(unique))"
    }

    /// How many requests OpCon received on the job's incident-ticket resource with `method`.
    func ticketWrites(_ method: String) -> Int { opcon.journal.count(method: method, path: "/api/dailyjobs/*/incidentTickets") }

    /// How many incident creates (POSTs on the incident table) ServiceNow received.
    var incidentPosts: Int { serviceNow.journal.count(method: "POST", path: "/api/now/table/incident") }
}
