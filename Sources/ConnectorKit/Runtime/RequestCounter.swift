import Foundation

/// Counts the HTTP requests a run makes, for the summary log line (SPEC §5 step 11).
public final class RequestCounter: ClientMiddleware, @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    public init() {}

    public var value: Int { lock.withLock { count } }

    public func intercept(_ request: HTTPRequest, next: @Sendable (HTTPRequest) async throws -> HTTPResponse) async throws -> HTTPResponse {
        lock.withLock { count += 1 }
        return try await next(request)
    }
}
