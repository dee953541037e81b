import ConnectorKit
import Foundation

/// How a text reaches Jira: API 3 takes rich text as Atlassian Document Format, API 2 and the JSM request API as a
/// string.
enum JiraTextFormat: Sendable {
    case document, plain

    /// `text` in this format. A document gets one paragraph per line; a blank line becomes an empty paragraph, since
    /// ADF refuses a text node without text.
    func render(_ text: String) -> JSONValue {
        guard self == .document else { return .string(text) }
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        let paragraphs: [JSONValue] = lines.map { line in
            line.isEmpty
                ? ["type": "paragraph", "content": []]
                : ["type": "paragraph", "content": [["type": "text", "text": .string(String(line))]]]
        }
        return ["type": "doc", "version": 1, "content": .array(paragraphs)]
    }
}

/// Jira's own words from an error body, for the operator: the platform's ErrorCollection (`errorMessages` and the
/// per-field `errors`), JSM's ErrorResponse (`errorMessage`), else what ConnectorKit reads from other shapes (a 401
/// comes as plain text).
enum JiraErrorMessage {
    static func read(_ body: Data) -> String? {
        if let answer = try? JSONValue.parse(body) {
            let general = (answer["errorMessages"]?.arrayValue ?? []).compactMap(\.stringValue)
            let perField = (answer["errors"]?.objectValue ?? [:]).sorted { $0.key < $1.key }
                .compactMap { field, message in message.scalarText.map { "\(field): \($0)" } }
            let all = general + perField + [answer["errorMessage"]?.stringValue].compactMap { $0 }
            if !all.isEmpty { return all.joined(separator: "; ") }
        }
        return ServiceFailure.message(from: body)
    }
}
