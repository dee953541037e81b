import ConnectorKit
import Foundation

/// Atlassian Document Format (ADF), the rich-text JSON that API 3 demands for descriptions and comment
/// bodies, while API 2 and the JSM request API carry plain (wiki) strings. The simulator stores every text as a
/// document and renders it as a string for API 2 readers ("store one form, render the other").
enum AtlassianDocument {
    /// Why `value` is not an acceptable document, or nil when it is. Only the structure a client could get
    /// wrong is checked: a `doc` root of version 1, nodes with a `type`, content arrays, and text nodes with
    /// non-empty text (the ADF schema gives `text` a minimum length of 1).
    static func problem(with value: JSONValue) -> String? {
        guard case .object = value, value["type"]?.stringValue == "doc" else {
            return "Operation value must be an Atlassian Document (see the Atlassian Document Format)"
        }
        guard value["version"]?.intValue == 1 else { return "The Atlassian Document must have \"version\": 1" }
        guard let content = value["content"]?.arrayValue else { return "The Atlassian Document must have a \"content\" array" }
        for node in content {
            if let problem = problem(withNode: node) { return problem }
        }
        return nil
    }

    private static func problem(withNode node: JSONValue) -> String? {
        guard case .object = node, let type = node["type"]?.stringValue, !type.isEmpty else {
            return "Every Atlassian Document node needs a \"type\""
        }
        if type == "text" {
            guard let text = node["text"]?.stringValue, !text.isEmpty else {
                return "A text node of an Atlassian Document needs non-empty \"text\""
            }
        }
        guard let content = node["content"] else { return nil }
        guard let children = content.arrayValue else { return "The \"content\" of a \(type) node must be an array" }
        for child in children {
            if let problem = problem(withNode: child) { return problem }
        }
        return nil
    }

    /// A document with one paragraph per line of `text` (an empty line is an empty paragraph: ADF has no empty text node).
    static func document(fromPlainText text: String) -> JSONValue {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        let paragraphs: [JSONValue] = lines.map { line in
            line.isEmpty
                ? ["type": "paragraph", "content": []]
                : ["type": "paragraph", "content": [["type": "text", "text": .string(String(line))]]]
        }
        return ["type": "doc", "version": 1, "content": .array(paragraphs)]
    }

    /// The text of a document: block nodes on lines of their own, hard breaks as new lines, marks dropped.
    static func plainText(of document: JSONValue) -> String {
        (document["content"]?.arrayValue ?? []).map(text(ofBlock:)).joined(separator: "\n")
    }

    private static func text(ofBlock node: JSONValue) -> String {
        switch node["type"]?.stringValue {
        case "text": return node["text"]?.stringValue ?? ""
        case "hardBreak": return "\n"
        default:
            let children = node["content"]?.arrayValue ?? []
            // Inline children run together; block children (list items, table cells) get lines of their own.
            let inline = children.allSatisfy {
                ["text", "hardBreak", "mention", "emoji", "inlineCard"].contains($0["type"]?.stringValue ?? "")
            }
            return children.map(text(ofBlock:)).joined(separator: inline ? "" : "\n")
        }
    }
}
