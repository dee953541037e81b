import Foundation

/// HTTP methods the connector uses.
public enum HTTPMethod: String, Sendable {
    case get = "GET", post = "POST", put = "PUT", patch = "PATCH", delete = "DELETE"
}

/// One outgoing request, independent of the transport that sends it.
public struct HTTPRequest: Sendable, Equatable {
    public var method: HTTPMethod
    public var url: URL
    /// Header names as sent; lookups through `header(_:)` ignore case.
    public var headers: [String: String]
    public var body: Data?
    /// A POST the caller has proven safe to repeat (for example a read-only query sent as POST).
    /// GET, PUT, PATCH and DELETE are always treated as idempotent.
    public var isRetrySafe: Bool
    /// The most this request may take, in seconds: set by the deadline middleware (the smaller of TIMEOUT_SECONDS
    /// and the time left in the run) and handed by the transport to its HTTP library, so the request also ends on
    /// its own when a cancellation does not reach it. Nil: the transport's own timeout.
    public var timeout: Double?

    public init(method: HTTPMethod, url: URL, headers: [String: String] = [:], body: Data? = nil, isRetrySafe: Bool = false,
                timeout: Double? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.isRetrySafe = isRetrySafe
        self.timeout = timeout
    }

    /// Whether a retry can never cause a second side effect.
    public var isIdempotent: Bool { method != .post || isRetrySafe }

    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.key.lowercased() == lowered }?.value
    }

    public mutating func setHeader(_ name: String, _ value: String) {
        let lowered = name.lowercased()
        for key in headers.keys where key.lowercased() == lowered { headers.removeValue(forKey: key) }
        headers[name] = value
    }
}

/// One answer from a server.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
        self.body = body
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    public var isSuccess: Bool { (200..<300).contains(status) }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
