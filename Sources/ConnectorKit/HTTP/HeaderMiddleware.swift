import Foundation

/// Adds fixed headers (typically authentication) to every request that does not already carry them.
public struct HeaderMiddleware: ClientMiddleware {
    /// Header names and values to add.
    public let headers: [String: String]

    public init(_ headers: [String: String]) { self.headers = headers }

    /// OpCon's `Authorization: Token <token>`. A TOKEN copied with its `Token ` prefix (as the SMA ServiceNow
    /// application's REST messages hold it) is sent once, not as `Token Token …`.
    public static func opConToken(_ token: String) -> HeaderMiddleware {
        HeaderMiddleware(["Authorization": "Token \(bareOpConToken(token))"])
    }

    /// The token without a `Token ` prefix or surrounding blanks.
    public static func bareOpConToken(_ token: String) -> String {
        var bare = token.trimmingCharacters(in: .whitespaces)
        if bare.lowercased().hasPrefix("token ") { bare = bare.dropFirst(6).trimmingCharacters(in: .whitespaces) }
        return bare
    }

    /// HTTP basic authentication (ServiceNow).
    public static func basicAuthentication(user: String, password: String) -> HeaderMiddleware {
        let credentials = Data("\(user):\(password)".utf8).base64EncodedString()
        return HeaderMiddleware(["Authorization": "Basic \(credentials)"])
    }

    public func intercept(
        _ request: HTTPRequest,
        next: @Sendable (HTTPRequest) async throws -> HTTPResponse
    ) async throws -> HTTPResponse {
        var request = request
        for (name, value) in headers where request.header(name) == nil {
            request.setHeader(name, value)
        }
        return try await next(request)
    }
}
