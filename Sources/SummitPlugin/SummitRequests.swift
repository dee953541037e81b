import ConnectorKit
import Foundation

/// Builds every body the backend sends, in one place.
struct SummitRequests: Sendable {
    let settings: SummitSettings
    let apiKey: String

    static let createOrUpdate = "IM_LogOrUpdateIncident"
    static let details = "IM_GetIncidentDetailsAndChangeHistory"

    /// The authentication block every Summit call carries.
    var proxyDetails: JSONValue {
        ["AuthType": "APIKEY", "APIKey": .string(apiKey), "ProxyID": 0, "ReturnType": "JSON", "OrgID": 1, "TokenID": ""]
    }

    /// `{ServiceName, objCommonParameters: {_ProxyDetails, <parameters>, RequestType: "RemoteCall"}}`.
    func envelope(service: String, parameters: [String: JSONValue]) -> JSONValue {
        var common = parameters
        common["_ProxyDetails"] = proxyDetails
        common["RequestType"] = "RemoteCall"
        return ["ServiceName": .string(service), "objCommonParameters": .object(common)]
    }

    // MARK: Writes

    /// A new incident: every resolved field, the texts, and the custom fields.
    func create(_ draft: TicketDraft) -> JSONValue {
        var ticket: [String: JSONValue] = [:]
        for field in draft.fields { ticket[field.name] = .string(field.value) }
        ticket["IsFromWebService"] = true
        ticket["Status"] = "New"
        ticket["Symptom"] = .string(symptom(draft))
        ticket["Description"] = .string(description(draft))
        let customFields: [JSONValue] = settings.customAttributes.map { attribute in
            ["GroupName": .string(attribute.groupName), "Name": .string(attribute.name), "Value": .string(expand(attribute.value, draft))]
        }
        return container(ticket: ticket, information: information(draft), customFields: customFields)
    }

    /// The new failure added to an incident's work log; with `status`, the incident moves to it (a reopen). An update
    /// sends no `Status` (SPEC §6.1): echoing the one read earlier could undo an analyst's change made in between.
    func workLogEntry(ticketNumber: String, status: String?, draft: TicketDraft) -> JSONValue {
        var ticket: [String: JSONValue] = ["IsFromWebService": true, "Ticket_No": .string(ticketNumber)]
        if let status { ticket["Status"] = .string(status) }
        return container(ticket: ticket, information: draft.endingWithLogExcerpt(failureText(draft)), customFields: nil)
    }

    private func container(ticket: [String: JSONValue], information: String, customFields: [JSONValue]?) -> JSONValue {
        var incident: [String: JSONValue] = [
            "Updater": "Executive", "Ticket": .object(ticket), "TicketInformation": ["Information": .string(information)],
        ]
        if let customFields { incident["CustomFields"] = .array(customFields) }
        return envelope(service: Self.createOrUpdate, parameters: ["incidentParamsJSON": ["IncidentContainerJsonObj": .object(incident)]])
    }

    // MARK: Reads and uploads

    /// Reads one incident and its history.
    func details(ticketNumber: String) -> JSONValue {
        envelope(service: Self.details, parameters: ["TicketNo": Self.numberValue(ticketNumber)])
    }

    /// The base64 upload; this endpoint takes its fields at the top level, not in the envelope. The file's bytes
    /// are encoded while the body is sent, so a big log is never held in memory.
    func attachment(ticketNumber: String, file: JobLogFile) -> StreamedBody {
        let marker = "\u{1}attachment-bytes\u{1}"
        let envelope: JSONValue = [
            "_ProxyDetails": proxyDetails,
            "eModule": "IM",
            "TicketNo": Self.numberValue(ticketNumber),
            "AttachmentFileName": .string(file.name),
            "base64EncodedData": .string(marker),
        ]
        // The marker is serialised escaped; base64 needs no escaping, so the encoded bytes take its place as they are.
        let text = envelope.serialized()
        let escapedMarker = JSONValue.string(marker).serialized().dropFirst().dropLast()
        guard let range = text.range(of: escapedMarker) else { return StreamedBody([.bytes(Data(text.utf8))]) }
        return StreamedBody([
            .bytes(Data(text[..<range.lowerBound].utf8)),
            .base64(file.content.parts),
            .bytes(Data(text[range.upperBound...].utf8)),
        ])
    }

    // MARK: Texts

    /// The one-line summary: a `Symptom` field from the template, else the job and schedule.
    func symptom(_ draft: TicketDraft) -> String {
        if let symptom = draft.field("Symptom"), !symptom.isEmpty { return symptom }
        return "OpCon job \(draft.event.job) failed (schedule \(draft.event.schedule))"
    }

    /// `ticketDescription` expanded, plus `Previous Ticket Number (<n>)` when this ticket replaces a closed one, then
    /// the job-log excerpt.
    func description(_ draft: TicketDraft) -> String {
        draft.endingWithLogExcerpt([failureText(draft), draft.previousTicketLine].compactMap { $0 }.joined(separator: "\n"))
    }

    /// `ticketDescription` expanded: the text that describes this failure, on a new incident or an existing one.
    func failureText(_ draft: TicketDraft) -> String {
        expand(settings.ticketDescription ?? SummitSettings.defaultDescription, draft)
    }

    /// `ticketInformation` expanded, else the summary line (the work log should never be blank).
    func information(_ draft: TicketDraft) -> String {
        settings.ticketInformation.map { expand($0, draft) } ?? symptom(draft)
    }

    private func expand(_ text: String, _ draft: TicketDraft) -> String {
        PlaceholderSyntax.summitEnvironment.expand(text, event: draft.event, job: draft.job, timeZone: draft.timeZone)
    }

    /// Ticket numbers travel as JSON numbers where Summit's models type them as integers.
    static func numberValue(_ ticketNumber: String) -> JSONValue {
        guard SummitAnswer.isTicketNumber(ticketNumber), let number = Int(ticketNumber) else { return .string(ticketNumber) }
        return .int(number)
    }
}
