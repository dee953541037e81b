import ConnectorKit
import Foundation
import Testing
@testable import SummitPlugin

/// Collects log lines.
final class CapturingSink: LogSink, @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [LogEntry] = []
    func write(_ entry: LogEntry) { lock.withLock { entries.append(entry) } }
    var messages: [String] { lock.withLock { entries.map(\.message) } }
}

@Suite("Making the backend from a template")
struct BackendFactoryTests {
    func environment(_ variables: [String: String], transport: any ClientTransport, sink: CapturingSink = CapturingSink(),
                     masker: SecretMasker = SecretMasker()) -> BackendEnvironment {
        var config = ConnectorConfig()
        config.ticketDefaults = [TicketField(name: "Priority_Name", value: "P3"), TicketField(name: "Sup_Function", value: "IT")]
        return BackendEnvironment(
            http: HTTPClient(transport: transport), secrets: SecretResolver(masker: masker, environment: variables),
            logger: Logger(sinks: [sink], masker: masker), config: config)
    }

    @Test func apiKeyComesFromTheEnvironmentAndDefaultsFromTheConfig() async throws {
        let transport = StubTransport([answer(["Errors": "Ticket 0 not found"])])
        let masker = SecretMasker()
        let backend = try SummitPlugin.plugin.make(makeTemplate(sampleRaw()), environment(["SUMMIT_API_KEY": "from-env-4711"], transport: transport, masker: masker))
        // The config sets two of the nine built-in fields, with the built-in values themselves.
        #expect(backend.defaultFields == SummitDefaultFields.builtIn)
        try await backend.verifyAccess()
        #expect(transport.bodies.first?.value(atPath: "objCommonParameters._ProxyDetails.APIKey") == "from-env-4711")
        #expect(masker.mask("key from-env-4711") == "key ****")
    }

    @Test func missingEnvironmentVariableIsAConfigurationError() {
        #expect(throws: ConnectorError.self) {
            _ = try SummitPlugin.plugin.make(makeTemplate(sampleRaw()), environment([:], transport: StubTransport([])))
        }
    }

    @Test func plainTextKeyWorksWithAWarningThatHidesIt() throws {
        let sink = CapturingSink()
        let raw = sampleRaw(extra: ["credentials": ["apiKey": "plain-key-123456"]])
        _ = try SummitPlugin.plugin.make(makeTemplate(raw), environment([:], transport: StubTransport([]), sink: sink))
        #expect(sink.messages.count == 1)
        #expect(sink.messages.first?.contains("credentials.apiKey") == true)
        #expect(sink.messages.first?.contains("plain-key-123456") == false)
    }
}
