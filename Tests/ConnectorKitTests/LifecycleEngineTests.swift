import ConnectorTesting
import Foundation
import Testing

@testable import ConnectorKit

@Suite("Lifecycle engine: steps, progress and the outbox (SPEC §5, §7)")
struct LifecycleEngineTests {
    let calendar = fixedCalendar()

    struct Rig {
        let engine: LifecycleEngine
        let backend: FakeBackend
        let opcon: FakeOpCon
        let home: String
    }

    func rig(
        job: DailyJob = sampleJob(), rules: DecisionRules = DecisionRules(), templateRules: [String: Bool] = [:],
        tags: [TagRule] = [], startHour: Int? = 7, now: Date = moment("2026-11-23T08:30"),
        workingHours: [Int: WorkingWindow]? = nil, workingHoursAttributes: [TicketField] = [],
        nonWorkingHoursAttributes: [TicketField] = []
    ) -> Rig {
        let home = NSTemporaryDirectory() + "engine-\(UUID().uuidString)"
        let backend = FakeBackend()
        // The decision rules are template rules, the same on every backend.
        var templateRules = templateRules
        templateRules["alwayscreatenewticket"] = rules.alwaysCreateNewTicket
        templateRules["allowticketreopen"] = rules.allowReopen
        templateRules["submitsingleincidentperday"] = rules.singleIncidentPerDay
        let opcon = FakeOpCon(jobs: [job])
        var config = ConnectorConfig()
        config.general.dailyStartHour = startHour
        config.general.maxJobLogBytes = 100
        config.opcon.server = "opcon.example"
        config.opcon.port = 9010
        let template = Template(
            name: "t.json", path: "/t.json", raw: [:], backendID: "fake", rules: templateRules,
            attributes: [TicketField(name: "description", value: "job {1} failed")],
            workingHours: workingHours, workingHoursAttributes: workingHoursAttributes,
            nonWorkingHoursAttributes: nonWorkingHoursAttributes, tags: tags)
        let engine = LifecycleEngine(
            template: template, backend: backend, opcon: opcon, config: config,
            outbox: Outbox(directory: home + "/outbox"), locks: JobLocks(directory: home + "/locks"),
            logger: .silent, calendar: calendar, now: { now }, lockTimeout: 1)
        return Rig(engine: engine, backend: backend, opcon: opcon, home: home)
    }

    @Test("a first failure creates a ticket, writes it back with POST, and leaves the outbox empty")
    func create() async throws {
        let rig = rig()
        let outcome = try await rig.engine.handle(sampleEvent())
        #expect(outcome.status == .handled)
        #expect(outcome.decision == "create")
        #expect(rig.backend.state.current.created.count == 1)
        #expect(rig.backend.state.current.created.first?.correlationID == "opcon.example:9010,20261123|16|1|GL LOAD")
        #expect(rig.opcon.state.current.writeBacks.map(\.1) == [false])
        #expect(rig.engine.outbox.pending().items.isEmpty)
    }

    @Test(
        "working hours are those of the failure: a draft made after the window (an outbox replay) for a failure inside it is routed as working hours",
        arguments: [("2026-11-23T08:30", "2026-11-23T20:00", "Working"), ("2026-11-23T20:00", "2026-11-23T08:30", "NonWorking")])
    func workingHoursAtTheFailure(failedAt: String, handledAt: String, expected: String) async throws {
        let rig = rig(
            now: moment(handledAt), workingHours: [2: WorkingWindow(start: 480, stop: 1140)],
            workingHoursAttributes: [TicketField(name: "urgency", value: "Working")],
            nonWorkingHoursAttributes: [TicketField(name: "urgency", value: "NonWorking")])
        _ = try await rig.engine.handle(sampleEvent(failedAt: moment(failedAt)))
        let draft = try #require(rig.backend.state.current.created.first)
        #expect(draft.field("urgency") == expected)
    }

    @Test("a second failure of the same job updates the ticket and does not write back again")
    func secondFailureUpdates() async throws {
        let rig = rig()
        _ = try await rig.engine.handle(sampleEvent())
        let second = try await rig.engine.handle(sampleEvent())
        #expect(second.decision == "update")
        #expect(rig.backend.state.current.created.count == 1)
        #expect(rig.backend.state.current.updates.count == 1)
        #expect(rig.opcon.state.current.writeBacks.count == 1)
    }

    @Test("a closed ticket is replaced: new ticket names the old one, PUT write-back, documentation line")
    func replace() async throws {
        let rig = rig(job: sampleJob(documentation: "Call GL", ticket: "T1"))
        rig.backend.state.update { $0.tickets["T1"] = .closed }
        let outcome = try await rig.engine.handle(sampleEvent())
        #expect(outcome.decision == "replace")
        #expect(rig.backend.state.current.created.first?.previousTicketLine == "Previous Ticket Number (T1)")
        #expect(rig.opcon.state.current.writeBacks.map(\.1) == [true])
        #expect(rig.opcon.state.current.documentationPuts == ["Previous Ticket Number (T1)\nCall GL"])
        // The documentation PUT must not bring back the replaced ticket.
        let stored = try #require(rig.opcon.state.current.jobs["20261123|16|1|GL LOAD"])
        #expect(stored.incidentTicketID == "T1001")
        #expect(stored.documentation == "Previous Ticket Number (T1)\nCall GL")
    }

    @Test("an EXIT tag skips with no call to the ITSM")
    func exitTag() async throws {
        let rig = rig(
            job: sampleJob(tags: ["NoTicket"]), tags: [TagRule(indicator: "EXIT", indicatorValue: "NOTICKET", attribute: "", value: "")])
        let outcome = try await rig.engine.handle(sampleEvent())
        guard case .skipped(let reason) = outcome.status else {
            Issue.record("expected a skip")
            return
        }
        #expect(reason.contains("NOTICKET"))
        #expect(outcome.exitCode == .ok)
        #expect(rig.backend.state.current.created.isEmpty)
        #expect(rig.opcon.state.current.writeBacks.isEmpty)
    }

    @Test("once-per-day: a created ticket stamps Last Incident Date in the job documentation")
    func lastIncidentDate() async throws {
        let rig = rig(job: sampleJob(documentation: "Call GL"), rules: DecisionRules(singleIncidentPerDay: true))
        _ = try await rig.engine.handle(sampleEvent())
        #expect(rig.opcon.state.current.documentationPuts == ["Last Incident Date : 2026-11-23\nCall GL"])
    }

    @Test(
        "once-per-day after the window: a new ticket written back with PUT over the old one, the date line rewritten, no previous-ticket line"
    )
    func createAfterTheWindow() async throws {
        // Now is 2026-11-23 08:30; the window of 2026-11-22 ended at 07:00.
        let rig = rig(
            job: sampleJob(documentation: "Last Incident Date : 2026-11-22\nCall GL", ticket: "T1"),
            rules: DecisionRules(singleIncidentPerDay: true))
        rig.backend.state.update { $0.tickets["T1"] = .inProgress }
        let outcome = try await rig.engine.handle(sampleEvent())
        #expect(outcome.decision == "create")
        #expect(rig.backend.state.current.updates.isEmpty)
        let draft = try #require(rig.backend.state.current.created.first)
        #expect(draft.previousTicket == nil)
        #expect(draft.previousTicketLine == nil)
        #expect(rig.opcon.state.current.writeBacks.map(\.0.number) == ["T1001"])
        #expect(rig.opcon.state.current.writeBacks.map(\.1) == [true], "the job already had a ticket record: PUT, not POST")
        #expect(rig.opcon.state.current.documentationPuts == ["Last Incident Date : 2026-11-23\nCall GL"])
        let stored = try #require(rig.opcon.state.current.jobs["20261123|16|1|GL LOAD"])
        #expect(stored.incidentTicketID == "T1001")
        #expect(rig.backend.state.current.tickets["T1"] == .inProgress, "the old ticket is left as it is")
    }

    @Test("once-per-day is judged at the failure: a failure inside the window replayed after it still updates the ticket")
    func onceADayAtTheFailure() async throws {
        // The window of 2026-11-22 ends 2026-11-23 07:00; the failure was at 06:30, its replay runs at 09:00.
        let rig = rig(
            job: sampleJob(documentation: "Last Incident Date : 2026-11-22\nCall GL", ticket: "T1"),
            rules: DecisionRules(singleIncidentPerDay: true), now: moment("2026-11-23T09:00"))
        rig.backend.state.update { $0.tickets["T1"] = .inProgress }
        let outcome = try await rig.engine.handle(sampleEvent(failedAt: moment("2026-11-23T06:30")))
        #expect(outcome.decision == "update")
        #expect(rig.backend.state.current.created.isEmpty)
    }

    @Test("ITSM down → queued with exit 75 and one outbox item; the replay creates exactly one ticket")
    func queuedThenReplayed() async throws {
        let rig = rig()
        rig.backend.failures.set("create", [.unavailable("ITSM is unreachable")])
        let first = try await rig.engine.handle(sampleEvent())
        #expect(first.exitCode == .queued)
        let waiting = rig.engine.outbox.pending().items
        #expect(waiting.count == 1)
        #expect(waiting.first?.attempts == 1)
        #expect(waiting.first?.lastError == "ITSM is unreachable")

        let replay = try await rig.engine.resume(waiting[0])
        #expect(replay.status == .handled)
        #expect(rig.backend.state.current.created.count == 1)
        #expect(rig.engine.outbox.pending().items.isEmpty)
    }

    @Test("write-back fails after the ticket was created → the replay writes back without a second ticket")
    func writeBackFailsThenReplay() async throws {
        let rig = rig()
        rig.opcon.failures.set("writeBack", [.unavailable("OpCon is unreachable")])
        let first = try await rig.engine.handle(sampleEvent())
        #expect(first.exitCode == .queued)
        let item = try #require(rig.engine.outbox.pending().items.first)
        #expect(item.progress.ticket?.number == "T1001")
        #expect(item.progress.ticketWrittenBack == false)

        _ = try await rig.engine.resume(item)
        #expect(rig.backend.state.current.created.count == 1)
        #expect(rig.opcon.state.current.writeBacks.count == 1)
    }

    @Test("the job log is attached once per file, and a failed fetch still leaves the ticket handled")
    func jobLog() async throws {
        let rig = rig()
        rig.opcon.state.update {
            $0.logs = [JobLogFile(name: "a.log", data: Data("A".utf8)), JobLogFile(name: "b.log", data: Data("B".utf8))]
        }
        _ = try await rig.engine.handle(sampleEvent())
        #expect(rig.backend.state.current.attachments.map(\.1.name) == ["a.log", "b.log"])

        let failing = self.rig()
        failing.opcon.state.update { $0.logFailure = .unavailable("JORS down") }
        let outcome = try await failing.engine.handle(sampleEvent())
        #expect(outcome.status == .handled)
        #expect(failing.backend.state.current.attachments.isEmpty)
    }

    @Test("an attachment that fails midway resumes with only the files not yet attached")
    func attachResume() async throws {
        let rig = rig()
        rig.opcon.state.update {
            $0.logs = [JobLogFile(name: "a.log", data: Data("A".utf8)), JobLogFile(name: "b.log", data: Data("B".utf8))]
        }
        rig.backend.failures.set("attach", [nil, .unavailable("ITSM went away")])
        let first = try await rig.engine.handle(sampleEvent())
        #expect(first.exitCode == .queued)
        let item = try #require(rig.engine.outbox.pending().items.first)
        #expect(item.progress.attachedFiles == ["a.log"])

        _ = try await rig.engine.resume(item)
        #expect(rig.backend.state.current.attachments.map(\.1.name) == ["a.log", "b.log"])
        #expect(rig.backend.state.current.created.count == 1)
    }

    @Test("a data error drops the journal item and is thrown with its exit code")
    func dataError() async throws {
        let rig = rig()
        await #expect(throws: ConnectorError.data("no job 20261123|16|1|OTHER")) {
            try await rig.engine.handle(sampleEvent(job: "OTHER"))
        }
        #expect(rig.engine.outbox.pending().items.isEmpty)
    }

    @Test("an unwritable outbox turns 'unavailable' into exit 69")
    func outboxUnwritable() async throws {
        let rig = rig()
        try FileManager.default.createDirectory(atPath: rig.home, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: rig.home + "/outbox", contents: Data("not a folder".utf8)))
        rig.backend.failures.set("create", [.unavailable("ITSM is unreachable")])
        do {
            _ = try await rig.engine.handle(sampleEvent())
            Issue.record("expected an error")
        } catch let error as ConnectorError {
            #expect(error.exitCode == .unavailable)
            #expect(error.message.contains("could not be saved"))
        }
    }

    @Test("a ticket found by search (created by a run that died) is adopted, not duplicated")
    func adoptsOrphan() async throws {
        let rig = rig(rules: DecisionRules(alwaysCreateNewTicket: true))
        rig.backend.state.update {
            $0.tickets["T77"] = .new
            $0.searchable = "T77"
        }
        let outcome = try await rig.engine.handle(sampleEvent())
        #expect(outcome.ticket?.number == "T77")
        #expect(rig.backend.state.current.created.isEmpty)
        #expect(rig.opcon.state.current.writeBacks.first?.0.number == "T77")
    }

    @Test("explain's plan changes nothing and carries the fields")
    func plan() async throws {
        let rig = rig()
        let plan = try await rig.engine.plan(sampleEvent())
        #expect(plan.decision == .create)
        #expect(plan.draft.field("description") == "job GL LOAD failed")
        #expect(plan.writes.isEmpty)
        #expect(rig.backend.state.current.created.isEmpty)
        #expect(rig.opcon.state.current.writeBacks.isEmpty)
    }
}
