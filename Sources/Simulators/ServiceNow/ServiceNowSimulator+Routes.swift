import ConnectorKit
import Foundation

/// The REST surface: `/api/now[/v1|/v2]/table/{incident|sys_journal_field}` and `/api/now/attachment`.
extension ServiceNowSimulator {
    func route(_ request: SimRequest) -> SimResponse {
        let segments = request.pathSegments
        var lower = segments.map { $0.lowercased() }
        if lower == ["nav_to.do"] { return incidentPage(request) }
        guard lower.count >= 3, lower[0] == "api", lower[1] == "now" else { return Self.noSuchResource() }
        guard let user = authenticatedUser(request) else {
            // As an instance answers a refused basic-auth request: the error envelope and a Basic challenge.
            var refusal = Self.error(401, message: "User Not Authenticated", detail: "Required to provide Auth information")
            refusal.headers.add("WWW-Authenticate", "BASIC realm=\"Service-now\"")
            return refusal
        }
        var original = Array(segments.dropFirst(2))
        lower = Array(lower.dropFirst(2))
        if lower.first == "v1" || lower.first == "v2" {
            original.removeFirst()
            lower.removeFirst()
        }
        switch lower.first {
        case "table" where lower.count >= 2:
            guard Self.acceptsJSON(request) else { return Self.notAcceptable() }
            let sysID = lower.count >= 3 ? original[2] : nil
            switch lower[1] {
            case "incident": return incidentTable(request, sysID: sysID, user: user)
            case "sys_journal_field" where request.method == "GET" && sysID == nil: return journalTable(request)
            default: return Self.error(400, message: "Invalid table \(original[1])", detail: nil)
            }
        case "attachment":
            return attachmentAPI(request, rest: Array(original.dropFirst()), user: user)
        default:
            return Self.noSuchResource()
        }
    }

    private func authenticatedUser(_ request: SimRequest) -> String? {
        guard let header = request.headers["Authorization"], header.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: header.dropFirst(6).trimmingCharacters(in: .whitespaces)),
            let pair = String(data: decoded, encoding: .utf8), let colon = pair.firstIndex(of: ":")
        else { return nil }
        let current = settings
        let user = String(pair[..<colon])
        return user == current.user && String(pair[pair.index(after: colon)...]) == current.password ? user : nil
    }

    // MARK: Content negotiation

    /// Lenient like the instance: no `Accept` is fine; one that rules JSON out is not.
    static func acceptsJSON(_ request: SimRequest) -> Bool {
        guard let accept = request.headers["Accept"]?.lowercased(), !accept.isEmpty else { return true }
        return ["application/json", "*/*", "application/*", "text/json"].contains { accept.contains($0) }
    }

    /// Writes must say their body is JSON.
    static func checkJSONContentType(_ request: SimRequest) -> SimResponse? {
        guard let type = request.headers["Content-Type"]?.lowercased(), !type.isEmpty else {
            return error(400, message: "Content-Type header is required", detail: "Send Content-Type: application/json")
        }
        guard type.hasPrefix("application/json") else {
            return error(415, message: "Unsupported Media Type", detail: "Content-Type '\(type)' is not supported; use application/json")
        }
        return nil
    }

    static func noSuchResource() -> SimResponse {
        error(400, message: "Requested URI does not represent any resource", detail: nil)
    }

    static func notAcceptable() -> SimResponse {
        error(406, message: "Requested response format not supported", detail: "The simulator answers application/json only")
    }

    /// A JSON object body as field → string (numbers and booleans as text, null as "", reference objects by `value`).
    static func fields(of request: SimRequest) -> Result<ServiceNowRecord, ServiceNowRejection> {
        guard !request.body.isEmpty, let body = try? request.jsonBody(), case .object(let members) = body else {
            return .failure(
                ServiceNowRejection(
                    status: 400, message: "Exception while reading request",
                    detail: "The request body must be a JSON object"))
        }
        var fields: ServiceNowRecord = [:]
        for (name, value) in members {
            switch value {
            case .null: fields[name] = ""
            case .object: fields[name] = value["value"]?.scalarText ?? value.serialized()
            case .array: fields[name] = value.serialized()
            default: fields[name] = value.scalarText ?? ""
            }
        }
        return .success(fields)
    }

    /// The record as JSON, cut to `sysparm_fields` when given (unknown names are ignored).
    static func project(_ record: ServiceNowRecord, _ request: SimRequest) -> JSONValue {
        var shown = record
        if let list = request.query("sysparm_fields"), !list.isEmpty {
            let wanted = Set(list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            shown = record.filter { wanted.contains($0.key) }
        }
        return .object(shown.mapValues(JSONValue.string))
    }

    /// The list semantics shared by every table: query, order, offset, limit, `X-Total-Count`.
    static func list(
        _ rows: [(sequence: Int, record: ServiceNowRecord)], _ request: SimRequest, knownFields: Set<String>,
        strictFields: Bool, defaultLimit: Int
    ) -> SimResponse {
        let query: EncodedQuery
        if let text = request.query("sysparm_query") {
            query = EncodedQuery(text)
        } else {
            let pairs = request.queryItems.filter { !$0.decodedName.hasPrefix("sysparm_") }.map { ($0.decodedName, $0.decodedValue) }
            query = EncodedQuery(equalities: pairs)
        }
        let offset = request.query("sysparm_offset").flatMap { Int($0) } ?? 0
        guard offset >= 0 else { return error(400, message: "Invalid sysparm_offset", detail: "sysparm_offset must not be negative") }
        let limit = request.query("sysparm_limit").flatMap { Int($0) }.map { max($0, 0) } ?? defaultLimit
        let matching = query.sorted(rows.filter { query.matches($0.record, knownFields: knownFields, strictFields: strictFields) })
        let page = matching.dropFirst(offset).prefix(limit)
        var response = SimResponse.json(["result": .array(page.map { project($0.record, request) })])
        response.headers.set("X-Total-Count", String(matching.count))
        return response
    }

    private static func baseURL(of request: SimRequest) -> String {
        "http://" + (request.headers["Host"] ?? "127.0.0.1")
    }

    // MARK: incident

    private func incidentTable(_ request: SimRequest, sysID: String?, user: String) -> SimResponse {
        let current = settings
        switch (request.method, sysID) {
        case ("GET", nil), ("HEAD", nil):
            let (rows, known) = store.withLock { ($0.incidents, $0.knownIncidentFields) }
            return Self.list(rows, request, knownFields: known, strictFields: current.unknownQueryFieldsMatchNothing, defaultLimit: 10_000)
        case ("GET", let sysID?), ("HEAD", let sysID?):
            guard let record = store.withLock({ store in store.incidents.first { $0.record["sys_id"] == sysID }?.record }) else {
                return Self.error(.notFound)
            }
            return .json(["result": Self.project(record, request)])
        case ("POST", nil):
            if let refusal = Self.checkJSONContentType(request) { return refusal }
            let outcome = Self.fields(of: request).flatMap { fields in
                Result { () throws(ServiceNowRejection) in
                    try store.withLock { store throws(ServiceNowRejection) in try store.insert(fields, user: user, policy: current.policy) }
                }
            }
            switch outcome {
            case .failure(let rejection): return Self.error(rejection)
            case .success(let record):
                var response = Self.written(record, request, status: 201)
                response.headers.set("Location", "\(Self.baseURL(of: request))/api/now/table/incident/\(record["sys_id"] ?? "")")
                return response
            }
        case ("PATCH", let sysID?), ("PUT", let sysID?):
            if let refusal = Self.checkJSONContentType(request) { return refusal }
            guard incident(sysID)?["sys_id"] == sysID else { return Self.error(.notFound) }
            switch Self.fields(of: request) {
            case .failure(let rejection): return Self.error(rejection)
            case .success(let fields):
                do {
                    return Self.written(try updateIncident(sysID, fields, user: user), request, status: 200)
                } catch {
                    return Self.error(error)
                }
            }
        case ("DELETE", let sysID?):
            return store.withLock { $0.delete(sysID) } ? SimResponse(status: 204) : Self.error(.notFound)
        default:
            return Self.error(405, message: "Method not Supported", detail: "\(request.method) is not supported on \(request.rawPath)")
        }
    }

    /// The answer to a write: the record, unless `X-no-response-body: true` asked for none.
    private static func written(_ record: ServiceNowRecord, _ request: SimRequest, status: Int) -> SimResponse {
        if request.headers["X-no-response-body"]?.lowercased() == "true" { return SimResponse(status: status) }
        return .json(["result": project(record, request)], status: status)
    }

    private func journalTable(_ request: SimRequest) -> SimResponse {
        let rows = store.withLock { $0.journal }
        return Self.list(
            rows, request, knownFields: ServiceNowStore.journalColumns, strictFields: settings.unknownQueryFieldsMatchNothing,
            defaultLimit: 10_000)
    }

    // MARK: Attachment API

    private func attachmentAPI(_ request: SimRequest, rest: [String], user: String) -> SimResponse {
        let lower = rest.map { $0.lowercased() }
        switch (request.method, lower.count) {
        case ("POST", 1) where lower[0] == "file":
            return uploadAttachment(request, user: user)
        case ("GET", 0):
            guard Self.acceptsJSON(request) else { return Self.notAcceptable() }
            let rows = store.withLock { $0.attachments.map { ($0.sequence, $0.attachment.metadata) } }
            return Self.list(
                rows, request, knownFields: ServiceNowStore.attachmentColumns, strictFields: settings.unknownQueryFieldsMatchNothing,
                defaultLimit: 1_000)
        case ("GET", 1), ("GET", 2), ("DELETE", 1):
            let sysID = rest[0]
            guard let attachment = store.withLock({ $0.attachments.first { $0.attachment.sysID == sysID }?.attachment }) else {
                return Self.error(404, message: "Record doesn't exist or ACL restricts the record retrieval", detail: nil)
            }
            if request.method == "DELETE" {
                _ = store.withLock { $0.deleteAttachment(sysID) }
                return SimResponse(status: 204)
            }
            if lower.count == 2 {
                guard lower[1] == "file" else { return Self.noSuchResource() }
                return SimResponse(
                    status: 200, headers: ["Content-Type": attachment.metadata["content_type"] ?? "application/octet-stream"],
                    body: attachment.data)
            }
            return .json(["result": .object(attachment.metadata.mapValues(JSONValue.string))])
        default:
            return Self.noSuchResource()
        }
    }

    private func uploadAttachment(_ request: SimRequest, user: String) -> SimResponse {
        for name in ["table_name", "table_sys_id", "file_name"] where (request.query(name) ?? "").isEmpty {
            return Self.error(400, message: "Missing parameter: \(name)", detail: "table_name, table_sys_id and file_name are required")
        }
        guard let contentType = request.headers["Content-Type"], !contentType.isEmpty else {
            return Self.error(400, message: "Content-Type header is required", detail: "Send the file's MIME type, e.g. text/plain")
        }
        let table = request.query("table_name")!
        let sysID = request.query("table_sys_id")!
        guard table == "incident", incident(sysID)?["sys_id"] == sysID else {
            return Self.error(404, message: "Invalid table_sys_id", detail: "Record doesn't exist or ACL restricts the record retrieval")
        }
        let base = Self.baseURL(of: request)
        let attachment = store.withLock {
            $0.attach(request.body, to: sysID, fileName: request.query("file_name")!, contentType: contentType, user: user, baseURL: base)
        }
        var response = SimResponse.json(["result": .object(attachment.metadata.mapValues(JSONValue.string))], status: 201)
        response.headers.set("Location", "\(base)/api/now/attachment/\(attachment.sysID)")
        return response
    }

    // MARK: The incident form, for people trying the simulator by hand

    private func incidentPage(_ request: SimRequest) -> SimResponse {
        let uri = request.query("uri") ?? ""
        let sysID = uri.components(separatedBy: "sys_id=").dropFirst().first ?? ""
        guard let record = incident(sysID) else { return .htmlError(status: 404) }
        let rows = ["number", "state", "short_description", "description", "correlation_id", "close_code", "close_notes"]
            .map { "<tr><th>\($0)</th><td>\(Self.escapeHTML(record[$0] ?? ""))</td></tr>" }.joined()
        return .text(
            "<!DOCTYPE html><html><body><h1>\(record["number"] ?? "")</h1><table>\(rows)</table></body></html>",
            contentType: "text/html; charset=utf-8")
    }

    static func escapeHTML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
