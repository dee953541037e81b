import ConnectorKit
import Foundation
import Testing

@testable import Simulators

/// What the Symphony Summit end-to-end suites share: a fresh install wired to the simulators, jobs that fail on a
/// fixed Monday, runs of the real executable with a pinned clock, and readers of the simulators' state.
final class SummitStage: Sendable {
    let install: InstallUnderTest

    /// Monday 23 November 2026: the jobs of these suites fail on this day unless a test says otherwise.
    static let day = "2026-11-23"
    /// 09:15 UTC that Monday.
    static let morning = "2026-11-23T09:15:00Z"
    /// The simulator's `urls.incident` path.
    static let incidentPath: PathPattern = "/api_integration/REST/Summit_RESTWCF.svc/RESTService/CommonWS_JsonObjCall_JSON"
    /// The simulator's `urls.attachment` path.
    static let uploadPath: PathPattern = "/api_integration/REST/Summit_RESTWCF.svc/RESTService/Summit_UploadAttachmentBase64Encoded"

    /// A fresh install without demo jobs; `rules` override single rules of the simulator's Summit template.
    init(rules: [String: Bool] = [:], dailyStartHour: Int = 7) throws {
        install = try InstallUnderTest(summitRules: rules, dailyStartHour: dailyStartHour, seedDemoJobs: false)
    }

    var opcon: OpConSimulator { install.opcon }
    var summit: SummitSimulator { install.summit }

    // MARK: Files

    /// Rewrites `templates/summit.json` as the simulator's template (with `rules`) changed by `edit`.
    func editTemplate(rules: [String: Bool] = [:], _ edit: (JSONValue) throws -> JSONValue) throws {
        let template = try JSONValue.parse(Data(install.services.summitTemplate(rules: rules).utf8))
        try install.write("templates/summit.json", try edit(template).serialized(pretty: true))
    }

    /// Rewrites `Connector.config` as the simulator's config changed by `edit` (one line at a time is enough for
    /// every test: add a line after `[GENERAL]`, drop a key).
    func editConfig(_ edit: (String) -> String) throws {
        try install.write("Connector.config", edit(install.services.connectorConfig()))
    }

    /// `Connector.config` with `line` added to `[GENERAL]`.
    func addGeneralSetting(_ line: String) throws {
        try editConfig { $0.replacingOccurrences(of: "[GENERAL]\n", with: "[GENERAL]\n\(line)\n") }
    }

    /// A list of `{name, value}` template attributes.
    static func attributes(_ pairs: KeyValuePairs<String, String>) -> JSONValue {
        .array(pairs.map { ["name": .string($0.key), "value": .string($0.value)] })
    }

    // MARK: Jobs and runs

    /// Adds a failed job on `day` and returns it as Notification Manager describes it. `ticket` is a Summit number
    /// already recorded as the job's Incident Ticket ID (with this template's link).
    func addJob(
        _ job: String, schedule: String = "FINANCE", scheduleID: Int = 77, agent: String = "WINAGENT01",
        termination: String = "Exit Code 1", tags: [String] = [], documentation: String? = nil,
        logFiles: KeyValuePairs<String, String> = [:], day: String = SummitStage.day,
        status: OpConJobStatus = .failed, ticket: Int? = nil
    ) -> DemoJob {
        var extraFields: [String: JSONValue] = [:]
        if let ticket {
            extraFields["incidentTicketId"] = .string(String(ticket))
            extraFields["incidentTicketURL"] = .string(link(ticket))
        }
        let id = opcon.addJob(
            date: day, scheduleID: scheduleID, schedule: schedule, job: job, agent: agent, tags: tags,
            documentation: documentation, status: status, termination: termination, logFiles: logFiles,
            extraFields: extraFields)
        return DemoJob(
            id: id, date: day, scheduleID: scheduleID, instance: 1, schedule: schedule, job: job, agent: agent,
            termination: termination, tags: tags)
    }

    /// Runs the Notification Manager line for `job` against `template` with the clock pinned to `moment` (TZ=UTC
    /// unless `environment` says otherwise).
    func fail(
        _ job: DemoJob, at moment: String = SummitStage.morning, template: String = "summit.json",
        environment: [String: String] = [:]
    ) async throws -> ConnectorRun {
        try await run(install.failureWords(job, template: template), at: moment, environment: environment)
    }

    /// Runs `connector <words>` with the clock pinned to `moment`.
    func run(_ words: [String], at moment: String = SummitStage.morning, environment: [String: String] = [:]) async throws -> ConnectorRun {
        var environment = environment
        environment["CONNECTOR_NOW"] = moment
        return try await install.run(words, environment: environment)
    }

    /// `connector sync -t summit.json --once` with the clock pinned to `moment`.
    func sync(at moment: String = SummitStage.morning) async throws -> ConnectorRun {
        try await run(["sync", "-t", "summit.json", "--once"], at: moment)
    }

    // MARK: Reading the simulators

    /// The Summit ticket whose number OpCon holds as the job's Incident Ticket ID.
    func ticket(of job: DemoJob, sourceLocation: SourceLocation = #_sourceLocation) throws -> SummitTicket {
        let recorded = try #require(
            opcon.incidentTicketID(of: job.id), "job \(job.id) has no Incident Ticket ID", sourceLocation: sourceLocation)
        let number = try #require(Int(recorded), "Incident Ticket ID \(recorded) is not a Summit number", sourceLocation: sourceLocation)
        return try #require(summit.ticket(number), "Summit has no ticket \(number)", sourceLocation: sourceLocation)
    }

    /// The one ticket of the instance; records an issue when there is not exactly one.
    func onlyTicket(sourceLocation: SourceLocation = #_sourceLocation) throws -> SummitTicket {
        let tickets = summit.tickets
        #expect(tickets.count == 1, "expected one ticket, found \(tickets.map(\.number))", sourceLocation: sourceLocation)
        return try #require(tickets.first, sourceLocation: sourceLocation)
    }

    /// The link the simulator's template makes for a ticket number (`http://{0}/…?ID={1}`, `{0}` = host:port).
    func link(_ number: Int) -> String {
        "\(summit.baseURL)/MDLIncidentMgmt/IM_TicketDetail.aspx?ID=\(number)"
    }

    /// The `ServiceName` of every request Summit received on its incident endpoint, in order.
    var serviceNames: [String] {
        summit.journal.matching(path: Self.incidentPath).map { (try? $0.jsonBody())?["ServiceName"]?.stringValue ?? "?" }
    }

    /// How many Summit requests could change a ticket: `IM_LogOrUpdateIncident` calls and uploads.
    var summitWrites: Int {
        serviceNames.filter { $0 == "IM_LogOrUpdateIncident" }.count + summit.journal.count(path: Self.uploadPath)
    }

    /// How many requests OpCon received that could change something (PUT/POST on jobs, tickets, actions).
    var opconWrites: Int { opcon.journal.matching().filter { $0.isWrite && !$0.path.hasPrefix("/api/jobinstanceactions") }.count }

    /// The event files waiting in the install's outbox.
    var outboxItems: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: install.home + "/outbox")) ?? []).filter { $0.hasSuffix(".json") }
    }
}
