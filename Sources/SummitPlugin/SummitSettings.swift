import ConnectorKit
import Foundation

/// One `customAttributes` entry of a Summit template: a custom field sent in `CustomFields`.
struct SummitCustomAttribute: Sendable, Equatable {
    var groupName: String
    var name: String
    /// As written; `@EV_*` placeholders are expanded per failure.
    var value: String
}

/// The Summit parts of a template (SMA format, sma-connectors §6.2), read and checked in one pass. ConnectorKit's
/// loader already checks what every format shares (address syntax, rule values, `urls` shape, credentials,
/// `resolvedAction`, the attachment url); every issue here names its JSON path.
struct SummitSettings: Sendable, Equatable {
    var templateName: String
    var address: ServiceAddress
    /// Path of the JSON operation endpoint (`urls.incident`), relative to `address`.
    var incidentPath: String
    /// Path of the base64 upload endpoint (`urls.attachment`), when the template has one.
    var attachmentPath: String?
    var viewLink: SummitViewLink
    var ticketDescription: String?
    var ticketInformation: String?
    var customAttributes: [SummitCustomAttribute]
    /// Status sent to move a resolved ticket back to work (`variables.reopenStatus`).
    var reopenStatus: String
    var routing: SummitTagRouting

    /// The status Summit tenants use for "being worked on"; the SMA connector's reopen target.
    static let defaultReopenStatus = "In-Progress"
    /// Used when a template has no `ticketDescription` (only templates that name `"connector": "summit"` can omit it).
    static let defaultDescription =
        "OpCon job failure ( date @EV_Date schedule @EV_Schedule job @EV_Job server @EV_Agent error code @EV_errorcode )"
    /// Every public Summit sample puts custom fields in this group; used when an entry names none.
    static let defaultCustomGroup = "Other Details"
    /// The rules a Summit template may set: its own, and the decision rules ConnectorKit reads from every template.
    static let knownRules: Set<String> = [
        "includejoblogattachment", "includetagrouting", "includecategorynametag", "includeworkgroupnametag",
        "submitsingleincidentperday", "includeassigntotag", LogExcerpt.ruleName.lowercased(), "alwayscreatenewticket", "allowticketreopen",
    ]

    /// Reads a template; the settings are nil when there is at least one error.
    static func read(_ template: Template, config: ConnectorConfig) -> (SummitSettings?, [TemplateIssue]) {
        var issues: [TemplateIssue] = []
        let raw = template.raw
        let addressText = template.address ?? raw["address"]?["value"]?.stringValue
        let address = addressText.flatMap(ServiceAddress.init)
        if raw["address"] == nil { issues.error("address.value", "required: the Summit API host (host[:port]) or an http(s):// base URL") }

        let incident =
            template.checkedURL(
                named: "incident", required: true,
                example: "api_integration/REST/Summit_RESTWCF.svc/RESTService/CommonWS_JsonObjCall_JSON", issues: &issues) ?? ""

        var viewText = addressText
        let view = raw["viewAddress"]?.isNull == false ? raw["viewAddress"] : nil
        if let view, view["value"]?.stringValue == nil {
            issues.error("viewAddress.value", "expected a string: the Summit host people open incidents on")
        }
        if let value = view?["value"]?.stringValue, !value.isEmpty {
            viewText = value
            if ServiceAddress(value) == nil {
                issues.error("viewAddress.value", "expected host[:port] or an http(s):// base URL, found \"\(value)\"")
            }
        }
        var viewLink: SummitViewLink?
        let pattern = template.url(named: "viewIncident") ?? ""
        if pattern.isEmpty {
            issues.error("urls", "needs an entry named viewIncident (e.g. https://{0}/MDLIncidentMgmt/IM_TicketDetail.aspx?ID={1})")
        } else if !pattern.contains("{1}") {
            issues.error(template.urlValuePath(named: "viewIncident"), "the viewIncident pattern needs {1} where the ticket number goes")
        } else if let viewText, let link = SummitViewLink(pattern: pattern, addressValue: viewText) {
            let sample = URL(string: link.url(forTicket: "1"))
            if sample?.host == nil || !["http", "https"].contains(sample?.scheme?.lowercased() ?? "") {
                issues.error(
                    template.urlValuePath(named: "viewIncident"),
                    "the viewIncident pattern makes \"\(link.url(forTicket: "1"))\", which is not an http(s) link")
            }
            viewLink = link
        }

        for key in (raw["rules"]?.objectValue ?? [:]).keys.sorted() where !knownRules.contains(key.lowercased()) {
            issues.warning("rules.\(key)", "not a Summit rule, ignored")
        }
        let domain = template.tags.first { $0.indicator.uppercased() == "ASSIGNTO" }?.value
        if template.rule("includeAssignToTag", default: false), domain == nil {
            issues.warning(
                "tags", "rules.includeAssignToTag is on but no ASSIGNTO entry gives the e-mail domain; ASSIGNTO_ tags are used as they are")
        }

        for key in ["ticketDescription", "ticketInformation"] {
            if let value = raw[key], value.stringValue == nil, !value.isNull {
                issues.error(key, "expected a string, found \(value.typeName)")
            }
        }
        if raw["ticketDescription"] == nil {
            issues.warning("ticketDescription", "not set; incidents get the default description \"\(defaultDescription)\"")
        }

        var customAttributes: [SummitCustomAttribute] = []
        if let value = raw["customAttributes"], !value.isNull {
            if let entries = value.arrayValue {
                for (index, entry) in entries.enumerated() {
                    let path = "customAttributes[\(index)]"
                    guard entry.objectValue != nil else {
                        issues.error(path, "expected an object {groupName, name, value}, found \(entry.typeName)")
                        continue
                    }
                    let name = entry.member(caseInsensitive: "name")?.stringValue ?? ""
                    let text = entry.member(caseInsensitive: "value")?.scalarText
                    let group = entry.member(caseInsensitive: "groupName")?.stringValue ?? ""
                    if name.isEmpty { issues.error("\(path).name", "expected the custom field's name") }
                    if text == nil { issues.error("\(path).value", "expected a string") }
                    if group.isEmpty { issues.warning("\(path).groupName", "not set; \"\(defaultCustomGroup)\" is used") }
                    if !name.isEmpty, let text {
                        customAttributes.append(
                            SummitCustomAttribute(groupName: group.isEmpty ? defaultCustomGroup : group, name: name, value: text))
                    }
                }
            } else {
                issues.error("customAttributes", "expected an array of {groupName, name, value}, found \(value.typeName)")
            }
        }

        var reopenStatus = defaultReopenStatus
        if let value = template.variables["reopenStatus"], !value.isNull {
            let status = value.stringValue?.trimmingCharacters(in: .whitespaces) ?? ""
            if status.isEmpty {
                issues.error("variables.reopenStatus", "expected a Summit status such as \"In-Progress\", found \(value.typeName)")
            } else if [.resolved, .closed, .cancelled].contains(SummitStatus.normalized(status)) {
                issues.error("variables.reopenStatus", "\"\(status)\" does not reopen a ticket; use an open status such as \"In-Progress\"")
            } else {
                reopenStatus = status
            }
        }

        guard !issues.contains(where: { $0.severity == .error }), let address, let viewLink else { return (nil, issues) }
        let routing = SummitTagRouting(
            workGroup: template.rule("includeWorkGroupNameTag", default: false),
            category: template.rule("includeCategoryNameTag", default: false),
            assignTo: template.rule("includeAssignToTag", default: false), assignToDomain: domain)
        let settings = SummitSettings(
            templateName: template.name, address: address, incidentPath: incident,
            attachmentPath: template.url(named: "attachment").flatMap { $0.isEmpty ? nil : $0 }, viewLink: viewLink,
            ticketDescription: raw["ticketDescription"]?.stringValue, ticketInformation: raw["ticketInformation"]?.stringValue,
            customAttributes: customAttributes, reopenStatus: reopenStatus, routing: routing)
        return (settings, issues)
    }
}
