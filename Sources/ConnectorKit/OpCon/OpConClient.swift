import Foundation

/// Talks to the OpCon REST API (SPEC §4): finds the failed daily job, writes the ticket back, updates the job
/// documentation, fetches job logs and applies job actions. Every failure is a `ConnectorError` whose message
/// names what was attempted and quotes OpCon's own message, and never contains the token.
public struct OpConClient: OpConService {
    /// `http(s)://SERVER:PORT`, without the `/api` suffix.
    public let baseURL: URL
    /// How job log and job action results are polled.
    public var polling: PollingPolicy

    let anonymous: HTTPClient
    let authorized: HTTPClient
    /// The run's deadline; polling stops before a wait would end past it. Without one, the HTTP stack's own
    /// deadline still ends polling with its first refused request.
    let deadline: Deadline?
    let logger: Logger
    let sleep: RetryMiddleware.Sleep
    /// Where TOKEN was read from, for the permission message.
    let configPath: String

    /// `http` should come from `HTTPStack.make` (retries, deadline, logging); `token` is the resolved secret.
    public init(
        baseURL: URL, token: String, http: HTTPClient, logger: Logger, deadline: Deadline? = nil,
        configPath: String = "Connector.config", polling: PollingPolicy = .standard,
        sleep: @escaping RetryMiddleware.Sleep = RetryMiddleware.taskSleep
    ) {
        self.baseURL = baseURL
        self.anonymous = http
        self.authorized = http.adding(HeaderMiddleware.opConToken(token))
        self.deadline = deadline
        self.logger = logger
        self.polling = polling
        self.sleep = sleep
        self.configPath = configPath.isEmpty ? "Connector.config" : configPath
        // The resolver registers it too; registering here keeps a hand-built client just as safe.
        logger.masker.register(token)
        logger.masker.register(HeaderMiddleware.bareOpConToken(token))
    }

    /// A client for the OpCon API that `config` names (see `baseURL(for:configPath:)`).
    public init(
        config: ConnectorConfig, token: String, http: HTTPClient, deadline: Deadline, logger: Logger,
        polling: PollingPolicy = .standard,
        sleep: @escaping RetryMiddleware.Sleep = RetryMiddleware.taskSleep
    ) throws(ConnectorError) {
        let path = config.path.isEmpty ? "Connector.config" : config.path
        self.init(
            baseURL: try Self.baseURL(for: config.opcon, configPath: path), token: token, http: http, logger: logger,
            deadline: deadline, configPath: path, polling: polling, sleep: sleep)
    }

    /// `https://SERVER:PORT` when `USES_TLS=True`, else `http://`. SERVER may also carry its own scheme, port or path
    /// (`https://opcon01:9010`, `opcon01:9010`, `http://gateway/opcon/api`): what it names wins over PORT and
    /// USES_TLS, and a trailing `/api` is dropped because every request adds it.
    public static func baseURL(for opcon: ConnectorConfig.OpCon, configPath: String = "Connector.config") throws(ConnectorError) -> URL {
        let server = opcon.server.trimmingCharacters(in: .whitespaces)
        guard !server.isEmpty else {
            throw .configuration("\(configPath): [OPCON API CONNECTION] SERVER is empty; set it to the OpCon API host name.")
        }
        var text = server
        let lowered = server.lowercased()
        if !(lowered.hasPrefix("http://") || lowered.hasPrefix("https://")) {
            // An IPv6 literal needs brackets in a URL.
            let isBareIPv6 = server.filter { $0 == ":" }.count >= 2 && !server.hasPrefix("[")
            text = "\(opcon.usesTLS ? "https" : "http")://\(isBareIPv6 ? "[\(server)]" : server)"
        }
        guard var components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw .configuration(
                "\(configPath): [OPCON API CONNECTION] SERVER \"\(server)\" with PORT \(opcon.port) does not form a valid address.")
        }
        if components.port == nil { components.port = opcon.port }
        var path = components.path
        while path.hasSuffix("/") { path.removeLast() }
        if path.lowercased().hasSuffix("/api") { path.removeLast(4) }
        components.path = path
        components.query = nil
        components.fragment = nil
        guard let url = components.url else {
            throw .configuration(
                "\(configPath): [OPCON API CONNECTION] SERVER \"\(server)\" with PORT \(opcon.port) does not form a valid address.")
        }
        return url
    }

    // MARK: Checks

    /// The API's version (`GET /api/version`, no authentication needed).
    public func version() async throws(ConnectorError) -> String {
        let action = "report its version"
        let response = try await exchange(.get, "version", authenticated: false, action: action)
        try requireSuccess(response, action: action)
        let body = try json(response, action: action)
        guard let version = body["opConRestApiProductVersion"]?.scalarText else {
            throw unusable(action, "the answer has no opConRestApiProductVersion")
        }
        return version
    }

    /// Proves the token works with an authenticated read (`GET /api/tokens`).
    public func verifyToken() async throws(ConnectorError) {
        let action = "accept the API token"
        let response = try await exchange(.get, "tokens", action: action)
        try requireSuccess(response, action: action)
    }

    // MARK: Daily jobs

    /// The daily job of a failure event: `GET /api/dailyjobs/{id}`, and on 404 a search by date, schedule and
    /// name. `.data` (exit 65) when neither finds it.
    public func dailyJob(for event: FailureEvent) async throws(ConnectorError) -> DailyJob {
        let id = event.dailyJobID
        let action = "read the daily job \(id)"
        let response = try await exchange(.get, "dailyjobs/\(OpConPath.segment(id))", action: action)
        if response.status == 404 {
            return try await searchDailyJob(for: event)
        }
        try requireSuccess(response, action: action)
        let job = try dailyJob(from: json(response, action: action), action: action)
        guard job.raw["documentation"] == nil else { return job }
        // Lists include documentation only when asked; should this server's single-job answer leave it out too,
        // the list lookup asks for it, so that a documentation update never writes over text it did not read.
        do { return try await searchDailyJob(for: event) } catch  where error.exitCode == .dataError { return job }
    }

    /// The fallback lookup for ids OpCon does not resolve directly (unusual characters in the job name).
    private func searchDailyJob(for event: FailureEvent) async throws(ConnectorError) -> DailyJob {
        let action = "search the daily jobs named \(event.job) on \(event.scheduleDate)"
        let query: [(name: String, value: String)] = [
            ("dates", event.scheduleDate), ("name", event.job),
            ("scheduleIds", event.dailyScheduleID), ("includeDocumentation", "true"),
        ]
        let response = try await exchange(.get, "dailyjobs", query: query, action: action)
        try requireSuccess(response, action: action)
        let jobs = try dailyJobs(from: json(response, action: action), action: action)
        let match =
            jobs.first { $0.name == event.job }
            ?? jobs.first { $0.name.caseInsensitiveCompare(event.job) == .orderedSame }
        guard let match else {
            throw .data(
                "The daily job \(event.dailyJobID) does not exist in OpCon (no job named \"\(event.job)\" in schedule "
                    + "\(event.dailyScheduleID) on \(event.scheduleDate)). Check the -sd, -si, -sn and -jn values that "
                    + "Notification Manager passes.")
        }
        return match
    }

    /// Daily jobs of these dates (`yyyy-MM-dd`) in these status categories, with their documentation (`sync`).
    public func dailyJobs(dates: [String], categories: [String]) async throws(ConnectorError) -> [DailyJob] {
        let action = "list the daily jobs of \(dates.joined(separator: ", "))"
        var query: [(name: String, value: String)] = [("dates", dates.joined(separator: ","))]
        if !categories.isEmpty { query.append(("categories", categories.joined(separator: ","))) }
        query.append(("includeDocumentation", "true"))
        let response = try await exchange(.get, "dailyjobs", query: query, action: action)
        try requireSuccess(response, action: action)
        return try dailyJobs(from: json(response, action: action), action: action)
    }

    // MARK: Writing to the job

    /// Records the ticket in the job's Incident Ticket ID: POST the first time, PUT when the job had one. A POST
    /// refused with 400 falls back to PUT: an earlier, interrupted run may already have written a ticket.
    public func writeTicket(_ ticket: TicketReference, jobUID: Int, hadTicket: Bool) async throws(ConnectorError) {
        let collection = "dailyjobs/\(jobUID)/incidentTickets"
        let action = "record ticket \(ticket.number) on daily job uid \(jobUID)"
        if !hadTicket {
            let body: JSONValue = ["id": 0, "ticketId": .string(ticket.recordedID), "ticketUrl": .string(ticket.url)]
            // Safe to repeat: a job holds a single ticket record, so a POST that landed makes the next one a 400,
            // which is handled below by the PUT.
            let response = try await exchange(.post, collection, body: body, retrySafe: true, action: action)
            if response.status != 400 {
                try requireSuccess(response, action: action)
                return
            }
            logger.info("OpCon refused to add a ticket record to daily job uid \(jobUID) (HTTP 400); replacing the existing one.")
        }
        let body: JSONValue = ["id": 1, "ticketId": .string(ticket.recordedID), "ticketUrl": .string(ticket.url)]
        let response = try await exchange(.put, "\(collection)/1", body: body, action: action)
        try requireSuccess(response, action: action)
    }

    /// Replaces `documentation.job` with `text`, sending the job back exactly as read otherwise (unknown fields
    /// included). Returns the job as OpCon now has it.
    public func updateDocumentation(of job: DailyJob, to text: String) async throws(ConnectorError) -> DailyJob {
        let updated = job.withDocumentation(text)
        let action = "update the documentation of daily job \(job.id)"
        let response = try await exchange(.put, "dailyjobs/\(OpConPath.segment(job.id))", body: updated.raw, action: action)
        try requireSuccess(response, action: action)
        // OpCon answers with the updated job; an empty answer still means the PUT was applied.
        if let answer = try? JSONValue.parse(response.body), answer.objectValue != nil, answer["id"] != nil {
            return DailyJob(raw: answer)
        }
        return updated
    }

    // MARK: Plumbing shared by the extensions

    /// Sends one request and returns OpCon's answer whatever its status; transport failures become `.unavailable`.
    func exchange(
        _ method: HTTPMethod, _ path: String, query: [(name: String, value: String)] = [],
        body: JSONValue? = nil, retrySafe: Bool = false, authenticated: Bool = true,
        sink: (any ResponseBodySink)? = nil, action: String
    ) async throws(ConnectorError) -> HTTPResponse {
        let base = baseURL.absoluteString.hasSuffix("/") ? String(baseURL.absoluteString.dropLast()) : baseURL.absoluteString
        var text = "\(base)/api/\(path)"
        if !query.isEmpty { text += "?" + OpConPath.query(query) }
        guard let url = URL(string: text) else {
            throw .internal("Could not build the OpCon URL to \(action).")
        }
        var headers = ["Accept": "application/json"]
        if body != nil { headers["Content-Type"] = "application/json" }
        var request = HTTPRequest(method: method, url: url, headers: headers, body: body?.data(), isRetrySafe: retrySafe)
        request.responseSink = sink.map(ResponseSink.init)
        do {
            return try await (authenticated ? authorized : anonymous).send(request)
        } catch {
            throw masked(ServiceFailure.map(error, service: "OpCon"))
        }
    }

    /// Throws the operator-facing error for a non-2xx answer.
    func requireSuccess(_ response: HTTPResponse, action: String) throws(ConnectorError) {
        guard !response.isSuccess else { return }
        let serverMessage = ServiceFailure.message(from: response.body)
        switch response.status {
        case 401, 403:
            let said = serverMessage.map { ": \($0)" } ?? ""
            throw masked(
                .permission(
                    "OpCon refused to \(action) (HTTP \(response.status)\(said)). Check TOKEN in the "
                        + "[OPCON API CONNECTION] section of \(configPath): it must be a valid OpCon API token with the needed privileges.")
            )
        default:
            throw masked(ServiceFailure.map(response, service: "OpCon", action: action, serverMessage: serverMessage))
        }
    }

    /// The answer's JSON; `.data` for an empty, HTML or malformed body.
    func json(_ response: HTTPResponse, action: String) throws(ConnectorError) -> JSONValue {
        guard !response.body.isEmpty else { throw unusable(action, "the answer was empty") }
        do {
            return try JSONValue.parse(response.body)
        } catch {
            let what = ServiceFailure.message(from: response.body).map { " (\($0))" } ?? ""
            throw unusable(action, "the answer is not valid JSON\(what): \(error.description)")
        }
    }

    /// `.data` for an answer that arrived but cannot be used.
    func unusable(_ action: String, _ reason: String) -> ConnectorError {
        masked(.data("OpCon's answer when asked to \(action) cannot be used: \(reason)."))
    }

    /// OpCon may echo what it was sent; no message leaves this client with the token in it.
    private func masked(_ error: ConnectorError) -> ConnectorError {
        error.masked(by: logger.masker)
    }

    private func dailyJob(from value: JSONValue, action: String) throws(ConnectorError) -> DailyJob {
        guard value.objectValue != nil else { throw unusable(action, "expected a daily job object, found \(value.typeName)") }
        return DailyJob(raw: value)
    }

    private func dailyJobs(from value: JSONValue, action: String) throws(ConnectorError) -> [DailyJob] {
        guard let items = value.arrayValue else { throw unusable(action, "expected an array of daily jobs, found \(value.typeName)") }
        var jobs: [DailyJob] = []
        for (index, item) in items.enumerated() {
            guard item.objectValue != nil else { throw unusable(action, "element \(index) is \(item.typeName), not a daily job") }
            jobs.append(DailyJob(raw: item))
        }
        return jobs
    }
}
