import ConnectorKit
import Foundation

/// Switches of the ServiceNow simulator.
public struct ServiceNowSettings: Sendable {
    /// Basic-auth credentials the instance accepts.
    public var user = "svc_opcon"
    public var password = "Sim-Pass-123"
    /// Resolved/Closed need `close_code` and `close_notes` (403 Data Policy Exception otherwise).
    public var dataPolicy = true
    /// State changes of Closed/Canceled incidents are refused with 403.
    public var refuseStateChangeWhenClosed = true
    /// Query terms on unknown fields match nothing instead of being ignored.
    public var unknownQueryFieldsMatchNothing = false
    /// The SMA OpCon application's business rules.
    public var businessRules = BusinessRuleSwitches()
    /// The token the business rules send to OpCon (stored statically in the REST message).
    public var opconToken = OpConSimulator.defaultToken

    public init() {}

    var policy: ServiceNowPolicy {
        ServiceNowPolicy(dataPolicy: dataPolicy, refuseClosedStateChanges: refuseStateChangeWhenClosed)
    }
}

/// A journal entry of an incident (`sys_journal_field`): a work note or an additional comment.
public struct ServiceNowJournalEntry: Sendable, Equatable {
    /// `work_notes` or `comments`.
    public var element: String
    public var value: String
    public var createdBy: String
}

/// ServiceNow's Table API on `incident`, the Attachment API and the SMA OpCon application's business
/// rules, on a loopback HTTP server.
public final class ServiceNowSimulator: SimulatedService {
    public let host: SimulatorHost
    let store = Locked(ServiceNowStore())
    let rules = BusinessRuleRunner()
    private let settingsBox: Locked<ServiceNowSettings>

    public init(settings: ServiceNowSettings = ServiceNowSettings()) {
        settingsBox = Locked(settings)
        host = SimulatorHost(
            errorBody: { status in Self.error(status, message: HTTPStatus.reason(status), detail: "Simulated failure") },
            presets: ["rateLimit": { json in Self.rateLimitFault(retryAfter: json["retryAfter"]?.intValue ?? 1) }])
        host.install(
            routes: { [weak self] request in self?.route(request) ?? .drop },
            control: { [weak self] request in self.flatMap { $0.host.commonControl(request) ?? $0.analystRoute(request) } })
    }

    public var settings: ServiceNowSettings {
        get { settingsBox.current }
        set { settingsBox.withLock { $0 = newValue } }
    }

    /// The next `count` requests get 429 with `Retry-After`, `X-RateLimit-*` and the "Rate limit exceeded" envelope.
    public func injectRateLimit(count: Int = 1, retryAfter: Int = 1, method: String? = nil, path: PathPattern? = nil) {
        faults.add(Fault(Self.rateLimitFault(retryAfter: retryAfter), count: count, method: method, path: path))
    }

    static func rateLimitFault(retryAfter: Int) -> Fault.Kind {
        var headers = HTTPHeaders()
        headers.set("X-RateLimit-Limit", "100")
        headers.set("X-RateLimit-Reset", String(SimTime.epochSeconds() + retryAfter))
        headers.set("X-RateLimit-Rule", "6d0e8b7fdb3210100a5a0d8a4b9619c1")
        headers.set("Content-Type", "application/json")
        let body: JSONValue = [
            "error": ["message": "Rate limit exceeded", "detail": "Rate limit of 100 requests per hour for Table API exceeded"],
            "status": "failure",
        ]
        return .status(429, retryAfter: retryAfter, body: body.serialized(), headers: headers)
    }

    /// ServiceNow's error envelope.
    static func error(_ status: Int, message: String, detail: String?) -> SimResponse {
        .json(
            ["error": ["message": .string(message), "detail": detail.map(JSONValue.string) ?? nil], "status": "failure"], status: status)
    }

    static func error(_ rejection: ServiceNowRejection) -> SimResponse {
        error(rejection.status, message: rejection.message, detail: rejection.detail)
    }

    // MARK: Analyst view (in-process)

    /// All incidents, oldest first, as stored.
    public var incidents: [ServiceNowRecord] { store.withLock { $0.incidents.map(\.record) } }

    /// One incident by `sys_id` or `number`.
    public func incident(_ key: String) -> ServiceNowRecord? { store.withLock { $0.incident(key) } }

    /// The work notes and comments written to an incident (by `sys_id` or `number`), oldest first.
    public func journalEntries(of key: String) -> [ServiceNowJournalEntry] {
        store.withLock { store in
            guard let sysID = store.incident(key)?["sys_id"] else { return [] }
            return store.journal.map(\.record).filter { $0["element_id"] == sysID }.map {
                ServiceNowJournalEntry(element: $0["element"] ?? "", value: $0["value"] ?? "", createdBy: $0["sys_created_by"] ?? "")
            }
        }
    }

    /// The files attached to an incident (by `sys_id` or `number`), oldest first.
    public func attachments(of key: String) -> [ServiceNowAttachment] {
        store.withLock { store in
            guard let sysID = store.incident(key)?["sys_id"] else { return [] }
            return store.attachments.map(\.attachment).filter { $0.metadata["table_sys_id"] == sysID }
        }
    }

    /// Creates an incident as a user of the instance would (no business rules run on insert).
    @discardableResult
    public func createIncident(_ fields: ServiceNowRecord, user: String = "analyst") throws(ServiceNowRejection) -> ServiceNowRecord {
        let policy = settings.policy
        return try store.withLock { store throws(ServiceNowRejection) in try store.insert(fields, user: user, policy: policy) }
    }

    /// Updates an incident as an analyst; the same path as the Table API, so the business rules fire.
    @discardableResult
    public func updateIncident(
        _ key: String, _ fields: ServiceNowRecord, user: String = "analyst"
    ) throws(ServiceNowRejection) -> ServiceNowRecord {
        let current = settings
        let record = try store.withLock { store throws(ServiceNowRejection) in
            try store.update(key, with: fields, user: user, policy: current.policy)
        }
        rules.fire(for: record, switches: current.businessRules, opconToken: current.opconToken)
        return record
    }

    /// Moves an incident to `state` as an analyst. Resolving or closing supplies `close_code` and
    /// `close_notes` (defaults when none are stored yet), as the form makes the analyst do.
    @discardableResult
    public func setState(
        _ state: String, of key: String, closeCode: String? = nil, closeNotes: String? = nil,
        workNote: String? = nil
    ) throws(ServiceNowRejection) -> ServiceNowRecord {
        var fields: ServiceNowRecord = ["state": state]
        let stored = incident(key)
        if ["6", "7"].contains(state) {
            fields["close_code"] = closeCode ?? stored?["close_code"].flatMap { $0.isEmpty ? nil : $0 } ?? "Solution provided"
            fields["close_notes"] = closeNotes ?? stored?["close_notes"].flatMap { $0.isEmpty ? nil : $0 } ?? "Resolved by the analyst."
        }
        if let workNote { fields["work_notes"] = workNote }
        return try updateIncident(key, fields)
    }

    /// Every business-rule call to OpCon so far, in completion order.
    public var callbacks: [BusinessRuleCallback] { rules.callbacks }

    /// Waits until every business-rule call started so far has finished; false after `timeout` seconds.
    @discardableResult
    public func waitForCallbacks(timeout: Double = 10) -> Bool { rules.waitForPending(timeout: timeout) }
}
