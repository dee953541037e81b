import ConnectorKit
import Foundation
import Testing

@testable import Simulators

/// SPEC §6.4 through the executable with the Notification Manager line: the issue a failure opens in each of Jira's
/// three ways, the write-back, the job log, and what a second failure does to the issue in each state.
@Suite("Jira end to end: one failure, then another")
struct JiraLifecycleTests {
    @Test("Cloud API 3: the exact label, fields, priority, labels and components; ADF; key and /browse/KEY written back; log byte for byte")
    func cloudCreate() async throws {
        let stage = try JiraStage()
        let log = "step 1 ok\r\nERROR: ledger locked\r\n\u{00e9}t\u{00e9} \u{2713}\n"
        let job = stage.addJob("GL LOAD 01", logFiles: ["GL LOAD 01.log": log])
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        #expect(run.stdout.hasPrefix("create: ticket OPS-1"), "\(run)")

        let issue = try stage.onlyIssue()
        #expect(issue.labels == ["opcon", stage.label(of: job)])
        #expect(issue.summary == "OpCon Task Failure (schedule FINANCE job GL LOAD 01 server WINAGENT01 error code Exit Code 1)")
        #expect(issue.priority == "High" && issue.components == ["Batch"] && issue.issueType == "Incident")
        #expect(issue.descriptionText.hasPrefix("Technical data of the OpCon batch (schedule (FINANCE) job (GL LOAD 01)"))
        #expect(issue.descriptionText.contains("ERROR: ledger locked"), "the log excerpt ends the description")
        let sent = try #require(try stage.requests("POST", "/rest/api/3/issue").first?.jsonBody()["fields"])
        #expect(sent["description"]?["type"] == "doc")
        #expect(sent["priority"] == ["name": "High"])

        #expect(stage.opcon.incidentTicketID(of: job.id) == "OPS-1")
        #expect(stage.opcon.incidentTicketURL(of: job.id) == stage.browseLink("OPS-1"))
        let attached = stage.jira.attachments(of: "OPS-1")
        #expect(attached.map(\.fileName) == ["GL LOAD 01.log"])
        #expect(attached.first?.data == Data(log.utf8))
        #expect(stage.requests("POST", "/rest/api/3/issue/OPS-1/attachments").first?.headers["X-Atlassian-Token"] == "no-check")
    }

    @Test("Data Center API 2: a personal access token, the description as plain text")
    func dataCenterCreate() async throws {
        let stage = try JiraStage { $0.deployment = .dataCenter }
        let job = stage.addJob("GL LOAD 01")
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        let request = try #require(stage.requests("POST", "/rest/api/2/issue").first)
        #expect(request.headers["Authorization"]?.hasPrefix("Bearer ") == true)
        #expect(try request.jsonBody()["fields"]?["description"]?.stringValue?.hasPrefix("Technical data of the OpCon batch") == true)
        #expect(try stage.onlyIssue().labels.contains(stage.label(of: job)))
        #expect(stage.opcon.incidentTicketID(of: job.id) == "OPS-1")
    }

    @Test("JSM: created through the request API; a second failure is one internal comment, no new issue")
    func serviceDesk() async throws {
        let stage = try JiraStage(serviceDesk: true)
        let job = stage.addJob("GL LOAD 01")
        let first = try await stage.fail(job)
        #expect(first.exitCode == 0, "\(first)")
        let issue = try stage.onlyIssue()
        #expect(issue.serviceDeskID != nil && issue.labels.contains(stage.label(of: job)))
        #expect(stage.requests("POST", "/rest/servicedeskapi/request").count == 1)

        let again = try await stage.fail(job, at: JiraStage.later)
        #expect(again.exitCode == 0, "\(again)")
        #expect(again.stdout.hasPrefix("update: ticket \(issue.key)"), "\(again)")
        #expect(stage.jira.comments(of: issue.key).map(\.isPublic) == [false])
        #expect(stage.creates == 1)
    }

    @Test("an open issue: one comment with the failure, no new issue, the status kept")
    func openIssueCommented() async throws {
        let stage = try JiraStage()
        let job = stage.addJob("GL LOAD 01")
        _ = try await stage.fail(job)
        try stage.jira.transition("OPS-1", named: "Start Progress")
        let again = try await stage.fail(job, at: JiraStage.later)
        #expect(again.exitCode == 0, "\(again)")
        #expect(again.stdout.hasPrefix("update: ticket OPS-1"), "\(again)")
        let issue = try stage.onlyIssue()
        #expect(issue.comments.count == 1 && issue.comments.first?.text.contains("failed again") == true)
        #expect(issue.status.name == "In Progress")
        #expect(stage.creates == 1)
    }

    @Test("Resolved: the Reopen transition, then a comment")
    func resolvedReopened() async throws {
        let stage = try JiraStage()
        let job = stage.addJob("GL LOAD 01")
        _ = try await stage.fail(job)
        try stage.jira.resolve("OPS-1")
        let again = try await stage.fail(job, at: JiraStage.later)
        #expect(again.exitCode == 0, "\(again)")
        #expect(again.stdout.hasPrefix("reopen: ticket OPS-1"), "\(again)")
        let issue = try stage.onlyIssue()
        #expect(issue.status.name == "Reopened" && issue.resolution == nil)
        #expect(issue.comments.count == 1)
        #expect(stage.opcon.incidentTicketID(of: job.id) == "OPS-1")
    }

    @Test(
        "Closed or Canceled: a new issue naming the previous key in its description and in the job documentation",
        arguments: ["Close", "Cancel"])
    func finalReplaced(transition: String) async throws {
        let stage = try JiraStage()
        let job = stage.addJob("GL LOAD 01", documentation: "Call the GL team.")
        _ = try await stage.fail(job)
        try stage.jira.transition("OPS-1", named: transition)
        let again = try await stage.fail(job, at: JiraStage.later)
        #expect(again.exitCode == 0, "\(again)")
        #expect(again.stdout.hasPrefix("replace: ticket OPS-2"), "\(again)")
        let replacement = try #require(stage.jira.issue("OPS-2"))
        #expect(replacement.descriptionText.contains("Previous Ticket Number (OPS-1)"))
        #expect(replacement.labels.contains(stage.label(of: job)))
        #expect(stage.opcon.documentation(of: job.id)?.contains("Previous Ticket Number (OPS-1)") == true)
        #expect(stage.opcon.incidentTicketID(of: job.id) == "OPS-2")
        #expect(stage.opcon.incidentTicketURL(of: job.id) == stage.browseLink("OPS-2"))
    }

    @Test("allowTicketReopen false: a resolved issue is replaced, not reopened")
    func reopenNotAllowed() async throws {
        let stage = try JiraStage(rules: ["allowTicketReopen": false])
        let job = stage.addJob("GL LOAD 01")
        _ = try await stage.fail(job)
        try stage.jira.resolve("OPS-1")
        let again = try await stage.fail(job, at: JiraStage.later)
        #expect(again.exitCode == 0, "\(again)")
        #expect(again.stdout.hasPrefix("replace: ticket OPS-2"), "\(again)")
        #expect(stage.jira.issue("OPS-1")?.status.name == "Resolved")
        #expect(stage.opcon.incidentTicketID(of: job.id) == "OPS-2")
    }

    @Test("an open issue carrying the job's label, not recorded on the job, is adopted: commented, written back, no new issue")
    func labelledIssueAdopted() async throws {
        let stage = try JiraStage()
        let job = stage.addJob("GL LOAD 01")
        let orphan = try stage.jira.createIssue(summary: "left behind by a run that died", labels: [stage.label(of: job)])
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        #expect(run.stdout.hasPrefix("update: ticket \(orphan.key)"), "\(run)")
        #expect(stage.creates == 0)
        #expect(stage.jira.comments(of: orphan.key).count == 1)
        #expect(stage.opcon.incidentTicketID(of: job.id) == orphan.key)
        #expect(stage.requests("POST", "/rest/api/3/search/jql").count >= 1)
    }
}
