import ConnectorKit
import Foundation

/// Checks the Summit parts of a template (SMA format, sma-connectors §6.2). ConnectorKit's loader already checks the
/// shapes every format shares (`address.value` syntax, rule values are booleans, `urls` entries are `{name, value}`);
/// this adds what Summit needs. Every issue names its JSON path.
enum SummitTemplateValidator {
    /// The rules a Summit template may set.
    static let knownRules: Set<String> = [
        "includejoblogattachment", "includetagrouting", "includecategorynametag", "includeworkgroupnametag",
        "submitsingleincidentperday", "includeassigntotag", LogExcerpt.ruleName.lowercased(),
    ]

    static func validate(_ template: Template, _ config: ConnectorConfig) -> [TemplateIssue] {
        var issues: [TemplateIssue] = []
        let raw = template.raw

        if raw["address"] == nil {
            issues.append(TemplateIssue(.error, path: "address.value", "required: the Summit API host (host[:port]) or an http(s):// base URL"))
        }
        checkViewAddress(raw, &issues)
        checkCredentials(raw, &issues)
        checkURLs(template, &issues)
        checkRules(template, config, &issues)
        checkTexts(raw, &issues)
        checkCustomAttributes(raw["customAttributes"], &issues)
        checkReopenStatus(template, &issues)
        checkResolvedAction(raw, &issues)
        return issues
    }

    static func checkViewAddress(_ raw: JSONValue, _ issues: inout [TemplateIssue]) {
        guard let view = raw["viewAddress"], !view.isNull else { return }
        guard let value = view["value"]?.stringValue else {
            issues.append(TemplateIssue(.error, path: "viewAddress.value", "expected a string: the Summit host people open incidents on"))
            return
        }
        if !value.isEmpty, ServiceAddress(value) == nil {
            issues.append(TemplateIssue(.error, path: "viewAddress.value", "expected host[:port] or an http(s):// base URL, found \"\(value)\""))
        }
    }

    static func checkCredentials(_ raw: JSONValue, _ issues: inout [TemplateIssue]) {
        guard let key = raw["credentials"]?["apiKey"] else {
            issues.append(TemplateIssue(.error, path: "credentials.apiKey", "required: the Summit API key (env:NAME, file:PATH or the EncryptValue form)"))
            return
        }
        guard let text = key.stringValue, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            issues.append(TemplateIssue(.error, path: "credentials.apiKey", "expected a non-empty string, found \(key.typeName)"))
            return
        }
    }

    /// Position of a `urls` entry by name (ignoring case), for JSON paths.
    static func urlIndex(_ raw: JSONValue, named name: String) -> Int? {
        raw["urls"]?.arrayValue?.firstIndex { $0["name"]?.stringValue?.caseInsensitiveCompare(name) == .orderedSame }
    }

    static func checkURLs(_ template: Template, _ issues: inout [TemplateIssue]) {
        let raw = template.raw
        let address = template.address.flatMap(ServiceAddress.init)

        if let incident = template.url(named: "incident"), !incident.isEmpty {
            if let address, address.url(forPath: incident) == nil {
                let index = urlIndex(raw, named: "incident") ?? 0
                issues.append(TemplateIssue(.error, path: "urls[\(index)].value", "\"\(incident)\" does not make a URL with address.value"))
            }
        } else {
            issues.append(TemplateIssue(.error, path: "urls", "needs an entry named incident (e.g. api_integration/REST/Summit_RESTWCF.svc/RESTService/CommonWS_JsonObjCall_JSON)"))
        }

        if let pattern = template.url(named: "viewIncident"), !pattern.isEmpty {
            let index = urlIndex(raw, named: "viewIncident") ?? 0
            if !pattern.contains("{1}") {
                issues.append(TemplateIssue(.error, path: "urls[\(index)].value", "the viewIncident pattern needs {1} where the ticket number goes"))
            } else {
                let viewValue = raw["viewAddress"]?["value"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? template.address
                if let viewValue, let link = SummitViewLink(pattern: pattern, addressValue: viewValue) {
                    let sample = link.url(forTicket: "1")
                    let scheme = URL(string: sample)?.scheme?.lowercased()
                    if URL(string: sample)?.host == nil || (scheme != "http" && scheme != "https") {
                        issues.append(TemplateIssue(.error, path: "urls[\(index)].value", "the viewIncident pattern makes \"\(sample)\", which is not an http(s) link"))
                    }
                }
            }
        } else {
            issues.append(TemplateIssue(.error, path: "urls", "needs an entry named viewIncident (e.g. https://{0}/MDLIncidentMgmt/IM_TicketDetail.aspx?ID={1})"))
        }

        let attachment = template.url(named: "attachment") ?? ""
        if template.rule("includeJobLogAttachment", default: false), attachment.isEmpty {
            issues.append(TemplateIssue(.error, path: "urls", "needs an entry named attachment because rules.includeJobLogAttachment is on (e.g. api_integration/REST/Summit_RESTWCF.svc/RESTService/Summit_UploadAttachmentBase64Encoded)"))
        }
    }

    static func checkRules(_ template: Template, _ config: ConnectorConfig, _ issues: inout [TemplateIssue]) {
        for key in (template.raw["rules"]?.objectValue ?? [:]).keys.sorted() where !knownRules.contains(key.lowercased()) {
            issues.append(TemplateIssue(.warning, path: "rules.\(key)", "not a Summit rule, ignored"))
        }
        if template.rule("submitSingleIncidentPerDay", default: false), config.general.dailyStartHour == nil {
            let file = config.path.isEmpty ? "Connector.config" : config.path
            issues.append(TemplateIssue(.error, path: "rules.submitSingleIncidentPerDay", "needs DAILY_START_HOUR (0-23) in the [GENERAL] section of \(file)"))
        }
        if template.rule("includeAssignToTag", default: false), !template.tags.contains(where: { $0.indicator.uppercased() == "ASSIGNTO" }) {
            issues.append(TemplateIssue(.warning, path: "tags", "rules.includeAssignToTag is on but no ASSIGNTO entry gives the e-mail domain; ASSIGNTO_ tags are used as they are"))
        }
    }

    static func checkTexts(_ raw: JSONValue, _ issues: inout [TemplateIssue]) {
        for key in ["ticketDescription", "ticketInformation"] {
            if let value = raw[key], value.stringValue == nil, !value.isNull {
                issues.append(TemplateIssue(.error, path: key, "expected a string, found \(value.typeName)"))
            }
        }
        if raw["ticketDescription"] == nil {
            issues.append(TemplateIssue(.warning, path: "ticketDescription", "not set; incidents get the default description \"\(SummitSettings.defaultDescription)\""))
        }
    }

    static func checkCustomAttributes(_ value: JSONValue?, _ issues: inout [TemplateIssue]) {
        guard let value, !value.isNull else { return }
        guard let entries = value.arrayValue else {
            issues.append(TemplateIssue(.error, path: "customAttributes", "expected an array of {groupName, name, value}, found \(value.typeName)"))
            return
        }
        for (index, entry) in entries.enumerated() {
            guard entry.objectValue != nil else {
                issues.append(TemplateIssue(.error, path: "customAttributes[\(index)]", "expected an object {groupName, name, value}, found \(entry.typeName)"))
                continue
            }
            if (entry.member(caseInsensitive: "name")?.stringValue ?? "").isEmpty {
                issues.append(TemplateIssue(.error, path: "customAttributes[\(index)].name", "expected the custom field's name"))
            }
            if entry.member(caseInsensitive: "value")?.scalarText == nil {
                issues.append(TemplateIssue(.error, path: "customAttributes[\(index)].value", "expected a string"))
            }
            if (entry.member(caseInsensitive: "groupName")?.stringValue ?? "").isEmpty {
                issues.append(TemplateIssue(.warning, path: "customAttributes[\(index)].groupName", "not set; \"\(SummitSettings.defaultCustomGroup)\" is used"))
            }
        }
    }

    /// `connector sync` reads `resolvedAction`; anything but its two values would silently mean markFixed.
    static func checkResolvedAction(_ raw: JSONValue, _ issues: inout [TemplateIssue]) {
        guard let value = raw["resolvedAction"], !value.isNull else { return }
        let text = value.stringValue?.lowercased()
        if text != "markfixed" && text != "restart" {
            let found = value.stringValue.map { "\"\($0)\"" } ?? value.typeName
            issues.append(TemplateIssue(.error, path: "resolvedAction", "expected \"markFixed\" or \"restart\", found \(found)"))
        }
    }

    static func checkReopenStatus(_ template: Template, _ issues: inout [TemplateIssue]) {
        guard let value = template.variables["reopenStatus"], !value.isNull else { return }
        guard let status = value.stringValue, !status.trimmingCharacters(in: .whitespaces).isEmpty else {
            issues.append(TemplateIssue(.error, path: "variables.reopenStatus", "expected a Summit status such as \"In-Progress\", found \(value.typeName)"))
            return
        }
        switch SummitStatus.normalized(status) {
        case .resolved, .closed, .cancelled:
            issues.append(TemplateIssue(.error, path: "variables.reopenStatus", "\"\(status)\" does not reopen a ticket; use an open status such as \"In-Progress\""))
        default: break
        }
    }
}
