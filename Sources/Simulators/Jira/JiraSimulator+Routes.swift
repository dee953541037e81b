import ConnectorKit
import Foundation

/// The REST surface: `/rest/api/{3|2|latest}/...` (platform) and `/rest/servicedeskapi/...` (JSM), plus
/// `/browse/{key}` for people trying the simulator by hand.
extension JiraSimulator {
    func route(_ request: SimRequest) -> SimResponse {
        let segments = request.pathSegments
        let lower = segments.map { $0.lowercased() }
        let current = settings
        if lower.count == 2, lower[0] == "browse", request.method == "GET" { return browsePage(segments[1]) }
        guard lower.count >= 2, lower[0] == "rest" else { return Self.noSuchResource(request) }
        // serverInfo answers anyone: a probe of it proves nothing about the credentials.
        if lower.count == 4, lower[1] == "api", lower[3] == "serverinfo" { return serverInfo(request, current) }
        let caller: JiraCaller
        switch authenticate(request, current) {
        case .success(let authenticated): caller = authenticated
        case .failure(let refusal): return refusal.response
        }
        var response: SimResponse
        if lower[1] == "api", lower.count >= 3 {
            response = platformAPI(request, version: lower[2], rest: Array(segments.dropFirst(3)), caller: caller, settings: current)
        } else if lower[1] == "servicedeskapi" {
            response = serviceDeskAPI(request, rest: Array(segments.dropFirst(2)), caller: caller, settings: current)
        } else {
            response = Self.noSuchResource(request)
        }
        if current.deployment == .cloud { response.headers.set("X-AAccountId", caller.name) }
        return response
    }

    // MARK: Authentication

    struct Refusal: Error {
        var response: SimResponse
    }

    /// Cloud: basic with the account e-mail and API token. Data Center: `Bearer <PAT>` or basic user:password,
    /// with the CAPTCHA lock-out after repeated basic failures (Bearer tokens do not feed that counter).
    private func authenticate(_ request: SimRequest, _ current: JiraSettings) -> Result<JiraCaller, Refusal> {
        let header = request.headers["Authorization"] ?? ""
        let scheme = header.split(separator: " ", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        let credential = header.split(separator: " ", maxSplits: 1).dropFirst().first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        switch (current.deployment, scheme) {
        case (.cloud, "basic"):
            if case (let user, let secret)? = Self.basicPair(credential), user.lowercased() == current.email.lowercased(),
                secret == current.apiToken
            {
                return .success(JiraCaller(name: current.accountID, displayName: "OpCon Service", email: current.email))
            }
        case (.dataCenter, "bearer"):
            if credential == current.personalAccessToken {
                return .success(JiraCaller(name: current.userName, displayName: "OpCon Service", email: current.email))
            }
        case (.dataCenter, "basic"):
            if let limit = current.captchaAfterFailedLogins, failedLogins.current >= limit {
                return .failure(Refusal(response: Self.captchaRefusal(request)))
            }
            if case (let user, let secret)? = Self.basicPair(credential), user == current.userName, secret == current.password {
                failedLogins.withLock { $0 = 0 }
                return .success(JiraCaller(name: current.userName, displayName: "OpCon Service", email: current.email))
            }
            failedLogins.withLock { $0 += 1 }
        default:
            break
        }
        return .failure(Refusal(response: Self.unauthorized(current)))
    }

    private static func basicPair(_ credential: String) -> (String, String)? {
        guard let decoded = Data(base64Encoded: credential), let pair = String(data: decoded, encoding: .utf8),
            let colon = pair.firstIndex(of: ":")
        else { return nil }
        return (String(pair[..<colon]), String(pair[pair.index(after: colon)...]))
    }

    /// A refused login: not an ErrorCollection but plain text (or the `message`/`status-code` JSON), with
    /// `X-Seraph-LoginReason: AUTHENTICATED_FAILED` and a challenge. The reference records that Jira sends
    /// `WWW-Authenticate` without its value; a Basic challenge is the simulator's choice.
    static func unauthorized(_ current: JiraSettings) -> SimResponse {
        let message = "Client must be authenticated to access this resource."
        var response =
            current.jsonUnauthorizedBody
            ? SimResponse.json(["message": .string(message), "status-code": 401], status: 401)
            : SimResponse.text(message, status: 401)
        response.headers.set("X-Seraph-LoginReason", "AUTHENTICATED_FAILED")
        response.headers.set("WWW-Authenticate", "Basic realm=\"Jira\"")
        return response
    }

    /// Data Center behind a CAPTCHA: 403, the password not even checked, the login page to visit.
    private static func captchaRefusal(_ request: SimRequest) -> SimResponse {
        var response = SimResponse.text(
            "<!DOCTYPE html><html><body><h1>Forbidden</h1><p>CAPTCHA required: log in through the browser.</p></body></html>",
            status: 403, contentType: "text/html;charset=UTF-8")
        response.headers.set("X-Seraph-LoginReason", "AUTHENTICATION_DENIED")
        response.headers.set("X-Authentication-Denied-Reason", "CAPTCHA_CHALLENGE; login-url=\(baseURL(of: request))/login.jsp")
        return response
    }

    // MARK: Platform API

    private func platformAPI(
        _ request: SimRequest, version rawVersion: String, rest: [String], caller: JiraCaller,
        settings current: JiraSettings
    ) -> SimResponse {
        // `latest` is version 2; Data Center has no version 3.
        let version: Int
        switch rawVersion {
        case "3" where current.deployment == .cloud: version = 3
        case "2", "latest": version = 2
        default: return Self.noSuchResource(request)
        }
        let lower = rest.map { $0.lowercased() }
        let method = request.method
        switch (lower.first, lower.count) {
        case ("issue", 1):
            return method == "POST" ? createIssue(request, version: version, caller: caller, settings: current) : Self.notAllowed(request)
        case ("issue", 2):
            return method == "GET" ? readIssue(request, key: rest[1], version: version, settings: current) : Self.notAllowed(request)
        case ("issue", 3):
            switch (lower[2], method) {
            case ("transitions", "GET"): return listTransitions(request, key: rest[1], settings: current)
            case ("transitions", "POST"): return doTransition(request, key: rest[1], settings: current)
            case ("comment", "GET"): return listComments(request, key: rest[1], version: version)
            case ("comment", "POST"): return addComment(request, key: rest[1], version: version, caller: caller)
            case ("attachments", "POST"): return addAttachments(request, key: rest[1], version: version, caller: caller, settings: current)
            case ("transitions", _), ("comment", _), ("attachments", _): return Self.notAllowed(request)
            default: return Self.noSuchResource(request)
            }
        case ("search", 2) where lower[1] == "jql":
            guard current.deployment == .cloud else { return Self.noSuchResource(request) }
            return ["GET", "POST"].contains(method) ? searchJQL(request, version: version, settings: current) : Self.notAllowed(request)
        case ("search", 1):
            guard current.deployment == .dataCenter else {
                return Self.errorCollection(
                    JiraRejection(
                        status: 410,
                        errorMessages: [
                            "The requested API has been removed. Use /rest/api/3/search/jql instead (Atlassian changelog CHANGE-2046)."
                        ]))
            }
            return ["GET", "POST"].contains(method) ? searchDataCenter(request, settings: current) : Self.notAllowed(request)
        case ("myself", 1):
            return myself(request, caller: caller, version: version, settings: current)
        case ("attachment", 2) where lower[1] == "meta":
            return .json(["enabled": true, "uploadLimit": .int(current.effectiveUploadLimit)])
        case ("attachment", 3) where lower[1] == "content":
            guard let id = Int(rest[2]), let file = store.withLock({ $0.attachment(id) }) else {
                return Self.errorCollection(
                    JiraRejection(status: 404, errorMessages: ["The attachment with id '\(rest[2])' does not exist."]))
            }
            return SimResponse(status: 200, headers: ["Content-Type": file.mimeType], body: file.data)
        default:
            return Self.noSuchResource(request)
        }
    }

    private func createIssue(_ request: SimRequest, version: Int, caller: JiraCaller, settings current: JiraSettings) -> SimResponse {
        guard let body = try? request.jsonBody(), let fields = body["fields"]?.objectValue else {
            return Self.errorCollection(JiraRejection(errorMessages: ["The request body must be a JSON object with \"fields\"."]))
        }
        do {
            let new = try Self.newIssue(
                from: fields, format: version == 3 ? .document : .plain, settings: current,
                properties: body["properties"])
            let issue = store.withLock { $0.create(new, workflow: current.workflow, reporter: caller.name) }
            let base = Self.baseURL(of: request)
            return .json(
                [
                    "id": .string(String(issue.id)), "key": .string(issue.key),
                    "self": .string("\(base)/rest/api/\(version)/issue/\(issue.id)"),
                ], status: 201)
        } catch {
            return Self.errorCollection(error)
        }
    }

    private func readIssue(_ request: SimRequest, key: String, version: Int, settings current: JiraSettings) -> SimResponse {
        guard let issue = self.issue(key) else { return Self.errorCollection(.issueNotFound) }
        let wanted = request.query("fields").map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }
        return .json(Self.issueJSON(issue, version: version, fields: wanted, base: Self.baseURL(of: request), settings: current))
    }

    /// An issue as the platform API renders it; `fields` nil or containing `*all`/`*navigable` renders every field.
    static func issueJSON(
        _ issue: JiraIssue, version: Int, fields wanted: Set<String>?, base: String, settings current: JiraSettings
    ) -> JSONValue {
        let project = current.project(issue.projectKey)
        let person: (String) -> JSONValue = { name in
            current.deployment == .cloud
                ? ["accountId": .string(name), "displayName": .string(name)]
                : ["name": .string(name), "key": .string(name), "displayName": .string(name)]
        }
        let text: (JSONValue) -> JSONValue = { document in
            version == 3 ? document : .string(AtlassianDocument.plainText(of: document))
        }
        let api = "\(base)/rest/api/\(version)"
        let components: [JSONValue] = issue.components.map { name -> JSONValue in
            let id = String(10100 + (project?.components.firstIndex(of: name) ?? 0))
            return ["self": .string("\(api)/component/\(id)"), "id": .string(id), "name": .string(name)]
        }
        let priorityID = String(1 + (project?.priorities.firstIndex(of: issue.priority) ?? 0))
        let priority: JSONValue = [
            "self": .string("\(api)/priority/\(priorityID)"), "id": .string(priorityID), "name": .string(issue.priority),
        ]
        let typeID = String(10001 + (project?.issueTypes.firstIndex(of: issue.issueType) ?? 0))
        let issueType: JSONValue = [
            "self": .string("\(api)/issuetype/\(typeID)"), "id": .string(typeID), "name": .string(issue.issueType),
            "subtask": false,
        ]
        let projectJSON: JSONValue = [
            "self": .string("\(api)/project/\(project?.id ?? "")"), "id": .string(project?.id ?? ""),
            "key": .string(issue.projectKey), "name": .string(project?.name ?? issue.projectKey),
        ]
        let comments: [JSONValue] = issue.comments.map { commentJSON($0, issue: issue, version: version, base: base, settings: current) }
        let commentPage: JSONValue = [
            "comments": .array(comments), "startAt": 0, "maxResults": .int(comments.count), "total": .int(comments.count),
        ]
        let attachments: [JSONValue] = issue.attachments.map { attachmentJSON($0, version: version, base: base, settings: current) }
        var all: [String: JSONValue] = [:]
        all["summary"] = .string(issue.summary)
        all["description"] = issue.description.map(text) ?? .null
        all["status"] = current.workflow.statusJSON(issue.status, base: base)
        all["resolution"] = current.workflow.resolutionJSON(issue.resolution, base: base)
        all["resolutiondate"] = issue.resolutionDate.map { .string(JiraTime.format($0)) } ?? .null
        all["labels"] = .array(issue.labels.map(JSONValue.string))
        all["components"] = .array(components)
        all["priority"] = priority
        all["issuetype"] = issueType
        all["project"] = projectJSON
        all["created"] = .string(JiraTime.format(issue.created))
        all["updated"] = .string(JiraTime.format(issue.updated))
        all["reporter"] = person(issue.reporter)
        all["comment"] = commentPage
        all["attachment"] = .array(attachments)
        for (name, value) in issue.customFields { all[name] = value }
        var shown = all
        if let wanted, !wanted.contains("*all"), !wanted.contains("*navigable") {
            shown = all.filter { wanted.contains($0.key) }
        }
        return [
            "expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations", "id": .string(String(issue.id)),
            "self": .string("\(base)/rest/api/\(version)/issue/\(issue.id)"), "key": .string(issue.key), "fields": .object(shown),
        ]
    }

    // MARK: Transitions

    private func listTransitions(_ request: SimRequest, key: String, settings current: JiraSettings) -> SimResponse {
        guard let issue = self.issue(key) else { return Self.errorCollection(.issueNotFound) }
        let base = Self.baseURL(of: request)
        let offered = current.workflow.transitions(from: issue.status.name).compactMap { transition -> JSONValue? in
            guard let target = current.workflow.status(named: transition.to) else { return nil }
            return [
                "id": .string(transition.id), "name": .string(transition.name), "to": current.workflow.statusJSON(target, base: base),
                "hasScreen": .bool(transition.hasScreen), "isGlobal": false, "isInitial": false, "isAvailable": true,
                "isConditional": false, "isLooped": false,
            ]
        }
        return .json(["expand": "transitions", "transitions": .array(offered)])
    }

    private func doTransition(_ request: SimRequest, key: String, settings current: JiraSettings) -> SimResponse {
        guard let body = try? request.jsonBody(), case .object = body else {
            return Self.errorCollection(JiraRejection(errorMessages: ["The request body must be a JSON object with \"transition\"."]))
        }
        guard let issue = self.issue(key) else { return Self.errorCollection(.issueNotFound) }
        guard let id = body["transition"]?["id"]?.scalarText else {
            return Self.errorCollection(JiraRejection(errorMessages: ["'transition' identifier must be specified."]))
        }
        let transition = current.workflow.transitions(from: issue.status.name).first { $0.id == id }
        // A transition screen may set the resolution; any other field is not on it.
        var resolution: String?
        var errors: [String: String] = [:]
        for (name, value) in body["fields"]?.objectValue ?? [:] {
            if name == "resolution", transition?.hasScreen == true {
                guard let wanted = value["name"]?.stringValue ?? value["id"]?.scalarText,
                    let found = current.workflow.resolution(named: wanted)
                else {
                    errors["resolution"] = "Resolution '\(value["name"]?.scalarText ?? value.serialized())' is not valid"
                    continue
                }
                resolution = found
            } else {
                errors[name] = "Field '\(name)' cannot be set. It is not on the appropriate screen, or unknown."
            }
        }
        if !errors.isEmpty, transition != nil { return Self.errorCollection(JiraRejection(errors: errors)) }
        do {
            _ = try store.withLock { store throws(JiraRejection) in
                try store.transition(key, transitionID: id, resolution: resolution, workflow: current.workflow)
            }
            return SimResponse(status: 204)
        } catch {
            return Self.errorCollection(error)
        }
    }

    // MARK: Identity

    private func myself(_ request: SimRequest, caller: JiraCaller, version: Int, settings current: JiraSettings) -> SimResponse {
        var user: JSONValue = [
            "self": .string("\(Self.baseURL(of: request))/rest/api/\(version)/myself"), "emailAddress": .string(caller.email),
            "displayName": .string(caller.displayName), "active": true, "timeZone": "UTC",
        ]
        if current.deployment == .cloud {
            user = user.setting("accountId", to: .string(caller.name)).setting("accountType", to: "atlassian")
        } else {
            user = user.setting("name", to: .string(caller.name)).setting("key", to: .string(caller.name))
        }
        return .json(user)
    }

    private func serverInfo(_ request: SimRequest, _ current: JiraSettings) -> SimResponse {
        .json([
            "baseUrl": .string(Self.baseURL(of: request)), "version": current.deployment == .cloud ? "1001.0.0-SNAPSHOT" : "9.12.0",
            "deploymentType": current.deployment == .cloud ? "Cloud" : "Server", "serverTitle": "Jira (simulated)",
        ])
    }

    // MARK: Helpers

    static func baseURL(of request: SimRequest) -> String {
        "http://" + (request.headers["Host"] ?? "127.0.0.1")
    }

    static func noSuchResource(_ request: SimRequest) -> SimResponse {
        errorCollection(JiraRejection(status: 404, errorMessages: ["No resource at \(request.rawPath)"]))
    }

    static func notAllowed(_ request: SimRequest) -> SimResponse {
        errorCollection(JiraRejection(status: 405, errorMessages: ["\(request.method) is not supported on \(request.rawPath)"]))
    }

    private func browsePage(_ key: String) -> SimResponse {
        guard let issue = self.issue(key) else { return .htmlError(status: 404) }
        let escape: (String) -> String = {
            $0.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
                of: ">", with: "&gt;")
        }
        let rows = [
            ("Summary", issue.summary), ("Status", issue.status.name), ("Resolution", issue.resolution ?? "Unresolved"),
            ("Labels", issue.labels.joined(separator: " ")), ("Description", issue.descriptionText),
        ]
        .map { "<tr><th>\($0.0)</th><td>\(escape($0.1))</td></tr>" }.joined()
        return .text(
            "<!DOCTYPE html><html><body><h1>\(escape(issue.key))</h1><table>\(rows)</table></body></html>",
            contentType: "text/html; charset=utf-8")
    }
}
