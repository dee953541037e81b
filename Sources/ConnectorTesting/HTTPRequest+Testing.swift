import ConnectorKit
import Foundation

extension HTTPRequest {
    /// A GET of `url`, for tests of middlewares and clients that only need a request to pass along.
    public static func get(_ url: String) -> HTTPRequest { HTTPRequest(method: .get, url: URL(string: url)!) }

    /// A POST of an empty JSON object; a plain POST is never retried unless marked `retrySafe`.
    public static func post(_ url: String, retrySafe: Bool = false) -> HTTPRequest {
        HTTPRequest(method: .post, url: URL(string: url)!, body: Data("{}".utf8), isRetrySafe: retrySafe)
    }

    /// The body parsed as JSON, read from its files when it is streamed; nil when there is none or it is not JSON.
    public var jsonBody: JSONValue? {
        guard let bytes = try? bodyBytes() else { return nil }
        return try? JSONValue.parse(bytes)
    }
}
