import ConnectorKit
import Foundation

/// The ServiceNow incident backend: the Table API on `incident` and the Attachment API, with basic auth
/// (SPEC §6.2). The lifecycle engine decides; this type reads and writes incidents.
public struct ServiceNowBackend: ITSMBackend {
    public let settings: ServiceNowTemplateSettings
    let requests: ServiceNowRequests
    let payloads: IncidentPayloads
    let http: HTTPClient
    let logger: Logger
    /// The run's budget (`DEADLINE_SECONDS`): a create is attempted again only while the wait before it ends inside it.
    let deadline: Deadline
    /// Waits between create attempts; injectable so tests need not sleep.
    let pause: @Sendable (Double) async throws -> Void
    /// The most times one POST (a create, an attachment) is sent, each after proving the previous one did not land.
    /// The deadline normally ends the attempts first; this only stops a server that fails fast from being hammered.
    let maxPostAttempts: Int
    /// Where the credentials were read from, for the message when ServiceNow refuses them.
    public var templatePath = "the ServiceNow template"

    /// A backend with resolved credentials. The basic-auth header is added innermost on `http` (below retries and debug
    /// logging) and registered with `masker`, so it never reaches a log.
    public init(settings: ServiceNowTemplateSettings, user: String, password: String, http: HTTPClient, logger: Logger,
                masker: SecretMasker, deadline: Deadline) {
        self.init(settings: settings, user: user, password: password, http: http, logger: logger, masker: masker,
                  deadline: deadline, pause: { seconds in try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000)) })
    }

    init(settings: ServiceNowTemplateSettings, user: String, password: String, http: HTTPClient, logger: Logger,
         masker: SecretMasker, deadline: Deadline, pause: @escaping @Sendable (Double) async throws -> Void,
         maxPostAttempts: Int = 20) {
        self.settings = settings
        self.requests = ServiceNowRequests(settings: settings)
        self.payloads = IncidentPayloads(settings: settings)
        self.http = http.adding(HeaderMiddleware(["Authorization": masker.registerBasicAuth(user: user, password: password)]))
        self.logger = logger
        self.deadline = deadline
        self.pause = pause
        self.maxPostAttempts = maxPostAttempts
    }

    /// How messages name this instance: `ServiceNow (acme.service-now.com)`.
    var service: String { "ServiceNow (\(settings.address.authority))" }

    // MARK: ITSMBackend

    public var decisionRules: DecisionRules {
        DecisionRules(alwaysCreateNewTicket: settings.alwaysCreateNewTicket, allowReopen: settings.allowTicketReopen)
    }

    public var placeholderStyle: PlaceholderStyle { .indexed }

    /// The SMA ServiceNow connector attaches the job log unless the template says otherwise.
    public var attachesJobLogByDefault: Bool { true }

    public func findTicket(recordedID: String?, draft: TicketDraft) async throws -> ExistingTicket? {
        guard let recordedID, let recorded = RecordedIncident(recordedID) else {
            // No ticket on the job: a run that created one and died before writing it back left it findable.
            return try await adoptUnrecorded(draft, excluding: nil)
        }
        guard let ticket = try await read(recorded) else { return nil }
        // The recorded ticket is about to be replaced: a run that opened its replacement and died before writing it
        // back left that one findable too. (With alwaysCreateNewTicket every failure has its own incident, so an
        // active one with this correlation_id proves nothing.)
        let replaced = ticket.status.isFinal || (ticket.status == .resolved && !settings.allowTicketReopen)
        if replaced, !settings.alwaysCreateNewTicket, let adopted = try await adoptUnrecorded(draft, excluding: ticket.reference.internalID) {
            return adopted
        }
        return ticket
    }

    /// The newest open incident with this job's `correlation_id` (other than `excluded`), marked `foundBySearch`.
    func adoptUnrecorded(_ draft: TicketDraft, excluding excluded: String?) async throws -> ExistingTicket? {
        guard settings.includeCorrelationID else { return nil }
        // An empty id goes on to be refused loudly: it means the engine built no correlation at all.
        if !draft.correlationID.isEmpty, !IncidentQuery.isSafe(draft.correlationID) {
            logger.warning("\(service): the correlation_id \"\(draft.correlationID)\" cannot be used in a ServiceNow query (it contains '^' or a line break); a ticket opened by an interrupted run is not looked for.")
            return nil
        }
        let candidates = try await searchOpen(correlationID: draft.correlationID, limit: excluded == nil ? 1 : 2)
        guard let found = candidates.first(where: { $0.sysID != excluded }) else { return nil }
        var ticket = try existing(found, action: "search incidents by correlation_id")
        ticket.foundBySearch = true
        logger.info("\(service): found \(found.number) by correlation_id although the job does not record it; a previous run must have stopped before writing it back.")
        return ticket
    }

    public func update(_ ticket: ExistingTicket, with draft: TicketDraft) async throws {
        let sysID = try sysID(of: ticket.reference)
        _ = try await send(requests.update(sysID: sysID, body: payloads.update(draft)), action: "update incident \(ticket.reference.number)")
    }

    public func reopen(_ ticket: ExistingTicket, with draft: TicketDraft) async throws {
        let sysID = try sysID(of: ticket.reference)
        _ = try await send(requests.update(sysID: sysID, body: payloads.reopen(draft)), action: "reopen incident \(ticket.reference.number)")
    }

    public func attach(_ file: JobLogFile, to ticket: TicketReference) async throws {
        guard let attachmentPath = settings.attachmentPath else {
            throw ConnectorError.configuration(
                "The ServiceNow template has no urls entry named \"attachment\": add {\"name\": \"attachment\", \"value\": \"api/now/attachment/file\"} to attach job logs.")
        }
        let sysID = try sysID(of: ticket)
        let request = requests.attach(file, sysID: sysID, attachmentPath: attachmentPath)
        // A plain POST: the shared retries repeat it only after a 429, which proves the file was not attached.
        _ = try await send(request, action: "attach \(file.name.isEmpty ? "joblog.txt" : file.name) to incident \(ticket.number)")
    }

    public func previewPayload(for decision: Decision, draft: TicketDraft) -> JSONValue {
        payloads.body(for: decision, draft: draft)
    }

    public func ticketStatus(recordedID: String) async throws -> ExistingTicket? {
        guard let recorded = RecordedIncident(recordedID) else { return nil }
        return try await read(recorded)
    }

    public func owns(recordedID: String, ticketURL: String?) -> Bool {
        guard RecordedIncident.looksLikeServiceNow(recordedID) else { return false }
        guard let ticketURL = ticketURL?.trimmingCharacters(in: .whitespaces), !ticketURL.isEmpty else { return true }
        return ticketURL.lowercased().hasPrefix(settings.address.baseURL.lowercased() + "/")
    }

    public func describeTicket(number: String) async throws -> String {
        let action = "read incident \(number)"
        let document = try await send(requests.query(try IncidentQuery.number(number), limit: 1), action: action, notFoundIsEmpty: true)
        guard let record = try records(in: document, action: action).first else {
            throw ConnectorError.data("\(service) has no incident numbered \(number).")
        }
        let fields = recordObject(in: document)
        func field(_ name: String) -> String? {
            guard let value = fields?[name], let text = value.scalarText ?? value["display_value"]?.scalarText ?? value["value"]?.scalarText,
                !text.isEmpty
            else { return nil }
            return text
        }
        var lines = ["Incident \(record.number)"]
        if let state = record.state { lines.append("State: \(IncidentState.label(for: state)) (\(state))") }
        if let summary = field("short_description") { lines.append("Short description: \(summary)") }
        if let priority = field("priority") { lines.append("Priority: \(priority)") }
        if let opened = field("opened_at") { lines.append("Opened: \(opened)") }
        if let updated = field("sys_updated_on") { lines.append("Updated: \(updated)") }
        if let correlation = field("correlation_id") { lines.append("Correlation id: \(correlation)") }
        lines.append("Link: \(requests.ticketURL(sysID: record.sysID))")
        return lines.joined(separator: "\n")
    }

    public func verifyAccess() async throws {
        _ = try await send(requests.query(nil, limit: 1), action: "list incidents", notFoundIsEmpty: true)
    }

    // MARK: Reading incidents

    /// One incident row of a query answer, read through the `getincident*` notations.
    struct IncidentRecord: Sendable, Equatable {
        var sysID: String
        var number: String
        var state: String?
    }

    /// The recorded incident, or nil when ServiceNow no longer has it.
    func read(_ recorded: RecordedIncident) async throws -> ExistingTicket? {
        let action = "read incident \(recorded.number)"
        let query: String
        if let sysID = recorded.sysID {
            query = try IncidentQuery.sysID(sysID)
        } else {
            query = try IncidentQuery.number(recorded.number)
        }
        let document = try await send(requests.query(query, limit: 1), action: action, notFoundIsEmpty: true)
        guard var record = try records(in: document, action: action).first else { return nil }
        if record.number.isEmpty { record.number = recorded.number }
        return try existing(record, action: action)
    }

    /// Open incidents (not Resolved, Closed or Canceled) carrying `correlationID`, newest first.
    func searchOpen(correlationID: String, limit: Int) async throws -> [IncidentRecord] {
        let query = try IncidentQuery.openByCorrelation(correlationID)
        let action = "search incidents by correlation_id"
        let document = try await send(requests.query(query, limit: limit), action: action, notFoundIsEmpty: true)
        return try records(in: document, action: action)
    }

    func existing(_ record: IncidentRecord, action: String) throws(ConnectorError) -> ExistingTicket {
        guard let state = record.state else {
            throw .data("\(service) answered the request to \(action) without a state at \(settings.notations.path(.getIncidentState)); check parseNotations getincidentstate.")
        }
        guard !record.number.isEmpty else {
            throw .data("\(service) answered the request to \(action) without a number at \(settings.notations.path(.getIncidentNumber)); check parseNotations getincidentnumber.")
        }
        let reference = TicketReference(
            recordedID: RecordedIncident.recordedID(number: record.number, sysID: record.sysID), number: record.number,
            url: requests.ticketURL(sysID: record.sysID), internalID: record.sysID)
        return ExistingTicket(reference: reference, status: IncidentState.status(for: state), rawState: state)
    }

    /// Every incident in a list answer. An empty list is no incident; a document without the list is unusable.
    func records(in document: JSONValue, action: String) throws(ConnectorError) -> [IncidentRecord] {
        let notations = settings.notations
        var found: [IncidentRecord] = []
        var index = 0
        while let sysIDPath = notations.path(.getIncidentSysID, record: index),
            let sysID = ParseNotations.text(in: document, at: sysIDPath), !sysID.isEmpty
        {
            let number = notations.path(.getIncidentNumber, record: index).flatMap { ParseNotations.text(in: document, at: $0) }
            let state = notations.path(.getIncidentState, record: index).flatMap { ParseNotations.text(in: document, at: $0) }
            found.append(IncidentRecord(sysID: sysID, number: number ?? "", state: state))
            index += 1
        }
        if found.isEmpty {
            let listPath = notations.listPath(.getIncidentSysID)
            let list = listPath.flatMap { $0.isEmpty ? document : document.value(atPath: $0) }
            guard list?.arrayValue != nil else {
                throw .data("\(service) answered the request to \(action) without a list at \(listPath ?? notations.path(.getIncidentSysID)); check parseNotations getincidentsysid.")
            }
        }
        return found
    }

    /// The first record's object (`result.[0]`), for the fields `describeTicket` shows.
    func recordObject(in document: JSONValue) -> JSONValue? {
        var steps = settings.notations.path(.getIncidentSysID).split(separator: ".").map(String.init)
        guard !steps.isEmpty else { return nil }
        steps.removeLast()
        return steps.isEmpty ? document : document.value(atPath: steps.joined(separator: "."))
    }

    func sysID(of reference: TicketReference) throws(ConnectorError) -> String {
        if !reference.internalID.isEmpty { return reference.internalID }
        if let sysID = RecordedIncident(reference.recordedID)?.sysID { return sysID }
        throw .internal("\(service): incident \(reference.number) has no sys_id to write to.")
    }

    // MARK: Sending

    /// Sends a request and returns the answer's JSON, mapping every failure to a `ConnectorError`. With
    /// `notFoundIsEmpty`, a 404 "No Record found" (Table API v1's answer to an empty query) reads as an empty list.
    func send(_ request: HTTPRequest, action: String, notFoundIsEmpty: Bool = false) async throws(ConnectorError) -> JSONValue {
        let response: HTTPResponse
        do {
            response = try await http.send(request)
        } catch {
            throw ServiceFailure.map(error, service: service)
        }
        if response.status == 401 || response.status == 403 {
            throw refusal(response, action: action)
        }
        if notFoundIsEmpty, response.status == 404,
            ServiceFailure.message(from: response.body)?.lowercased().hasPrefix("no record found") == true
        {
            return ["result": []]
        }
        return try ServiceNowAnswer.document(response, service: service, action: action)
    }

    /// A 401 or 403 as the operator must read it: which template fields hold the credentials ServiceNow turned away
    /// (401), or that the account lacks the rights (403). Never an outage: waiting would not change the answer.
    func refusal(_ response: HTTPResponse, action: String) -> ConnectorError {
        let said = ServiceFailure.message(from: response.body).map { ": \($0)" } ?? ""
        if response.status == 401 {
            return .permission("\(service) refused the credentials (HTTP 401\(said)) when asked to \(action). Check credentials.user "
                + "and credentials.password in \(templatePath).")
        }
        return .permission("\(service) refused to \(action) (HTTP 403\(said)): the account in credentials.user of \(templatePath) "
            + "lacks the rights for it, or a data policy of the instance forbids it.")
    }
}
