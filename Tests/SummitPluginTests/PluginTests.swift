import ConnectorKit
import ConnectorTesting
import Foundation
import Testing

@testable import SummitPlugin

@Suite("Plugin identity and recognition")
struct PluginTests {
    @Test func identity() {
        #expect(SummitPlugin.plugin.id == "summit")
        #expect(SummitPlugin.plugin.displayName == "Symphony Summit")
        #expect(
            SummitPlugin.plugin.templateKeys.isSuperset(of: ["ticketDescription", "ticketInformation", "viewAddress", "customAttributes"]))
        #expect(SummitPlugin.plugin.requiredCredentials == ["apiKey"])
        #expect(SummitPlugin.plugin.attachmentURLName == "attachment")
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

    @Test func templateShapesTheLifecycle() throws {
        let raw = sampleRaw(rules: ["submitSingleIncidentPerDay": true])
        let config = makeConfig(defaults: [TicketField(name: "PRIORITY_NAME_VALUE", value: "P1")])
        let setup = makeSetup(raw, config: config)
        #expect(setup.issues.filter { $0.severity == .error }.isEmpty)
        // ConnectorKit reads the decision rules from the template, whatever its backend.
        #expect(DecisionRules(template: makeTemplate(raw)) == DecisionRules(singleIncidentPerDay: true))
        let draft = makeDraft()
        #expect(
            setup.fields.placeholders.expand("@EV_Job on @ev_agent ({1})", event: draft.event, job: draft.job, timeZone: draft.timeZone)
                == "PAYROLL01 on WIN01 ({1})")
        #expect(setup.fields.defaults == SummitDefaultFields.resolved(configured: config.defaults))
        #expect(setup.fields.defaults.first == TicketField(name: "Priority_Name", value: "P1"))
        #expect(setup.fields.tagRouting != nil)
        #expect(!setup.fields.attachesJobLogByDefault)
    }

    /// A job's ticket without a link belongs to a Summit template only when it is the only Summit template in the
    /// templates folder (ConnectorKit's `isSoleTemplateOfItsBackend`, judged with the registered plugins).
    @Test func soleTemplateIsJudgedFromTheTemplatesFolder() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("summit-sole-\(UUID().uuidString)")
        let folder = home.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        try Data("[OPCON API CONNECTION]\nSERVER=opcon.example.com\nTOKEN=t0ken-1234\n".utf8)
            .write(to: home.appendingPathComponent("Connector.config"))
        try sampleRaw().data().write(to: folder.appendingPathComponent("summit.json"))
        let serviceNow: JSONValue = ["connector": "servicenow", "ticketDescription": "not Summit"]
        try serviceNow.data().write(to: folder.appendingPathComponent("snow.json"))
        let runtime = try ConnectorRuntime.load(
            home: InstallDirectory(path: home.path), registry: BackendRegistry([SummitPlugin.plugin]), environment: [:],
            transport: { _ in stubTransport([]) }, console: false)
        let loaded = try runtime.loadTemplate("summit.json")
        #expect(runtime.isSoleTemplateOfItsBackend(loaded))

        let second: JSONValue = ["connector": "summit"]
        try second.data().write(to: folder.appendingPathComponent("second.json"))
        #expect(!runtime.isSoleTemplateOfItsBackend(loaded))
    }
}
