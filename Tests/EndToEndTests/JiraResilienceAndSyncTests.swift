import ConnectorKit
import Foundation
import Testing

@testable import Simulators

/// SPEC §6.4 and §7 through the executable: a create whose answer was lost while the search index lags, refused
/// credentials, rate limits; then `check` and `sync` on a Jira template.
@Suite("Jira end to end: lost answers, refusals, rate limits, check and sync")
struct JiraResilienceAndSyncTests {
    @Test("a create answered 500 after it landed, with a 3 s index lag: exactly one issue, written back")
    func unconfirmedCreateLanded() async throws {
        let stage = try JiraStage { $0.searchIndexLag = 3 }
        stage.jira.faults.add(Fault(.commitThenFail(500), count: 1, method: "POST", path: "/rest/api/3/issue"))
        let job = stage.addJob("GL LOAD 01")
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        let issue = try stage.onlyIssue()
        #expect(stage.creates == 1)
        #expect(stage.opcon.incidentTicketID(of: job.id) == issue.key)
        #expect(run.seconds >= 2.5, "the issue showed in search only after the lag")
    }

    @Test("401: exit 77 at once, one request, no retry, no secret in the output")
    func refusedToken() async throws {
        let stage = try JiraStage()
        try stage.writeTemplate { $0.setting("credentials", to: ["user": "svc-opcon@example.com", "token": "env:JIRA_TEST_TOKEN"]) }
        let secret = "Wrong-Jira-Token-4242"
        let job = stage.addJob("GL LOAD 01")
        let run = try await stage.fail(job, environment: ["JIRA_TEST_TOKEN": secret])
        #expect(run.exitCode == 77, "\(run)")
        #expect(stage.jira.journal.requests == 1, "\(stage.jira.journal.all.map(\.path))")
        #expect(stage.jira.issues.isEmpty)
        let basic = Data("svc-opcon@example.com:\(secret)".utf8).base64EncodedString()
        let log = stage.install.read("log/connector.log") ?? ""
        for text in [run.stdout, run.stderr, log] {
            #expect(!text.contains(secret) && !text.contains(basic))
        }
    }

    @Test("429 with Retry-After: the create waits and is sent again; one issue")
    func rateLimited() async throws {
        let stage = try JiraStage()
        stage.jira.injectRateLimit(count: 1, retryAfter: 2, method: "POST", path: "/rest/api/3/issue")
        let job = stage.addJob("GL LOAD 01")
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        #expect(stage.requests("POST", "/rest/api/3/issue").count == 2)
        #expect(run.seconds >= 1.9, "Retry-After: 2 was honoured")
        #expect(try stage.onlyIssue().key == stage.opcon.incidentTicketID(of: job.id))
    }

    @Test("check: the Jira line is an authenticated read of the account")
    func check() async throws {
        let stage = try JiraStage()
        let run = try await stage.run(["check", "-t", "jira.json"])
        #expect(run.exitCode == 0, "\(run)")
        #expect(run.stdout.contains("ok      Jira"), "\(run)")
        #expect(stage.requests("GET", "/rest/api/3/myself").count == 1)
    }

    @Test("sync: in progress → under review, resolved → fixed, cancelled → cancel, new → nothing; a second pass applies nothing")
    func sync() async throws {
        let stage = try JiraStage()
        var jobs: [String: DemoJob] = [:]
        for (index, name) in ["ACCEPTED", "RESOLVED", "CANCELLED", "WONTDO", "UNTOUCHED"].enumerated() {
            let job = stage.addJob(name, scheduleID: 80 + index)
            let run = try await stage.fail(job)
            #expect(run.exitCode == 0, "\(run)")
            jobs[name] = job
        }
        let key = { (name: String) in stage.opcon.incidentTicketID(of: jobs[name]!.id) ?? "" }
        try stage.jira.transition(key("ACCEPTED"), named: "Start Progress")
        try stage.jira.resolve(key("RESOLVED"))
        try stage.jira.cancel(key("CANCELLED"))
        try stage.jira.resolve(key("WONTDO"), resolution: "Won't Do")

        let first = try await stage.run(["sync", "-t", "jira.json", "--once"])
        #expect(first.exitCode == 0, "\(first)")
        #expect(stage.opcon.status(of: jobs["ACCEPTED"]!.id) == .underReview)
        #expect(stage.opcon.status(of: jobs["RESOLVED"]!.id) == .fixed)
        #expect(stage.opcon.status(of: jobs["CANCELLED"]!.id) == .cancelled)
        #expect(stage.opcon.status(of: jobs["WONTDO"]!.id) == .cancelled)
        #expect(stage.opcon.status(of: jobs["UNTOUCHED"]!.id) == .failed)
        #expect(first.stdout.contains("markFixed \(jobs["RESOLVED"]!.id) (ticket \(key("RESOLVED"))): applied"), "\(first)")

        let second = try await stage.run(["sync", "-t", "jira.json", "--once"], at: "2026-11-23T09:20:00Z")
        #expect(second.exitCode == 0, "\(second)")
        #expect(stage.opcon.jobActions.count == 4)
        #expect(second.stdout.contains("0 action(s)"), "\(second)")
    }

    @Test("sync with \"resolvedAction\": \"restart\" restarts the job of a resolved issue; a closed one is fixed too")
    func syncRestarts() async throws {
        let stage = try JiraStage()
        try stage.writeTemplate { $0.setting("resolvedAction", to: "restart") }
        let resolved = stage.addJob("RESOLVED", scheduleID: 90)
        let closed = stage.addJob("CLOSED", scheduleID: 91)
        _ = try await stage.fail(resolved)
        _ = try await stage.fail(closed)
        try stage.jira.resolve(try #require(stage.opcon.incidentTicketID(of: resolved.id)))
        try stage.jira.close(try #require(stage.opcon.incidentTicketID(of: closed.id)))
        let run = try await stage.run(["sync", "-t", "jira.json", "--once"])
        #expect(run.exitCode == 0, "\(run)")
        #expect(stage.opcon.jobActions.map(\.action).sorted() == ["restart", "restart"], "\(run)")
    }
}

@Suite("Jira end to end: explain and -i")
struct JiraExplainTests {
    /// Requests that change the site: every POST but the searches, which only read.
    private func writes(_ stage: JiraStage) -> Int {
        stage.jira.journal.all.filter { $0.method != "GET" && !$0.path.contains("/search") }.count
    }

    @Test("explain shows the create body (ADF, the label) and then the reopen, and changes nothing in Jira")
    func explain() async throws {
        let stage = try JiraStage()
        let job = stage.addJob("GL LOAD 01")
        let planned = try await stage.run(["explain"] + stage.install.failureWords(job, template: "jira.json"))
        #expect(planned.exitCode == 0, "\(planned)")
        #expect(planned.stdout.contains("decision:  create"), "\(planned)")
        #expect(planned.stdout.contains(stage.label(of: job)) && planned.stdout.contains("\"type\": \"doc\""), "\(planned)")
        #expect(stage.jira.issues.isEmpty && writes(stage) == 0)

        _ = try await stage.fail(job)
        try stage.jira.resolve("OPS-1")
        let before = writes(stage)
        let reopen = try await stage.run(["explain"] + stage.install.failureWords(job, template: "jira.json"))
        #expect(reopen.stdout.contains("decision:  reopen"), "\(reopen)")
        #expect(reopen.stdout.contains("/rest/api/3/issue/OPS-1/transitions"), "\(reopen)")
        #expect(writes(stage) == before && stage.jira.issue("OPS-1")?.status.name == "Resolved")
    }

    @Test("-i KEY -t jira.json shows the issue's state, summary and link")
    func show() async throws {
        let stage = try JiraStage()
        let job = stage.addJob("GL LOAD 01")
        _ = try await stage.fail(job)
        try stage.jira.transition("OPS-1", named: "Start Progress")
        let shown = try await stage.run(["-i", "OPS-1", "-t", "jira.json"])
        #expect(shown.exitCode == 0, "\(shown)")
        #expect(shown.stdout.contains("OPS-1") && shown.stdout.contains("In Progress"), "\(shown)")
        #expect(shown.stdout.contains("OpCon Task Failure (schedule FINANCE job GL LOAD 01"), "\(shown)")
        #expect(shown.stdout.contains(stage.browseLink("OPS-1")), "\(shown)")
    }
}
