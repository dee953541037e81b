import ConnectorKit
import Foundation
import Testing

@testable import Simulators

/// What the Jira end-to-end suites share: a fresh install whose `templates/jira.json` is the simulator's Jira template
/// (Cloud API 3, Data Center API 2, or through the JSM request API), jobs that fail on a fixed Monday, runs of the real
/// executable with the Notification Manager line and a pinned clock, and readers of the simulators' state.
final class JiraStage: Sendable {
    let install: InstallUnderTest

    /// Monday 23 November 2026, 09:15 UTC: every job of these suites fails then.
    static let day = "2026-11-23"
    static let morning = "2026-11-23T09:15:00Z"
    static let later = "2026-11-23T10:40:00Z"

    /// A fresh install without demo jobs; `edit` adjusts the simulated site before the template is written for it.
    init(serviceDesk: Bool = false, rules: [String: Bool] = [:], _ edit: (inout JiraSettings) -> Void = { _ in }) throws {
        install = try InstallUnderTest(seedDemoJobs: false)
        var settings = install.services.jira.settings
        edit(&settings)
        install.services.jira.settings = settings
        try writeTemplate(serviceDesk: serviceDesk, rules: rules)
    }

    var opcon: OpConSimulator { install.opcon }
    var jira: JiraSimulator { install.services.jira }

    /// Rewrites `templates/jira.json` as the simulator's template, changed by `edit`.
    func writeTemplate(serviceDesk: Bool = false, rules: [String: Bool] = [:], _ edit: (JSONValue) -> JSONValue = { $0 }) throws {
        let template = try JSONValue.parse(Data(install.services.jiraTemplate(serviceDesk: serviceDesk, rules: rules).utf8))
        try install.write("templates/jira.json", edit(template).serialized(pretty: true))
    }

    /// Adds a failed job on `day` and returns it as Notification Manager describes it.
    func addJob(_ job: String, scheduleID: Int = 77, documentation: String? = nil, logFiles: KeyValuePairs<String, String> = [:]) -> DemoJob
    {
        let id = opcon.addJob(
            date: Self.day, scheduleID: scheduleID, schedule: "FINANCE", job: job, agent: "WINAGENT01", tags: [],
            documentation: documentation, status: .failed, termination: "Exit Code 1", logFiles: logFiles,
            extraFields: [:])
        return DemoJob(
            id: id, date: Self.day, scheduleID: scheduleID, instance: 1, schedule: "FINANCE", job: job, agent: "WINAGENT01",
            termination: "Exit Code 1", tags: [])
    }

    /// The Notification Manager line for `job` with `-t jira.json`, the clock pinned to `moment`.
    func fail(_ job: DemoJob, at moment: String = JiraStage.morning, environment: [String: String] = [:]) async throws -> ConnectorRun {
        var environment = environment
        environment["CONNECTOR_NOW"] = moment
        return try await install.run(install.failureWords(job, template: "jira.json"), environment: environment)
    }

    /// `connector <words>` with the clock pinned to `moment`.
    func run(_ words: [String], at moment: String = JiraStage.morning) async throws -> ConnectorRun {
        try await install.run(words, environment: ["CONNECTOR_NOW": moment])
    }

    /// The label every issue of `job` carries: `opcon-` and 16 hex digits of the SHA-256 of `RET_SERVER:RET_PORT,<id>`.
    func label(of job: DemoJob) -> String {
        "opcon-" + SHA256.hexDigest(of: "127.0.0.1:\(opcon.port ?? 0),\(job.id)").prefix(16)
    }

    /// The one issue of the site; records an issue when there is not exactly one.
    func onlyIssue(sourceLocation: SourceLocation = #_sourceLocation) throws -> JiraIssue {
        let issues = jira.issues
        #expect(issues.count == 1, "expected one issue, found \(issues.map(\.key))", sourceLocation: sourceLocation)
        return try #require(issues.first, sourceLocation: sourceLocation)
    }

    /// The link OpCon must record for `key`.
    func browseLink(_ key: String) -> String { "\(jira.baseURL)/browse/\(key)" }

    /// How many requests the site received with `method` on exactly `path`.
    func requests(_ method: String, _ path: String) -> [SimRequest] {
        jira.journal.all.filter { $0.method == method && $0.path.lowercased() == path.lowercased() }
    }

    /// Creates through the platform API (either version) or the JSM request API.
    var creates: Int {
        jira.journal.all.filter { $0.method == "POST" && ($0.path.hasSuffix("/issue") || $0.path.hasSuffix("/servicedeskapi/request")) }
            .count
    }
}
