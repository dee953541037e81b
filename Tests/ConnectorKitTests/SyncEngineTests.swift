import ConnectorTesting
import Foundation
import Testing

@testable import ConnectorKit

@Suite("connector sync (SPEC §6.3)")
struct SyncEngineTests {
    @Test(
        "state → action table, and nothing for a job already in the target status",
        arguments: [
            (TicketStatus.inProgress, "Failed", JobActionKind?.some(.markUnderReview)),
            (.inProgress, "Under Review", nil),
            (.resolved, "Failed", .markFixed),
            (.resolved, "Under Review", .markFixed),
            (.cancelled, "Failed", .cancel),
            (.cancelled, "Under Review", .cancel),
            (.new, "Failed", nil),
            (.closed, "Failed", nil),
            (.resolved, "Fixed", nil),
        ])
    func table(status: TicketStatus, category: String, expected: JobActionKind?) {
        #expect(SyncEngine.action(for: status, jobCategory: category, resolvedAction: .markFixed) == expected)
    }

    @Test("resolvedAction restart in the template turns Resolved into restart")
    func restartVariant() {
        let template = Template(name: "t", path: "/t", raw: ["resolvedAction": "restart"], backendID: "fake")
        let engine = SyncEngine(template: template, backend: FakeBackend(), opcon: FakeOpCon(jobs: []), logger: .silent)
        #expect(engine.resolvedAction == .restart)
        #expect(SyncEngine.action(for: .resolved, jobCategory: "failed", resolvedAction: engine.resolvedAction) == .restart)
    }

    @Test("one pass acts on owned tickets only and is idempotent")
    func pass() async throws {
        func job(_ name: String, ticket: String, category: String) -> DailyJob {
            DailyJob(raw: [
                "id": .string("20261123|1|1|\(name)"), "uid": 1, "incidentTicketId": .string(ticket),
                "status": ["description": .string(category), "category": .string(category)],
            ])
        }
        let opcon = FakeOpCon(jobs: [
            job("A", ticket: "T1", category: "Failed"), job("B", ticket: "T2", category: "Failed"),
            job("C", ticket: "OTHER-9", category: "Failed"), job("D", ticket: "T4", category: "Finished OK"),
        ])
        let backend = FakeBackend()
        backend.state.update {
            $0.tickets = ["T1": .inProgress, "T2": .new, "T4": .resolved]
        }
        let template = Template(name: "t", path: "/t", raw: [:], backendID: "fake")
        let engine = SyncEngine(
            template: template, backend: backend, opcon: opcon, logger: .silent,
            calendar: fixedCalendar(), now: { moment("2026-11-23T10:00") })
        let report = try await engine.runOnce()
        #expect(report.ticketsRead == 2)  // C belongs to another backend, D is not failed
        #expect(report.actions.map(\.action) == [.markUnderReview])
        #expect(opcon.state.current.actions.map(\.1) == ["20261123|1|1|A"])
    }

    static func failedJob(_ name: String, ticket: String) -> DailyJob {
        DailyJob(raw: [
            "id": .string("20261123|1|1|\(name)"), "uid": 1, "incidentTicketId": .string(ticket),
            "status": ["description": "Failed", "category": "Failed"],
        ])
    }

    static func engine(_ backend: FakeBackend, _ opcon: FakeOpCon) -> SyncEngine {
        SyncEngine(
            template: Template(name: "t.json", path: "/t.json", raw: [:], backendID: "fake"), backend: backend, opcon: opcon,
            logger: .silent, calendar: fixedCalendar(), now: { moment("2026-11-23T10:00") })
    }

    @Test("a ticket the ITSM no longer has is reported as missing; the job is left alone and the pass succeeds")
    func missingTicket() async throws {
        let opcon = FakeOpCon(jobs: [Self.failedJob("GONE", ticket: "T404"), Self.failedJob("FIXED", ticket: "T1")])
        let backend = FakeBackend()
        backend.state.update { $0.tickets = ["T1": .resolved] }
        let report = try await Self.engine(backend, opcon).runOnce()
        #expect(report.missing == [SyncEngine.MissingTicket(jobID: "20261123|1|1|GONE", ticket: "T404")])
        #expect(report.applied.map(\.jobID) == ["20261123|1|1|FIXED"])
        #expect(report.ticketsRead == 2)
    }

    @Test(
        "an ITSM that cannot be reached or refuses the credentials ends the pass; one job's unusable answer does not",
        arguments: [
            (ConnectorError.unavailable("ITSM down"), true), (.permission("refused"), true), (.data("garbage"), false),
        ])
    func ticketReadFailures(failure: ConnectorError, endsPass: Bool) async throws {
        let opcon = FakeOpCon(jobs: [Self.failedJob("A", ticket: "T1")])
        let backend = FakeBackend()
        backend.state.update { $0.tickets = ["T1": .resolved] }
        backend.failures.set("find", [failure])
        do {
            let report = try await Self.engine(backend, opcon).runOnce()
            #expect(!endsPass, "the pass should have ended")
            #expect(report.problems.map(\.message) == [failure.message])
            #expect(report.actions.isEmpty)
        } catch {
            #expect(endsPass)
            #expect(error == failure)
        }
    }

    @Test("with verifyingAccess, a pass that read no ticket makes the authenticated read, and its refusal ends the pass")
    func verifiesAccess() async throws {
        let backend = FakeBackend()
        let idle = try await Self.engine(backend, FakeOpCon(jobs: [])).runOnce(verifyingAccess: true)
        #expect(idle.accessProven)
        #expect(backend.state.current.accessChecks == 1)

        // A ticket read proves the credentials: no extra request.
        backend.state.update { $0.tickets = ["T1": .new] }
        _ = try await Self.engine(backend, FakeOpCon(jobs: [Self.failedJob("A", ticket: "T1")])).runOnce(verifyingAccess: true)
        #expect(backend.state.current.accessChecks == 1)

        backend.failures.set("access", [.permission("credentials.password refused")])
        await #expect(throws: ConnectorError.permission("credentials.password refused")) {
            _ = try await Self.engine(backend, FakeOpCon(jobs: [])).runOnce(verifyingAccess: true)
        }
    }
}
