import ConnectorKit
import Foundation

/// The analyst's side over HTTP, under `/_sim/`, for tests and `connector simulate`:
/// `GET /_sim/issues`, `GET /_sim/issues/{key}` (with comments and their visibility, and attachments),
/// `POST /_sim/issues {"project":"OPS","summary":..,"labels":[..]}`,
/// `POST /_sim/issues/{key}/transition {"name":"Resolve","resolution":"Done"}`,
/// `POST /_sim/issues/{key}/labels {"add":["x"]}`, `GET|POST /_sim/settings {"searchIndexLag":3,"deployment":"cloud"}`,
/// `POST /_sim/captcha/clear`.
extension JiraSimulator {
    func analystRoute(_ request: SimRequest) -> SimResponse? {
        let segments = Array(request.pathSegments.dropFirst())
        let lower = segments.map { $0.lowercased() }
        let body = try? request.jsonBody()
        switch (request.method, lower.first, lower.count) {
        case ("GET", "issues", 1):
            return .json(.array(issues.map(Self.analystView)))
        case ("GET", "issues", 2):
            guard let issue = self.issue(segments[1]) else { return Self.errorCollection(.issueNotFound) }
            return .json(Self.analystView(issue))
        case ("POST", "issues", 1):
            guard let summary = body?["summary"]?.stringValue else {
                return Self.controlError("send {\"summary\": \"...\", \"project\": \"OPS\"}")
            }
            return analystWrite { () throws(JiraRejection) in
                try createIssue(
                    project: body?["project"]?.stringValue ?? settings.projects.first?.key ?? "OPS", summary: summary,
                    description: body?["description"]?.stringValue, issueType: body?["issueType"]?.stringValue ?? "Incident",
                    labels: body?["labels"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            }
        case ("POST", "issues", 3) where lower[2] == "transition":
            guard let name = body?["name"]?.stringValue else { return Self.controlError("send {\"name\": \"Resolve\"}") }
            return analystWrite { () throws(JiraRejection) in
                try transition(segments[1], named: name, resolution: body?["resolution"]?.stringValue)
            }
        case ("POST", "issues", 3) where lower[2] == "labels":
            guard let labels = body?["add"]?.arrayValue?.compactMap(\.stringValue) else {
                return Self.controlError("send {\"add\": [\"label\"]}")
            }
            return analystWrite { () throws(JiraRejection) in try addLabels(labels, to: segments[1]) }
        case ("GET", "settings", 1):
            return .json(Self.describe(settings))
        case ("POST", "settings", 1):
            guard let body, case .object = body else { return Self.controlError("send {\"searchIndexLag\": 3}") }
            var changed = settings
            if let lag = body["searchIndexLag"]?.doubleValue { changed.searchIndexLag = max(0, lag) }
            if let name = body["deployment"]?.stringValue {
                guard let deployment = JiraDeployment(rawValue: name) else { return Self.controlError("deployment is cloud or dataCenter") }
                changed.deployment = deployment
            }
            if let status = body["xsrfRefusalStatus"]?.intValue { changed.xsrfRefusalStatus = status }
            if let limit = body["captchaAfterFailedLogins"] { changed.captchaAfterFailedLogins = limit.intValue }
            settings = changed
            return .json(Self.describe(changed))
        case ("POST", "captcha", 2) where lower[1] == "clear":
            clearCaptcha()
            return .json(["captcha": "cleared"])
        default:
            return nil
        }
    }

    private func analystWrite(_ write: () throws(JiraRejection) -> JiraIssue) -> SimResponse {
        do {
            return .json(Self.analystView(try write()))
        } catch {
            return Self.errorCollection(error)
        }
    }

    private static func controlError(_ message: String) -> SimResponse {
        .json(["error": .string(message)], status: 400)
    }

    static func analystView(_ issue: JiraIssue) -> JSONValue {
        [
            "id": .string(String(issue.id)), "key": .string(issue.key), "project": .string(issue.projectKey),
            "issueType": .string(issue.issueType),
            "summary": .string(issue.summary), "description": .string(issue.descriptionText),
            "status": .string(issue.status.name), "statusCategory": .string(issue.status.category.rawValue),
            "resolution": issue.resolution.map(JSONValue.string) ?? .null, "priority": .string(issue.priority),
            "labels": .array(issue.labels.map(JSONValue.string)), "components": .array(issue.components.map(JSONValue.string)),
            "customFields": .object(issue.customFields), "properties": .object(issue.properties),
            "serviceDeskId": issue.serviceDeskID.map(JSONValue.string) ?? .null,
            "requestTypeId": issue.requestTypeID.map(JSONValue.string) ?? .null,
            "created": .string(JiraTime.format(issue.created)),
            "comments": .array(
                issue.comments.map { comment in
                    [
                        "id": .string(String(comment.id)), "body": .string(comment.text), "public": .bool(comment.isPublic),
                        "author": .string(comment.author),
                    ]
                }),
            "attachments": .array(
                issue.attachments.map { file in
                    [
                        "id": .string(String(file.id)), "filename": .string(file.fileName), "mimeType": .string(file.mimeType),
                        "size": .int(file.data.count), "base64": .string(file.data.base64EncodedString()),
                    ]
                }),
        ]
    }

    private static func describe(_ current: JiraSettings) -> JSONValue {
        [
            "deployment": .string(current.deployment.rawValue), "searchIndexLag": .number(String(current.searchIndexLag)),
            "xsrfRefusalStatus": .int(current.xsrfRefusalStatus),
            "captchaAfterFailedLogins": current.captchaAfterFailedLogins.map(JSONValue.int) ?? .null,
        ]
    }
}
