import ConnectorKit
import Foundation

/// The JSM request API: create a customer request (`POST /rest/servicedeskapi/request`), read it, and comment on
/// it publicly or internally. Errors use JSM's `{errorMessage, i18nErrorMessage}`, not the platform ErrorCollection.
extension JiraSimulator {
    func serviceDeskAPI(_ request: SimRequest, rest: [String], caller: JiraCaller, settings current: JiraSettings) -> SimResponse {
        let lower = rest.map { $0.lowercased() }
        switch (request.method, lower.first, lower.count) {
        case ("POST", "request", 1): return createRequest(request, caller: caller, settings: current)
        case ("GET", "request", 2):
            guard let issue = self.issue(rest[1]), Self.belongsToServiceDesk(issue, current) else { return Self.requestNotFound(rest[1]) }
            return .json(Self.requestJSON(issue, base: Self.baseURL(of: request), settings: current))
        case ("POST", "request", 3) where lower[2] == "comment": return addRequestComment(request, key: rest[1], caller: caller)
        default: return Self.serviceDeskError(404, "No resource at \(request.rawPath)", key: "sd.resource.notfound")
        }
    }

    /// Issues of a service desk's project are reachable through the request API, however they were created.
    private static func belongsToServiceDesk(_ issue: JiraIssue, _ current: JiraSettings) -> Bool {
        current.serviceDesks.contains { $0.projectKey == issue.projectKey }
    }

    private static func requestNotFound(_ key: String) -> SimResponse {
        serviceDeskError(404, "The request '\(key)' does not exist or you do not have permission to see it.", key: "sd.request.notfound")
    }

    private func createRequest(_ request: SimRequest, caller: JiraCaller, settings current: JiraSettings) -> SimResponse {
        guard let body = try? request.jsonBody(), case .object = body else {
            return Self.serviceDeskError(400, "The request body must be a JSON object.", key: "sd.request.body.invalid")
        }
        guard let deskID = body["serviceDeskId"]?.scalarText, let typeID = body["requestTypeId"]?.scalarText else {
            return Self.serviceDeskError(400, "serviceDeskId and requestTypeId are required.", key: "sd.request.create.missing.ids")
        }
        guard let desk = current.serviceDesks.first(where: { $0.id == deskID }) else {
            return Self.serviceDeskError(404, "The service desk '\(deskID)' does not exist.", key: "sd.servicedesk.notfound")
        }
        guard let type = desk.requestTypes.first(where: { $0.id == typeID }) else {
            return Self.serviceDeskError(
                404, "The request type '\(typeID)' does not exist in service desk \(deskID).", key: "sd.requesttype.notfound")
        }
        let values = body["requestFieldValues"]?.objectValue ?? [:]
        if let stranger = values.keys.sorted().first(where: { !type.fields.contains($0) }) {
            return Self.serviceDeskError(
                400, "The field '\(stranger)' is not visible on the request type '\(type.name)'.",
                key: "sd.request.field.not.on.requesttype")
        }
        var fields = values
        fields["project"] = ["key": .string(desk.projectKey)]
        fields["issuetype"] = ["name": .string(type.issueType)]
        do {
            let format: JiraTextFormat = body["isAdfRequest"]?.boolValue == true ? .document : .plain
            var new = try Self.newIssue(from: fields, format: format, settings: current)
            new.serviceDeskID = desk.id
            new.requestTypeID = type.id
            let issue = store.withLock { $0.create(new, workflow: current.workflow, reporter: caller.name) }
            return .json(Self.requestJSON(issue, base: Self.baseURL(of: request), settings: current), status: 201)
        } catch {
            return Self.serviceDeskError(400, error.joinedMessage, key: "sd.request.create.field.invalid")
        }
    }

    /// `CustomerRequestDTO`: the category in upper case, dates in four forms, links to the portal and the agent view.
    static func requestJSON(_ issue: JiraIssue, base: String, settings current: JiraSettings) -> JSONValue {
        let created = dateJSON(issue.created)
        let reporter: JSONValue =
            current.deployment == .cloud
            ? ["accountId": .string(issue.reporter), "displayName": .string(issue.reporter)]
            : ["name": .string(issue.reporter), "key": .string(issue.reporter), "displayName": .string(issue.reporter)]
        var values: [JSONValue] = [["fieldId": "summary", "label": "Summary", "value": .string(issue.summary)]]
        if issue.description != nil {
            values.append(["fieldId": "description", "label": "Description", "value": .string(issue.descriptionText)])
        }
        if !issue.labels.isEmpty {
            values.append(["fieldId": "labels", "label": "Labels", "value": .array(issue.labels.map(JSONValue.string))])
        }
        let portal = issue.serviceDeskID ?? ""
        return [
            "issueId": .string(String(issue.id)), "issueKey": .string(issue.key), "requestTypeId": .string(issue.requestTypeID ?? ""),
            "serviceDeskId": .string(portal), "createdDate": created, "reporter": reporter,
            "currentStatus": [
                "status": .string(issue.status.name), "statusCategory": .string(issue.status.category.rawValue.uppercased()),
                "statusDate": dateJSON(issue.updated),
            ],
            "requestFieldValues": .array(values),
            "_links": [
                "jiraRest": .string("\(base)/rest/api/2/issue/\(issue.id)"),
                "web": .string("\(base)/servicedesk/customer/portal/\(portal)/\(issue.key)"),
                "self": .string("\(base)/rest/servicedeskapi/request/\(issue.id)"),
                "agent": .string("\(base)/browse/\(issue.key)"),
            ],
        ]
    }

    private static func dateJSON(_ date: Date) -> JSONValue {
        let stamp = JiraTime.format(date)
        return [
            "iso8601": .string(String(stamp.prefix(19)) + "+0000"), "jira": .string(stamp),
            "friendly": .string(String(stamp.prefix(16)).replacingOccurrences(of: "T", with: " ")),
            "epochMillis": .int(JiraTime.epochMillis(date)),
        ]
    }

    /// `{"body": "text", "public": false}` is an internal comment; `public` is required.
    private func addRequestComment(_ request: SimRequest, key: String, caller: JiraCaller) -> SimResponse {
        guard let body = try? request.jsonBody(), case .object = body else {
            return Self.serviceDeskError(400, "The request body must be a JSON object.", key: "sd.request.body.invalid")
        }
        guard let isPublic = body["public"]?.boolValue else {
            return Self.serviceDeskError(
                400, "The 'public' field is required: true for a reply to the customer, false for an internal comment.",
                key: "sd.comment.public.required")
        }
        guard let text = body["body"]?.stringValue, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return Self.serviceDeskError(400, "The comment body must be a non-empty string.", key: "sd.comment.body.required")
        }
        guard let issue = self.issue(key), Self.belongsToServiceDesk(issue, settings) else { return Self.requestNotFound(key) }
        do {
            let comment = try store.withLock { store throws(JiraRejection) in
                try store.addComment(
                    to: issue.key, body: AtlassianDocument.document(fromPlainText: text), isPublic: isPublic, author: caller.name)
            }
            return .json(
                [
                    "id": .string(String(comment.id)), "body": .string(comment.text), "public": .bool(comment.isPublic),
                    "author": ["displayName": .string(caller.displayName)], "created": Self.dateJSON(comment.created),
                    "_links": ["self": .string("\(Self.baseURL(of: request))/rest/servicedeskapi/request/\(key)/comment/\(comment.id)")],
                ],
                status: 201)
        } catch {
            return Self.requestNotFound(key)
        }
    }
}
