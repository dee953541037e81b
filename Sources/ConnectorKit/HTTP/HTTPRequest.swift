import Foundation

/// HTTP methods the connector uses.
public enum HTTPMethod: String, Sendable {
    case get = "GET"
    case post = "POST"
    case put = "PUT"
    case patch = "PATCH"
    case delete = "DELETE"
}

/// One outgoing request, independent of the transport that sends it.
public struct HTTPRequest: Sendable, Equatable {
    public var method: HTTPMethod
    public var url: URL
    /// Header names as sent; lookups through `header(_:)` ignore case.
    public var headers: [String: String]
    /// A body held in memory (JSON, small texts).
    public var body: Data?
    /// A body read while it is sent (job logs); when set, `body` is nil.
    public var streamedBody: StreamedBody?
    /// When set, a successful (2xx) answer's body goes to the sink as it arrives instead of memory, and the
    /// response says so (`bodyWentToSink`); any other answer stays in memory, for its error message.
    public var responseSink: ResponseSink?
    /// A POST the caller has proven safe to repeat (for example a read-only query sent as POST).
    /// GET, PUT, PATCH and DELETE are always treated as idempotent.
    public var isRetrySafe: Bool
    /// The most this request may take, in seconds: set by the deadline middleware (the smaller of TIMEOUT_SECONDS
    /// and the time left in the run) and handed by the transport to its HTTP library, so the request also ends on
    /// its own when a cancellation does not reach it. Nil: the transport's own timeout.
    public var timeout: Double?

    public init(
        method: HTTPMethod, url: URL, headers: [String: String] = [:], body: Data? = nil, isRetrySafe: Bool = false,
        timeout: Double? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.isRetrySafe = isRetrySafe
        self.timeout = timeout
    }

    /// The number of body bytes the request sends.
    public var bodyLength: Int64 { streamedBody?.count ?? Int64(body?.count ?? 0) }

    /// The body's bytes, read from its files when it is streamed (for transports that need it in memory).
    public func bodyBytes() throws -> Data? {
        if let streamedBody { return try streamedBody.readAll() }
        return body
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
    /// True when the body went to the request's sink (`HTTPRequest.responseSink`); `body` is then empty.
    public var bodyWentToSink: Bool

    public init(status: Int, headers: [String: String] = [:], body: Data = Data(), bodyWentToSink: Bool = false) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
        self.body = body
        self.bodyWentToSink = bodyWentToSink
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    public var isSuccess: Bool { (200..<300).contains(status) }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
