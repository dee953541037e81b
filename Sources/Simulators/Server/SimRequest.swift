import ConnectorKit
import Foundation

/// One `name=value` pair of a query string, as received (still percent-encoded).
public struct QueryItem: Sendable, Equatable {
    public var name: String
    public var value: String

    /// The name with percent-escapes and `+` decoded.
    public var decodedName: String { QueryItem.decode(name) }
    /// The value with percent-escapes and `+` decoded (form rules, as ASP.NET and Java servlets apply them).
    public var decodedValue: String { QueryItem.decode(value) }

    static func decode(_ text: String) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

/// A request as the simulated service received it.
public struct SimRequest: Sendable {
    public var method: String
    /// The request target exactly as sent (path and query).
    public var target: String
    /// The path before `?`, still percent-encoded.
    public var rawPath: String
    /// The query string after `?`, if any, as sent.
    public var rawQuery: String?
    public var headers: HTTPHeaders
    public var body: Data
    /// `HTTP/1.1` or `HTTP/1.0`.
    public var httpVersion = "HTTP/1.1"

    public init(method: String, target: String, headers: HTTPHeaders = HTTPHeaders(), body: Data = Data()) {
        self.method = method.uppercased()
        self.target = target
        if let mark = target.firstIndex(of: "?") {
            rawPath = String(target[..<mark])
            rawQuery = String(target[target.index(after: mark)...])
        } else {
            rawPath = target
            rawQuery = nil
        }
        self.headers = headers
        self.body = body
    }

    /// The whole path percent-decoded (an encoded `/` becomes a separator here: use `pathSegments` for ids).
    public var path: String { rawPath.removingPercentEncoding ?? rawPath }

    /// Path segments split on the raw `/` first, then each percent-decoded once.
    public var pathSegments: [String] {
        rawPath.split(separator: "/", omittingEmptySubsequences: true).map { String($0).removingPercentEncoding ?? String($0) }
    }

    /// Query pairs in the order sent, still encoded.
    public var queryItems: [QueryItem] {
        guard let rawQuery, !rawQuery.isEmpty else { return [] }
        return rawQuery.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            if let equals = pair.firstIndex(of: "=") {
                return QueryItem(name: String(pair[..<equals]), value: String(pair[pair.index(after: equals)...]))
            }
            return QueryItem(name: String(pair), value: "")
        }
    }

    /// The decoded value of the first query item called `name`, matching the name without regard to case.
    public func query(_ name: String) -> String? {
        let lowered = name.lowercased()
        return queryItems.first { $0.decodedName.lowercased() == lowered }?.decodedValue
    }

    /// The body as UTF-8 text.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON.
    public func jsonBody() throws -> JSONValue { try JSONValue.parse(body) }

    /// Whether the request may change state (anything but GET and HEAD).
    public var isWrite: Bool { method != "GET" && method != "HEAD" }
}
