import ConnectorKit
import ConnectorTesting
import Foundation
import Testing

@testable import SummitPlugin

@Suite("Making the backend from a template")
struct BackendFactoryTests {
    /// The backend made through the plugin's factory, with the key resolved from `variables`.
    func make(
        _ raw: JSONValue = sampleRaw(), variables: [String: String], transport: any ClientTransport = stubTransport([]),
        sink: MemoryLogSink = MemoryLogSink(), masker: SecretMasker = SecretMasker()
    ) throws -> any TicketBackend {
        let config = makeConfig(defaults: [
            TicketField(name: "PRIORITY_NAME_VALUE", value: "P3"), TicketField(name: "SUP_FUNCTION_VALUE", value: "IT"),
        ])
        let template = makeTemplate(raw, path: "/opt/connector/templates/summit.json")
        let environment = makeEnvironment(
            template, transport: transport, config: config, variables: variables, masker: masker,
            logger: Logger(sinks: [sink], masker: masker))
        let setup = SummitPlugin.plugin.configure(template, config)
        // The config sets two of the nine built-in fields, with the built-in values themselves.
        #expect(setup.fields.defaults == SummitDefaultFields.builtIn)
        return try setup.make(environment)
    }

    @Test func apiKeyComesFromTheEnvironment() async throws {
        let transport = stubTransport([answer(["Errors": "Ticket 0 not found"])])
        let masker = SecretMasker()
        let backend = try make(variables: ["SUMMIT_API_KEY": "from-env-4711"], transport: transport, masker: masker)
        try await backend.verifyAccess()
        #expect(transport.jsonBodies.first?.value(atPath: "objCommonParameters._ProxyDetails.APIKey") == "from-env-4711")
        #expect(masker.mask("key from-env-4711") == "key ****")
    }

    @Test func missingEnvironmentVariableIsAConfigurationError() {
        let error = #expect(throws: ConnectorError.self) { _ = try make(variables: [:]) }
        #expect(error?.exitCode == .configuration)
        #expect(error?.message.contains("SUMMIT_API_KEY") == true)
    }

    @Test func plainTextKeyWorksWithAWarningThatHidesIt() throws {
        let sink = MemoryLogSink()
        let masker = SecretMasker()
        let raw = sampleRaw(extra: ["credentials": ["apiKey": "plain-key-123456"]])
        _ = try make(raw, variables: [:], sink: sink, masker: masker)
        #expect(sink.messages.count == 1)
        #expect(sink.messages.first?.contains("credentials.apiKey") == true)
        #expect(sink.messages.first?.contains("plain-key-123456") == false)
        #expect(masker.mask("plain-key-123456") == "****")
    }

    /// The loader refuses a template without a key; a template read without it still does not make a backend.
    @Test func templateWithoutAKeyMakesNoBackend() {
        let raw = sampleRaw().setting("credentials", to: [:])
        let error = #expect(throws: ConnectorError.self) { _ = try make(raw, variables: ["SUMMIT_API_KEY": testKey]) }
        #expect(error?.exitCode == .configuration)
        #expect(error?.message.contains("credentials.apiKey") == true)
    }
}
