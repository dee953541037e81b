import ConnectorKit
import Foundation
import Testing

@testable import Simulators

/// The backends that declare a correlation search, and those that do not: the cases that depend on it adapt.
private let searchingHarnesses = conformanceHarnesses.filter { $0.capabilities.contains(.correlationSearch) }
private let nonSearchingHarnesses = conformanceHarnesses.filter { !$0.capabilities.contains(.correlationSearch) }
/// Every backend with each state that makes it replace a recorded ticket.
private let replacements: [(any BackendHarness, AnalystState)] = conformanceHarnesses.flatMap { harness in
    harness.replacedStates.map { (harness, $0) }
}

/// SPEC §5–§7 for every registered backend at once: the real `connector` executable, run with Notification Manager's
/// command line against the backend's simulator over loopback, must handle each step of a ticket's life alike. A
/// backend joins by adding a `BackendHarness` to `conformanceHarnesses`.
@Suite("Conformance: every backend through the same ticket lifecycle")
struct ConformanceTests {
    /// The termination of a job's second failure, which the updated, reopened or replacing ticket must mention.
    static let secondTermination = "Exit Code 7"

    @Test(
        "A first failure opens one ticket and writes its id and link into the job, leaving the documentation alone",
        arguments: conformanceHarnesses)
    func create(harness: any BackendHarness) async throws {
        let stage = try ConformanceStage(harness)
        let job = stage.addJob("GL_LOAD", documentation: "Call the GL team.")
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        let ticket = try stage.onlyTicket()
        #expect(run.stdout.hasPrefix("create: ticket \(ticket.number) for \(job.id)"), "\(run)")
        stage.expectWrittenBack(ticket, to: job)
        #expect(ticket.mentions("GL_LOAD") && ticket.mentions(job.termination), "\(ticket.texts)")
        #expect(stage.createsSent == 1)
        #expect(stage.opcon.documentation(of: job.id) == "Call the GL team.")
        #expect(stage.outboxItems.isEmpty)
        stage.expectNoSecret(in: run)
    }

    @Test(
        "A job that records an analyst's ticket finds it by that id and updates it; nothing is created",
        arguments: conformanceHarnesses)
    func findByRecordedID(harness: any BackendHarness) async throws {
        let stage = try ConformanceStage(harness)
        let typed = try harness.openTicketByHand(in: stage.services)
        let job = stage.addJob("TYPED_BY_HAND", termination: Self.secondTermination, recorded: (typed.recordedID, typed.link))
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        #expect(run.stdout.hasPrefix("update: ticket \(typed.number)"), "\(run)")
        let after = try stage.onlyTicket()
        #expect(after.recordedID == typed.recordedID)
        #expect(after.state == .inProgress)
        #expect(after.mentions(Self.secondTermination), "\(after.texts)")
        #expect(stage.createsSent == 0)
        stage.expectWrittenBack(after, to: job)
    }

    @Test(
        "An open ticket with the job's correlation key that the job does not record is adopted, not duplicated",
        arguments: searchingHarnesses)
    func findByCorrelationKey(harness: any BackendHarness) async throws {
        let stage = try ConformanceStage(harness)
        let job = stage.addJob("ORPHAN", termination: Self.secondTermination)
        let orphan = try harness.openOrphanTicket(for: job, in: stage.services)
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        let adopted = try stage.onlyTicket()
        #expect(adopted.recordedID == orphan.recordedID)
        #expect(adopted.mentions(Self.secondTermination), "\(adopted.texts)")
        #expect(stage.createsSent == 0)
        stage.expectWrittenBack(adopted, to: job)
    }

    @Test(
        "A second failure while the ticket is In Progress adds the failure to it and keeps its state",
        arguments: conformanceHarnesses)
    func update(harness: any BackendHarness) async throws {
        let stage = try ConformanceStage(harness)
        var job = stage.addJob("GL_LOAD")
        let first = try await stage.firstTicket(of: job, movedTo: .inProgress)
        job.termination = Self.secondTermination
        let run = try await stage.fail(job, at: ConformanceStage.later)
        #expect(run.exitCode == 0, "\(run)")
        #expect(run.stdout.hasPrefix("update: ticket \(first.number)"), "\(run)")
        let after = try stage.onlyTicket()
        #expect(after.recordedID == first.recordedID)
        #expect(after.state == .inProgress)
        #expect(after.mentions(Self.secondTermination), "\(after.texts)")
        #expect(stage.createsSent == 1)
        stage.expectWrittenBack(after, to: job)
    }

    @Test("A second failure of a Resolved ticket reopens it with the failure added", arguments: conformanceHarnesses)
    func reopen(harness: any BackendHarness) async throws {
        let stage = try ConformanceStage(harness)
        var job = stage.addJob("GL_LOAD")
        let resolved = try await stage.firstTicket(of: job, movedTo: .resolved)
        #expect(resolved.state == .resolved)
        job.termination = Self.secondTermination
        let run = try await stage.fail(job, at: ConformanceStage.later)
        #expect(run.exitCode == 0, "\(run)")
        #expect(run.stdout.hasPrefix("reopen: ticket \(resolved.number)"), "\(run)")
        let after = try stage.onlyTicket()
        #expect(after.recordedID == resolved.recordedID)
        #expect(after.state == .inProgress || after.state == .new, "reopened to \(after)")
        #expect(after.mentions(Self.secondTermination), "\(after.texts)")
        #expect(stage.createsSent == 1)
        stage.expectWrittenBack(after, to: job)
    }

    @Test(
        "A second failure of a finished ticket opens a new one naming it, in the ticket and in the job documentation",
        arguments: replacements)
    func replace(harness: any BackendHarness, finished: AnalystState) async throws {
        let stage = try ConformanceStage(harness)
        var job = stage.addJob("GL_LOAD", documentation: "Call the GL team.\nThen rerun.")
        let old = try await stage.firstTicket(of: job, movedTo: finished)
        job.termination = Self.secondTermination
        let run = try await stage.fail(job, at: ConformanceStage.later)
        #expect(run.exitCode == 0, "\(run)")
        #expect(stage.tickets.count == 2, "\(stage.tickets)")
        let new = try stage.recordedTicket(of: job)
        #expect(new.recordedID != old.recordedID)
        #expect(run.stdout.hasPrefix("replace: ticket \(new.number)"), "\(run)")
        #expect(new.mentions("Previous Ticket Number (\(old.number))"), "\(new.texts)")
        #expect(new.mentions(Self.secondTermination), "\(new.texts)")
        #expect(stage.opcon.documentation(of: job.id) == "Previous Ticket Number (\(old.number))\nCall the GL team.\nThen rerun.")
        stage.expectWrittenBack(new, to: job)
        #expect(harness.ticket(recordedID: old.recordedID, in: stage.services) == old, "the finished ticket is left as it was")
    }

    @Test(
        "Each job-log file is attached under its name with exactly the bytes of the log (non-ASCII, CRLF, no final newline)",
        arguments: conformanceHarnesses)
    func attachmentBytes(harness: any BackendHarness) async throws {
        let stage = try ConformanceStage(harness)
        let log = "Début du traitement\r\nÉchec : code 2 — “quoted” 日本語 ✓\r\n\tindented\r\n"
        let err = "stderr line without a final newline ü"
        let job = stage.addJob("LOGGED", logFiles: ["LOGGED.log": log, "LOGGED.err": err])
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        let attachments = try stage.onlyTicket().attachments
        #expect(attachments.map(\.name).sorted() == ["LOGGED.err", "LOGGED.log"])
        #expect(attachments.first { $0.name == "LOGGED.log" }?.bytes == Data(log.utf8))
        #expect(attachments.first { $0.name == "LOGGED.err" }?.bytes == Data(err.utf8))
    }

    @Test(
        "Credentials the ITSM refuses: exit 77, no ticket, nothing queued, and no form of the secret printed or logged",
        arguments: conformanceHarnesses)
    func refusedCredentials(harness: any BackendHarness) async throws {
        let stage = try ConformanceStage(harness)
        // DEBUG=ON logs every request and answer: where an unmasked secret would show first.
        try stage.install.write(
            "Connector.config", stage.services.connectorConfig().replacingOccurrences(of: "DEBUG=OFF", with: "DEBUG=ON"))
        harness.refuseCredentials(in: stage.services)
        let job = stage.addJob("DENIED", logFiles: ["DENIED.log": "x\r\n"])
        let run = try await stage.fail(job)
        #expect(run.exitCode == 77, "\(run)")
        #expect(!run.stderr.isEmpty, "a refusal owes the operator a sentence")
        #expect(stage.tickets.isEmpty)
        #expect(stage.createsSent <= 1, "a refused create is not sent again")
        #expect(stage.opcon.incidentTicketID(of: job.id) == nil)
        #expect(stage.outboxItems.isEmpty, "sending again would not help: nothing is queued")
        stage.expectNoSecret(in: run)
    }

    @Test(
        "An HTTP 401 from the ITSM (or a proxy in front of it) is exit 77 at once: one request, no retry",
        arguments: conformanceHarnesses)
    func unauthorizedStatus(harness: any BackendHarness) async throws {
        let stage = try ConformanceStage(harness)
        let journal = harness.journal(in: stage.services)
        harness.simulator(in: stage.services).faults.add(Fault(.status(401), count: nil))
        let job = stage.addJob("UNAUTHORIZED")
        let run = try await stage.fail(job)
        #expect(run.exitCode == 77, "\(run)")
        #expect(journal.requests == 1, "\(journal.all.map { "\($0.method) \($0.path)" })")
        #expect(stage.outboxItems.isEmpty)
        #expect(stage.opcon.incidentTicketID(of: job.id) == nil)
    }

    @Test(
        "A create answered 429 with Retry-After is sent again after the wait asked for: one ticket, written back",
        arguments: conformanceHarnesses)
    func rateLimitedCreate(harness: any BackendHarness) async throws {
        let stage = try ConformanceStage(harness)
        let simulator = harness.simulator(in: stage.services)
        simulator.faults.failNext(2, status: 429, retryAfter: 1, method: harness.createRequest.method, path: harness.createRequest.path)
        let job = stage.addJob("RATE_LIMITED")
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        let ticket = try stage.onlyTicket()
        #expect(stage.createsSent == 3)
        #expect(run.seconds >= 2, "two 429s each asked for 1 s, yet the run took \(run.seconds) s")
        #expect(simulator.faults.pending.isEmpty)
        stage.expectWrittenBack(ticket, to: job)
    }

    @Test(
        "A create that lands but is answered 500 leaves exactly one ticket: found by correlation, or else queued (exit 75)",
        arguments: conformanceHarnesses)
    func createLandedThenFailed(harness: any BackendHarness) async throws {
        let stage = try ConformanceStage(harness)
        harness.simulator(in: stage.services).faults.add(
            Fault(.commitThenFail(500), count: 1, method: harness.createRequest.method, path: harness.createRequest.path))
        let job = stage.addJob("UNCONFIRMED", logFiles: ["UNCONFIRMED.log": "x\r\n"])
        let run = try await stage.fail(job)
        let ticket = try stage.onlyTicket()
        #expect(stage.createsSent == 1, "nothing may be sent twice")
        if harness.capabilities.contains(.correlationSearch) {
            #expect(run.exitCode == 0, "\(run)")
            #expect(run.stdout.hasPrefix("create: ticket \(ticket.number)"), "\(run)")
            stage.expectWrittenBack(ticket, to: job)
            #expect(ticket.attachments.count == 1)
            #expect(stage.outboxItems.isEmpty)
        } else {
            #expect(run.exitCode == 75, "\(run)")
            #expect(stage.opcon.incidentTicketID(of: job.id) == nil)
            #expect(stage.outboxItems.count == 1, "\(stage.outboxItems)")
        }
    }

    @Test(
        "Without a correlation search, a queued create whose outcome is unknown is not sent again by a later delivery",
        arguments: nonSearchingHarnesses)
    func unconfirmedCreateNotReplayed(harness: any BackendHarness) async throws {
        let stage = try ConformanceStage(harness)
        harness.simulator(in: stage.services).faults.add(
            Fault(.commitThenFail(500), count: 1, method: harness.createRequest.method, path: harness.createRequest.path))
        let job = stage.addJob("UNCONFIRMED")
        let first = try await stage.fail(job)
        #expect(first.exitCode == 75)
        #expect(first.stderr.contains("Its next delivery will not send it again but move it to outbox/dead."), "\(first)")
        let flush = try await stage.run(["outbox", "flush"], at: ConformanceStage.later)
        #expect(stage.tickets.count == 1, "the delivery opened a second ticket: \(stage.tickets)\n\(flush)")
        #expect(stage.createsSent == 1, "\(flush)")
        #expect(flush.stdout.contains("0 delivered, 0 still waiting, 1 moved to dead"), "set aside for the operator: \(flush)")
    }

    @Test(
        "A recorded ticket the ITSM does not know is replaced by a new one, which names nothing",
        arguments: conformanceHarnesses)
    func unknownRecordedTicket(harness: any BackendHarness) async throws {
        let stage = try ConformanceStage(harness)
        let unknown = harness.unknownTicket(in: stage.services)
        let job = stage.addJob("FORGOTTEN", documentation: "Call the GL team.", recorded: unknown)
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        let ticket = try stage.onlyTicket()
        #expect(ticket.recordedID != unknown.recordedID)
        #expect(!ticket.mentions("Previous Ticket Number"), "nothing to name: \(ticket.texts)")
        #expect(stage.opcon.documentation(of: job.id) == "Call the GL team.")
        #expect(stage.createsSent == 1)
        stage.expectWrittenBack(ticket, to: job)
    }

    @Test(
        "sync maps ticket states to job actions: In Progress → Under Review, Resolved → Fixed, Cancelled → Cancelled, New → none; once",
        arguments: conformanceHarnesses)
    func syncStateMapping(harness: any BackendHarness) async throws {
        let stage = try ConformanceStage(harness)
        let expected: [(AnalystState?, OpConJobStatus)] = [
            (.inProgress, .underReview), (.resolved, .fixed), (.cancelled, .cancelled),
            (nil, .failed),
        ]
        var jobs: [DemoJob] = []
        for (offset, (state, _)) in expected.enumerated() {
            let job = stage.addJob("SYNCED_\(offset)", scheduleID: 80 + offset)
            _ = try await stage.firstTicket(of: job, movedTo: state)
            jobs.append(job)
        }
        let pass = try await stage.sync()
        #expect(pass.exitCode == 0, "\(pass)")
        for (job, (state, status)) in zip(jobs, expected) {
            #expect(stage.opcon.status(of: job.id) == status, "ticket \(state?.rawValue ?? "new"): \(pass)")
        }
        #expect(stage.opcon.jobActions.count == 3, "\(stage.opcon.jobActions)")

        let again = try await stage.sync(at: "2026-11-23T10:45:00Z")
        #expect(again.exitCode == 0, "\(again)")
        #expect(stage.opcon.jobActions.count == 3, "a second pass applies nothing")
    }

    @Test(
        "explain prints the decision for a new and a recorded ticket and writes nothing to any simulator",
        arguments: conformanceHarnesses)
    func explainWritesNothing(harness: any BackendHarness) async throws {
        let stage = try ConformanceStage(harness)
        let fresh = stage.addJob("EXPLAINED", logFiles: ["EXPLAINED.log": "x\r\n"])
        let before = stage.writesEverywhere
        let create = try await stage.explain(fresh)
        #expect(create.exitCode == 0, "\(create)")
        #expect(create.stdout.contains("decision:  create"), "\(create)")
        #expect(stage.writesEverywhere == before)
        #expect(stage.tickets.isEmpty)
        stage.expectNoSecret(in: create)

        let recorded = stage.addJob("EXPLAINED_AGAIN", scheduleID: 78)
        let resolved = try await stage.firstTicket(of: recorded, movedTo: .resolved)
        let afterRun = stage.writesEverywhere
        let reopen = try await stage.explain(recorded, at: ConformanceStage.later)
        #expect(reopen.exitCode == 0, "\(reopen)")
        #expect(reopen.stdout.contains("decision:  reopen (existing ticket \(resolved.number)"), "\(reopen)")
        #expect(stage.writesEverywhere == afterRun)
        #expect(harness.ticket(recordedID: resolved.recordedID, in: stage.services) == resolved)
    }
}
