import ConnectorKit
import Foundation

/// Checks a ServiceNow answer and turns everything unusable into a `ConnectorError` with the service's own words:
/// HTTP errors, the `{"error": {"message", "detail"}, "status": "failure"}` envelope, HTML login or hibernation
/// pages, empty or truncated bodies.
public enum ServiceNowAnswer {
    /// The JSON object of a successful answer to the request that was to `action` (e.g. "create an incident").
    public static func document(_ response: HTTPResponse, service: String, action: String) throws(ConnectorError) -> JSONValue {
        guard response.isSuccess else {
            throw ServiceFailure.map(response, service: service, action: action, serverMessage: ServiceFailure.message(from: response.body))
        }
        guard !response.body.isEmpty else {
            throw unusable(service, action, response, "an empty body instead of JSON")
        }
        let document: JSONValue
        do {
            document = try JSONValue.parse(response.body)
        } catch {
            if response.bodyText.lowercased().contains("<html"), let page = ServiceFailure.message(from: response.body) {
                throw unusable(service, action, response, "\(page) instead of JSON; check that the instance is awake and address.value is right")
            }
            throw unusable(service, action, response, "malformed or truncated JSON (\(error.description))")
        }
        guard document.objectValue != nil else {
            throw unusable(service, action, response, "JSON \(document.typeName) where an object was expected")
        }
        if let error = document["error"], error.objectValue != nil,
            document["status"]?.stringValue?.lowercased() == "failure" || document["result"] == nil
        {
            let said = ServiceFailure.message(from: response.body) ?? "no message"
            throw .data("\(service) could not \(action): \(said).")
        }
        return document
    }

    private static func unusable(_ service: String, _ action: String, _ response: HTTPResponse, _ what: String) -> ConnectorError {
        .data("\(service) answered the request to \(action) (HTTP \(response.status)) with \(what).")
    }
}
