import ConnectorKit
import Foundation

/// Search: Cloud's `search/jql` (token paging, `fields` defaulting to the id only, `reconcileIssues`) and Data
/// Center's `/rest/api/2/search` (`startAt`/`total`). Both see an issue only once the index has caught up with its
/// create (`searchIndexLag`), as a real index lags behind writes.
extension JiraSimulator {
    /// The parameters of a search, from the query string (GET) or the JSON body (POST).
    private struct SearchParameters {
        var jql = ""
        var fields: [String]?
        var maxResults: Int?
        var startAt = 0
        var nextPageToken: String?
        var reconcileIssues: Set<Int> = []

        init(_ request: SimRequest) throws(JiraRejection) {
            if request.method == "GET" {
                jql = request.query("jql") ?? ""
                fields = request.query("fields").map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
                maxResults = request.query("maxResults").flatMap { Int($0) }
                startAt = request.query("startAt").flatMap { Int($0) } ?? 0
                nextPageToken = request.query("nextPageToken")
                reconcileIssues = Set((request.query("reconcileIssues") ?? "").split(separator: ",").compactMap { Int($0) })
                return
            }
            guard let body = try? request.jsonBody(), case .object = body else {
                throw JiraRejection(errorMessages: ["The request body must be a JSON object with \"jql\"."])
            }
            jql = body["jql"]?.stringValue ?? ""
            fields = body["fields"]?.arrayValue?.compactMap(\.stringValue)
            maxResults = body["maxResults"]?.intValue
            startAt = body["startAt"]?.intValue ?? 0
            nextPageToken = body["nextPageToken"]?.stringValue
            reconcileIssues = Set((body["reconcileIssues"]?.arrayValue ?? []).compactMap(\.intValue))
        }
    }

    /// The issues a query finds, as the (lagging) index sees them, in the query's order.
    private func search(
        _ jql: String, reconcile: Set<Int>, settings current: JiraSettings,
        requireBounded: Bool
    ) throws(JiraRejection) -> [JiraIssue] {
        let query: JQLQuery
        do {
            query = try JQLParser.parse(jql)
            try query.validate(projects: current.projects, workflow: current.workflow)
        } catch {
            throw JiraRejection(errorMessages: [error.message])
        }
        if requireBounded && !query.isBounded {
            throw JiraRejection(errorMessages: [
                "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
            ])
        }
        let indexedBefore = Date(timeIntervalSinceNow: -current.searchIndexLag)
        let visible = issues.filter { $0.created <= indexedBefore || reconcile.contains($0.id) }
        return query.sorted(visible.filter { query.matches($0, projects: current.projects) })
    }

    func searchJQL(_ request: SimRequest, version: Int, settings current: JiraSettings) -> SimResponse {
        do {
            let parameters = try SearchParameters(request)
            let found = try search(parameters.jql, reconcile: parameters.reconcileIssues, settings: current, requireBounded: true)
            let limit = max(1, min(parameters.maxResults ?? 50, 5000))
            let offset = parameters.nextPageToken.flatMap(Self.offset(ofPageToken:)) ?? 0
            let page = Array(found.dropFirst(offset).prefix(limit))
            let base = Self.baseURL(of: request)
            // `fields` defaults to the id only.
            let wanted = Set(parameters.fields ?? [])
            let rendered: [JSONValue] = page.map { issue in
                if wanted.isEmpty || wanted == ["id"] { return ["id": .string(String(issue.id))] }
                return Self.issueJSON(issue, version: version, fields: wanted, base: base, settings: current)
            }
            var answer: JSONValue = ["issues": .array(rendered), "isLast": .bool(offset + page.count >= found.count)]
            if offset + page.count < found.count {
                answer = answer.setting("nextPageToken", to: .string(Self.pageToken(offset: offset + page.count)))
            }
            return .json(answer)
        } catch {
            return Self.errorCollection(error)
        }
    }

    func searchDataCenter(_ request: SimRequest, settings current: JiraSettings) -> SimResponse {
        do {
            let parameters = try SearchParameters(request)
            let found = try search(parameters.jql, reconcile: [], settings: current, requireBounded: false)
            let limit = max(0, min(parameters.maxResults ?? 50, 1000))
            let startAt = max(0, parameters.startAt)
            let page = Array(found.dropFirst(startAt).prefix(limit))
            let base = Self.baseURL(of: request)
            let wanted = parameters.fields.map { Set($0) }
            return .json([
                "expand": "schema,names", "startAt": .int(startAt), "maxResults": .int(limit), "total": .int(found.count),
                "issues": .array(page.map { Self.issueJSON($0, version: 2, fields: wanted, base: base, settings: current) }),
            ])
        } catch {
            return Self.errorCollection(error)
        }
    }

    /// Page tokens are opaque to clients; here they carry the offset of the next page.
    private static func pageToken(offset: Int) -> String { Data("sim-page:\(offset)".utf8).base64EncodedString() }

    private static func offset(ofPageToken token: String) -> Int? {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8), text.hasPrefix("sim-page:") else {
            return nil
        }
        return Int(text.dropFirst("sim-page:".count))
    }
}
