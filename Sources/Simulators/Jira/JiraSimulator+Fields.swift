import ConnectorKit
import Foundation

/// How rich text travels: API 3 demands Atlassian Document Format; API 2 and the JSM request API carry strings.
enum JiraTextFormat {
    case document, plain
}

/// The create screen: which fields may be set on create and what each accepts. Problems are collected per field,
/// as Jira reports them all in one ErrorCollection.
extension JiraSimulator {
    static func newIssue(
        from fields: [String: JSONValue], format: JiraTextFormat, settings: JiraSettings,
        properties: JSONValue? = nil
    ) throws(JiraRejection) -> JiraNewIssue {
        var errors: [String: String] = [:]
        let cloud = settings.deployment == .cloud

        let project = fields["project"].flatMap { value in (value["key"] ?? value["id"])?.scalarText }.flatMap(settings.project)
        if project == nil { errors["project"] = "Specify a valid project ID or key" }

        var issueType = ""
        if let value = fields["issuetype"], let project {
            let types = project.issueTypes
            if let name = value["name"]?.stringValue, let found = types.first(where: { $0.lowercased() == name.lowercased() }) {
                issueType = found
            } else if let id = value["id"]?.intValue, types.indices.contains(id - 10001) {
                issueType = types[id - 10001]
            } else {
                errors["issuetype"] = "The issue type selected is invalid."
            }
        } else if project != nil {
            errors["issuetype"] = "Specify an issue type"
        }

        var summary = ""
        switch fields["summary"] {
        case .string(let text)? where !text.trimmingCharacters(in: .whitespaces).isEmpty:
            summary = text
            if text.count > 255 { errors["summary"] = "Summary must be less than 255 characters." }
        case .string?, .null?, nil: errors["summary"] = "You must specify a summary of the issue."
        default: errors["summary"] = "Operation value must be a string"
        }

        var description: JSONValue?
        if let value = fields["description"], value != .null {
            switch (format, value) {
            case (.document, _):
                if let problem = AtlassianDocument.problem(with: value) {
                    errors["description"] = problem
                } else {
                    description = value
                }
            case (.plain, .string(let text)):
                description = AtlassianDocument.document(fromPlainText: text)
            case (.plain, _):
                errors["description"] = "Operation value must be a string"
            }
            if let description, AtlassianDocument.plainText(of: description).count > settings.maxTextLength {
                errors["description"] =
                    "The entered text is too long. It exceeds the allowed limit of \(grouped(settings.maxTextLength)) characters."
            }
        }

        var priority: String?
        if let value = fields["priority"], value != .null, let project {
            if let name = value["name"]?.stringValue, let found = project.priorities.first(where: { $0.lowercased() == name.lowercased() })
            {
                priority = found
            } else if let id = value["id"]?.intValue, project.priorities.indices.contains(id - 1) {
                priority = project.priorities[id - 1]
            } else {
                errors["priority"] = "This priority is not available for this project."
            }
        }

        var labels: [String] = []
        if let value = fields["labels"], value != .null {
            if let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil }) {
                labels = items.compactMap(\.stringValue)
                // Jira names the first offending label only.
                if let spaced = labels.first(where: { $0.contains { $0.isWhitespace } }) {
                    errors["labels"] =
                        cloud ? "The label '\(spaced)' can't contain spaces." : "The label '\(spaced)' contains spaces which is invalid."
                } else if let long = labels.first(where: { $0.count > 255 }) {
                    errors["labels"] = "The label '\(long)' exceeds the maximum length for a single label of 255 characters."
                }
            } else {
                errors["labels"] = "The labels must be an array of strings"
            }
        }

        var components: [String] = []
        if let value = fields["components"], value != .null, let project {
            for item in value.arrayValue ?? [value] {
                if let name = item["name"]?.stringValue,
                    let found = project.components.first(where: { $0.lowercased() == name.lowercased() })
                {
                    components.append(found)
                } else if let id = item["id"]?.intValue, project.components.indices.contains(id - 10100) {
                    components.append(project.components[id - 10100])
                } else {
                    errors["components"] = "Component name '\(item["name"]?.scalarText ?? item.serialized())' is not valid"
                }
            }
        }

        var customFields: [String: JSONValue] = [:]
        let known: Set<String> = ["project", "issuetype", "summary", "description", "priority", "labels", "components"]
        for (name, value) in fields where !known.contains(name) {
            if isCustomFieldID(name) {
                customFields[name] = value
            } else {
                errors[name] = "Field '\(name)' cannot be set. It is not on the appropriate screen, or unknown."
            }
        }

        var storedProperties: [String: JSONValue] = [:]
        for property in properties?.arrayValue ?? [] {
            guard let key = property["key"]?.stringValue, !key.isEmpty, key.count <= 255, let value = property["value"],
                value != .null, value.serialized().utf8.count <= 32_768
            else {
                throw JiraRejection(errorMessages: [
                    "An issue property needs a key of at most 255 characters and a JSON value of at most 32768 bytes."
                ])
            }
            storedProperties[key] = value
        }

        guard errors.isEmpty, let project else { throw JiraRejection(errors: errors) }
        return JiraNewIssue(
            project: project, issueType: issueType, summary: summary, description: description, priority: priority,
            labels: labels, components: components, customFields: customFields, properties: storedProperties)
    }

    static func isCustomFieldID(_ name: String) -> Bool {
        name.hasPrefix("customfield_") && name.count > 12 && name.dropFirst(12).allSatisfy(\.isNumber)
    }

    /// 32767 → "32,767", as Jira prints its limit.
    private static func grouped(_ number: Int) -> String {
        var digits = String(number)
        var index = digits.count - 3
        while index > 0 {
            digits.insert(",", at: digits.index(digits.startIndex, offsetBy: index))
            index -= 3
        }
        return digits
    }
}
