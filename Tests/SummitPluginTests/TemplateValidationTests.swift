import ConnectorKit
import Foundation
import Testing
@testable import SummitPlugin

@Suite("Template validation")
struct TemplateValidationTests {
    func config(dailyStartHour: Int? = 7) -> ConnectorConfig {
        var config = ConnectorConfig()
        config.general.dailyStartHour = dailyStartHour
        config.path = "/opt/connector/Connector.config"
        return config
    }

    func errors(_ raw: JSONValue, config: ConnectorConfig? = nil) -> [TemplateIssue] {
        SummitPlugin.plugin.validate(makeTemplate(raw), config ?? self.config()).filter { $0.severity == .error }
    }

    func removing(_ key: String, from raw: JSONValue) -> JSONValue {
        var members = raw.objectValue!
        members.removeValue(forKey: key)
        return .object(members)
    }

    func withURLs(_ urls: JSONValue, rules: JSONValue? = nil) -> JSONValue {
        sampleRaw(rules: rules).setting("urls", to: urls)
    }

    @Test func sampleTemplateIsValid() {
        #expect(errors(sampleRaw()).isEmpty)
    }

    @Test func addressIsRequired() {
        let issues = errors(removing("address", from: sampleRaw()))
        #expect(issues.map(\.path) == ["address.value"])
    }

    @Test func apiKeyIsRequiredAndMustBeText() {
        #expect(errors(removing("credentials", from: sampleRaw())).map(\.path) == ["credentials.apiKey"])
        #expect(errors(sampleRaw(extra: ["credentials": ["apiKey": 42]])).map(\.path) == ["credentials.apiKey"])
        #expect(errors(sampleRaw(extra: ["credentials": ["apiKey": ""]])).map(\.path) == ["credentials.apiKey"])
    }

    @Test func incidentAndViewIncidentURLsAreRequired() {
        let urls: JSONValue = [["name": "attachment", "value": "a/Summit_UploadAttachmentBase64Encoded"]]
        let issues = errors(withURLs(urls))
        #expect(issues.count == 2)
        #expect(issues.allSatisfy { $0.path == "urls" })
        #expect(issues.contains { $0.message.contains("incident") && !$0.message.contains("viewIncident") })
        #expect(issues.contains { $0.message.contains("viewIncident") })
    }

    @Test func viewIncidentNeedsTheTicketNumberPlaceholder() {
        let urls: JSONValue = [
            ["name": "incident", "value": "api/CommonWS_JsonObjCall_JSON"],
            ["name": "attachment", "value": "api/Summit_UploadAttachmentBase64Encoded"],
            ["name": "viewIncident", "value": "https://{0}/MDLIncidentMgmt/IM_TicketDetail.aspx"],
        ]
        let issues = errors(withURLs(urls))
        #expect(issues.map(\.path) == ["urls[2].value"])
        #expect(issues.first?.message.contains("{1}") == true)
    }

    @Test func attachmentURLIsRequiredOnlyWhenTheJobLogIsAttached() {
        let urls: JSONValue = [
            ["name": "incident", "value": "api/CommonWS_JsonObjCall_JSON"],
            ["name": "viewIncident", "value": "https://{0}/IM_TicketDetail.aspx?ID={1}"],
        ]
        let on = errors(withURLs(urls, rules: ["includeJobLogAttachment": true]))
        #expect(on.map(\.path) == ["urls"])
        #expect(on.first?.message.contains("attachment") == true)
        #expect(errors(withURLs(urls, rules: ["includeJobLogAttachment": false])).isEmpty)
        #expect(errors(withURLs(urls, rules: [:])).isEmpty)
    }

    @Test func singleIncidentPerDayNeedsDailyStartHour() {
        let raw = sampleRaw(rules: ["submitSingleIncidentPerDay": true, "includeJobLogAttachment": true])
        let issues = errors(raw, config: config(dailyStartHour: nil))
        #expect(issues.map(\.path) == ["rules.submitSingleIncidentPerDay"])
        #expect(issues.first?.message.contains("DAILY_START_HOUR") == true)
        #expect(issues.first?.message.contains("/opt/connector/Connector.config") == true)
        #expect(errors(raw, config: config(dailyStartHour: 7)).isEmpty)
    }

    @Test func customAttributesNeedNameAndValue() {
        let raw = sampleRaw(extra: ["customAttributes": [
            ["groupName": "Other Details", "name": "Job Name", "value": "@EV_Job"],
            ["groupName": "Other Details", "value": "x"],
            ["groupName": "Other Details", "name": "Abend"],
            "not an object",
        ]])
        #expect(errors(raw).map(\.path) == ["customAttributes[1].name", "customAttributes[2].value", "customAttributes[3]"])
        #expect(errors(sampleRaw(extra: ["customAttributes": ["name": "x"]])).map(\.path) == ["customAttributes"])
    }

    @Test func missingGroupNameIsOnlyAWarning() {
        let raw = sampleRaw(extra: ["customAttributes": [["name": "Job Name", "value": "@EV_Job"]]])
        let issues = SummitPlugin.plugin.validate(makeTemplate(raw), config())
        #expect(issues == [TemplateIssue(.warning, path: "customAttributes[0].groupName", "not set; \"Other Details\" is used")])
    }

    @Test func viewAddressMustBeAnAddress() {
        let raw = sampleRaw(extra: ["viewAddress": ["name": "view", "value": "not a host"]])
        #expect(errors(raw).map(\.path) == ["viewAddress.value"])
    }

    @Test func reopenStatusMustReopen() {
        let closed = sampleRaw(extra: ["variables": ["reopenStatus": "Closed"]])
        #expect(errors(closed).map(\.path) == ["variables.reopenStatus"])
        let number = sampleRaw(extra: ["variables": ["reopenStatus": 2]])
        #expect(errors(number).map(\.path) == ["variables.reopenStatus"])
        #expect(errors(sampleRaw(extra: ["variables": ["reopenStatus": "Assigned"]])).isEmpty)
    }

    @Test func resolvedActionMustBeASyncAction() {
        #expect(errors(sampleRaw(extra: ["resolvedAction": "restart"])).isEmpty)
        #expect(errors(sampleRaw(extra: ["resolvedAction": "close"])).map(\.path) == ["resolvedAction"])
    }

    /// The template shipped in templates/summit.json loads through ConnectorKit's loader without errors or warnings.
    @Test func shippedTemplateLoadsCleanly() throws {
        let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("templates")
        let loader = TemplateLoader(registry: BackendRegistry([SummitPlugin.plugin]), directory: templates.path)
        let loaded = try loader.load("summit.json", config: config())
        #expect(loaded.plugin.id == "summit")
        #expect(loaded.warnings.isEmpty)
        let settings = try SummitSettings(template: loaded.template)
        #expect(settings.apiKeySetting == "env:SUMMIT_API_KEY")
        #expect(settings.attachmentPath != nil)
        #expect(settings.routing == SummitTagRouting(workGroup: true, category: true, assignTo: true, assignToDomain: "@example.com"))
    }

    @Test func unknownRulesAndMissingDomainAreWarnings() {
        let raw = sampleRaw(rules: ["includeAssignToTag": true, "includeCorrelationId": true])
            .setting("tags", to: [])
        let issues = SummitPlugin.plugin.validate(makeTemplate(raw), config())
        #expect(issues.allSatisfy { $0.severity == .warning })
        #expect(Set(issues.map(\.path)) == ["rules.includeCorrelationId", "tags"])
    }

    /// Through ConnectorKit's loader: the shared checks and the Summit checks meet in one message.
    @Test func loaderReportsRuleTypesAndSummitIssuesWithPaths() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("summit-load-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let raw = sampleRaw(rules: ["includeJobLogAttachment": "day", "submitSingleIncidentPerDay": true])
            .setting("credentials", to: [:])
        try raw.data().write(to: folder.appendingPathComponent("bad.json"))
        let loader = TemplateLoader(registry: BackendRegistry([SummitPlugin.plugin]), directory: folder.path)
        var thrown: ConnectorError?
        do {
            _ = try loader.load("bad.json", config: config(dailyStartHour: nil))
        } catch {
            thrown = error
        }
        #expect(thrown?.exitCode == .configuration)
        let message = thrown?.message ?? ""
        #expect(message.contains("rules.includeJobLogAttachment"))
        #expect(message.contains("rules.submitSingleIncidentPerDay"))
        #expect(message.contains("credentials.apiKey"))
    }
}
