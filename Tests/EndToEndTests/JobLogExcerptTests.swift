import ConnectorKit
import Foundation
import Testing

@testable import Simulators

/// SPEC §5 steps 7, 8 and 11 through the real executable, on both backends: the excerpt at the end of the ticket's
/// text, the secrets scrubbed from the excerpt and the attachment, each switch honoured, and a log that never arrives.
@Suite("End to end: job-log excerpt and scrubbing")
struct JobLogExcerptTests {
    /// A job log with two key=value secrets and the run's own OpCon token, CR LF line ends and no final newline.
    static func log(token: String) -> String {
        "Starting GL load\r\nconnect db password=Hunter2! host=db01\r\nERROR 42: ledger locked\r\napi_key: abc123\r\n"
            + "calling OpCon with Token \(token)\r\nÉchec du traitement\r\nstep 3 aborted"
    }

    /// The same log with the three secrets replaced, every other byte as it was.
    static let scrubbedLog =
        "Starting GL load\r\nconnect db password=**** host=db01\r\nERROR 42: ledger locked\r\napi_key: ****\r\n"
        + "calling OpCon with Token ****\r\nÉchec du traitement\r\nstep 3 aborted"

    /// The block the ticket's text ends with for that log.
    static func block(_ name: String) -> String {
        "--- job log excerpt (\(name)) ---\nStarting GL load\nconnect db password=**** host=db01\nERROR 42: ledger locked\n"
            + "api_key: ****\ncalling OpCon with Token ****\nÉchec du traitement\nstep 3 aborted"
    }

    static let later = "2026-11-23T11:40:00Z"

    /// Writes the install again with `line` added to `[GENERAL]` of its `Connector.config`.
    static func addGeneralSetting(_ line: String, to install: InstallUnderTest) throws {
        var files = install.files
        files.generalSettings.append(line)
        try files.write(for: install.services)
    }

    // MARK: ServiceNow

    @Test(
        "ServiceNow: the created incident's description and the update's description end with the excerpt; the attachment is scrubbed byte for byte"
    )
    func serviceNowCreateAndUpdate() async throws {
        let stage = try ServiceNowStage()
        let token = stage.opcon.token
        let job = stage.addJob("GL LOAD 01", logFiles: ["GL LOAD 01.log": Self.log(token: token)])

        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        let incident = try stage.onlyIncident()
        #expect(incident["description"] == stage.description(of: job) + "\n\n" + Self.block("GL LOAD 01.log"))
        let sysID = try #require(incident["sys_id"])
        #expect(stage.serviceNow.attachments(of: sysID).map(\.data) == [Data(Self.scrubbedLog.utf8)])
        let log = stage.install.read("log/connector.log") ?? ""
        #expect(log.contains("3 secret value(s) replaced by ****"), "\(log)")
        #expect(log.contains("3 value(s) scrubbed from the job log"), "the summary line says it too")
        #expect(!log.contains("Hunter2!") && !log.contains("abc123"))

        let again = try await stage.fail(job, at: Self.later)
        #expect(again.exitCode == 0, "\(again)")
        #expect(again.stdout.hasPrefix("update:"), "\(again)")
        let updated = try stage.onlyIncident()
        #expect(updated["description"] == stage.description(of: job, at: "23-11-2026 11:40") + "\n\n" + Self.block("GL LOAD 01.log"))
        #expect(stage.serviceNow.attachments(of: sysID).map(\.data) == [Data(Self.scrubbedLog.utf8), Data(Self.scrubbedLog.utf8)])
    }

    @Test("ServiceNow: a reopen's work note ends with the excerpt")
    func serviceNowReopen() async throws {
        let stage = try ServiceNowStage()
        let job = stage.addJob("GL LOAD 01", logFiles: ["GL LOAD 01.log": Self.log(token: stage.opcon.token)])
        #expect(try await stage.fail(job).exitCode == 0)
        let incident = try stage.onlyIncident()
        _ = try stage.serviceNow.setState("6", of: try #require(incident["sys_id"]))

        let again = try await stage.fail(job, at: Self.later)
        #expect(again.stdout.hasPrefix("reopen:"), "\(again)")
        let notes = stage.serviceNow.journalEntries(of: incident["sys_id"]!).filter { $0.element == "work_notes" }
        #expect(notes.count == 1)
        #expect(notes.first?.value.hasSuffix("\n\n" + Self.block("GL LOAD 01.log")) == true, "\(notes)")
    }

    @Test("ServiceNow: SCRUB_JOBLOGS=False attaches the log as fetched and quotes it as it is")
    func serviceNowScrubbingOff() async throws {
        let stage = try ServiceNowStage()
        try Self.addGeneralSetting("SCRUB_JOBLOGS=False", to: stage.install)
        let log = Self.log(token: stage.opcon.token)
        let job = stage.addJob("GL LOAD 01", logFiles: ["GL LOAD 01.log": log])
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        let incident = try stage.onlyIncident()
        #expect(stage.serviceNow.attachments(of: try #require(incident["sys_id"])).map(\.data) == [Data(log.utf8)])
        #expect(incident["description"]?.contains("password=Hunter2! host=db01\nERROR 42") == true, "\(incident["description"] ?? "")")
    }

    @Test("ServiceNow: includeLogExcerpt false leaves the description as the template makes it, the attachment scrubbed")
    func serviceNowExcerptOff() async throws {
        let stage = try ServiceNowStage(rules: ["includeLogExcerpt": false])
        let job = stage.addJob("GL LOAD 01", logFiles: ["GL LOAD 01.log": Self.log(token: stage.opcon.token)])
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        let incident = try stage.onlyIncident()
        #expect(incident["description"] == stage.description(of: job))
        #expect(stage.serviceNow.attachments(of: try #require(incident["sys_id"])).map(\.data) == [Data(Self.scrubbedLog.utf8)])
    }

    @Test("ServiceNow: a log that never arrives gives the one-line note; the incident is created within the deadline")
    func serviceNowLogNeverArrives() async throws {
        let stage = try ServiceNowStage()
        try Self.addGeneralSetting("DEADLINE_SECONDS=6", to: stage.install)
        stage.opcon.settings.jobInstanceActionPolls = 1_000_000
        let job = stage.addJob("GL LOAD 01", logFiles: ["GL LOAD 01.log": Self.log(token: stage.opcon.token)])

        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        #expect(run.seconds < 10, "the run keeps to its deadline: \(run.seconds) s")
        let incident = try stage.onlyIncident()
        let description = try #require(incident["description"])
        let lastLine = try #require(description.components(separatedBy: "\n").last)
        #expect(description.hasPrefix(stage.description(of: job) + "\n\n--- no job log excerpt: "), "\(description)")
        #expect(lastLine.hasPrefix("--- no job log excerpt: the job log could not be read from OpCon within "), "\(lastLine)")
        #expect(stage.opcon.incidentTicketID(of: job.id) == ServiceNowStage.recordedID(incident), "the ticket was written back")
        #expect(stage.serviceNow.attachments(of: try #require(incident["sys_id"])).isEmpty)
    }

    @Test("explain shows the excerpt it would send, scrubbed, and changes nothing")
    func explainShowsExcerpt() async throws {
        let stage = try ServiceNowStage()
        let job = stage.addJob("GL LOAD 01", logFiles: ["GL LOAD 01.log": Self.log(token: stage.opcon.token)])
        let run = try await stage.install.run(
            ["explain"] + stage.install.failureWords(job, template: "servicenow.json"),
            environment: ["CONNECTOR_NOW": ServiceNowStage.morning])
        #expect(run.exitCode == 0, "\(run)")
        #expect(run.stdout.contains("job log excerpt (the end of the ticket's text):\n" + Self.block("GL LOAD 01.log")), "\(run)")
        #expect(!run.stdout.contains("Hunter2!") && !run.stdout.contains(stage.opcon.token))
        #expect(stage.serviceNow.incidents.isEmpty)
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: stage.install.home + "/joblogs")) ?? []
        #expect(leftovers.isEmpty, "explain keeps no log: \(leftovers)")
    }

    // MARK: Summit

    @Test("Summit: the new incident's Description and the update's work-log entry end with the excerpt; uploads are scrubbed")
    func summitCreateAndUpdate() async throws {
        let stage = try SummitStage()
        let job = stage.addJob("GL_LOAD", logFiles: ["GL_LOAD.log": Self.log(token: stage.opcon.token)])
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        let ticket = try stage.onlyTicket()
        let description = try #require(ticket.fields["Description"]?.stringValue)
        #expect(description.hasSuffix("\n\n" + Self.block("GL_LOAD.log")), "\(description)")
        #expect(!description.hasPrefix("---"), "the template's text comes first")
        #expect(ticket.attachments.map(\.data) == [Data(Self.scrubbedLog.utf8)])

        let again = try await stage.fail(job, at: Self.later)
        #expect(again.exitCode == 0, "\(again)")
        #expect(again.stdout.hasPrefix("update:"), "\(again)")
        let updated = try stage.onlyTicket()
        #expect(updated.workLog.last?.hasSuffix("\n\n" + Self.block("GL_LOAD.log")) == true, "\(updated.workLog)")
        #expect(updated.attachments.map(\.data) == [Data(Self.scrubbedLog.utf8), Data(Self.scrubbedLog.utf8)])
    }

    @Test("Summit: SCRUB_JOBLOGS=False uploads the log as fetched")
    func summitScrubbingOff() async throws {
        let stage = try SummitStage()
        try stage.addGeneralSetting("SCRUB_JOBLOGS=False")
        let log = Self.log(token: stage.opcon.token)
        let job = stage.addJob("GL_LOAD", logFiles: ["GL_LOAD.log": log])
        #expect(try await stage.fail(job).exitCode == 0)
        let ticket = try stage.onlyTicket()
        #expect(ticket.attachments.map(\.data) == [Data(log.utf8)])
        #expect(ticket.fields["Description"]?.stringValue?.contains("api_key: abc123") == true)
    }

    @Test("Summit: includeLogExcerpt false sends no excerpt and draws no template warning")
    func summitExcerptOff() async throws {
        let stage = try SummitStage(rules: ["includeLogExcerpt": false])
        let job = stage.addJob("GL_LOAD", logFiles: ["GL_LOAD.log": Self.log(token: stage.opcon.token)])
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        #expect(!run.stderr.contains("includeLogExcerpt"), "a known rule: \(run.stderr)")
        let ticket = try stage.onlyTicket()
        #expect(ticket.fields["Description"]?.stringValue?.contains("job log excerpt") == false)
        #expect(ticket.attachments.map(\.data) == [Data(Self.scrubbedLog.utf8)])
    }

    @Test("Summit: a log that never arrives gives the one-line note; the incident is created within the deadline")
    func summitLogNeverArrives() async throws {
        let stage = try SummitStage()
        try stage.addGeneralSetting("DEADLINE_SECONDS=6")
        stage.opcon.settings.jobInstanceActionPolls = 1_000_000
        let job = stage.addJob("GL_LOAD", logFiles: ["GL_LOAD.log": Self.log(token: stage.opcon.token)])
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        #expect(run.seconds < 10, "\(run.seconds) s")
        let ticket = try stage.onlyTicket()
        let description = try #require(ticket.fields["Description"]?.stringValue)
        #expect(
            description.components(separatedBy: "\n").last?.hasPrefix(
                "--- no job log excerpt: the job log could not be read from OpCon within ") == true, "\(description)")
        #expect(ticket.attachments.isEmpty)
    }
}
