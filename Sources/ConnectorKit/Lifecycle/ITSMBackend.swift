import Foundation

/// What one ITSM plugin implements. The lifecycle engine owns the shared algorithm (lock, OpCon reads,
/// tags, routing, the decision, write-back, job-log); a backend owns only what differs between ticket systems.
public protocol ITSMBackend: Sendable {
    /// Rules that shape the create/update/reopen/replace decision.
    var decisionRules: DecisionRules { get }

    /// Which placeholder syntax this backend's template texts use.
    var placeholderStyle: PlaceholderStyle { get }

    /// The lowest-precedence field values (Summit: `[DEFAULTS]`). Default: none.
    var defaultFields: [TicketField] { get }

    /// Whether the job log is attached when the template's `includeJobLogAttachment` rule is absent
    /// (the SMA ServiceNow connector defaults it on, the newest Summit connector off). Default: true.
    var attachesJobLogByDefault: Bool { get }

    /// Backend-only tag routing applied after the shared `TAG_START`/`TAG_END`/`DEFAULT` rules
    /// (Summit's `WRKGRP_`, `CATNAME_`, `ASSIGNTO_`). Default: no change.
    func applyBackendRouting(jobTags: [String], to fields: inout [TicketField])

    /// Finds the ticket this job already has: from the recorded Incident Ticket ID when there is one,
    /// else by a backend-side search (ServiceNow `correlation_id`). Nil when there is none.
    func findTicket(recordedID: String?, draft: TicketDraft) async throws -> ExistingTicket?

    /// Opens a new ticket. When `draft.previousTicket` is set, the description names it.
    func create(_ draft: TicketDraft) async throws -> TicketReference

    /// Adds the new failure to an open ticket without changing its state.
    func update(_ ticket: ExistingTicket, with draft: TicketDraft) async throws

    /// Moves a resolved ticket back to an open state and adds the new failure.
    func reopen(_ ticket: ExistingTicket, with draft: TicketDraft) async throws

    /// Attaches one job-log file.
    func attach(_ file: JobLogFile, to ticket: TicketReference) async throws

    /// The exact body the write for `decision` would send, for `explain` (secrets are masked by the caller).
    func previewPayload(for decision: Decision, draft: TicketDraft) -> JSONValue

    /// The current state of a recorded ticket, for `sync`. Nil when the ticket does not exist.
    func ticketStatus(recordedID: String) async throws -> ExistingTicket?

    /// True when a job's recorded ticket belongs to this template's backend and instance (`sync`).
    func owns(recordedID: String, ticketURL: String?) -> Bool

    /// A few human-readable lines about one ticket (`-i <number>`).
    func describeTicket(number: String) async throws -> String

    /// An authenticated read proving the address and credentials work (`check`).
    func verifyAccess() async throws
}

extension ITSMBackend {
    public var defaultFields: [TicketField] { [] }
    public var attachesJobLogByDefault: Bool { true }
    public func applyBackendRouting(jobTags: [String], to fields: inout [TicketField]) {}
}

/// Services a backend gets from the framework when it is created.
public struct BackendEnvironment: Sendable {
    /// HTTP with retries, the run's deadline and debug logging already applied; the backend adds its own auth.
    public var http: HTTPClient
    public var secrets: SecretResolver
    public var logger: Logger
    public var config: ConnectorConfig
    public var now: @Sendable () -> Date
    /// The run's budget, for a backend that repeats work itself (ServiceNow's create) and must stop in time.
    public var deadline: Deadline

    /// Without `deadline`, a budget of `DEADLINE_SECONDS` starts now.
    public init(http: HTTPClient, secrets: SecretResolver, logger: Logger, config: ConnectorConfig,
                now: @escaping @Sendable () -> Date = { Date() }, deadline: Deadline? = nil) {
        self.http = http
        self.secrets = secrets
        self.logger = logger
        self.config = config
        self.now = now
        self.deadline = deadline ?? Deadline(seconds: config.general.deadlineSeconds)
    }
}

/// A backend plugin as the executable registers it (in the manner of swift-log's bootstrap):
/// ConnectorKit never imports a plugin.
public struct BackendPlugin: Sendable {
    /// The value of a template's `"connector"` key that selects this plugin (`servicenow`, `summit`).
    public let id: String
    public let displayName: String
    /// Recognises a legacy SMA template (no `"connector"` key) from its shape.
    public let recognizes: @Sendable (JSONValue) -> Bool
    /// Top-level template keys this plugin understands; any other key is a warning.
    public let knownTemplateKeys: Set<String>
    /// Validates the backend-specific parts of a template; each issue names its JSON path.
    public let validate: @Sendable (Template, ConnectorConfig) -> [TemplateIssue]
    /// Builds a ready backend for a validated template.
    public let make: @Sendable (Template, BackendEnvironment) throws -> any ITSMBackend

    public init(id: String, displayName: String, recognizes: @escaping @Sendable (JSONValue) -> Bool,
                knownTemplateKeys: Set<String>, validate: @escaping @Sendable (Template, ConnectorConfig) -> [TemplateIssue],
                make: @escaping @Sendable (Template, BackendEnvironment) throws -> any ITSMBackend) {
        self.id = id
        self.displayName = displayName
        self.recognizes = recognizes
        self.knownTemplateKeys = knownTemplateKeys
        self.validate = validate
        self.make = make
    }
}

/// The plugins the executable registered.
public struct BackendRegistry: Sendable {
    public private(set) var plugins: [BackendPlugin] = []

    public init(_ plugins: [BackendPlugin] = []) { self.plugins = plugins }

    public mutating func register(_ plugin: BackendPlugin) { plugins.append(plugin) }

    public func plugin(id: String) -> BackendPlugin? {
        plugins.first { $0.id.lowercased() == id.lowercased() }
    }

    public var ids: [String] { plugins.map(\.id) }

    /// The plugin for a template: its `"connector"` key, else the first plugin that recognises its shape.
    public func plugin(for template: JSONValue) -> BackendPlugin? {
        if let named = template["connector"]?.stringValue { return plugin(id: named) }
        return plugins.first { $0.recognizes(template) }
    }
}

/// One problem found in a template, with the JSON path of the culprit.
public struct TemplateIssue: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: Sendable, Equatable { case error, warning }
    public var severity: Severity
    /// e.g. `urls[2].value`
    public var path: String
    /// What was expected, or what is wrong.
    public var message: String

    public init(_ severity: Severity, path: String, _ message: String) {
        self.severity = severity
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
