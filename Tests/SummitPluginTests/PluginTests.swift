import ConnectorKit
import Foundation
import Testing
@testable import SummitPlugin

@Suite("Plugin identity and recognition")
struct PluginTests {
    @Test func identity() {
        #expect(SummitPlugin.plugin.id == "summit")
        #expect(SummitPlugin.plugin.displayName == "Symphony Summit")
        #expect(SummitPlugin.plugin.knownTemplateKeys.isSuperset(of: ["ticketDescription", "ticketInformation", "viewAddress", "customAttributes"]))
    }

    @Test func recognizesLegacyTemplateByTicketDescription() {
        #expect(SummitPlugin.plugin.recognizes(["ticketDescription": "x"]))
    }

    @Test func recognizesLegacyTemplateBySummitURL() {
        let raw: JSONValue = ["urls": [["name": "incident", "value": "api/REST/summit_restwcf.svc/RESTService/CommonWS_JsonObjCall"]]]
        #expect(SummitPlugin.plugin.recognizes(raw))
    }

    @Test func doesNotRecognizeServiceNowTemplate() {
        let raw: JSONValue = ["parseNotations": [], "urls": [["name": "incident", "value": "api/now/table/incident"]]]
        #expect(!SummitPlugin.plugin.recognizes(raw))
    }

    @Test func registryPicksSummitForLegacyAndNamedTemplates() {
        let registry = BackendRegistry([SummitPlugin.plugin])
        #expect(registry.plugin(for: sampleRaw())?.id == "summit")
        #expect(registry.plugin(for: ["connector": "Summit"])?.id == "summit")
    }

    @Test func backendShapesTheLifecycle() throws {
        let raw = sampleRaw(rules: ["submitSingleIncidentPerDay": true])
        let settings = try SummitSettings(template: makeTemplate(raw))
        let defaults = [TicketField(name: "Priority_Name", value: "P3")]
        let backend = SummitBackend(settings: settings, apiKey: testKey, http: HTTPClient(transport: StubTransport([])), defaults: defaults)
        #expect(backend.decisionRules == DecisionRules(singleIncidentPerDay: true))
        #expect(backend.placeholderStyle == .environment)
        #expect(backend.defaultFields == defaults)
        #expect(!backend.attachesJobLogByDefault)
    }

    @Test func soleTemplateIsJudgedFromTheTemplatesFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("summit-sole-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let mine = folder.appendingPathComponent("summit.json")
        try sampleRaw().data().write(to: mine)
        let serviceNow: JSONValue = ["connector": "servicenow", "ticketDescription": "not Summit"]
        try serviceNow.data().write(to: folder.appendingPathComponent("snow.json"))
        let template = makeTemplate(sampleRaw(), path: mine.path)
        #expect(SummitPlugin.isSoleSummitTemplate(template))

        let second: JSONValue = ["connector": "summit"]
        try second.data().write(to: folder.appendingPathComponent("second.json"))
        #expect(!SummitPlugin.isSoleSummitTemplate(template))
    }
}
