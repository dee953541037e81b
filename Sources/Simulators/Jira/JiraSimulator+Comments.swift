import ConnectorKit
import Foundation

/// Platform comments (`/rest/api/{v}/issue/{key}/comment`): ADF bodies in API 3, strings in API 2, public for JSM
/// customers unless the `sd.public.comment` property marks them internal.
extension JiraSimulator {
    static func commentJSON(
        _ comment: JiraComment, issue: JiraIssue, version: Int, base: String, settings current: JiraSettings
    ) -> JSONValue {
        let author: JSONValue =
            current.deployment == .cloud
            ? ["accountId": .string(comment.author), "displayName": .string(comment.author)]
            : ["name": .string(comment.author), "displayName": .string(comment.author)]
        let stamp = JSONValue.string(JiraTime.format(comment.created))
        return [
            "self": .string("\(base)/rest/api/\(version)/issue/\(issue.id)/comment/\(comment.id)"), "id": .string(String(comment.id)),
            "author": author, "updateAuthor": author, "body": version == 3 ? comment.body : .string(comment.text),
            "created": stamp, "updated": stamp, "jsdPublic": .bool(comment.isPublic),
        ]
    }

    func listComments(_ request: SimRequest, key: String, version: Int) -> SimResponse {
        guard let issue = self.issue(key) else { return Self.errorCollection(.issueNotFound) }
        let base = Self.baseURL(of: request)
        let current = settings
        return .json([
            "startAt": 0, "maxResults": .int(issue.comments.count), "total": .int(issue.comments.count),
            "comments": .array(issue.comments.map { Self.commentJSON($0, issue: issue, version: version, base: base, settings: current) }),
        ])
    }

    /// A platform comment is customer-visible (`jsdPublic: true`) unless the `sd.public.comment` property says
    /// `{"internal": true}`; a role or group `visibility` does not hide it from the portal.
    func addComment(_ request: SimRequest, key: String, version: Int, caller: JiraCaller) -> SimResponse {
        guard let body = try? request.jsonBody(), case .object = body else {
            return Self.errorCollection(JiraRejection(errorMessages: ["The request body must be a JSON object with \"body\"."]))
        }
        let document: JSONValue
        switch (version, body["body"]) {
        case (3, let value?):
            if let problem = AtlassianDocument.problem(with: value) {
                return Self.errorCollection(JiraRejection(errors: ["comment": problem]))
            }
            document = value
        case (2, .string(let text)?) where !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty:
            document = AtlassianDocument.document(fromPlainText: text)
        default:
            return Self.errorCollection(JiraRejection(errors: ["comment": "Comment body can not be empty!"]))
        }
        let isInternal = (body["properties"]?.arrayValue ?? []).contains {
            $0["key"]?.stringValue == "sd.public.comment" && $0["value"]?["internal"]?.boolValue == true
        }
        do {
            let comment = try store.withLock { store throws(JiraRejection) in
                try store.addComment(to: key, body: document, isPublic: !isInternal, author: caller.name)
            }
            guard let issue = self.issue(key) else { return Self.errorCollection(.issueNotFound) }
            return .json(
                Self.commentJSON(comment, issue: issue, version: version, base: Self.baseURL(of: request), settings: settings), status: 201)
        } catch {
            return Self.errorCollection(error)
        }
    }
}
