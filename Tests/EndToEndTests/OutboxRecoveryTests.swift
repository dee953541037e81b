import ConnectorKit
import ConnectorTesting
import Foundation
import Testing

@testable import Simulators

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which service is down while a failure of which backend is handled.
struct OutageCase: Sendable, CustomTestStringConvertible {
    var down: Service
    var backend: Backend
    var testDescription: String { "\(down.rawValue) down, \(backend.testDescription) template" }
}

/// How an interrupted event is finished.
enum Replay: String, Sendable, CaseIterable {
    case flush = "outbox flush"
    case nextRun = "the next run of another job"
}

/// SPEC §7.1 through the real executable: an event that cannot be delivered waits in `outbox/` and is delivered
/// later exactly once, continuing from its recorded progress.
@Suite("Outbox: outages, crashes and expiry")
struct OutboxRecoveryTests {
    /// The lines of stderr: run as Notification Manager runs it (no terminal), only the exit's sentence, although
    /// these installs have warnings to give (plain http, a plain-text token); those are in the log.
    func sentences(_ run: ConnectorRun) -> [Substring] {
        run.stderr.split(separator: "\n")
    }

    @Test(
        "service down → exit 75, one outbox item; still down → flush keeps it; up again on the same port → flush → one ticket, written back",
        arguments: [
            OutageCase(down: .serviceNow, backend: .serviceNow), OutageCase(down: .opcon, backend: .serviceNow),
            OutageCase(down: .opcon, backend: .summit), OutageCase(down: .summit, backend: .summit),
        ])
    func outageThenFlush(_ outage: OutageCase) async throws {
        let stage = try OutboxStage()
        let log = "GL load started\r\nERROR: ledger locked\r\n"
        let job = stage.addJob("GL_LOAD", log: log)
        let down = try Outage(stage.simulator(outage.down))

        let failed = try await stage.fail(job, outage.backend)
        #expect(failed.exitCode == 75, "\(failed)")
        #expect(sentences(failed).count == 1, "\(failed)")
        #expect(failed.stderr.components(separatedBy: "saved to the outbox").count == 2, "said more than once: \(failed.stderr)")
        #expect(failed.stderr.contains("outbox"))
        #expect(failed.stderr.contains(outage.down.rawValue), "stderr does not name \(outage.down.rawValue): \(failed.stderr)")
        #expect(stage.waiting.count == 1)
        #expect(try stage.waitingItems().first?["attempts"]?.intValue == 1)
        #expect(stage.tickets(outage.backend) == 0)
        #expect(stage.opcon.incidentTicketID(of: job.id) == nil)

        let stillDown = try await stage.flush()
        #expect(stillDown.exitCode == 75, "\(stillDown)")
        #expect(stillDown.stdout.contains("0 delivered, 1 still waiting"), "\(stillDown)")
        #expect(stage.waiting.count == 1)

        try down.end()
        let before = try await stage.list()
        #expect(before.exitCode == 0)
        #expect(before.stdout.contains("waiting: 1\n"), "\(before)")
        let line = try #require(before.stdout.split(separator: "\n").first { $0.contains(job.id) }, "\(before)")
        #expect(line.contains("no ticket yet"))
        #expect(line.contains("attempts 2"))
        #expect(line.contains("last error:") && line.contains(outage.down.rawValue), "\(line)")

        let flushed = try await stage.flush()
        #expect(flushed.exitCode == 0, "\(flushed)")
        #expect(flushed.stdout.contains("delivered \(job.id): create"), "\(flushed)")
        #expect(flushed.stdout.contains("1 delivered, 0 still waiting, 0 moved to dead, 0 dropped"))
        #expect(stage.tickets(outage.backend) == 1)
        let recorded = try #require(stage.recordedID(outage.backend))
        #expect(stage.opcon.incidentTicketID(of: job.id) == recorded)
        #expect(stage.attachments(outage.backend) == [Data(log.utf8)])
        #expect(stage.waiting.isEmpty && stage.dead.isEmpty)

        let after = try await stage.list()
        #expect(after.stdout.contains("waiting: 0\n"), "\(after)")
        #expect(after.stdout.contains("dead (failed for more than 7 days, or a create to check by hand): 0"))
        #expect(!after.stdout.contains(job.id))

        let writes = stage.writeCounts
        let again = try await stage.flush()
        #expect(again.exitCode == 0)
        #expect(again.stdout.contains("0 delivered, 0 still waiting"), "\(again)")
        #expect(stage.writeCounts == writes, "an empty flush changed something")
    }

    @Test(
        "a step after the ticket fails → the replay continues from the recorded progress: no second ticket, no second update",
        arguments: Backend.allCases)
    func failureAfterTheTicket(_ backend: Backend) async throws {
        let stage = try OutboxStage()
        let log = "step 1\r\nstep 2 FAILED\r\n"
        let job = stage.addJob("POSTED", log: log)
        switch backend {
        case .serviceNow:  // the attachment upload breaks after the incident and the write-back
            stage.serviceNow.faults.add(Fault(.drop, count: nil, method: "POST", path: "/api/now/attachment"))
        case .summit:  // OpCon refuses the write-back for now; Summit has no correlation search to fall back on
            stage.opcon.faults.add(Fault(.status(503), count: nil, method: "POST", path: "/api/dailyjobs/*/incidentTickets"))
        }

        let failed = try await stage.fail(job, backend)
        #expect(failed.exitCode == 75, "\(failed)")
        #expect(stage.tickets(backend) == 1)
        let recorded = try #require(stage.recordedID(backend))
        let number = String(recorded.prefix { $0 != "/" })
        let listed = try await stage.list()
        let line = try #require(listed.stdout.split(separator: "\n").first { $0.contains(job.id) }, "\(listed)")
        #expect(line.contains("ticket \(number)"), "\(line)")
        #expect(line.contains(backend == .serviceNow ? "done: ticket, write-back, documentation" : "done: ticket;"), "\(line)")

        stage.serviceNow.faults.clear()
        stage.opcon.faults.clear()
        let creates = {
            stage.serviceNow.journal.count(method: "POST", path: "/api/now/table/incident")
                + stage.summit.journal.all.filter { $0.bodyText.contains("IM_LogOrUpdateIncident") }.count
        }
        let createsBefore = creates()
        let writeBacksBefore = stage.opcon.journal.count(method: "POST", path: "/api/dailyjobs/*/incidentTickets")

        let flushed = try await stage.flush()
        #expect(flushed.exitCode == 0, "\(flushed)")
        #expect(stage.tickets(backend) == 1)
        #expect(creates() == createsBefore, "the replay wrote the ticket again")
        #expect(stage.opcon.incidentTicketID(of: job.id) == recorded)
        let writeBacks = stage.opcon.journal.count(method: "POST", path: "/api/dailyjobs/*/incidentTickets") - writeBacksBefore
        #expect(writeBacks == (backend == .serviceNow ? 0 : 1), "the replay wrote the ticket back \(writeBacks) time(s)")
        #expect(stage.attachments(backend) == [Data(log.utf8)])
        #expect(stage.waiting.isEmpty)
    }

    @Test(
        "killed with SIGKILL between the ticket and the write-back → the item remains → the replay finishes without a second ticket",
        arguments: Backend.allCases, Replay.allCases)
    func killedBetweenTicketAndWriteBack(_ backend: Backend, _ replay: Replay) async throws {
        let stage = try OutboxStage()
        let log = "killed run\r\n"
        let job = stage.addJob("KILLED", log: log)
        let writeBack: PathPattern = "/api/dailyjobs/*/incidentTickets"
        // Hold the write-back so that the run is certainly between the two steps when it is killed.
        stage.opcon.faults.add(Fault(.latency(30), count: 1, method: "POST", path: writeBack))

        let process = try ConnectorProcess.start(stage.words(job, backend), home: stage.install.home)
        defer { if process.isRunning { process.send(SIGKILL) } }
        let midway = try await eventually {
            stage.tickets(backend) == 1 && stage.opcon.journal.count(method: "POST", path: writeBack) == 1
        }
        #expect(midway, "the run never reached the write-back: \(process.standardError)")
        process.send(SIGKILL)
        #expect(try await process.finish().exitCode != 0)

        let recorded = try #require(stage.recordedID(backend))
        #expect(stage.opcon.incidentTicketID(of: job.id) == nil)
        #expect(stage.waiting.count == 1, "the killed run left no outbox item")
        #expect(try stage.waitingItems().first?["progress"]?["ticket"] != nil, "the item does not record the ticket")

        let other = stage.addJob("NEXT_JOB", scheduleID: 78)
        let finished: ConnectorRun
        switch replay {
        case .flush: finished = try await stage.flush()
        case .nextRun: finished = try await stage.fail(other, backend)
        }
        #expect(finished.exitCode == 0, "\(finished)")
        #expect(stage.tickets(backend) == (replay == .flush ? 1 : 2), "a second ticket was made for the killed run's failure")
        #expect(stage.opcon.incidentTicketID(of: job.id) == recorded)
        if replay == .nextRun {
            let second = try #require(stage.opcon.incidentTicketID(of: other.id))
            #expect(second != recorded)
        }
        #expect(stage.attachments(backend).filter { $0 == Data(log.utf8) }.count == 1)
        #expect(stage.waiting.isEmpty)
    }

    @Test(
        "an item waits with its ticket written but not written back; the same job fails again → that ticket is updated, not doubled",
        arguments: Backend.allCases)
    func sameJobFailsAgain(_ backend: Backend) async throws {
        let stage = try OutboxStage()
        let job = stage.addJob("FAILS_TWICE", log: "first failure\r\n")
        stage.opcon.faults.add(Fault(.status(503), count: nil, method: "POST", path: "/api/dailyjobs/*/incidentTickets"))
        let first = try await stage.fail(job, backend)
        #expect(first.exitCode == 75, "\(first)")
        let recorded = try #require(stage.recordedID(backend))
        #expect(stage.waiting.count == 1)

        stage.opcon.faults.clear()
        let again = try await stage.fail(job, backend)
        #expect(again.exitCode == 0, "\(again)")
        #expect(again.stdout.hasPrefix("update:"), "\(again)")
        #expect(stage.tickets(backend) == 1, "the second failure of the job made a second ticket")
        #expect(stage.opcon.incidentTicketID(of: job.id) == recorded)
        #expect(stage.waiting.isEmpty)

        // Whatever is delivered later leaves the job pointing at its one ticket.
        let flushed = try await stage.flush()
        #expect(flushed.exitCode == 0, "\(flushed)")
        #expect(stage.tickets(backend) == 1)
        #expect(stage.opcon.incidentTicketID(of: job.id) == recorded)
    }

    @Test(
        "the ITSM or OpCon down and the outbox unwritable → exit 69 naming the outbox; with the services up the run still works",
        arguments: [Service.serviceNow, Service.opcon, nil] as [Service?])
    func outboxUnwritable(_ down: Service?) async throws {
        let stage = try OutboxStage()
        try stage.install.write("outbox", "a regular file where the outbox folder should be")
        let job = stage.addJob("NOWHERE")
        let outage = try down.map { try Outage(stage.simulator($0)) }
        defer { try? outage?.end() }

        let run = try await stage.fail(job, .serviceNow)
        #expect(!run.stderr.contains("Fatal error"))
        if let down {
            #expect(run.stderr.contains("outbox"), "\(run)")
            #expect(run.exitCode == 69, "\(run)")
            #expect(sentences(run).count == 1, "\(run)")
            #expect(run.stderr.contains("could not be saved"))
            #expect(run.stderr.contains(down.rawValue))
            #expect(stage.serviceNow.incidents.isEmpty)
        } else {
            #expect(run.exitCode == 0, "\(run)")
            #expect(run.stderr.isEmpty, "a working run printed on stderr: \(run.stderr)")
            #expect(stage.install.read("log/connector.log")?.contains("outbox") == true, "no warning that the journal cannot be kept")
            #expect(stage.serviceNow.incidents.count == 1)
            #expect(stage.opcon.incidentTicketID(of: job.id) == stage.recordedID(.serviceNow))
        }
        #expect(stage.install.read("outbox") == "a regular file where the outbox folder should be")
    }

    @Test("an item older than 7 days moves to outbox/dead at the flush 8 days later and is reported; a 6-day-old one is delivered")
    func deadAfterSevenDays() async throws {
        let stage = try OutboxStage()
        let old = stage.addJob("EIGHT_DAYS_OLD")
        let young = stage.addJob("SIX_DAYS_OLD", scheduleID: 78)
        let formatter = ISO8601DateFormatter()
        let now = Date()
        let inTwoDays = formatter.string(from: now.addingTimeInterval(2 * 86_400))
        let inEightDays = formatter.string(from: now.addingTimeInterval(8 * 86_400))

        let outage = try Outage(stage.summit)
        #expect(try await stage.fail(old, .summit).exitCode == 75)
        #expect(try await stage.fail(young, .summit, environment: ["CONNECTOR_NOW": inTwoDays]).exitCode == 75)
        #expect(stage.waiting.count == 2)
        try outage.end()

        let flushed = try await stage.flush(environment: ["CONNECTOR_NOW": inEightDays])
        #expect(flushed.exitCode == 0, "\(flushed)")
        #expect(flushed.stdout.contains("1 delivered, 0 still waiting, 1 moved to dead"), "\(flushed)")
        #expect(stage.summit.tickets.count == 1, "the expired item was delivered")
        #expect(stage.opcon.incidentTicketID(of: old.id) == nil)
        #expect(stage.opcon.incidentTicketID(of: young.id) == stage.recordedID(.summit))
        #expect(stage.waiting.isEmpty)
        #expect(stage.dead.count == 1)
        #expect(stage.install.read("outbox/dead/" + (stage.dead.first ?? ""))?.contains(old.job) == true)
        #expect(stage.install.read("log/connector.log")?.contains("moved to outbox/dead") == true)

        let listed = try await stage.list()
        #expect(listed.stdout.contains("waiting: 0\n"), "\(listed)")
        #expect(listed.stdout.contains("dead (failed for more than 7 days, or a create to check by hand): 1"))
        let line = try #require(listed.stdout.split(separator: "\n").first { $0.contains(old.id) }, "\(listed)")
        #expect(line.contains("last error:"))

        // A dead item stays dead: later flushes leave it alone.
        let writes = stage.writeCounts
        let again = try await stage.flush(environment: ["CONNECTOR_NOW": inEightDays])
        #expect(again.stdout.contains("0 delivered, 0 still waiting, 0 moved to dead"), "\(again)")
        #expect(stage.writeCounts == writes)
        #expect(stage.dead.count == 1)
    }

    @Test("an outbox file that cannot be read is reported by outbox list, left in place, and does not stop a run")
    func unreadableItem() async throws {
        let stage = try OutboxStage()
        try FileManager.default.createDirectory(atPath: stage.install.home + "/outbox", withIntermediateDirectories: true)
        try stage.install.write("outbox/1700000000-garbage.json", "{\"id\": \"cut off mid-wri")
        let job = stage.addJob("AFTER_GARBAGE")

        let listed = try await stage.list()
        #expect(listed.exitCode == 0, "\(listed)")
        #expect(listed.stdout.contains("waiting: 0\n"))
        #expect(listed.stdout.contains("unreadable: ") && listed.stdout.contains("1700000000-garbage.json"), "\(listed)")

        let run = try await stage.fail(job, .summit)
        #expect(run.exitCode == 0, "\(run)")
        #expect(
            stage.install.read("log/connector.log")?.contains("1700000000-garbage.json") == true,
            "the run does not warn about the unreadable item")
        #expect(stage.summit.tickets.count == 1)
        #expect(stage.waiting == ["1700000000-garbage.json"])

        let flushed = try await stage.flush()
        #expect(flushed.exitCode == 0, "\(flushed)")
        #expect(stage.waiting == ["1700000000-garbage.json"])
    }
}
