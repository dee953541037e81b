import Foundation

/// Turns what went wrong talking to a service into the operator-facing `ConnectorError`, so OpCon, ServiceNow
/// and Summit failures read alike and map to the same exit codes.
public enum ServiceFailure {
    /// A request that got no HTTP answer, or an error thrown by a middleware.
    public static func map(_ error: any Error, service: String) -> ConnectorError {
        if let connectorError = error as? ConnectorError { return connectorError }
        if let transportError = error as? TransportError {
            switch transportError {
            case .tlsFailure:
                return .unavailable("\(service): \(transportError.description). \(tlsAdvice)")
            default:
                return .unavailable("\(service) is unreachable: \(transportError.description).")
            }
        }
        if error is CancellationError { return .unavailable("\(service): the request was cancelled because the run's deadline passed.") }
        return .internal("\(service): unexpected error \(String(describing: error)).")
    }

    /// An HTTP answer the caller cannot use. `serverMessage` is the message extracted from the body, if any.
    public static func map(_ response: HTTPResponse, service: String, action: String, serverMessage: String?) -> ConnectorError {
        let said = serverMessage.map { ": \($0)" } ?? ""
        switch response.status {
        case 401, 403:
            return .permission("\(service) refused \(action) with HTTP \(response.status)\(said). Check the credentials for \(service).")
        case 429, 500...599:
            return .unavailable("\(service) could not \(action) (HTTP \(response.status)\(said)).")
        default:
            return .data("\(service) could not \(action) (HTTP \(response.status)\(said)).")
        }
    }

    /// How to trust OpCon's default self-signed certificate (SPEC §2); never "turn verification off".
    public static let tlsAdvice = """
        The server's certificate is not trusted by this machine. OpCon installs a self-signed certificate by default: \
        trust it (Windows: import it into Local Machine > Trusted Root Certification Authorities; Linux: copy it to \
        /usr/local/share/ca-certificates/ and run update-ca-certificates) and use the host name the certificate names.
        """

    /// Extracts a readable message from an error body: OpCon's ApiError array, RFC 7807 problem details,
    /// ServiceNow's `{"error":{"message","detail"}}` envelope, Summit's `Errors`, else the first line of text.
    public static func message(from body: Data) -> String? {
        guard !body.isEmpty else { return nil }
        if let json = try? JSONValue.parse(body) {
            if let first = json[0], let text = first["message"]?.stringValue, !text.isEmpty { return text }
            if let error = json["error"], error.objectValue != nil {
                let message = error["message"]?.scalarText ?? ""
                let detail = error["detail"]?.scalarText ?? ""
                let joined = [message, detail].filter { !$0.isEmpty }.joined(separator: ": ")
                if !joined.isEmpty { return joined }
            }
            if let detail = json["detail"]?.stringValue, !detail.isEmpty { return detail }
            if let title = json["title"]?.stringValue, !title.isEmpty { return title }
            if let errors = json["Errors"]?.stringValue, !errors.isEmpty { return errors }
            if let message = json["message"]?.stringValue, !message.isEmpty { return message }
            return nil
        }
        let text = String(decoding: body.prefix(2048), as: UTF8.self)
        if text.lowercased().contains("<html") {
            let title = text.range(of: "<title>", options: .caseInsensitive).flatMap { start in
                text.range(of: "</title>", options: .caseInsensitive, range: start.upperBound..<text.endIndex).map {
                    String(text[start.upperBound..<$0.lowerBound])
                }
            }
            return "an HTML page" + (title.map { " (\($0.trimmingCharacters(in: .whitespacesAndNewlines)))" } ?? "")
        }
        let firstLine = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let trimmed = firstLine.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : String(trimmed.prefix(200))
    }
}
