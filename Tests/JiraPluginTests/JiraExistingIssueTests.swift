import ConnectorKit
import Foundation
import Simulators
import Testing

@testable import JiraPlugin

@Suite("Jira: reading and updating an existing issue")
struct JiraExistingIssueTests {
    /// An issue the connector created for the stage's failure.
    private func created(_ stage: JiraStage, _ backend: any TicketBackend) async throws -> TicketReference {
        try await backend.create(try stage.draft())
    }

    @Test("status categories: new → New, indeterminate → In Progress, unknown key → nil")
    func categories() async throws {
        let stage = try JiraStage()
        let backend = try stage.backend()
        let ticket = try await created(stage, backend)
        #expect(try await backend.read(ticket)?.status == .new)
        try stage.sim.transition(ticket.number, named: "Start Progress")
        let inProgress = try #require(try await backend.read(ticket))
        #expect(inProgress.status == .inProgress && inProgress.rawState == "In Progress")
        #expect(try await backend.read(#require(backend.reference(recordedID: "OPS-999"))) == nil)
    }

    @Test("an open issue gets one comment with the failure, in ADF on API 3, and keeps its status")
    func commentOnOpenIssue() async throws {
        let stage = try JiraStage()
        let backend = try stage.backend()
        let ticket = try await created(stage, backend)
        let existing = try #require(try await backend.read(ticket))
        try await backend.update(existing, with: try stage.draft(excerpt: "--- job log excerpt (gl.log) ---\nFATAL"), reopening: false)
        let comments = stage.sim.comments(of: ticket.number)
        #expect(comments.count == 1)
        #expect(comments.first?.text.hasPrefix("OpCon job NIGHTLY_GL_LOAD of schedule FINANCE failed again on FINAPP01") == true)
        #expect(comments.first?.text.hasSuffix("--- job log excerpt (gl.log) ---\nFATAL") == true)
        let body = try #require(try stage.requests("POST", "/rest/api/3/issue/\(ticket.number)/comment").first?.jsonBody()["body"])
        #expect(body["type"] == "doc")
        #expect(stage.sim.issue(ticket.number)?.status.name == "Open")
        #expect(stage.sim.issues.count == 1)
    }

    @Test("API 2 comments are plain strings")
    func plainComment() async throws {
        let stage = try JiraStage { $0.deployment = .dataCenter }
        let backend = try stage.backend()
        let ticket = try await created(stage, backend)
        try await backend.update(#require(try await backend.read(ticket)), with: try stage.draft(), reopening: false)
        let body = try #require(try stage.requests("POST", "/rest/api/2/issue/\(ticket.number)/comment").first?.jsonBody()["body"])
        #expect(body.stringValue?.hasPrefix("OpCon job NIGHTLY_GL_LOAD") == true)
    }

    @Test("JSM: the comment is internal, through the request API")
    func internalComment() async throws {
        let stage = try JiraStage()
        let desk = try #require(stage.sim.settings.serviceDesks.first)
        let template = stage.template(
            variables: ["serviceDeskId": .string(desk.id), "requestTypeId": .string(desk.requestTypes[0].id)],
            attributes: [("summary", "Job {1} failed")])
        let backend = try stage.backend(template)
        let ticket = try await backend.create(try stage.draft(template))
        try await backend.update(#require(try await backend.read(ticket)), with: try stage.draft(template), reopening: false)
        #expect(stage.sim.comments(of: ticket.number).map(\.isPublic) == [false])
        let body = try #require(try stage.requests("POST", "/rest/servicedeskapi/request/\(ticket.number)/comment").first?.jsonBody())
        #expect(body["public"] == false)
    }

    @Test("a resolved issue reads as resolved and reopenable; the reopen takes the transition back to work, then comments")
    func reopen() async throws {
        let stage = try JiraStage()
        let backend = try stage.backend()
        let ticket = try await created(stage, backend)
        try stage.sim.resolve(ticket.number)
        let resolved = try #require(try await backend.read(ticket))
        #expect(resolved.status == .resolved && resolved.canReopen && !resolved.isFinal)
        try await backend.update(resolved, with: try stage.draft(), reopening: true)
        let issue = try #require(stage.sim.issue(ticket.number))
        #expect(issue.status.name == "Reopened" && issue.resolution == nil)
        #expect(issue.comments.count == 1)
        let transition = try #require(try stage.requests("POST", "/rest/api/3/issue/\(ticket.number)/transitions").first?.jsonBody())
        #expect(transition["transition"]?["id"] == "61")
    }

    @Test("reopenTransition: only the transition of that name reopens; a done issue without it cannot be reopened")
    func namedReopenTransition() async throws {
        let stage = try JiraStage()
        let named = try stage.backend(stage.template(variables: ["reopenTransition": "reopen"]))
        let ticket = try await created(stage, named)
        try stage.sim.resolve(ticket.number)
        #expect(try await named.read(ticket)?.canReopen == true)
        let missing = try stage.backend(stage.template(variables: ["reopenTransition": "Back to work"]))
        let unreachable = try #require(try await missing.read(ticket))
        #expect(unreachable.status == .resolved && !unreachable.canReopen && unreachable.isFinal)
    }

    @Test("a closed issue (done, no transition out) reads as resolved without a way back: the decision replaces it")
    func closed() async throws {
        let stage = try JiraStage()
        let backend = try stage.backend()
        let ticket = try await created(stage, backend)
        try stage.sim.close(ticket.number)
        let closed = try #require(try await backend.read(ticket))
        #expect(closed.status == .resolved && !closed.canReopen && closed.isFinal && closed.rawState == "Closed")
    }

    @Test("cancelled: by status name (Canceled), or by resolution (Won't Do) under another done status; names from the template")
    func cancelled() async throws {
        let stage = try JiraStage()
        let backend = try stage.backend()
        let byStatus = try await created(stage, backend)
        try stage.sim.cancel(byStatus.number)
        #expect(try await backend.read(byStatus)?.status == .cancelled)

        let byResolution = try await created(stage, backend)
        try stage.sim.resolve(byResolution.number, resolution: "Won't Do")
        #expect(try await backend.read(byResolution)?.status == .cancelled)

        let narrowed = try stage.backend(stage.template(variables: ["cancelledNames": ["Duplicate"]]))
        #expect(try await narrowed.read(byResolution)?.status == .resolved)
    }

    @Test("open issues with the job's label, oldest first: API 3 POST search/jql marked as a read, done issues left out")
    func searchCloud() async throws {
        let stage = try JiraStage()
        let backend = try stage.backend()
        let first = try await created(stage, backend)
        let second = try await created(stage, backend)
        let done = try await created(stage, backend)
        try stage.sim.resolve(done.number)
        try stage.sim.createIssue(summary: "someone else's", labels: ["opcon-0000000000000000"])
        let found = try #require(try await backend.openTickets(correlationID: JiraStage.correlationID))
        #expect(found.map(\.reference.number) == [first.number, second.number])
        #expect(found.allSatisfy { $0.foundBySearch })
        let search = try #require(stage.sent.all.last { $0.url.path.hasSuffix("/search/jql") })
        #expect(search.method == .post && search.isRetrySafe && search.url.path == "/rest/api/3/search/jql")
        let label = CorrelationLabel.label(for: JiraStage.correlationID)
        let jql = try JSONValue.parse(try #require(search.body))["jql"]?.stringValue
        #expect(jql == "project = \"OPS\" AND labels = \"\(label)\" AND statusCategory != Done ORDER BY created ASC")
        #expect(backend.capabilities.contains(.correlationSearch))
    }

    @Test("Data Center searches with POST /rest/api/2/search, also marked as a read")
    func searchDataCenter() async throws {
        let stage = try JiraStage { $0.deployment = .dataCenter }
        let backend = try stage.backend()
        let ticket = try await created(stage, backend)
        #expect(try await backend.openTickets(correlationID: JiraStage.correlationID)?.map(\.reference.number) == [ticket.number])
        let search = try #require(stage.sent.all.last { $0.url.path.contains("/search") })
        #expect(search.method == .post && search.isRetrySafe && search.url.path == "/rest/api/2/search")
    }
}
