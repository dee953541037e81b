import ConnectorKit
import Foundation

extension HTTPResponse {
    /// A JSON answer from text, which may be deliberately malformed; `headers` may override the content type.
    public static func json(_ status: Int, _ text: String, headers: [String: String] = [:]) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: ["Content-Type": "application/json"].merging(headers) { _, given in given },
            body: Data(text.utf8))
    }

    /// A JSON answer from a value.
    public static func json(_ status: Int, _ value: JSONValue, headers: [String: String] = [:]) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: ["Content-Type": "application/json"].merging(headers) { _, given in given },
            body: value.data())
    }

    /// A non-JSON answer.
    public static func text(_ status: Int, _ text: String, contentType: String = "text/html") -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": contentType], body: Data(text.utf8))
    }
}
