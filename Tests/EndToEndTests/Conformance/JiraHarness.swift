import ConnectorKit
import Foundation

@testable import Simulators

/// Jira Cloud's platform API (API 3, descriptions and comments in Atlassian Document Format) with the simulator's
/// template: the backend searches by the job's correlation label and reopens through the workflow's Reopen transition.
struct JiraHarness: BackendHarness {
    let name = "Jira"
    let templateName = "jira.json"
    let capabilities: BackendCapabilities = [.correlationSearch]
    let createRequest: (method: String, path: PathPattern) = ("POST", "/rest/api/3/issue")

    func template(for services: SimulatedServices) -> String { services.jiraTemplate() }

    func simulator(in services: SimulatedServices) -> any SimulatedService { services.jira }

    func tickets(in services: SimulatedServices) -> [ObservedTicket] {
        services.jira.issues.map { observe($0, in: services.jira) }
    }

    /// POSTs to the issue collection itself: the path pattern is a prefix, and comments and attachments lie below it.
    func createsSent(in services: SimulatedServices) -> Int {
        services.jira.journal.matching(method: createRequest.method, path: createRequest.path).filter { $0.pathSegments.count == 4 }.count
    }

    /// Every request but a GET, less the searches, which Jira takes as POSTs and which change nothing.
    func writesSent(in services: SimulatedServices) -> Int {
        let journal = services.jira.journal
        return journal.writeCount - journal.count(method: "POST", path: "/rest/api/3/search/jql")
            - journal.count(method: "POST", path: "/rest/api/2/search")
    }

    func set(_ state: AnalystState, ticket: ObservedTicket, in services: SimulatedServices) throws {
        let transition: String
        switch state {
        case .new: return
        case .inProgress: transition = "Start Progress"
        case .resolved: transition = "Resolve"
        case .closed: transition = "Close"
        case .cancelled: transition = "Cancel"
        }
        try services.jira.transition(ticket.recordedID, named: transition)
    }

    func openTicketByHand(in services: SimulatedServices) throws -> ObservedTicket {
        let issue = try services.jira.createIssue(summary: "opened by hand", description: "typed by an analyst")
        return observe(try services.jira.transition(issue.key, named: "Start Progress"), in: services.jira)
    }

    /// An open issue carrying the label the connector sets for `job` (SPEC §6.4): `opcon-` and the first 16 hex digits
    /// of the SHA-256 of `<RET_SERVER>:<RET_PORT>,<daily job id>`.
    func openOrphanTicket(for job: DemoJob, in services: SimulatedServices) throws -> ObservedTicket {
        let label = "opcon-" + SHA256.hexDigest(of: "127.0.0.1:\(services.opcon.port ?? 0),\(job.id)").prefix(16)
        let issue = try services.jira.createIssue(summary: "opened by a run that died", description: "first failure", labels: [label])
        return observe(try services.jira.transition(issue.key, named: "Start Progress"), in: services.jira)
    }

    func unknownTicket(in services: SimulatedServices) -> (recordedID: String, link: String) {
        ("OPS-9999", "\(services.jira.baseURL)/browse/OPS-9999")
    }

    func secrets(in services: SimulatedServices) -> [String] {
        let settings = services.jira.settings
        return [
            settings.apiToken, SMAEncoding.encode(settings.apiToken),
            Data("\(settings.email):\(settings.apiToken)".utf8).base64EncodedString(),
        ]
    }

    /// The account's API token was revoked; the template still holds it, so every call gets 401.
    func refuseCredentials(in services: SimulatedServices) {
        services.jira.settings.apiToken = "revoked-" + UUID().uuidString.prefix(8)
    }

    // MARK: Mapping

    private func observe(_ issue: JiraIssue, in jira: JiraSimulator) -> ObservedTicket {
        let description = issue.description.map(AtlassianDocument.plainText(of:)) ?? ""
        return ObservedTicket(
            recordedID: issue.key, number: issue.key, link: "\(jira.baseURL)/browse/\(issue.key)", state: Self.state(of: issue),
            texts: [description] + issue.comments.map(\.text), attachments: issue.attachments.map { ($0.fileName, $0.data) })
    }

    /// The suite's name for an issue's status in the simulator's standard workflow.
    private static func state(of issue: JiraIssue) -> AnalystState? {
        switch issue.status.name {
        case "Open", "Reopened": return .new
        case "In Progress": return .inProgress
        case "Resolved": return .resolved
        case "Closed": return .closed
        default: return issue.status.category == .done ? .cancelled : nil
        }
    }
}
