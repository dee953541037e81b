import ConnectorKit

/// The parts of a ServiceNow template the backend uses, read and checked once (SMA format, sma-connectors §6.1).
public struct ServiceNowTemplateSettings: Sendable, Equatable {
    /// The instance: `address.value`.
    public var address: ServiceAddress
    /// `urls` `incident`: where incidents are created (POST) and updated (PUT `<path>/<sys_id>`).
    public var incidentPath: String
    /// `urls` `getincident`: where incidents are queried; defaults to `incidentPath`.
    public var getIncidentPath: String
    /// `urls` `attachment`: the Attachment API (`api/now/attachment/file`, also when a template attaching job logs
    /// names none); nil when the template has none and does not attach job logs.
    public var attachmentPath: String?
    public var notations: ParseNotations
    /// `rules.includeCorrelationId` (default false): send `correlation_display`/`correlation_id` and use them to find tickets.
    public var includeCorrelationID: Bool
    /// `variables.incidentReopenState`: the `state` a resolved incident is moved back to, `"1"` or `"2"` (default).
    public var reopenState: String
    /// `jobDescriptionXmlTag.xmlTag` when `rules.extractXmlContentFromJobDescription` is on: the element whose content
    /// in the job documentation is added to the description (and, with documentation routing, decides the route).
    public var documentationXMLTag: String?
    /// `documentationRouting` when `rules.routingByDocumentationContent` is on.
    public var documentationRouting: DocumentationRouting?
    /// The template's `workingHours`, which documentation routing consults.
    public var workingHours: [Int: WorkingWindow]?

    /// The Attachment API path used when a template that attaches job logs names none (`urls` `attachment`).
    public static let defaultAttachmentPath = "api/now/attachment/file"

    /// The `correlation_display` value the SMA ServiceNow application's business rules test for.
    public static let correlationDisplay = "SMA_OPCON"

    /// Reads the settings and collects every issue, each with the JSON path of the culprit. Settings are nil when
    /// there is at least one error.
    public static func read(_ template: Template) -> (ServiceNowTemplateSettings?, [TemplateIssue]) {
        var issues: [TemplateIssue] = []
        let raw = template.raw

        // address.value (the loader already reports a value that is not a string or not an address)
        let address = template.address.flatMap(ServiceAddress.init)
        if template.address == nil && raw["address"]?["value"] == nil {
            issues.error("address.value", "the ServiceNow instance is required, e.g. \"acme.service-now.com\"")
        }

        // urls
        let includeJobLogAttachment = template.rule("includeJobLogAttachment", default: true)
        let incidentPath = template.checkedURL(named: "incident", required: true, example: "api/now/table/incident", issues: &issues)
        let getIncidentPath =
            template.checkedURL(named: "getincident", required: false, example: "api/now/table/incident", issues: &issues) ?? incidentPath
        var attachmentPath = template.checkedURL(named: "attachment", required: false, example: defaultAttachmentPath, issues: &issues)
        // SMA templates may leave the attachment url out while attaching job logs (the default): the SMA notes list a
        // default for it, though a wrong one (the incident table; sma-connectors §14.7). Use the Attachment API path
        // their examples use, and say so, rather than refusing a template the SMA connector ran with.
        if includeJobLogAttachment, template.url(named: "attachment") == nil {
            attachmentPath = defaultAttachmentPath
            issues.warning(
                "urls",
                "no entry named \"attachment\"; job logs are attached through \"\(defaultAttachmentPath)\". Add {\"name\": \"attachment\", \"value\": \"\(defaultAttachmentPath)\"} to say so, or set rules.includeJobLogAttachment to false"
            )
        }

        // variables.incidentReopenState
        var reopenState = "2"
        if let value = template.variables.first(where: { $0.key.lowercased() == "incidentreopenstate" })?.value {
            if let state = value.intValue, state == 1 || state == 2 {
                reopenState = String(state)
            } else {
                issues.error(
                    "variables.incidentReopenState", "expected 1 (New) or 2 (In Progress), found \(value.scalarText ?? value.typeName)")
            }
        }

        let notations = readNotations(raw, issues: &issues)

        // Documentation rules: the XML tag, and routing by whether the documentation carries it.
        var xmlTag: String?
        let extractXML = template.rule("extractXmlContentFromJobDescription", default: false)
        let routeByDocumentation = template.rule("routingByDocumentationContent", default: false)
        if extractXML || routeByDocumentation {
            let tag = raw["jobDescriptionXmlTag"]?["xmlTag"]?.stringValue?.trimmingCharacters(in: .whitespaces) ?? ""
            if tag.isEmpty || tag.contains("<") || tag.contains(">") {
                issues.error(
                    "jobDescriptionXmlTag.xmlTag",
                    "expected the name of the XML element (without < >) whose content the job documentation carries")
            } else {
                xmlTag = tag
            }
        }
        if routeByDocumentation && !extractXML {
            issues.error("rules.routingByDocumentationContent", "needs rules.extractXmlContentFromJobDescription set to true")
        }
        var documentationRouting: DocumentationRouting?
        if routeByDocumentation {
            documentationRouting = DocumentationRouting.read(raw["documentationRouting"], issues: &issues)
        }

        for rule in ["applicationIdRetrievalFromCmdb", "extractAppIdFromScheduleName", "extractAppIdFromTagName"]
        where template.rule(rule, default: false) {
            issues.warning("rules.\(rule)", "the CMDB application-id lookup is not supported yet; no application id is sent")
        }
        if template.rule("includeCorrelationId", default: false),
            template.attributes.contains(where: { $0.name == "correlation_display" && $0.value != correlationDisplay && !$0.value.isEmpty })
        {
            issues.warning(
                "attributes",
                "correlation_display is always sent as \(correlationDisplay) when includeCorrelationId is on (the SMA business rules test for it)"
            )
        }

        guard !issues.contains(where: { $0.severity == .error }), let address, let incidentPath, let getIncidentPath
        else { return (nil, issues) }

        let settings = ServiceNowTemplateSettings(
            address: address, incidentPath: incidentPath, getIncidentPath: getIncidentPath, attachmentPath: attachmentPath,
            notations: notations,
            includeCorrelationID: template.rule("includeCorrelationId", default: false), reopenState: reopenState,
            documentationXMLTag: xmlTag, documentationRouting: documentationRouting, workingHours: template.workingHours)
        return (settings, issues)
    }

    private static func readNotations(_ raw: JSONValue, issues: inout [TemplateIssue]) -> ParseNotations {
        guard let value = raw.member(caseInsensitive: "parseNotations"), !value.isNull else { return ParseNotations() }
        guard let entries = value.arrayValue else {
            issues.error("parseNotations", "expected an array of {name, attribute, notation}")
            return ParseNotations()
        }
        var paths: [String: String] = [:]
        for (index, entry) in entries.enumerated() {
            guard let name = entry["name"]?.stringValue, !name.isEmpty else {
                issues.error("parseNotations[\(index)].name", "expected a notation name such as \"incidentnumber\"")
                continue
            }
            guard let notation = entry["notation"]?.stringValue, !notation.trimmingCharacters(in: .whitespaces).isEmpty else {
                issues.error("parseNotations[\(index)].notation", "expected a path such as \"result.number\"")
                continue
            }
            if ParseNotations.Name(rawValue: name.lowercased()) == nil {
                let known = ParseNotations.Name.allCases.map(\.rawValue).joined(separator: ", ")
                issues.warning("parseNotations[\(index)].name", "\"\(name)\" is not used; known names: \(known)")
            }
            paths[name.lowercased()] = notation.trimmingCharacters(in: .whitespaces)
        }
        return ParseNotations(paths: paths)
    }
}

extension ServiceNowTemplateSettings {
    /// Reads the settings of a template; throws a configuration error listing every problem.
    public init(template: Template) throws(ConnectorError) {
        let (settings, issues) = Self.read(template)
        guard let settings else {
            let errors = issues.filter { $0.severity == .error }.map(\.description)
            // The loader reports an unusable address.value itself; say it again when called without the loader.
            let list = errors.isEmpty ? "address.value: expected host[:port] or an http(s):// base URL" : errors.joined(separator: "; ")
            throw .configuration("Template \(template.path) is not valid (ServiceNow): \(list).")
        }
        self = settings
    }
}
