import ConnectorKit
import Foundation

/// Template `documentationRouting` (rule `routingByDocumentationContent`): sets one incident field to one of four
/// values, chosen by working hours and by whether the job documentation carries the `jobDescriptionXmlTag` element.
public struct DocumentationRouting: Sendable, Equatable {
    /// The incident field that receives the chosen value (e.g. `assignment_group`).
    public var routingAttribute: String
    public var workingHoursWithDoc: String
    public var workingHoursWithoutDoc: String
    public var nonWorkingHoursWithDoc: String
    public var nonWorkingHoursWithoutDoc: String

    /// The value for a failure; an empty string means "leave the field alone".
    public func value(workingHours: Bool, documented: Bool) -> String {
        switch (workingHours, documented) {
        case (true, true): return workingHoursWithDoc
        case (true, false): return workingHoursWithoutDoc
        case (false, true): return nonWorkingHoursWithDoc
        case (false, false): return nonWorkingHoursWithoutDoc
        }
    }

    static func read(_ value: JSONValue?, issues: inout [TemplateIssue]) -> DocumentationRouting? {
        guard let value, value.objectValue != nil else {
            issues.error("documentationRouting", "expected an object with routingAttribute and the four destination values")
            return nil
        }
        func text(_ key: String) -> String {
            guard let member = value[key] else { return "" }
            guard let text = member.scalarText else {
                issues.error("documentationRouting.\(key)", "expected a string, found \(member.typeName)")
                return ""
            }
            return text
        }
        let attribute = text("routingAttribute").trimmingCharacters(in: .whitespaces)
        if attribute.isEmpty {
            issues.error(
                "documentationRouting.routingAttribute", "expected the name of the incident field to route, e.g. \"assignment_group\"")
        }
        return DocumentationRouting(
            routingAttribute: attribute,
            workingHoursWithDoc: text("workingHoursWithDoc"), workingHoursWithoutDoc: text("workingHoursWithoutDoc"),
            nonWorkingHoursWithDoc: text("nonWorkingHoursWithDoc"), nonWorkingHoursWithoutDoc: text("nonWorkingHoursWithoutDoc"))
    }
}
