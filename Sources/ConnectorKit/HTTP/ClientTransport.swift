import Foundation

/// Sends one request over the network (or to an in-memory fake). Knows nothing of auth, retries or logging:
/// those are `ClientMiddleware`s wrapped around it, in the manner of swift-openapi-runtime.
public protocol ClientTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// A step between the caller and the transport: adds a header, retries, logs, enforces a deadline.
public protocol ClientMiddleware: Sendable {
    func intercept(
        _ request: HTTPRequest,
        next: @Sendable (HTTPRequest) async throws -> HTTPResponse
    ) async throws -> HTTPResponse
}

/// Why a request got no HTTP answer at all.
public enum TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No connection could be made (refused, a host or proxy name that does not resolve, no route, no network): the
    /// request never left this machine, so sending it again cannot act twice.
    case notConnected(host: String, reason: String)
    /// The connection broke or could not be used (reset, closed before the answer, a body that could not be read): a
    /// request may have reached the server.
    case connectionFailed(host: String, reason: String)
    /// No answer within the per-request timeout or the run's deadline.
    case timedOut(host: String, seconds: Double)
    /// The TLS handshake failed, typically an untrusted (self-signed) certificate.
    case tlsFailure(host: String, reason: String)

    public var description: String {
        switch self {
        case .notConnected(let host, let reason), .connectionFailed(let host, let reason): return "could not connect to \(host): \(reason)"
        case .timedOut(let host, let seconds): return "\(host) did not answer within \(String(format: "%.1f", seconds)) s"
        case .tlsFailure(let host, let reason): return "TLS handshake with \(host) failed: \(reason)"
        }
    }
}

/// A transport with its middlewares applied, outermost first.
public struct HTTPClient: Sendable {
    public let transport: any ClientTransport
    public let middlewares: [any ClientMiddleware]

    public init(transport: any ClientTransport, middlewares: [any ClientMiddleware] = []) {
        self.transport = transport
        self.middlewares = middlewares
    }

    /// Returns a client with `middleware` placed innermost (closest to the transport).
    public func adding(_ middleware: any ClientMiddleware) -> HTTPClient {
        HTTPClient(transport: transport, middlewares: middlewares + [middleware])
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await Self.run(request, middlewares[...], transport)
    }

    private static func run(
        _ request: HTTPRequest, _ remaining: ArraySlice<any ClientMiddleware>, _ transport: any ClientTransport
    ) async throws -> HTTPResponse {
        guard let first = remaining.first else { return try await transport.send(request) }
        let rest = remaining.dropFirst()
        return try await first.intercept(request) { next in try await run(next, rest, transport) }
    }
}
