import ConnectorKit
import Foundation

/// Switches of the OpCon simulator.
public struct OpConSettings: Sendable {
    /// Tokens accepted in `Authorization: Token <t>`.
    public var tokens: Set<String>
    /// How many polls of `GET /api/jobactions/{id}` answer `submitted` before the result.
    public var jobActionPolls = 2
    /// How many polls of `GET /api/jobinstanceactions/{id}` answer `submitted` before the result.
    public var jobInstanceActionPolls = 2
    /// POST `incidentTickets` on a job that has a ticket: overwrite it (true) or answer 400 (false, the default).
    public var incidentTicketPostOverwrites = false
    /// When set, every job-output request fails with this message (an agent without JORS, relay trouble).
    public var jorsFailure: String?

    public init(token: String = OpConSimulator.defaultToken) { tokens = [token] }
}

/// The OpCon REST API as the connector uses it: daily jobs, incident tickets, documentation,
/// job output (JORS) and job actions, on a loopback HTTP server.
public final class OpConSimulator: SimulatedService {
    /// The token the simulator accepts unless told otherwise.
    public static let defaultToken = "5d0f3c2e-8a51-4b7e-9d7a-2f1e6c9b4a10"

    public let host: SimulatorHost
    let store = Locked(OpConStore())
    private let settingsBox: Locked<OpConSettings>

    public init(settings: OpConSettings = OpConSettings()) {
        settingsBox = Locked(settings)
        host = SimulatorHost(errorBody: { status in
            OpConSimulator.apiError(status, "Simulated failure (HTTP \(status)).", code: status)
        })
        host.install(
            routes: { [weak self] request in self?.route(request) ?? .drop },
            control: { [weak self] request in self?.host.commonControl(request) })
    }

    public var settings: OpConSettings {
        get { settingsBox.current }
        set { settingsBox.withLock { $0 = newValue } }
    }

    /// The first accepted token (what a Connector.config should carry).
    public var token: String { settingsBox.current.tokens.sorted().first ?? "" }

    // MARK: Seeding and inspection

    /// Adds a daily job (and its daily schedule) and returns its id `yyyyMMdd|scheduleID|instance|job`.
    /// `date` is `yyyy-MM-dd` (or `yyyyMMdd`, `MM/dd/yyyy`); `logFiles` are name → text, in the order JORS lists them;
    /// `extraFields` are stored as further job members (a client must carry them through a PUT).
    @discardableResult
    public func addJob(
        date: String, scheduleID: Int, instance: Int = 1, schedule: String, job: String,
        agent: String = "WINAGENT01", tags: [String] = [], documentation: String? = nil,
        status: OpConJobStatus = .failed, termination: String = "Exit Code 1",
        logFiles: KeyValuePairs<String, String> = [:], extraFields: [String: JSONValue] = [:]
    ) -> String {
        guard let day = OpConDates.compactDay(date) else {
            preconditionFailure("OpConSimulator.addJob: date '\(date)' is not yyyy-MM-dd")
        }
        let new = OpConStore.NewJob(
            day: day, scheduleID: scheduleID, instance: instance, schedule: schedule, job: job, agent: agent, tags: tags,
            documentation: documentation, status: status, termination: termination,
            logFiles: logFiles.map { OpConLogFile(name: $0.key, text: $0.value) }, extraFields: extraFields)
        return store.withLock { $0.add(new) }
    }

    /// The job as `GET /api/dailyjobs/{id}` returns it.
    public func job(_ id: String) -> JSONValue? { store.withLock { $0.jobs[id]?.json } }

    /// Ids of all jobs, in the order they were added.
    public var jobIDs: [String] { store.withLock { $0.jobOrder } }

    public func status(of id: String) -> OpConJobStatus? { store.withLock { $0.jobs[id]?.status } }

    /// Sets a job's status, e.g. to make it fail again after a restart.
    public func setStatus(_ status: OpConJobStatus, of id: String) { store.withLock { $0.setStatus(status, of: id) } }

    /// `incidentTicketId` of the job.
    public func incidentTicketID(of id: String) -> String? { job(id)?["incidentTicketId"]?.stringValue }

    /// `incidentTicketURL` of the job.
    public func incidentTicketURL(of id: String) -> String? { job(id)?["incidentTicketURL"]?.stringValue }

    /// `documentation.job` of the job.
    public func documentation(of id: String) -> String? { job(id)?["documentation"]?["job"]?.stringValue }

    /// Every job action received, in order, with whether it was applied.
    public var jobActions: [OpConJobActionRecord] { store.withLock { $0.appliedActions } }

    // MARK: Errors

    /// OpCon's classic error body: an array of ApiError. The codes are the simulator's own
    /// (1001 not found, 1002 bad request, 2001 authentication); clients should read the message.
    static func apiError(_ status: Int, _ message: String, code: Int, resource: String? = nil, name: String? = nil) -> SimResponse {
        .json(
            [
                [
                    "resource": resource.map(JSONValue.string) ?? nil, "name": name.map(JSONValue.string) ?? nil,
                    "code": .int(code), "message": .string(message),
                ]
            ], status: status)
    }
}
