import ConnectorKit
import ConnectorTesting
import Foundation
import Testing

@testable import ServiceNowPlugin

@Suite("Building the backend from a template")
struct PluginFactoryTests {
    private func environment(
        _ transport: ScriptedTransport, variables: [String: String], sink: MemoryLogSink, masker: SecretMasker,
        template: Template
    ) -> BackendEnvironment {
        let logger = Logger(sinks: [sink], minimumLevel: .debug, masker: masker)
        return BackendEnvironment(
            http: HTTPClient(transport: transport), secrets: SecretResolver(masker: masker, environment: variables),
            logger: logger, config: ConnectorConfig(), template: template)
    }

    @Test func credentialsAreResolvedThroughTheSecretResolverAndMasked() async throws {
        let loaded = try Fixture.load(Fixture.templateJSON())
        let transport = ScriptedTransport([.json(200, #"{"result":[]}"#)])
        let masker = SecretMasker()
        let sink = MemoryLogSink()
        let env = environment(
            transport, variables: ["SNOW_USER": "svc_opcon", "SNOW_PASSWORD": "from-the-environment"], sink: sink, masker: masker,
            template: loaded.template)

        let backend = try loaded.setup.make(env)
        try await backend.verifyAccess()

        let header = try #require(transport.requests.first?.header("Authorization"))
        #expect(header == "Basic " + Data("svc_opcon:from-the-environment".utf8).base64EncodedString())
        #expect(!masker.mask("sent \(header) for from-the-environment").contains("from-the-environment"))
        #expect(!masker.mask(header).contains(String(header.dropFirst(6))))
        #expect(DecisionRules(template: loaded.template) == DecisionRules(alwaysCreateNewTicket: false, allowReopen: true))
        #expect(loaded.setup.fields.attachesJobLogByDefault)
    }

    @Test func rulesReachTheDecision() throws {
        let loaded = try Fixture.load(Fixture.templateJSON(rules: ["alwaysCreateNewTicket": true, "allowTicketReopen": false]))
        let env = environment(
            ScriptedTransport([]), variables: ["SNOW_USER": "u-name", "SNOW_PASSWORD": "p-word"], sink: MemoryLogSink(),
            masker: SecretMasker(), template: loaded.template)
        _ = try loaded.setup.make(env)
        #expect(DecisionRules(template: loaded.template) == DecisionRules(alwaysCreateNewTicket: true, allowReopen: false))
    }

    @Test func aMissingEnvironmentVariableIsAConfigurationErrorNamingTheField() throws {
        let loaded = try Fixture.load(Fixture.templateJSON())
        let env = environment(
            ScriptedTransport([]), variables: ["SNOW_USER": "svc_opcon"], sink: MemoryLogSink(), masker: SecretMasker(),
            template: loaded.template)
        do {
            _ = try loaded.setup.make(env)
            Issue.record("make should fail")
        } catch {
            #expect(error.exitCode == .configuration)
            #expect(error.message.contains("credentials.password"))
            #expect(error.message.contains("SNOW_PASSWORD"))
        }
    }

    @Test func plainTextCredentialsWorkWithAWarning() throws {
        let json = Fixture.templateJSON()
            .replacingOccurrences(of: "env:SNOW_USER", with: "svc_opcon")
            .replacingOccurrences(of: "env:SNOW_PASSWORD", with: "plain-Passw0rd")
        let loaded = try Fixture.load(json)
        let sink = MemoryLogSink()
        let masker = SecretMasker()
        _ = try loaded.setup.make(environment(ScriptedTransport([]), variables: [:], sink: sink, masker: masker, template: loaded.template))
        let warnings = sink.entries.filter { $0.level == .warning }.map(\.message)
        #expect(warnings.contains { $0.contains("credentials.password is written in plain text") })
        #expect(!warnings.joined().contains("plain-Passw0rd"))
    }
}
