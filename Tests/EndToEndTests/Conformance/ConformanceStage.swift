import ConnectorKit
import Foundation
import Testing

@testable import Simulators

/// One conformance case's world: a fresh install wired to every simulator with the harness's template written, jobs
/// that fail on a fixed Monday, runs of the real executable with the clock pinned, and readers that go through the
/// harness, so a case reads the same for every backend.
final class ConformanceStage: Sendable {
    let harness: any BackendHarness
    let install: InstallUnderTest
    /// The credential forms the template holds, taken before a case can make the simulator refuse them.
    let secrets: [String]

    /// Monday 23 November 2026, 09:15 UTC: inside every template's working hours.
    static let day = "2026-11-23"
    static let morning = "2026-11-23T09:15:00Z"
    /// The time of a job's second failure.
    static let later = "2026-11-23T10:40:00Z"

    init(_ harness: any BackendHarness) throws {
        self.harness = harness
        install = try InstallUnderTest(seedDemoJobs: false)
        harness.prepare(install.services)
        try install.write("templates/\(harness.templateName)", harness.template(for: install.services))
        secrets = harness.secrets(in: install.services)
    }

    var services: SimulatedServices { install.services }
    var opcon: OpConSimulator { install.opcon }

    // MARK: Jobs and runs

    /// Adds a failed job on `day`; `recorded` is a ticket the job already records (id and link).
    func addJob(
        _ name: String, scheduleID: Int = 77, documentation: String? = nil, termination: String = "Exit Code 1",
        logFiles: KeyValuePairs<String, String> = [:], recorded: (recordedID: String, link: String)? = nil
    ) -> DemoJob {
        var extraFields: [String: JSONValue] = [:]
        if let recorded {
            extraFields["incidentTicketId"] = .string(recorded.recordedID)
            extraFields["incidentTicketURL"] = .string(recorded.link)
        }
        let id = opcon.addJob(
            date: Self.day, scheduleID: scheduleID, schedule: "FINANCE", job: name, documentation: documentation,
            termination: termination, logFiles: logFiles, extraFields: extraFields)
        return DemoJob(
            id: id, date: Self.day, scheduleID: scheduleID, instance: 1, schedule: "FINANCE", job: name,
            agent: "WINAGENT01", termination: termination, tags: [])
    }

    /// Runs the Notification Manager command line for `job` against the harness's template at `moment`.
    func fail(_ job: DemoJob, at moment: String = ConformanceStage.morning) async throws -> ConnectorRun {
        try await run(install.failureWords(job, template: harness.templateName), at: moment)
    }

    /// `connector explain` with the Notification Manager words for `job`.
    func explain(_ job: DemoJob, at moment: String = ConformanceStage.morning) async throws -> ConnectorRun {
        try await run(["explain"] + install.failureWords(job, template: harness.templateName), at: moment)
    }

    /// One pass of `connector sync` for the harness's template.
    func sync(at moment: String = ConformanceStage.later) async throws -> ConnectorRun {
        try await run(["sync", "-t", harness.templateName, "--once"], at: moment)
    }

    func run(_ words: [String], at moment: String) async throws -> ConnectorRun {
        try await install.run(words, environment: ["CONNECTOR_NOW": moment])
    }

    // MARK: Reading

    var tickets: [ObservedTicket] { harness.tickets(in: services) }
    var createsSent: Int { harness.createsSent(in: services) }

    /// The one ticket of the instance; records an issue when there is not exactly one.
    func onlyTicket(sourceLocation: SourceLocation = #_sourceLocation) throws -> ObservedTicket {
        let all = tickets
        #expect(all.count == 1, "expected one \(harness.name) ticket, found \(all)", sourceLocation: sourceLocation)
        return try #require(all.first, sourceLocation: sourceLocation)
    }

    /// The ticket OpCon records for `job`; records an issue when the job records none or one the instance lacks.
    func recordedTicket(of job: DemoJob, sourceLocation: SourceLocation = #_sourceLocation) throws -> ObservedTicket {
        let recorded = try #require(opcon.incidentTicketID(of: job.id), "job \(job.id) records no ticket", sourceLocation: sourceLocation)
        return try #require(
            harness.ticket(recordedID: recorded, in: services),
            "\(harness.name) has no ticket \(recorded) though the job records it", sourceLocation: sourceLocation)
    }

    /// Records an issue unless OpCon holds `ticket`'s id and link for `job` (SPEC §5 step 10).
    func expectWrittenBack(_ ticket: ObservedTicket, to job: DemoJob, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(opcon.incidentTicketID(of: job.id) == ticket.recordedID, sourceLocation: sourceLocation)
        #expect(opcon.incidentTicketURL(of: job.id) == ticket.link, sourceLocation: sourceLocation)
    }

    /// The first failure of `job`, which must create a ticket and write it back; the analyst then moves it to `state`.
    func firstTicket(
        of job: DemoJob, movedTo state: AnalystState? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ObservedTicket {
        let run = try await fail(job)
        #expect(run.exitCode == 0, "\(run)", sourceLocation: sourceLocation)
        let ticket = try recordedTicket(of: job, sourceLocation: sourceLocation)
        guard let state else { return ticket }
        try harness.set(state, ticket: ticket, in: services)
        return try #require(harness.ticket(recordedID: ticket.recordedID, in: services), sourceLocation: sourceLocation)
    }

    /// The event files waiting in the install's outbox.
    var outboxItems: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: install.home + "/outbox")) ?? []).filter { $0.hasSuffix(".json") }
    }

    var log: String { install.read("log/connector.log") ?? "" }

    /// Requests that could change something anywhere: OpCon's writes (job-instance actions only read an agent's
    /// files), this backend's writes, and any request at all to another ITSM's simulator, which a run for this
    /// template has no business calling.
    var writesEverywhere: [String: Int] {
        let own = harness.journal(in: services)
        var writes = [
            "OpCon": opcon.journal.matching().filter { $0.isWrite && !$0.path.hasPrefix("/api/jobinstanceactions") }.count,
            harness.name: harness.writesSent(in: services),
        ]
        let others: [(String, RequestJournal)] = [
            ("ServiceNow", services.serviceNow.journal), ("Summit", services.summit.journal),
            ("Jira", services.jira.journal),
        ]
        for (name, journal) in others where journal !== own { writes["\(name) (any request)"] = journal.requests }
        return writes
    }

    /// Records an issue for every secret form found in the run's output or the install's log.
    func expectNoSecret(in run: ConnectorRun, sourceLocation: SourceLocation = #_sourceLocation) {
        let log = self.log
        for secret in secrets {
            #expect(!run.stdout.contains(secret), "stdout shows \(secret)", sourceLocation: sourceLocation)
            #expect(!run.stderr.contains(secret), "stderr shows \(secret)", sourceLocation: sourceLocation)
            #expect(!log.contains(secret), "log/connector.log shows \(secret)", sourceLocation: sourceLocation)
        }
    }
}
