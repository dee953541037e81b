import ConnectorKit
import Foundation

/// Which Jira the simulator plays: the deployments differ in API versions, authentication and search.
public enum JiraDeployment: String, Sendable {
    /// API 3 and 2, basic auth with the account e-mail and an API token, `search/jql`; the old `/search` answers 410.
    case cloud
    /// API 2 only, `Authorization: Bearer <PAT>` or basic user:password, the old `/rest/api/2/search` with `total`.
    case dataCenter
}

/// Switches of the Jira simulator.
public struct JiraSettings: Sendable {
    public var deployment = JiraDeployment.cloud
    /// Cloud basic auth: account e-mail and API token.
    public var email = "svc-opcon@example.com"
    public var apiToken = "Sim-Jira-Token-123"
    /// The Cloud account id of that user (`X-AAccountId`, comment authors).
    public var accountID = "5b10a2844c20165700ede21a"
    /// Data Center: the personal access token (Bearer) and the basic-auth user.
    public var personalAccessToken = "Sim-Jira-PAT-456"
    public var userName = "svc_opcon"
    public var password = "Sim-Jira-Pass-789"
    /// Data Center: after this many failed basic logins in a row the account is behind a CAPTCHA (403) until
    /// `clearCaptcha()`; nil turns the CAPTCHA off, as a blank setting does on a real site.
    public var captchaAfterFailedLogins: Int?
    /// A 401 body in JSON (`{"message":..,"status-code":401}`) instead of plain text; both are seen.
    public var jsonUnauthorizedBody = false
    public var projects = [JiraProject()]
    public var serviceDesks = [JiraServiceDesk()]
    public var workflow = JiraWorkflow.standard()
    /// Seconds after its create before an issue is visible to search, as Jira's index lags behind writes.
    public var searchIndexLag: Double = 0
    /// The status of an upload refused for a missing `X-Atlassian-Token: no-check`: clients report 404 (the
    /// reference's default); 403 is the other answer seen for a failed XSRF check.
    public var xsrfRefusalStatus = 404
    /// Bytes per uploaded file; nil: the deployment's default (Cloud 1 GB, Data Center 10 MB).
    public var uploadLimit: Int?
    /// The longest text a field accepts.
    public var maxTextLength = 32_767

    public init() {}

    var effectiveUploadLimit: Int { uploadLimit ?? (deployment == .cloud ? 1_073_741_824 : 10_485_760) }

    func project(_ keyOrID: String) -> JiraProject? {
        projects.first { $0.key.lowercased() == keyOrID.lowercased() || $0.id == keyOrID }
    }
}

/// Who made an authenticated request.
struct JiraCaller {
    /// The account id on Cloud, the user name on Data Center.
    var name: String
    var displayName: String
    var email: String
}

/// Jira Cloud or Data Center with Jira Service Management on a loopback HTTP server: the platform issue API
/// (create, read, transitions, comments, attachments, search) in versions 3 and 2, and the JSM request API.
public final class JiraSimulator: SimulatedService {
    public let host: SimulatorHost
    let store = Locked(JiraStore())
    let failedLogins = Locked(0)
    private let settingsBox: Locked<JiraSettings>

    public init(settings: JiraSettings = JiraSettings()) {
        settingsBox = Locked(settings)
        host = SimulatorHost(
            errorBody: { status in Self.errorCollection(JiraRejection(status: status, errorMessages: [HTTPStatus.reason(status)])) },
            presets: ["rateLimit": { json in Self.rateLimitFault(retryAfter: json["retryAfter"]?.intValue ?? 1) }])
        host.install(
            routes: { [weak self] request in self?.route(request) ?? .drop },
            control: { [weak self] request in self.flatMap { $0.host.commonControl(request) ?? $0.analystRoute(request) } })
    }

    public var settings: JiraSettings {
        get { settingsBox.current }
        set { settingsBox.withLock { $0 = newValue } }
    }

    // MARK: Faults

    /// The next `count` matching requests get 429 with `Retry-After`, the `X-RateLimit-*` headers and
    /// `RateLimit-Reason`, and an ErrorCollection; nothing is done.
    public func injectRateLimit(count: Int = 1, retryAfter: Int = 1, method: String? = nil, path: PathPattern? = nil) {
        faults.add(Fault(Self.rateLimitFault(retryAfter: retryAfter), count: count, method: method, path: path))
    }

    static func rateLimitFault(retryAfter: Int) -> Fault.Kind {
        var headers = HTTPHeaders()
        headers.set("Content-Type", "application/json;charset=UTF-8")
        headers.set("X-RateLimit-Limit", "100")
        headers.set("X-RateLimit-Remaining", "0")
        headers.set("X-RateLimit-Reset", JiraTime.rateLimitReset(Date(timeIntervalSinceNow: Double(retryAfter))))
        headers.set("RateLimit-Reason", "jira-burst-based")
        let body = errorCollectionJSON(JiraRejection(status: 429, errorMessages: ["Rate limit exceeded."]))
        return .status(429, retryAfter: retryAfter, body: body.serialized(), headers: headers)
    }

    // MARK: Envelopes

    static func errorCollectionJSON(_ rejection: JiraRejection) -> JSONValue {
        [
            "errorMessages": .array(rejection.errorMessages.map(JSONValue.string)),
            "errors": .object(rejection.errors.mapValues(JSONValue.string)),
        ]
    }

    /// The platform's ErrorCollection.
    static func errorCollection(_ rejection: JiraRejection) -> SimResponse {
        .json(errorCollectionJSON(rejection), status: rejection.status)
    }

    /// The JSM ErrorResponse: one message and its i18n key.
    static func serviceDeskError(_ status: Int, _ message: String, key: String = "sd.request.error") -> SimResponse {
        .json(["errorMessage": .string(message), "i18nErrorMessage": ["i18nKey": .string(key), "parameters": []]], status: status)
    }

    // MARK: Analyst view (in-process)

    /// All issues, oldest first.
    public var issues: [JiraIssue] { store.withLock { $0.issues } }

    /// One issue by key (any case) or id.
    public func issue(_ keyOrID: String) -> JiraIssue? { store.withLock { $0.issue(keyOrID) } }

    /// The comments of an issue, oldest first, with their visibility (`isPublic`).
    public func comments(of keyOrID: String) -> [JiraComment] { issue(keyOrID)?.comments ?? [] }

    /// The files attached to an issue, oldest first, byte for byte.
    public func attachments(of keyOrID: String) -> [JiraAttachment] { issue(keyOrID)?.attachments ?? [] }

    /// Creates an issue as a person would in the UI (no create-screen checks beyond the project).
    @discardableResult
    public func createIssue(
        project: String = "OPS", summary: String, description: String? = nil, issueType: String = "Incident",
        labels: [String] = [], reporter: String = "analyst"
    ) throws(JiraRejection) -> JiraIssue {
        let current = settings
        guard let project = current.project(project) else {
            throw JiraRejection(errors: ["project": "Specify a valid project ID or key"])
        }
        let new = JiraNewIssue(
            project: project, issueType: issueType, summary: summary,
            description: description.map(AtlassianDocument.document(fromPlainText:)), labels: labels)
        return store.withLock { $0.create(new, workflow: current.workflow, reporter: reporter) }
    }

    /// Moves an issue through the transition called `name` (any case), if its status offers it;
    /// `resolution` replaces the one the transition sets.
    @discardableResult
    public func transition(_ keyOrID: String, named name: String, resolution: String? = nil) throws(JiraRejection) -> JiraIssue {
        let workflow = settings.workflow
        return try store.withLock { store throws(JiraRejection) in
            guard let issue = store.issue(keyOrID) else { throw JiraRejection.issueNotFound }
            let offered = workflow.transitions(from: issue.status.name)
            guard let transition = offered.first(where: { $0.name.lowercased() == name.lowercased() }) else {
                let names = offered.map(\.name).joined(separator: ", ")
                throw JiraRejection(errorMessages: [
                    "No transition '\(name)' from \(issue.status.name); offered: \(names.isEmpty ? "none" : names)."
                ])
            }
            return try store.transition(keyOrID, transitionID: transition.id, resolution: resolution, workflow: workflow)
        }
    }

    /// Resolves an issue (Resolve leaves every working status, so no need to start progress first).
    @discardableResult
    public func resolve(_ keyOrID: String, resolution: String = "Done") throws(JiraRejection) -> JiraIssue {
        try transition(keyOrID, named: "Resolve", resolution: resolution)
    }

    /// Closes an issue (Closed is terminal).
    @discardableResult
    public func close(_ keyOrID: String) throws(JiraRejection) -> JiraIssue { try transition(keyOrID, named: "Close") }

    /// Cancels an issue (the cancel status is terminal; resolution "Won't Do" by default).
    @discardableResult
    public func cancel(_ keyOrID: String) throws(JiraRejection) -> JiraIssue { try transition(keyOrID, named: "Cancel") }

    /// Adds labels an analyst typed (no checks: the UI would refuse spaces, the simulator trusts its tests).
    @discardableResult
    public func addLabels(_ labels: [String], to keyOrID: String) throws(JiraRejection) -> JiraIssue {
        try store.withLock { store throws(JiraRejection) in try store.addLabels(labels, to: keyOrID) }
    }

    /// Lets a person solve the CAPTCHA: basic logins are checked again.
    public func clearCaptcha() { failedLogins.withLock { $0 = 0 } }
}

/// Jira's time stamps.
enum JiraTime {
    /// `2024-09-21T07:12:03.000+0000`, in UTC.
    static func format(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        let millis = (parts.nanosecond ?? 0) / 1_000_000
        return "\(SimTime.pad(parts.year!, 4))-\(SimTime.pad(parts.month!))-\(SimTime.pad(parts.day!))T"
            + "\(SimTime.pad(parts.hour!)):\(SimTime.pad(parts.minute!)):\(SimTime.pad(parts.second!)).\(SimTime.pad(millis, 3))+0000"
    }

    /// `X-RateLimit-Reset`'s form: `2024-09-21T07:13Z`.
    static func rateLimitReset(_ date: Date) -> String {
        String(format(date).prefix(16)) + "Z"
    }

    static func epochMillis(_ date: Date) -> Int { Int(date.timeIntervalSince1970 * 1000) }

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
