import ConnectorKit
import Foundation

/// Builds the HTTP requests of the Table and Attachment APIs: URLs from the template's `urls`, JSON headers.
/// (Basic auth is added by a `HeaderMiddleware` on the backend's client.)
public struct ServiceNowRequests: Sendable {
    public let settings: ServiceNowTemplateSettings

    public init(settings: ServiceNowTemplateSettings) {
        self.settings = settings
    }

    /// GET on `getincident` with an encoded query and an optional row limit.
    public func query(_ encodedQuery: String?, limit: Int? = nil) -> HTTPRequest {
        var items: [(String, String)] = []
        if let encodedQuery { items.append(("sysparm_query", encodedQuery)) }
        if let limit { items.append(("sysparm_limit", String(limit))) }
        return request(.get, url: url(settings.getIncidentPath, query: items))
    }

    /// POST of a new incident on `incident`.
    public func create(_ body: JSONValue) -> HTTPRequest {
        request(.post, url: url(settings.incidentPath), json: body)
    }

    /// PUT of some fields of one incident: `<incident>/<sys_id>`.
    public func update(sysID: String, body: JSONValue) -> HTTPRequest {
        request(.put, url: url(settings.incidentPath, appending: sysID), json: body)
    }

    /// POST of one file's raw bytes to the Attachment API for one incident, streamed from where the log is kept.
    public func attach(_ file: JobLogFile, sysID: String, attachmentPath: String) -> HTTPRequest {
        let name = file.name.isEmpty ? "joblog.txt" : file.name
        let target = url(attachmentPath, query: [("table_name", "incident"), ("table_sys_id", sysID), ("file_name", name)])
        var request = request(.post, url: target)
        request.setHeader("Content-Type", "text/plain")
        request.streamedBody = file.content
        return request
    }

    /// The link OpCon shows for an incident.
    public func ticketURL(sysID: String) -> String {
        "\(settings.address.baseURL)/nav_to.do?uri=incident.do?sys_id=\(sysID)"
    }

    private func request(_ method: HTTPMethod, url: URL, json: JSONValue? = nil) -> HTTPRequest {
        var headers = ["Accept": "application/json"]
        if json != nil { headers["Content-Type"] = "application/json" }
        return HTTPRequest(method: method, url: url, headers: headers, body: json?.data())
    }

    /// `<base>/<path>[/<component>][?<query>]`. A query already in the template's path is kept, and every added
    /// value is percent-encoded down to the unreserved characters, so `|`, `^`, `=` and spaces survive the trip.
    func url(_ path: String, appending component: String? = nil, query: [(String, String)] = []) -> URL {
        var location = path
        var existingQuery: String?
        if let mark = path.firstIndex(of: "?") {
            location = String(path[..<mark])
            existingQuery = String(path[path.index(after: mark)...])
        }
        if let component {
            while location.hasSuffix("/") { location.removeLast() }
            location += "/" + Self.percentEncoded(component)
        }
        var queryParts = existingQuery.map { [$0] } ?? []
        queryParts += query.map { "\(Self.percentEncoded($0.0))=\(Self.percentEncoded($0.1))" }
        let full = queryParts.isEmpty ? location : location + "?" + queryParts.joined(separator: "&")
        // Settings validation proved the path forms a URL with the address, and encoding keeps it one.
        return settings.address.url(forPath: full) ?? URL(string: settings.address.baseURL)!
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
