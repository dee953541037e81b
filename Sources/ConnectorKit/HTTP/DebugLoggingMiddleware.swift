import Foundation

/// With `DEBUG=ON`, logs every HTTP exchange (SPEC §8): method, URL, status, duration in milliseconds and both
/// bodies cut to 2 KiB. Registered secrets are masked, and credential headers are never written at all.
public struct DebugLoggingMiddleware: ClientMiddleware {
    /// Bodies longer than this many bytes are cut in the log.
    public static let bodyLimit = 2048
    /// Headers whose values are replaced by `[redacted]`, whatever the masker knows.
    public static let credentialHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie", "set-cookie"]

    /// Logs at debug level through this logger (and its masker).
    public let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    public func intercept(
        _ request: HTTPRequest,
        next: @Sendable (HTTPRequest) async throws -> HTTPResponse
    ) async throws -> HTTPResponse {
        guard logger.isDebugEnabled else { return try await next(request) }
        let exchange = "\(request.method.rawValue) \(request.url.absoluteString)"
        let started = ContinuousClock.now
        logger.debug("HTTP \(exchange) request headers: \(Self.describe(request.headers))")
        if let body = request.body, !body.isEmpty {
            logger.debug("HTTP \(exchange) request body: \(excerpt(body))")
        } else if let streamed = request.streamedBody {
            logger.debug("HTTP \(exchange) request body: \(streamed.count) bytes streamed from a file (not logged)")
        }
        do {
            let response = try await next(request)
            logger.debug("HTTP \(exchange) -> \(response.status) in \(Self.milliseconds(since: started)) ms")
            if !response.body.isEmpty {
                logger.debug("HTTP \(exchange) response body: \(excerpt(response.body))")
            } else if response.bodyWentToSink {
                logger.debug("HTTP \(exchange) response body: streamed to a file (not logged)")
            }
            return response
        } catch {
            logger.debug("HTTP \(exchange) failed after \(Self.milliseconds(since: started)) ms: \(error)")
            throw error
        }
    }

    /// Header names and values in a stable order, credentials redacted.
    static func describe(_ headers: [String: String]) -> String {
        let parts = headers.keys.sorted().map { name in
            credentialHeaders.contains(name.lowercased()) ? "\(name): [redacted]" : "\(name): \(headers[name]!)"
        }
        return parts.isEmpty ? "(none)" : parts.joined(separator: ", ")
    }

    /// The body as text, secrets masked, cut to `bodyLimit` bytes. Masking comes first so that a secret
    /// straddling the cut cannot leave its first half in the log.
    func excerpt(_ body: Data) -> String {
        let masked = Data(logger.masker.mask(String(decoding: body, as: UTF8.self)).utf8)
        guard masked.count > Self.bodyLimit else { return String(decoding: masked, as: UTF8.self) }
        var end = Self.bodyLimit
        // Step back to the start of a UTF-8 sequence (continuation bytes are 0b10xxxxxx).
        while end > 0, masked[masked.startIndex + end] & 0xC0 == 0x80 { end -= 1 }
        let kept = masked.prefix(end)
        return String(decoding: kept, as: UTF8.self) + "… [\(masked.count - kept.count) more bytes not logged]"
    }

    private static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        let parts = (ContinuousClock.now - start).components
        return Int(parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000)
    }
}
