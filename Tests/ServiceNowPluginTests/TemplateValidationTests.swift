import ConnectorKit
import ConnectorTesting
import Foundation
import Testing

@testable import ServiceNowPlugin

@Suite("Template validation")
struct TemplateValidationTests {
    /// Loads a template and returns the loader's configuration error message (nil when it loaded).
    private func loadError(_ json: String) -> String? {
        do {
            _ = try Fixture.load(json)
            return nil
        } catch {
            return (error as? ConnectorError)?.message ?? "\(error)"
        }
    }

    @Test func aCompleteSMATemplateLoadsWithItsDefaults() throws {
        let loaded = try Fixture.load(Fixture.templateJSON())
        #expect(loaded.plugin.id == "servicenow")
        #expect(loaded.warnings.isEmpty)
        let settings = try ServiceNowTemplateSettings(template: loaded.template)
        #expect(settings.address.baseURL == "https://acme.service-now.com")
        #expect(settings.incidentPath == "api/now/table/incident")
        #expect(settings.attachmentPath == "api/now/attachment/file")
        #expect(settings.reopenState == "2")
        #expect(settings.includeCorrelationID)
        #expect(loaded.template.raw["credentials"]?["user"]?.stringValue == "env:SNOW_USER")
    }

    @Test func getincidentDefaultsToTheIncidentURL() throws {
        let json = Fixture.templateJSON().replacingOccurrences(
            of: #"{ "name": "getincident", "value": "api/now/table/incident" },"#, with: "")
        let settings = try ServiceNowTemplateSettings(template: Fixture.load(json).template)
        #expect(settings.getIncidentPath == "api/now/table/incident")
    }

    @Test func theIncidentURLIsRequired() {
        let json = Fixture.templateJSON().replacingOccurrences(of: #"{ "name": "incident", "value": "api/now/table/incident" },"#, with: "")
        let message = loadError(json)
        #expect(message?.contains(#"urls: needs an entry {"name": "incident""#) == true)
    }

    @Test func anEmptyURLValueIsReportedWithItsIndex() {
        let json = Fixture.templateJSON().replacingOccurrences(of: #""value": "api/now/attachment/file""#, with: #""value": """#)
        #expect(loadError(json)?.contains("urls[2].value: expected a path") == true)
    }

    @Test func withoutAnAttachmentURLJobLogsGoToTheAttachmentAPIWithAWarning() throws {
        let withoutAttachment = { (rules: [String: Bool]) in
            Fixture.templateJSON(rules: rules).replacingOccurrences(
                of: #",\#n    { "name": "attachment", "value": "api/now/attachment/file" }"#, with: "")
        }
        #expect(withoutAttachment([:]).contains("attachment") == false)

        // includeJobLogAttachment is on by default, and on here.
        let loaded = try Fixture.load(withoutAttachment([:]))
        #expect(try ServiceNowTemplateSettings(template: loaded.template).attachmentPath == "api/now/attachment/file")
        let warning = loaded.warnings.first { $0.contains("urls: no entry named \"attachment\"") }
        #expect(warning?.contains("servicenow.json") == true, "\(loaded.warnings)")
        #expect(warning?.contains(#"job logs are attached through "api/now/attachment/file""#) == true, "\(loaded.warnings)")

        // Not attaching job logs, the template needs no attachment url and hears nothing about it.
        let quiet = try Fixture.load(withoutAttachment(["includeJobLogAttachment": false]))
        #expect(try ServiceNowTemplateSettings(template: quiet.template).attachmentPath == nil)
        #expect(quiet.warnings.isEmpty, "\(quiet.warnings)")
    }

    @Test func credentialsAreRequired() {
        let json = Fixture.templateJSON().replacingOccurrences(of: #""password": "env:SNOW_PASSWORD""#, with: #""password": """#)
        #expect(loadError(json)?.contains("credentials.password: must be a non-empty string") == true)
        let noUser = Fixture.templateJSON().replacingOccurrences(of: #""user": "env:SNOW_USER", "#, with: "")
        #expect(loadError(noUser)?.contains("credentials.user: is required") == true)
    }

    @Test func anAddressIsRequired() {
        let json = Fixture.templateJSON().replacingOccurrences(
            of: #""address": { "name": "production", "value": "https://acme.service-now.com" },"#, with: "")
        #expect(loadError(json)?.contains("address.value: the ServiceNow instance is required") == true)
    }

    @Test(arguments: ["1", "2", "\"2\""])
    func reopenStateOneOrTwoIsAccepted(value: String) throws {
        let settings = try Fixture.settings(extra: #""variables": { "incidentReopenState": \#(value) }"#)
        #expect(settings.reopenState == value.replacingOccurrences(of: "\"", with: ""))
    }

    @Test(arguments: ["3", "6", "\"In Progress\"", "true"])
    func anyOtherReopenStateIsRefused(value: String) {
        let message = loadError(Fixture.templateJSON(extra: #""variables": { "incidentReopenState": \#(value) }"#))
        #expect(message?.contains("variables.incidentReopenState: expected 1 (New) or 2 (In Progress)") == true)
    }

    @Test func parseNotationEntriesNeedANameAndANotation() {
        let json = Fixture.templateJSON().replacingOccurrences(
            of: #"{ "name": "incidentsysid", "attribute": "sys_id", "notation": "result.sys_id" }"#,
            with: #"{ "name": "incidentsysid", "attribute": "sys_id" }, { "notation": "result.x" }"#)
        let message = loadError(json)
        #expect(message?.contains("parseNotations[4].notation") == true)
        #expect(message?.contains("parseNotations[5].name") == true)
    }

    @Test func customParseNotationsAreUsed() throws {
        let json = Fixture.templateJSON().replacingOccurrences(
            of: #""notation": "result.number""#, with: #""notation": "result.record.number""#)
        let settings = try ServiceNowTemplateSettings(template: Fixture.load(json).template)
        #expect(settings.notations.path(.incidentNumber) == "result.record.number")
        #expect(settings.notations.path(.incidentSysID) == "result.sys_id")
    }

    @Test func resolvedActionAcceptsMarkFixedOrRestart() throws {
        #expect(try Fixture.load(Fixture.templateJSON(extra: #""resolvedAction": "restart""#)).warnings.isEmpty)
        #expect(try Fixture.load(Fixture.templateJSON(extra: #""resolvedAction": "markFixed""#)).warnings.isEmpty)
        #expect(
            loadError(Fixture.templateJSON(extra: #""resolvedAction": "release""#))?.contains(
                #"resolvedAction: must be "markFixed" or "restart", found "release""#) == true)
    }

    @Test func aQuotedIncludeCorrelationIdSwitchesCorrelationOnWithAWarning() throws {
        let json = Fixture.templateJSON().replacingOccurrences(
            of: #""includeCorrelationId": true"#, with: #""includeCorrelationId": "TRUE""#)
        #expect(json.contains(#""includeCorrelationId": "TRUE""#))
        let loaded = try Fixture.load(json)
        #expect(try ServiceNowTemplateSettings(template: loaded.template).includeCorrelationID)
        #expect(loaded.warnings.contains { $0.contains("servicenow.json: rules.includeCorrelationId") }, "\(loaded.warnings)")
    }

    @Test func cmdbRulesLoadWithAWarning() throws {
        let loaded = try Fixture.load(Fixture.templateJSON(rules: ["applicationIdRetrievalFromCmdb": true]))
        #expect(loaded.warnings.contains { $0.contains("rules.applicationIdRetrievalFromCmdb") && $0.contains("not supported yet") })
    }

    @Test func everySMATopLevelKeyIsKnown() throws {
        let extra = """
            "appIdLocation": { "startLocation": 2, "numberOfChars": 3, "tagIdPrefix": "TAG002" },
            "jobDescriptionXmlTag": { "xmlTag": "" },
            "tags": [],
            "workingHours": { "monday": { "start": "0800", "stop": "1900" } },
            "workingHoursAttributes": [], "nonWorkingHoursAttributes": [],
            "documentationRouting": { "routingAttribute": "" },
            "variables": { "incidentReopenState": 1, "cmdbQueryFieldAttributeName": "u_trigramme" },
            "connector": "servicenow"
            """
        let loaded = try Fixture.load(Fixture.templateJSON(extra: extra))
        #expect(loaded.warnings.isEmpty)
    }

    @Test func documentationRoutingNeedsTheXMLRuleAndATag() {
        let message = loadError(
            Fixture.templateJSON(
                rules: ["routingByDocumentationContent": true],
                extra: #""documentationRouting": { "routingAttribute": "assignment_group" }"#))
        #expect(message?.contains("rules.routingByDocumentationContent: needs rules.extractXmlContentFromJobDescription") == true)
        #expect(message?.contains("jobDescriptionXmlTag.xmlTag") == true)
    }
}

@Suite("Recognising templates")
struct RecognitionTests {
    @Test func parseNotationsOrAnApiNowURLMeanServiceNow() throws {
        #expect(ServiceNowPlugin.recognizes(try JSONValue.parse(#"{"parseNotations": []}"#)))
        #expect(ServiceNowPlugin.recognizes(try JSONValue.parse(#"{"urls": [{"name": "incident", "value": "api/now/table/incident"}]}"#)))
        #expect(
            !ServiceNowPlugin.recognizes(
                try JSONValue.parse(#"{"urls": [{"name": "incident", "value": "Summit_RESTWCF.svc"}], "ticketDescription": "x"}"#)))
    }

    @Test func thePluginIsNamedServiceNow() {
        #expect(ServiceNowPlugin.plugin.id == "servicenow")
        #expect(ServiceNowPlugin.plugin.displayName == "ServiceNow")
        #expect(ServiceNowPlugin.plugin.templateKeys.contains("parseNotations"))
        #expect(ServiceNowPlugin.plugin.requiredCredentials == ["user", "password"])
    }
}

@Suite("The example template")
struct ExampleTemplateTests {
    /// `templates/servicenow.jsonBody` in this repository.
    private var examplePath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("templates/servicenow.json").path
    }

    @Test func itLoadsWithoutWarningsAndUsesTheDocumentedFeatures() throws {
        let folder = URL(fileURLWithPath: examplePath).deletingLastPathComponent().path
        let loader = TemplateLoader(registry: BackendRegistry([ServiceNowPlugin.plugin]), directory: folder)
        let loaded = try loader.load("servicenow.json", config: ConnectorConfig())
        #expect(loaded.warnings.isEmpty)
        let settings = try ServiceNowTemplateSettings(template: loaded.template)
        #expect(settings.includeCorrelationID)
        #expect(loaded.template.raw["credentials"]?["user"]?.stringValue?.hasPrefix("env:") == true)
        #expect(loaded.template.raw["credentials"]?["password"]?.stringValue?.hasPrefix("env:") == true)
        #expect(settings.documentationXMLTag == "ServiceNowInstructions")
        #expect(settings.documentationRouting?.routingAttribute == "assignment_group")
        #expect(loaded.template.tags.map(\.indicator) == ["EXIT", "TAG_START", "TAG_END", "DEFAULT"])
    }
}
