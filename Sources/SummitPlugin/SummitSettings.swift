import ConnectorKit
import Foundation

/// One `customAttributes` entry of a Summit template: a custom field sent in `CustomFields`.
struct SummitCustomAttribute: Sendable, Equatable {
    var groupName: String
    var name: String
    /// As written; `@EV_*` placeholders are expanded per failure.
    var value: String
}

/// The Summit-specific reading of a template, done once when the backend is made.
struct SummitSettings: Sendable, Equatable {
    /// The template's file name, for messages.
    var templateName: String
    var address: ServiceAddress
    /// Path of the JSON operation endpoint (`urls.incident`), relative to `address`.
    var incidentPath: String
    /// Path of the base64 upload endpoint (`urls.attachment`), when the template has one.
    var attachmentPath: String?
    var viewLink: SummitViewLink
    /// `ticketDescription` as written.
    var ticketDescription: String?
    /// `ticketInformation` as written.
    var ticketInformation: String?
    var customAttributes: [SummitCustomAttribute]
    /// Status sent to move a resolved ticket back to work (`variables.reopenStatus`).
    var reopenStatus: String
    var routing: SummitTagRouting
    /// `rules.submitSingleIncidentPerDay`.
    var singleIncidentPerDay: Bool
    /// `credentials.apiKey` as written (`env:`, `file:`, SMA-encoded or plain); resolved by the backend.
    var apiKeySetting: String

    /// The status Summit tenants use for "being worked on"; the SMA connector's reopen target.
    static let defaultReopenStatus = "In-Progress"
    /// Used when a template has no `ticketDescription` (only templates that name `"connector": "summit"` can omit it).
    static let defaultDescription =
        "OpCon job failure ( date @EV_Date schedule @EV_Schedule job @EV_Job server @EV_Agent error code @EV_errorcode )"
    /// Every public Summit sample puts custom fields in this group; used when an entry names none.
    static let defaultCustomGroup = "Other Details"

    /// Reads a template that passed validation; throws a configuration error naming the key at fault otherwise.
    init(template: Template) throws(ConnectorError) {
        let raw = template.raw
        let file = template.name
        templateName = file

        guard let addressText = template.address ?? raw["address"]?["value"]?.stringValue,
            let address = ServiceAddress(addressText)
        else {
            throw .configuration("Template \(file): address.value must be the Summit host (host[:port]) or an http(s):// base URL.")
        }
        self.address = address

        guard let incident = template.url(named: "incident"), !incident.isEmpty else {
            throw .configuration("Template \(file): urls needs an entry named incident (the CommonWS_JsonObjCall path).")
        }
        incidentPath = incident
        attachmentPath = template.url(named: "attachment").flatMap { $0.isEmpty ? nil : $0 }

        guard let pattern = template.url(named: "viewIncident"), !pattern.isEmpty else {
            throw .configuration("Template \(file): urls needs an entry named viewIncident (the incident link pattern).")
        }
        let viewText = raw["viewAddress"]?["value"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        let viewLink: SummitViewLink?
        if let viewText {
            viewLink = SummitViewLink(pattern: pattern, addressValue: viewText)
        } else {
            viewLink = SummitViewLink(pattern: pattern, addressValue: addressText)
        }
        guard let viewLink else {
            throw .configuration("Template \(file): viewAddress.value must be a host[:port] or an http(s):// base URL.")
        }
        self.viewLink = viewLink

        ticketDescription = raw["ticketDescription"]?.stringValue
        ticketInformation = raw["ticketInformation"]?.stringValue
        customAttributes = Self.customAttributes(raw["customAttributes"])

        if let status = template.variables["reopenStatus"]?.stringValue?.trimmingCharacters(in: .whitespaces), !status.isEmpty {
            reopenStatus = status
        } else {
            reopenStatus = Self.defaultReopenStatus
        }

        let domain = template.tags.first { $0.indicator.uppercased() == "ASSIGNTO" }?.value
        routing = SummitTagRouting(
            workGroup: template.rule("includeWorkGroupNameTag", default: false),
            category: template.rule("includeCategoryNameTag", default: false),
            assignTo: template.rule("includeAssignToTag", default: false),
            assignToDomain: domain)
        singleIncidentPerDay = template.rule("submitSingleIncidentPerDay", default: false)

        guard let key = raw["credentials"]?["apiKey"]?.stringValue, !key.isEmpty else {
            throw .configuration("Template \(file): credentials.apiKey is required (env:NAME, file:PATH or the EncryptValue form).")
        }
        apiKeySetting = key
    }

    /// The entries that name a field and a value; validation reports the others.
    static func customAttributes(_ value: JSONValue?) -> [SummitCustomAttribute] {
        (value?.arrayValue ?? []).compactMap { entry in
            guard let name = entry.member(caseInsensitive: "name")?.stringValue, !name.isEmpty,
                let value = entry.member(caseInsensitive: "value")?.scalarText
            else { return nil }
            let group = entry.member(caseInsensitive: "groupName")?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            return SummitCustomAttribute(groupName: group ?? defaultCustomGroup, name: name, value: value)
        }
    }
}
