import Foundation
import Testing
@testable import ConnectorKit

@Suite("connector sync (SPEC §6.3)")
struct SyncEngineTests {
    @Test("state → action table, and nothing for a job already in the target status", arguments: [
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
            DailyJob(raw: ["id": .string("20261123|1|1|\(name)"), "uid": 1, "incidentTicketId": .string(ticket),
                           "status": ["description": .string(category), "category": .string(category)]])
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
        let engine = SyncEngine(template: template, backend: backend, opcon: opcon, logger: .silent,
                                calendar: fixedCalendar(), now: { moment("2026-11-23T10:00") })
        let report = try await engine.runOnce()
        #expect(report.examined == 2)  // C belongs to another backend, D is not failed
        #expect(report.actions.map(\.action) == [.markUnderReview])
        #expect(opcon.state.current.actions.map(\.1) == ["20261123|1|1|A"])
    }
}
