import ConnectorKit
import Foundation

/// What a simulated service answers, or how it misbehaves instead.
public struct SimResponse: Sendable {
    /// How the connection is treated after the request was read.
    public enum Disposition: Sendable {
        /// Send this response.
        case answer
        /// Never answer; keep the connection open until the client gives up.
        case silence
        /// Close the connection without a response (the client sees a reset or an empty reply).
        case drop
    }

    public var status: Int
    public var headers: HTTPHeaders
    public var body: Data
    public var disposition: Disposition = .answer
    /// Runs once the response has been written (e.g. to take the server down after confirming).
    public var afterSend: (@Sendable () -> Void)?

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON answer.
    public static func json(_ value: JSONValue, status: Int = 200, headers: HTTPHeaders = HTTPHeaders()) -> SimResponse {
        var response = SimResponse(status: status, headers: headers, body: value.data())
        response.headers.set("Content-Type", "application/json; charset=utf-8")
        return response
    }

    /// A text answer with the given media type.
    public static func text(_ text: String, status: Int = 200, contentType: String = "text/plain; charset=utf-8") -> SimResponse {
        SimResponse(status: status, headers: ["Content-Type": contentType], body: Data(text.utf8))
    }

    /// The kind of HTML error page a proxy or IIS puts in front of a service.
    public static func htmlError(status: Int) -> SimResponse {
        let title = "\(status) \(HTTPStatus.reason(status))"
        let page =
            "<!DOCTYPE html><html><head><title>\(title)</title></head><body><h1>\(title)</h1>"
            + "<p>The server could not complete the request.</p></body></html>"
        return text(page, status: status, contentType: "text/html; charset=utf-8")
    }

    /// Reads the request and never answers.
    public static var silence: SimResponse {
        var response = SimResponse(status: 0)
        response.disposition = .silence
        return response
    }

    /// Closes the connection without answering.
    public static var drop: SimResponse {
        var response = SimResponse(status: 0)
        response.disposition = .drop
        return response
    }
}

/// Reason phrases for the status codes the simulators use.
enum HTTPStatus {
    static func reason(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 201: return "Created"
        case 204: return "No Content"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 406: return "Not Acceptable"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 413: return "Payload Too Large"
        case 415: return "Unsupported Media Type"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return "Status \(status)"
        }
    }
}
