import Foundation

/// A backend plugin as the executable registers it (in the manner of swift-log's bootstrap): ConnectorKit never
/// imports a plugin. A plugin says which templates are its own and reads them, once, into a ready backend.
public struct BackendPlugin: Sendable {
    /// The value of a template's `"connector"` key that selects this plugin (`servicenow`, `summit`, `jira`).
    public let id: String
    public let displayName: String
    /// Recognises a legacy SMA template (one without a `"connector"` key) from its shape.
    public let recognizes: @Sendable (JSONValue) -> Bool
    /// Top-level template keys this plugin reads beyond the shared ones; any other key is a warning.
    public let templateKeys: Set<String>
    /// `credentials` members the template must set (the loader checks them; the backend resolves them).
    public let requiredCredentials: [String]
    /// The `urls` entry the job-log upload goes to, when the backend needs one; the loader refuses a template that
    /// attaches logs without it, before any ticket is written.
    public let attachmentURLName: String?
    /// Reads the backend's part of a template, once: the problems found, the field conventions, and the factory.
    public let configure: @Sendable (Template, ConnectorConfig) -> BackendSetup

    public init(
        id: String, displayName: String, recognizes: @escaping @Sendable (JSONValue) -> Bool = { _ in false },
        templateKeys: Set<String> = [], requiredCredentials: [String] = [], attachmentURLName: String? = nil,
        configure: @escaping @Sendable (Template, ConnectorConfig) -> BackendSetup
    ) {
        self.id = id
        self.displayName = displayName
        self.recognizes = recognizes
        self.templateKeys = templateKeys
        self.requiredCredentials = requiredCredentials
        self.attachmentURLName = attachmentURLName
        self.configure = configure
    }
}

/// A template as one plugin read it: what is wrong with it, how its fields are shaped, and how to make the backend.
public struct BackendSetup: Sendable {
    public typealias Factory = @Sendable (BackendEnvironment) throws(ConnectorError) -> any TicketBackend

    /// Problems found, each naming its JSON path; any error makes the template unusable.
    public var issues: [TemplateIssue]
    public var fields: FieldConventions
    let factory: Factory?

    /// A template the plugin can serve (warnings allowed).
    public init(issues: [TemplateIssue] = [], fields: FieldConventions = FieldConventions(), make: @escaping Factory) {
        self.issues = issues
        self.fields = fields
        self.factory = make
    }

    /// A template the plugin cannot serve; `issues` must hold at least one error.
    public init(failing issues: [TemplateIssue]) {
        self.issues = issues
        self.fields = FieldConventions()
        self.factory = nil
    }

    /// Builds the backend for one run.
    public func make(_ environment: BackendEnvironment) throws(ConnectorError) -> any TicketBackend {
        guard let factory else { throw .internal("a template with errors reached the backend factory") }
        return try factory(environment)
    }
}

/// How a backend's ticket fields are shaped before they reach it (SPEC §5 step 5).
public struct FieldConventions: Sendable {
    /// The template texts' placeholder syntax.
    public var placeholders: PlaceholderSyntax
    /// The lowest-precedence field values (Summit: built-ins under Connector.config's `[DEFAULTS]`).
    public var defaults: [TicketField]
    /// Backend-only tag routing applied after the shared `TAG_START`/`TAG_END`/`DEFAULT` rules (Summit's `WRKGRP_`).
    public var tagRouting: (@Sendable (_ jobTags: [String], _ fields: inout [TicketField]) -> Void)?
    /// Whether the job log is attached when the template's `includeJobLogAttachment` rule is absent.
    public var attachesJobLogByDefault: Bool

    public init(
        placeholders: PlaceholderSyntax = .indexed, defaults: [TicketField] = [],
        tagRouting: (@Sendable ([String], inout [TicketField]) -> Void)? = nil, attachesJobLogByDefault: Bool = true
    ) {
        self.placeholders = placeholders
        self.defaults = defaults
        self.tagRouting = tagRouting
        self.attachesJobLogByDefault = attachesJobLogByDefault
    }
}

/// What a backend gets from the framework when it is made for a run.
public struct BackendEnvironment: Sendable {
    /// HTTP with retries, the run's deadline and debug logging applied; `client(…)` adds authentication.
    public var http: HTTPClient
    public var secrets: SecretResolver
    public var logger: Logger
    public var config: ConnectorConfig
    public var template: Template
    public var now: @Sendable () -> Date
    /// The run's budget, which a repeated create must stay inside.
    public var deadline: Deadline
    /// How `ServiceClient` waits between attempts; tests inject one that does not sleep.
    public var pause: RetryMiddleware.Sleep

    public init(
        http: HTTPClient, secrets: SecretResolver, logger: Logger, config: ConnectorConfig, template: Template,
        now: @escaping @Sendable () -> Date = { Date() }, deadline: Deadline? = nil,
        pause: @escaping RetryMiddleware.Sleep = RetryMiddleware.taskSleep
    ) {
        self.http = http
        self.secrets = secrets
        self.logger = logger
        self.config = config
        self.template = template
        self.now = now
        self.deadline = deadline ?? Deadline(seconds: config.general.deadlineSeconds)
        self.pause = pause
    }

    /// A `credentials` member of the template, resolved (`env:`, `file:`, the SMA encoding or plain text) and registered
    /// with the masker; nil when the template does not set it. A plain-text secret is logged as a warning.
    public func credential(_ key: String) throws(ConnectorError) -> String? {
        guard let written = template.raw["credentials"]?[key]?.stringValue, !written.isEmpty else { return nil }
        let resolved = try secrets.resolve(written, field: "\(template.path.isEmpty ? template.name : template.path) credentials.\(key)")
        if let warning = resolved.warning { logger.warning(warning) }
        return resolved.value
    }

    /// A `credentials` member the plugin lists in `requiredCredentials` (the loader has checked it is there).
    public func requiredCredential(_ key: String) throws(ConnectorError) -> String {
        guard let value = try credential(key) else {
            throw .configuration("Template \(template.path.isEmpty ? template.name : template.path): credentials.\(key) is required.")
        }
        return value
    }

    /// The client a backend sends its requests with: `authorization` added innermost and registered with the masker.
    /// - Parameter service: how messages name the instance, `ServiceNow (acme.service-now.com)`.
    public func client(service: String, baseURL: String, authorization: ServiceClient.Authorization) -> ServiceClient {
        ServiceClient(service: service, baseURL: baseURL, authorization: authorization, environment: self)
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
