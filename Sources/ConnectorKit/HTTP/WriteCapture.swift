import Foundation

/// `explain`'s guarantee that a dry run changes nothing, whatever the backend: reads (GET, and POSTs marked retry-safe,
/// such as searches) go to the service, every other request is recorded here and answered `200 {}` without leaving
/// the process. The recorded requests are exactly what a run would send, in order.
public final class WriteCapture: ClientMiddleware, @unchecked Sendable {
    private let lock = NSLock()
    private var requests: [HTTPRequest] = []

    public init() {}

    /// The writes held back so far.
    public var captured: [HTTPRequest] {
        lock.lock()
        defer { lock.unlock() }
        return requests
    }

    private func record(_ request: HTTPRequest) {
        lock.lock()
        defer { lock.unlock() }
        requests.append(request)
    }

    public func intercept(_ request: HTTPRequest, next: @Sendable (HTTPRequest) async throws -> HTTPResponse) async throws -> HTTPResponse {
        if request.method == .get || (request.method == .post && request.isRetrySafe) { return try await next(request) }
        record(request)
        return HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: Data("{}".utf8))
    }
}
