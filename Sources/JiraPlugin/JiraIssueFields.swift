import ConnectorKit

/// The fields of a new issue in Jira's shapes (SPEC §6.4), from the draft's resolved attributes: the summary on one
/// line of at most 255 characters, priority and components by name, labels as a list that always carries the
/// correlation label, so the issue can be found again before its key is written back.
struct JiraIssueFields {
    let format: JiraTextFormat

    func values(for draft: TicketDraft) -> [String: JSONValue] {
        var values: [String: JSONValue] = [:]
        // Jira refuses a summary with line breaks or over 255 characters rather than cutting it.
        let summary = (nonEmpty(draft.field("summary")) ?? "OpCon job \(draft.event.job) of schedule \(draft.event.schedule) failed")
            .split(whereSeparator: \.isNewline).joined(separator: " ")
        values["summary"] = .string(String(summary.prefix(255)))
        let text = [nonEmpty(draft.field("description")) ?? draft.failureLine, draft.previousTicketLine].compactMap { $0 }
        values["description"] = format.render(draft.endingWithLogExcerpt(text.joined(separator: "\n")))
        if let priority = nonEmpty(draft.field("priority")) { values["priority"] = ["name": .string(priority)] }
        var labels = list(draft.field("labels"))
        if !draft.correlationID.isEmpty { labels.append(CorrelationLabel.label(for: draft.correlationID)) }
        let uniqueLabels = labels.enumerated().filter { labels.firstIndex(of: $0.element) == $0.offset }.map(\.element)
        values["labels"] = .array(uniqueLabels.map(JSONValue.string))
        let components = list(draft.field("components"))
        if !components.isEmpty { values["components"] = .array(components.map { ["name": .string($0)] }) }
        for field in draft.fields where JiraTemplateSettings.isCustomField(field.name) {
            values[field.name] = .string(field.value)
        }
        return values
    }

    private func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return value
    }

    /// `a, b,,c` → `[a, b, c]`.
    private func list(_ value: String?) -> [String] {
        (value ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
