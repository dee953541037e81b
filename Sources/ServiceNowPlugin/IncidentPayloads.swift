import ConnectorKit
import Foundation

/// The JSON bodies of every incident write, built in one place so that `explain` shows exactly what is sent.
public struct IncidentPayloads: Sendable {
    public let settings: ServiceNowTemplateSettings

    public init(settings: ServiceNowTemplateSettings) { self.settings = settings }

    /// Template attributes the SMA connector filled itself; left empty in a template, they are not sent.
    static let connectorFilledFields: Set<String> = ["state", "correlation_id"]

    /// POST body of a new incident: every resolved field as a string, the correlation pair when
    /// `includeCorrelationId` is on, and the description with the documentation's instructions and the previous
    /// ticket's number.
    public func create(_ draft: TicketDraft) -> JSONValue {
        var members: [String: JSONValue] = [:]
        for field in draft.fields where !(field.value.isEmpty && Self.connectorFilledFields.contains(field.name)) {
            members[field.name] = .string(field.value)
        }
        if let routing = settings.documentationRouting {
            let value = routing.value(workingHours: isWorkingHours(draft), documented: documentationInstructions(draft) != nil)
            if !value.isEmpty { members[routing.routingAttribute] = .string(value) }
        }
        if settings.includeCorrelationID {
            members["correlation_display"] = .string(ServiceNowTemplateSettings.correlationDisplay)
            members["correlation_id"] = .string(draft.correlationID)
        }
        let extraLines = [documentationInstructions(draft), draft.previousTicketLine].compactMap { $0 }
        if !extraLines.isEmpty || draft.logExcerpt != nil {
            let base = draft.field("description").map { [$0] } ?? []
            members["description"] = .string(draft.endingWithLogExcerpt((base + extraLines).joined(separator: "\n")))
        }
        return .object(members)
    }

    /// PUT body for an open incident: the description of the new failure and the job-log excerpt, no state change.
    public func update(_ draft: TicketDraft) -> JSONValue {
        let lines = [draft.field("description"), documentationInstructions(draft)].compactMap { $0 }
        return ["description": .string(draft.endingWithLogExcerpt(lines.isEmpty ? draft.failureLine : lines.joined(separator: "\n")))]
    }

    /// PUT body for a resolved incident: back to `incidentReopenState`, with the new failure and the job-log excerpt
    /// as a work note.
    public func reopen(_ draft: TicketDraft) -> JSONValue {
        ["state": .string(settings.reopenState), "work_notes": .string(draft.endingWithLogExcerpt(draft.failureLine))]
    }

    /// The content of the job documentation's `jobDescriptionXmlTag` element, when that rule is on.
    func documentationInstructions(_ draft: TicketDraft) -> String? {
        guard let tag = settings.documentationXMLTag else { return nil }
        return JobDocumentation.xmlContent(of: tag, in: draft.job.documentation)
    }

    /// Working hours at the failure; a template without `workingHours` counts as always working.
    func isWorkingHours(_ draft: TicketDraft) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = draft.timeZone
        return WorkingHours.isWorkingTime(draft.event.failedAt, windows: settings.workingHours, calendar: calendar) ?? true
    }
}
