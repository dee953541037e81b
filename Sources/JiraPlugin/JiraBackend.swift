import ConnectorKit
import Foundation

/// Jira Cloud or Data Center, with or without Jira Service Management (SPEC §6.4): issues created through the
/// platform API or the JSM request API, found again by their correlation label, commented on, reopened through the
/// workflow's own transition, and given the job log as a multipart attachment.
struct JiraBackend: TicketBackend {
    let settings: JiraTemplateSettings
    let client: ServiceClient
    let logger: Logger

    init(settings: JiraTemplateSettings, environment: BackendEnvironment) throws(ConnectorError) {
        let file = environment.template.path.isEmpty ? environment.template.name : environment.template.path
        // Cloud: the account e-mail and an API token, as basic auth. Data Center: a personal access token, as Bearer.
        guard let token = try environment.credential("token") else {
            throw .configuration("Template \(file): credentials.token is required (an API token, or a Data Center personal access token).")
        }
        let user = try environment.credential("user")
        let authorization = user.map { ServiceClient.Authorization.basic(user: $0, password: token) } ?? .bearer(token)
        var client = environment.client(service: settings.service, baseURL: settings.baseURL, authorization: authorization)
        client.errorMessage = JiraErrorMessage.read
        client.credentialHint =
            user == nil
            ? "credentials.token (a personal access token) in \(file)"
            : "credentials.user (the account e-mail) and credentials.token (an API token) in \(file)"
        self.settings = settings
        self.client = client
        self.logger = environment.logger
    }

    var capabilities: BackendCapabilities { .correlationSearch }

    private var api: String { "rest/api/\(settings.apiVersion)" }
    private var format: JiraTextFormat { settings.apiVersion == 3 ? .document : .plain }

    /// `rest/api/{v}/issue/KEY[/what]`.
    private func issuePath(_ key: String, _ what: String? = nil) -> String {
        "\(api)/issue/" + ServiceClient.percentEncoded(key) + (what.map { "/" + $0 } ?? "")
    }

    // MARK: Recognising

    /// A key of the template's project (`OPS-17`), in any case.
    func reference(recordedID: String) -> TicketReference? {
        let key = recordedID.trimmingCharacters(in: .whitespaces).uppercased()
        let number = key.dropFirst(settings.projectKey.count + 1)
        guard key.hasPrefix(settings.projectKey + "-"), !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return nil
        }
        return link(key)
    }

    private func link(_ key: String) -> TicketReference {
        TicketReference(recordedID: key, number: key, url: "\(settings.viewURL)/browse/\(key)")
    }

    // MARK: Reading

    func read(_ ticket: TicketReference) async throws(ConnectorError) -> ExistingTicket? {
        let action = "read issue \(ticket.number)"
        let request = try client.request(.get, issuePath(ticket.number), query: [("fields", Self.fieldsRead.joined(separator: ","))])
        let response = try await client.send(request, action: action, accepting: [404])
        guard response.status != 404 else { return nil }
        return try await existing(try client.json(in: response, action: action), foundBySearch: false)
    }

    private static let fieldsRead = ["status", "resolution", "labels", "summary", "priority"]

    /// An issue as the decision sees it. A resolved one is reopened only when its workflow offers a way back to work,
    /// which only a read of its transitions shows.
    private func existing(_ issue: JSONValue, foundBySearch: Bool) async throws(ConnectorError) -> ExistingTicket {
        guard let key = issue["key"]?.stringValue else { throw .data("\(settings.service) answered with an issue without a key.") }
        let fields = issue["fields"] ?? [:]
        let status = JiraIssueState.status(of: fields, cancelledNames: settings.cancelledNames)
        let canReopen = status == .resolved ? try await reopenTransitionID(key) != nil : true
        let details = [
            TicketField(name: "Summary", value: fields["summary"]?.stringValue ?? ""),
            TicketField(name: "Priority", value: fields["priority"]?["name"]?.stringValue ?? ""),
            TicketField(name: "Resolution", value: fields["resolution"]?["name"]?.stringValue ?? ""),
        ]
        return ExistingTicket(
            reference: link(key), status: status, rawState: fields["status"]?["name"]?.stringValue ?? "",
            foundBySearch: foundBySearch, details: details, canReopen: canReopen)
    }

    private func reopenTransitionID(_ key: String) async throws(ConnectorError) -> String? {
        let answer = try await client.document(
            try client.request(.get, issuePath(key, "transitions")), action: "read the transitions of \(key)")
        return JiraIssueState.reopenTransitionID(in: answer, named: settings.reopenTransition)
    }

    /// The project's issues carrying the job's label that are not done, oldest first. Cloud searches with
    /// `search/jql` (its old `search` answers 410), Data Center with `search`.
    func openTickets(correlationID: String) async throws(ConnectorError) -> [ExistingTicket]? {
        let label = CorrelationLabel.label(for: correlationID)
        let jql = "project = \"\(settings.projectKey)\" AND labels = \"\(label)\" AND statusCategory != Done ORDER BY created ASC"
        let path = settings.apiVersion == 3 ? "rest/api/3/search/jql" : "rest/api/2/search"
        let body: JSONValue = ["jql": .string(jql), "fields": .array(Self.fieldsRead.map(JSONValue.string)), "maxResults": 20]
        let answer = try await client.document(
            try client.request(.post, path, json: body, isRead: true),
            action: "search for the issues labelled \(label)")
        var found: [ExistingTicket] = []
        for issue in answer["issues"]?.arrayValue ?? [] {
            found.append(try await existing(issue, foundBySearch: true))
        }
        return found
    }

    /// `myself` needs the credentials, where `serverInfo` answers anyone.
    func verifyAccess() async throws(ConnectorError) {
        _ = try await client.document(try client.request(.get, "\(api)/myself"), action: "read the connector's own account")
    }

    // MARK: Writing

    func create(_ draft: TicketDraft) async throws(ConnectorError) -> TicketReference {
        let request: HTTPRequest
        if let desk = settings.serviceDesk {
            let values = JiraIssueFields(format: .plain).values(for: draft)
            request = try client.request(
                .post, "rest/servicedeskapi/request",
                json: [
                    "serviceDeskId": .string(desk.id), "requestTypeId": .string(desk.requestTypeID), "requestFieldValues": .object(values),
                ])
        } else {
            var values = JiraIssueFields(format: format).values(for: draft)
            values["project"] = ["key": .string(settings.projectKey)]
            values["issuetype"] = ["name": .string(settings.issueType)]
            request = try client.request(.post, "\(api)/issue", json: ["fields": .object(values)])
        }
        let action = "create an issue in project \(settings.projectKey)"
        // Jira's search index lags behind its writes: a create that landed may take seconds to show.
        let confirm = try await correlationLandingCheck(for: draft, settleSeconds: 30)
        return try await client.create(request, action: action, confirm: confirm) { response throws(ConnectorError) in
            let answer = try client.json(in: response, action: action)
            // The platform answers `key`, the JSM request API `issueKey`.
            guard let key = (answer["key"] ?? answer["issueKey"])?.stringValue, !key.isEmpty else {
                throw client.unusable(response, action, "no issue key")
            }
            return link(key)
        }
    }

    func update(_ ticket: ExistingTicket, with draft: TicketDraft, reopening: Bool) async throws(ConnectorError) {
        let key = ticket.reference.number
        if reopening {
            // Transition ids belong to the workflow, so the way back is read again rather than assumed.
            if let id = try await reopenTransitionID(key) {
                let request = try client.request(.post, issuePath(key, "transitions"), json: ["transition": ["id": .string(id)]])
                _ = try await client.send(request, action: "reopen \(key)")
            } else {
                logger.warning(
                    "\(settings.service) no longer offers a way back to work for \(key); the failure is added as a comment only.")
            }
        }
        let text = draft.endingWithLogExcerpt(draft.failureLine)
        // A platform comment on a service-desk issue is shown to the customer; the request API's can be internal.
        let request =
            settings.serviceDesk == nil
            ? try client.request(.post, issuePath(key, "comment"), json: ["body": format.render(text)])
            : try client.request(
                .post, "rest/servicedeskapi/request/\(ServiceClient.percentEncoded(key))/comment",
                json: ["body": .string(text), "public": false])
        _ = try await client.send(request, action: "comment on \(key)")
    }

    func attach(_ file: JobLogFile, to ticket: TicketReference) async throws(ConnectorError) {
        var form = MultipartForm()
        form.addFile(field: "file", filename: file.name, content: file.content)
        var request = try client.upload(issuePath(ticket.number, "attachments"), body: form.body, contentType: form.contentType)
        // Without it Jira takes a form post for cross-site request forgery and refuses it ("XSRF check failed").
        request.setHeader("X-Atlassian-Token", "no-check")
        _ = try await client.send(request, action: "attach \(file.name) to \(ticket.number)")
    }
}
