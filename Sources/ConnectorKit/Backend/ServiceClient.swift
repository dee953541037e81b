import Foundation

/// The one way a backend talks to its ITSM: builds JSON, binary and multipart requests against the template's
/// address, sends them through the run's HTTP stack (retries, deadline, debug log) with the backend's authentication,
/// and turns every failure into a `ConnectorError` whose message names the service and is free of secrets.
///
/// Creates go through `create(_:action:confirm:read:)`, which sends a POST whose outcome is unknown (5xx, timeout,
/// dropped connection) again only after the backend's landing check shows that it did not land (SPEC §7).
public struct ServiceClient: Sendable {
    /// How the backend proves who it is; registered with the masker, so it never reaches a log.
    public enum Authorization: Sendable {
        case basic(user: String, password: String)
        case bearer(String)
        /// The credentials travel in the body (Summit's API key): the backend registers them itself.
        case none
    }

    /// How messages name the instance: `ServiceNow (acme.service-now.com)`.
    public let service: String
    /// `https://host[:port][/context]`, without a trailing slash.
    public let baseURL: String
    /// What a 401 should make the operator check: `credentials.user and credentials.password in /…/sn.json`.
    public var credentialHint: String
    /// Reads the server's own words from an error body; the default knows the common shapes (`ServiceFailure`).
    public var errorMessage: @Sendable (Data) -> String?
    /// A sentence added to the failure for an HTTP status that means something particular on this ITSM (Summit: 404
    /// and 415 mean a wrong endpoint in the template).
    public var statusHints: [Int: String] = [:]
    let http: HTTPClient
    let masker: SecretMasker
    let logger: Logger
    let deadline: Deadline
    let pause: RetryMiddleware.Sleep
    let policy: RetryPolicy

    public init(
        service: String, baseURL: String, authorization: Authorization, environment: BackendEnvironment,
        policy: RetryPolicy = .standard
    ) {
        self.service = service
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        let template = environment.template.path.isEmpty ? environment.template.name : environment.template.path
        self.credentialHint = "the credentials in \(template)"
        self.errorMessage = { ServiceFailure.message(from: $0) }
        let masker = environment.secrets.masker
        switch authorization {
        case .basic(let user, let password):
            self.http = environment.http.adding(
                HeaderMiddleware(["Authorization": masker.registerBasicAuth(user: user, password: password)]))
        case .bearer(let token):
            masker.register(token)
            self.http = environment.http.adding(HeaderMiddleware(["Authorization": "Bearer \(token)"]))
        case .none:
            self.http = environment.http
        }
        self.masker = masker
        self.logger = environment.logger
        self.deadline = environment.deadline
        self.pause = environment.pause
        self.policy = policy
    }

    // MARK: Building requests

    /// `<base>/<path>[/<component>][?<query>]`. A path that is already a full URL is used as it is, a query already in
    /// the path is kept, and every added value is percent-encoded down to the unreserved characters.
    public func url(_ path: String, appending component: String? = nil, query: [(String, String)] = []) throws(ConnectorError) -> URL {
        var location = path.trimmingCharacters(in: .whitespaces)
        var queryParts: [String] = []
        if let mark = location.firstIndex(of: "?") {
            queryParts.append(String(location[location.index(after: mark)...]))
            location = String(location[..<mark])
        }
        if let component {
            while location.hasSuffix("/") { location.removeLast() }
            location += "/" + Self.percentEncoded(component)
        }
        queryParts += query.map { "\(Self.percentEncoded($0.0))=\(Self.percentEncoded($0.1))" }
        let full = queryParts.isEmpty ? location : location + "?" + queryParts.joined(separator: "&")
        let lowered = full.lowercased()
        var relative = Substring(full)
        while relative.hasPrefix("/") { relative = relative.dropFirst() }
        let text = lowered.hasPrefix("http://") || lowered.hasPrefix("https://") ? full : baseURL + "/" + relative
        guard let url = URL(string: text) else {
            throw .configuration("\(service): \"\(path)\" does not make a valid URL with the address \(baseURL).")
        }
        return url
    }

    /// A request that sends and accepts JSON. `isRead` marks a POST that only reads (a search), so it may be retried.
    public func request(
        _ method: HTTPMethod, _ path: String, appending component: String? = nil, query: [(String, String)] = [],
        json: JSONValue? = nil, isRead: Bool = false
    ) throws(ConnectorError) -> HTTPRequest {
        var headers = ["Accept": "application/json"]
        if json != nil { headers["Content-Type"] = "application/json; charset=utf-8" }
        return HTTPRequest(
            method: method, url: try url(path, appending: component, query: query), headers: headers,
            body: json?.data(), isRetrySafe: isRead)
    }

    /// A POST whose body is read while it is sent (a job log, its base64, a multipart form).
    public func upload(
        _ path: String, appending component: String? = nil, query: [(String, String)] = [],
        body: StreamedBody, contentType: String
    ) throws(ConnectorError) -> HTTPRequest {
        var request = HTTPRequest(
            method: .post, url: try url(path, appending: component, query: query),
            headers: ["Accept": "application/json", "Content-Type": contentType])
        request.streamedBody = body
        return request
    }

    // MARK: Sending

    /// Sends a request. A 2xx answer, or one whose status is in `accepting` (a 404 that means "no such ticket"), comes
    /// back; 401 and 403 are a refusal (exit 77, never retried); anything else is a failure naming `action`.
    public func send(_ request: HTTPRequest, action: String, accepting: Set<Int> = []) async throws(ConnectorError) -> HTTPResponse {
        let response: HTTPResponse
        do {
            response = try await http.send(request)
        } catch {
            throw ServiceFailure.map(error, service: service).masked(by: masker)
        }
        if response.isSuccess || accepting.contains(response.status) { return response }
        throw failure(response, action: action)
    }

    /// Sends a request and returns its answer's JSON.
    public func document(_ request: HTTPRequest, action: String) async throws(ConnectorError) -> JSONValue {
        try json(in: try await send(request, action: action), action: action)
    }

    /// The JSON object or array of a successful answer; an empty body, an HTML page, a truncated body or a bare value
    /// is unusable.
    public func json(in response: HTTPResponse, action: String) throws(ConnectorError) -> JSONValue {
        guard !response.body.isEmpty else { throw unusable(response, action, "an empty body instead of JSON") }
        let document: JSONValue
        do {
            document = try JSONValue.parse(response.body)
        } catch {
            if response.bodyText.lowercased().contains("<html"), let page = ServiceFailure.message(from: response.body) {
                throw unusable(response, action, "\(page) instead of JSON; check that the service is up and address.value is right")
            }
            throw unusable(response, action, "malformed or truncated JSON (\(error.description))")
        }
        guard document.objectValue != nil || document.arrayValue != nil else {
            throw unusable(response, action, "JSON \(document.typeName) where an object was expected")
        }
        return document
    }

    /// What an answer that is not a success means to the operator.
    public func failure(_ response: HTTPResponse, action: String) -> ConnectorError {
        let said = errorMessage(response.body).map { ": \($0)" } ?? ""
        let hint = statusHints[response.status].map { " " + $0 } ?? ""
        let error: ConnectorError
        switch response.status {
        case 401:
            error = .permission("\(service) refused the credentials (HTTP 401\(said)) when asked to \(action). Check \(credentialHint).")
        case 403:
            error = .permission(
                "\(service) refused to \(action) (HTTP 403\(said)): the account in \(credentialHint) lacks the rights for it.")
        case 429, 500...599:
            error = .unavailable("\(service) could not \(action) (HTTP \(response.status)\(said)).\(hint)")
        default:
            error = .data("\(service) could not \(action) (HTTP \(response.status)\(said)).\(hint)")
        }
        return error.masked(by: masker)
    }

    /// `text` with every secret of the run replaced by `****`: for server words a backend quotes in its own errors.
    public func masked(_ text: String) -> String { masker.mask(text) }

    /// A data error about an answer, masked: for a backend that finds something missing in a successful answer.
    public func unusable(_ response: HTTPResponse, _ action: String, _ what: String) -> ConnectorError {
        ConnectorError.data("\(service) answered the request to \(action) (HTTP \(response.status)) with \(what).").masked(by: masker)
    }

    // MARK: Creating without doubling

    /// Sends a create. A 2xx answer is read into the new ticket's reference. A 429 or a connection never made proved
    /// nothing landed and the run's retries have already sent it again while the deadline allowed, so it fails as
    /// `.unavailable` (the event waits in the outbox). An answer whose outcome is unknown (5xx, timeout, dropped
    /// connection) is followed by `confirm`, and sent again only when that finds nothing, with the run's retry policy's
    /// waits and inside its deadline.
    /// - Parameter confirm: nil when nothing can show whether a create landed: such a create is never sent twice.
    public func create(
        _ request: HTTPRequest, action: String, confirm: LandingCheck?,
        read: (HTTPResponse) throws(ConnectorError) -> TicketReference
    ) async throws(ConnectorError) -> TicketReference {
        var guessedRetries = 0
        var attempt = 1
        while true {
            let reason: String
            var retryAfter: Double?
            do {
                let response = try await http.send(request)
                switch response.status {
                case 200..<300:
                    return try read(response)
                case 500...599:
                    reason = "HTTP \(response.status)" + (errorMessage(response.body).map { ": \($0)" } ?? "")
                    retryAfter = RetryAfter.delay(from: response.header("Retry-After"), now: Date())
                default:
                    throw failure(response, action: action)
                }
            } catch let error as TransportError {
                switch error {
                // A certificate does not become trusted by sending again; a request that never left this machine was
                // already sent again by the run's retries, and nothing landed.
                case .tlsFailure, .notConnected: throw ServiceFailure.map(error, service: service).masked(by: masker)
                case .connectionFailed, .timedOut: reason = error.description
                }
            } catch let error as ConnectorError {
                throw error
            } catch {
                throw ServiceFailure.map(error, service: service).masked(by: masker)
            }
            let said = masker.mask(reason)

            guard let confirm else {
                throw .unconfirmed(
                    "\(service) did not confirm the request to \(action) (\(said)). It is not sent again: "
                        + "nothing can show whether it landed, and a second one could open a duplicate; check \(service).")
            }
            logger.warning("\(service) did not confirm the request to \(action) (\(said)); looking for the ticket before sending it again.")
            if let landed = try await look(confirm) {
                logger.info("\(service): the unconfirmed request did create \(landed.number); using it.")
                return landed
            }

            let serverNamed = retryAfter != nil
            // The ceiling itself, not a jittered share of it: a run sends one create at a time, and its landing check
            // has already spaced the attempts.
            let delay = max(retryAfter ?? 0, policy.baseDelay, serverNamed ? 0 : policy.backoff(retry: guessedRetries + 1, jitter: false))
            let attempts = attempt == 1 ? "1 attempt" : "\(attempt) attempts"
            let noneFound = ", and it did not land"
            if !serverNamed && guessedRetries + 1 >= policy.maxAttempts {
                throw .unavailable("\(service) could not \(action) (last: \(said))\(noneFound); gave up after \(attempts).")
            }
            guard delay < deadline.remaining else {
                throw .unavailable(
                    "\(service) could not \(action) (last: \(said))\(noneFound); gave up after \(attempts): the next, "
                        + "\(Self.seconds(delay)) s from now, would be past the run's deadline (\(Self.seconds(deadline.remaining)) s left)."
                )
            }
            logger.info("\(service): sending the request to \(action) again in \(Self.seconds(delay)) s (attempt \(attempt + 1)).")
            try await wait(delay)
            attempt += 1
            if !serverNamed { guessedRetries += 1 }
        }
    }

    /// Looks for a landed create: at once, then with the policy's backoff until `settleSeconds` have passed (an ITSM
    /// whose search index lags shows a new ticket only after a while), never past the deadline.
    func look(_ check: LandingCheck) async throws(ConnectorError) -> TicketReference? {
        let start = deadline.remaining
        var looks = 0
        while true {
            if let found = try await check.find() { return found }
            looks += 1
            let waited = start - deadline.remaining
            let delay = min(policy.backoff(retry: looks, jitter: false), max(0, check.settleSeconds - waited))
            guard delay > 0, waited + delay <= check.settleSeconds, delay < deadline.remaining else { return nil }
            try await wait(delay)
        }
    }

    func wait(_ seconds: Double) async throws(ConnectorError) {
        do { try await pause(seconds) } catch { throw ServiceFailure.map(error, service: service) }
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    public static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    /// Seconds for messages: `0.5`, `30`.
    static func seconds(_ value: Double) -> String {
        let tenths = (value * 10).rounded() / 10
        return tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)
    }
}

/// How a backend proves that a create whose answer was lost did land: `find` looks for the new ticket, and is repeated
/// for up to `settleSeconds` when the ITSM shows new tickets only after a while (Jira's search index).
public struct LandingCheck: Sendable {
    public var settleSeconds: Double
    public var find: @Sendable () async throws(ConnectorError) -> TicketReference?

    public init(settleSeconds: Double = 0, find: @escaping @Sendable () async throws(ConnectorError) -> TicketReference?) {
        self.settleSeconds = settleSeconds
        self.find = find
    }
}

extension TicketBackend {
    /// The landing check of a backend that searches by correlation: the new ticket is an open one carrying the draft's
    /// correlation id that was not there before. When a ticket is being replaced, older open tickets of the job may
    /// carry the same id (under `alwaysCreateNewTicket`), so they are noted first. Nil when the backend cannot search
    /// for this id.
    public func correlationLandingCheck(for draft: TicketDraft, settleSeconds: Double = 0) async throws(ConnectorError) -> LandingCheck? {
        guard capabilities.contains(.correlationSearch), !draft.correlationID.isEmpty else { return nil }
        var older: Set<String> = []
        if draft.previousTicket != nil {
            guard let existing = try await openTickets(correlationID: draft.correlationID) else { return nil }
            older = Set(existing.map(\.reference.recordedID))
        }
        let correlationID = draft.correlationID
        let earlier = older
        return LandingCheck(settleSeconds: settleSeconds) { () async throws(ConnectorError) -> TicketReference? in
            try await openTickets(correlationID: correlationID)?.first { !earlier.contains($0.reference.recordedID) }?.reference
        }
    }
}
