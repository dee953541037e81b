import ConnectorKit
import Foundation
import Simulators
import Testing

/// Sends one request over a fresh socket; `json` sets the body and `Content-Type: application/json`.
func call(
    _ method: String, _ url: String, json: JSONValue? = nil, body: Data? = nil, headers: HTTPHeaders = HTTPHeaders(),
    timeout: Double = 10
) throws -> SimHTTPResponse {
    var all = headers
    if json != nil && all["Content-Type"] == nil { all.set("Content-Type", "application/json") }
    return try SimHTTPClient.send(method, url, headers: all, body: json?.data() ?? body ?? Data(), timeout: timeout)
}

/// Headers with OpCon's token authentication.
func opconAuth(_ token: String = OpConSimulator.defaultToken) -> HTTPHeaders {
    var headers = HTTPHeaders()
    headers.set("Authorization", "Token \(token)")
    return headers
}

/// Headers with ServiceNow basic authentication and JSON negotiation.
func serviceNowAuth(user: String = "svc_opcon", password: String = "Sim-Pass-123") -> HTTPHeaders {
    var headers = HTTPHeaders()
    headers.set("Authorization", "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
    headers.set("Accept", "application/json")
    return headers
}

/// Percent-encodes a query value strictly (only unreserved characters stay).
func encoded(_ text: String) -> String {
    text.addingPercentEncoding(
        withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"))!
}
