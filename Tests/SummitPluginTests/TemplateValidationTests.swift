import ConnectorKit
import ConnectorTesting
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

    /// What the plugin finds wrong with the Summit parts of a template.
    func issues(_ raw: JSONValue, config: ConnectorConfig? = nil) -> [TemplateIssue] {
        SummitPlugin.plugin.configure(makeTemplate(raw), config ?? self.config()).issues
    }

    func errors(_ raw: JSONValue, config: ConnectorConfig? = nil) -> [TemplateIssue] {
        issues(raw, config: config).filter { $0.severity == .error }
    }

    /// Loads `raw` from a file through ConnectorKit's loader, which adds the checks every backend shares (credentials
    /// the plugin requires, the attachment url, `resolvedAction`) to the plugin's.
    func load(_ raw: JSONValue, config: ConnectorConfig? = nil) throws -> LoadedTemplate {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("summit-load-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try raw.data().write(to: folder.appendingPathComponent("summit.json"))
        return try TemplateLoader(registry: BackendRegistry([SummitPlugin.plugin]), directory: folder.path)
            .load("summit.json", config: config ?? self.config())
    }

    /// The loader's refusal of `raw` (exit 78, every error as `path: message`), or nil when it loads.
    func loadError(_ raw: JSONValue) -> ConnectorError? {
        do {
            _ = try load(raw)
            return nil
        } catch {
            return error as? ConnectorError ?? .internal("\(error)")
        }
    }

    func removing(_ key: String, from raw: JSONValue) -> JSONValue {
        var members = raw.objectValue!
        members.removeValue(forKey: key)
        return .object(members)
    }

    func withURLs(_ urls: JSONValue, rules: JSONValue? = nil) -> JSONValue {
        sampleRaw(rules: rules).setting("urls", to: urls)
    }

    @Test func sampleTemplateIsValid() throws {
        #expect(errors(sampleRaw()).isEmpty)
        #expect(try load(sampleRaw()).plugin.id == "summit")
    }

    @Test func addressIsRequired() {
        let issues = errors(removing("address", from: sampleRaw()))
        #expect(issues.map(\.path) == ["address.value"])
    }

    /// `requiredCredentials: ["apiKey"]`: ConnectorKit's loader checks it for the plugin.
    @Test(arguments: [nil, 42, "", "  "] as [JSONValue?])
    func apiKeyIsRequiredAndMustBeText(_ key: JSONValue?) {
        let raw = key.map { sampleRaw(extra: ["credentials": ["apiKey": $0]]) } ?? removing("credentials", from: sampleRaw())
        let error = loadError(raw)
        #expect(error?.exitCode == .configuration)
        #expect(error?.message.contains("credentials.apiKey: ") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("; ") == false, "only one error: \(error?.message ?? "")")
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

    /// `attachmentURLName: "attachment"`: ConnectorKit's loader checks it; Summit attaches no log unless told.
    @Test func attachmentURLIsRequiredOnlyWhenTheJobLogIsAttached() throws {
        let urls: JSONValue = [
            ["name": "incident", "value": "api/CommonWS_JsonObjCall_JSON"],
            ["name": "viewIncident", "value": "https://{0}/IM_TicketDetail.aspx?ID={1}"],
        ]
        #expect(errors(withURLs(urls, rules: ["includeJobLogAttachment": true])).isEmpty)
        let on = loadError(withURLs(urls, rules: ["includeJobLogAttachment": true]))
        #expect(on?.exitCode == .configuration)
        #expect(
            on?.message.contains("urls: job logs are attached (rules.includeJobLogAttachment) but no entry is named attachment") == true,
            "\(on?.message ?? "")")
        #expect(try !load(withURLs(urls, rules: ["includeJobLogAttachment": false])).attachesJobLog)
        #expect(try !load(withURLs(urls, rules: [:])).attachesJobLog)
    }

    @Test func customAttributesNeedNameAndValue() {
        let raw = sampleRaw(extra: [
            "customAttributes": [
                ["groupName": "Other Details", "name": "Job Name", "value": "@EV_Job"],
                ["groupName": "Other Details", "value": "x"],
                ["groupName": "Other Details", "name": "Abend"],
                "not an object",
            ]
        ])
        #expect(errors(raw).map(\.path) == ["customAttributes[1].name", "customAttributes[2].value", "customAttributes[3]"])
        #expect(errors(sampleRaw(extra: ["customAttributes": ["name": "x"]])).map(\.path) == ["customAttributes"])
    }

    @Test func missingGroupNameIsOnlyAWarning() throws {
        let raw = sampleRaw(extra: ["customAttributes": [["name": "Job Name", "value": "@EV_Job"]]])
        #expect(
            try makeSettings(raw).customAttributes == [
                SummitCustomAttribute(groupName: "Other Details", name: "Job Name", value: "@EV_Job")
            ])
        #expect(issues(raw) == [TemplateIssue(.warning, path: "customAttributes[0].groupName", "not set; \"Other Details\" is used")])
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

    /// `resolvedAction` is read by `sync` for every backend; ConnectorKit's loader checks it.
    @Test func resolvedActionMustBeASyncAction() throws {
        #expect(try load(sampleRaw(extra: ["resolvedAction": "restart"])).warnings.isEmpty)
        #expect(try load(sampleRaw(extra: ["resolvedAction": "markFixed"])).warnings.isEmpty)
        let error = loadError(sampleRaw(extra: ["resolvedAction": "close"]))
        #expect(error?.exitCode == .configuration)
        #expect(error?.message.contains("resolvedAction: must be") == true, "\(error?.message ?? "")")
    }

    /// The template shipped in templates/summit.json loads through ConnectorKit's loader without errors or warnings.
    @Test func shippedTemplateLoadsCleanly() throws {
        let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("templates")
        let loader = TemplateLoader(registry: BackendRegistry([SummitPlugin.plugin]), directory: templates.path)
        let loaded = try loader.load("summit.json", config: config())
        #expect(loaded.plugin.id == "summit")
        #expect(loaded.warnings.isEmpty)
        #expect(loaded.attachesJobLog)
        #expect(loaded.template.raw["credentials"]?["apiKey"] == "env:SUMMIT_API_KEY")
        let settings = try #require(SummitSettings.read(loaded.template, config: config()).0)
        #expect(settings.attachmentPath != nil)
        #expect(settings.routing == SummitTagRouting(workGroup: true, category: true, assignTo: true, assignToDomain: "@example.com"))
    }

    @Test func unknownRulesAndMissingDomainAreWarnings() {
        let raw = sampleRaw(rules: ["includeAssignToTag": true, "includeCorrelationId": true])
            .setting("tags", to: [])
        let found = issues(raw)
        #expect(found.allSatisfy { $0.severity == .warning })
        #expect(Set(found.map(\.path)) == ["rules.includeCorrelationId", "tags"])
    }

    /// The decision rules ConnectorKit reads from every template are no unknown Summit rules.
    @Test func sharedDecisionRulesAreNotFlagged() {
        let raw = sampleRaw(rules: ["alwaysCreateNewTicket": true, "allowTicketReopen": false, "includeLogExcerpt": true])
        #expect(issues(raw).isEmpty)
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

    @Test func viewAddressMustBeAStringAndMayBeEmpty() throws {
        #expect(errors(sampleRaw(extra: ["viewAddress": ["name": "view", "value": 8080]])).map(\.path) == ["viewAddress.value"])
        #expect(errors(sampleRaw(extra: ["viewAddress": ["name": "view"]])).map(\.path) == ["viewAddress.value"])
        let empty = try makeSettings(sampleRaw(extra: ["viewAddress": ["name": "view", "value": ""]]))
        #expect(empty.viewLink.url(forTicket: "1") == "https://summit.example.com/MDLIncidentMgmt/IM_TicketDetail.aspx?ID=1")
    }
}
