import ConnectorKit
import CurlHTTP
import Foundation
import Simulators
import Testing

@testable import JiraPlugin

/// Every request the backend sends, as it left the HTTP stack's retry layer (what a reader of the wire would miss:
/// whether a POST was marked as a read).
final class SentRequests: ClientMiddleware, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [HTTPRequest] = []
    var all: [HTTPRequest] { lock.withLock { stored } }

    func intercept(_ request: HTTPRequest, next: @Sendable (HTTPRequest) async throws -> HTTPResponse) async throws -> HTTPResponse {
        lock.withLock { stored.append(request) }
        return try await next(request)
    }
}

/// The waits the retry layer asked for; it does not wait, so a test of `Retry-After` stays fast.
final class RecordedWaits: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Double] = []
    var all: [Double] { lock.withLock { stored } }
    func record(_ seconds: Double) { lock.withLock { stored.append(seconds) } }
}

/// A Jira simulator on loopback and a backend made from a template the way a run makes it: the template file loaded
/// by ConnectorKit's loader with the Jira plugin registered, the backend built by the plugin over libcurl.
final class JiraStage {
    let sim: JiraSimulator
    let folder: String
    let sent = SentRequests()
    let waits = RecordedWaits()
    let masker = SecretMasker()

    init(_ configure: (inout JiraSettings) -> Void = { _ in }) throws {
        var settings = JiraSettings()
        configure(&settings)
        sim = JiraSimulator(settings: settings)
        _ = try sim.start()
        folder = NSTemporaryDirectory() + "jira-plugin-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    deinit {
        sim.stop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    var isCloud: Bool { sim.settings.deployment == .cloud }

    /// The template of SPEC §6.4 for the simulated site, with `variables` and members added or replaced.
    func template(
        variables: [String: JSONValue] = [:], members: [String: JSONValue] = [:],
        attributes: [(String, String)]? = nil
    ) -> JSONValue {
        let settings = sim.settings
        var allVariables: [String: JSONValue] = ["projectKey": "OPS", "issueType": "Incident", "apiVersion": .int(isCloud ? 3 : 2)]
        allVariables.merge(variables) { _, new in new }
        let fields =
            attributes ?? [
                ("summary", "OpCon job {1} of schedule {0} failed on {2} ({3})"),
                ("description", "Job {1} failed at {4}.\nJOBID={5}"),
                ("priority", "High"), ("labels", "opcon, batch"), ("components", "Batch"), ("customfield_10050", "FINAPP01"),
            ]
        var template: [String: JSONValue] = [
            "connector": "jira",
            "address": ["value": .string(sim.baseURL)],
            "credentials": isCloud
                ? ["user": .string(settings.email), "token": .string(settings.apiToken)]
                : ["token": .string(settings.personalAccessToken)],
            "attributes": .array(fields.map { ["name": .string($0.0), "value": .string($0.1)] }),
            "variables": .object(allVariables),
        ]
        template.merge(members) { _, new in new }
        return .object(template)
    }

    func load(_ template: JSONValue) throws -> LoadedTemplate {
        let path = (folder as NSString).appendingPathComponent("jira.json")
        try template.data(pretty: true).write(to: URL(fileURLWithPath: path))
        let loader = TemplateLoader(registry: BackendRegistry([JiraPlugin.plugin]), directory: folder)
        return try loader.load("jira.json", config: ConnectorConfig())
    }

    /// The backend a run would make from `template`.
    func backend(_ template: JSONValue? = nil, realWaits: Bool = false) throws -> any TicketBackend {
        let loaded = try load(template ?? self.template())
        let config = ConnectorConfig()
        let deadline = Deadline(seconds: 60)
        let logger = Logger(masker: masker)
        let waits = self.waits
        let sleep: RetryMiddleware.Sleep = realWaits ? RetryMiddleware.taskSleep : { @Sendable seconds in waits.record(seconds) }
        let http = HTTPStack.make(config: config, deadline: deadline, logger: logger, transport: try CurlTransport(), sleep: sleep)
            .adding(sent)
        let environment = BackendEnvironment(
            http: http, secrets: SecretResolver(masker: masker, environment: [:]), logger: logger, config: config,
            template: loaded.template, deadline: deadline, pause: sleep)
        return try loaded.setup.make(environment)
    }

    static let event = FailureEvent(
        agent: "FINAPP01", schedule: "FINANCE", job: "NIGHTLY_GL_LOAD", termination: "Failed (exit 2)", scheduleDate: "2026-12-06",
        scheduleID: 7, scheduleInstance: 1, template: "jira.json", failedAt: Date(timeIntervalSince1970: 1_796_550_000))

    static let correlationID = "opcon.example.com:9010,\(event.dailyJobID)"

    /// The draft a run makes for the failure: the template's attributes with placeholders expanded.
    func draft(_ template: JSONValue? = nil, previous: TicketReference? = nil, excerpt: String? = nil) throws -> TicketDraft {
        let loaded = try load(template ?? self.template())
        let job = DailyJob(raw: ["id": .string(Self.event.dailyJobID), "uniqueJobId": "4711"])
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let fields = FieldResolver.resolve(
            template: loaded.template, conventions: loaded.setup.fields, event: Self.event, job: job,
            calendar: calendar)
        var draft = TicketDraft(
            event: Self.event, job: job, fields: fields, previousTicket: previous,
            correlationID: Self.correlationID, timeZone: calendar.timeZone)
        draft.logExcerpt = excerpt
        return draft
    }

    /// The simulator's requests with this method and exactly this path.
    func requests(_ method: String, _ path: String) -> [SimRequest] {
        sim.journal.all.filter { $0.method == method && $0.path.lowercased() == path.lowercased() }
    }
}
