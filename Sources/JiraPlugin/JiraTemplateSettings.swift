import ConnectorKit
import Foundation

/// A Jira template's own part (SPEC §6.4), read once when the template is loaded.
struct JiraTemplateSettings: Sendable {
    /// JSM's request API: issues created through it get a request type (portal, queues, SLAs).
    struct ServiceDesk: Sendable {
        var id: String
        var requestTypeID: String
    }

    /// `address.value`: the site, with a Data Center context path when there is one.
    var baseURL: String
    /// `viewAddress.value`, else the address: where people open an issue (`<viewURL>/browse/KEY`).
    var viewURL: String
    var projectKey: String
    var issueType = "Incident"
    /// 3 (Cloud, Atlassian Document Format) or 2 (Data Center, plain text).
    var apiVersion = 3
    var serviceDesk: ServiceDesk?
    /// The one transition a reopen may take; nil: any that leads back to work.
    var reopenTransition: String?
    /// Status or resolution names that make a done issue a cancelled one (matched in any case).
    var cancelledNames = ["Canceled", "Cancelled", "Won't Do"]

    /// How messages name the site: `Jira (acme.atlassian.net)`.
    var service: String { "Jira (\(ServiceAddress(baseURL)?.authority ?? baseURL))" }

    /// The fields the backend sends (SPEC §6.4); an attribute by another name is warned about and not sent.
    static func isSent(_ field: String) -> Bool {
        ["summary", "description", "priority", "labels", "components"].contains(field) || isCustomField(field)
    }

    static func isCustomField(_ field: String) -> Bool {
        field.hasPrefix("customfield_") && field.count > 12 && field.dropFirst(12).allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// The settings, or nil when an error among the issues makes the template unusable.
    static func read(_ template: Template) -> (JiraTemplateSettings?, [TemplateIssue]) {
        var issues: [TemplateIssue] = []
        let variables = template.variables
        func text(_ key: String) -> String? {
            guard let value = variables[key], !value.isNull else { return nil }
            guard let text = value.scalarText?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
                issues.append(TemplateIssue(.error, path: "variables.\(key)", "expected a non-empty string, found \(value.serialized())"))
                return nil
            }
            return text
        }

        let address = template.address.flatMap(ServiceAddress.init)
        if template.address == nil {
            issues.append(TemplateIssue(.error, path: "address.value", "is required: the site's base URL (https://acme.atlassian.net)"))
        }
        var view = address
        if let written = template.raw["viewAddress"]?["value"] {
            view = written.stringValue.flatMap(ServiceAddress.init)
            if view == nil {
                issues.append(TemplateIssue(.error, path: "viewAddress.value", "expected host[:port] or an http(s):// base URL"))
            }
        }
        let projectKey = text("projectKey")?.uppercased()
        if let projectKey,
            projectKey.first?.isLetter != true || !projectKey.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        {
            issues.append(TemplateIssue(.error, path: "variables.projectKey", "\"\(projectKey)\" is not a Jira project key (OPS, IT_OPS)"))
        } else if projectKey == nil, variables["projectKey"]?.isNull ?? true {
            issues.append(TemplateIssue(.error, path: "variables.projectKey", "is required: the key of the project issues are opened in"))
        }
        var settings = JiraTemplateSettings(baseURL: address?.baseURL ?? "", viewURL: view?.baseURL ?? "", projectKey: projectKey ?? "")
        settings.issueType = text("issueType") ?? settings.issueType
        if let version = variables["apiVersion"] {
            if let number = version.intValue, [2, 3].contains(number) {
                settings.apiVersion = number
            } else {
                issues.append(
                    TemplateIssue(
                        .error, path: "variables.apiVersion", "must be 3 (Cloud) or 2 (Data Center), found \(version.serialized())"))
            }
        }
        switch (text("serviceDeskId"), text("requestTypeId")) {
        case (let desk?, let type?): settings.serviceDesk = ServiceDesk(id: desk, requestTypeID: type)
        case (nil, nil): break
        case (_?, nil), (nil, _?):
            issues.append(
                TemplateIssue(
                    .warning, path: "variables",
                    "serviceDeskId and requestTypeId work together; with one alone, issues are created through the platform API"))
        }
        settings.reopenTransition = text("reopenTransition")
        if let names = variables["cancelledNames"] {
            if let list = names.arrayValue?.compactMap(\.stringValue), list.count == names.arrayValue?.count {
                settings.cancelledNames = list
            } else {
                issues.append(TemplateIssue(.error, path: "variables.cancelledNames", "expected an array of status or resolution names"))
            }
        }
        let attributes = [
            ("attributes", template.attributes), ("workingHoursAttributes", template.workingHoursAttributes),
            ("nonWorkingHoursAttributes", template.nonWorkingHoursAttributes),
        ]
        for (key, fields) in attributes {
            for (index, field) in fields.enumerated() where !isSent(field.name) {
                issues.append(
                    TemplateIssue(
                        .warning, path: "\(key)[\(index)].name",
                        "\"\(field.name)\" is not a field the Jira backend sends "
                            + "(summary, description, priority, labels, components, customfield_N); ignored"))
            }
        }
        return (issues.contains { $0.severity == .error } ? nil : settings, issues)
    }
}
