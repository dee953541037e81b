import ConnectorKit
import Foundation

/// The Symphony Summit backend: one JSON POST endpoint whose `ServiceName` picks the operation, API-key auth in the
/// body, in-band errors. Tickets are identified by their number; Summit has no correlation search.
public struct SummitBackend: ITSMBackend {
    let settings: SummitSettings
    let requests: SummitRequests
    let http: HTTPClient
    let logger: Logger
    /// The lowest field layer: the built-in Summit defaults under Connector.config's `[DEFAULTS]`.
    let defaults: [TicketField]
    /// Whether this is the only Summit template in its folder; decides `owns` for a job whose ticket has no URL.
    let isSoleSummitTemplate: Bool

    /// Reads the template and resolves `credentials.apiKey` (never logged; registered with the masker).
    public init(template: Template, environment: BackendEnvironment) throws {
        let settings = try SummitSettings(template: template)
        let secret = try environment.secrets.resolve(settings.apiKeySetting, field: "\(template.name) credentials.apiKey")
        if let warning = secret.warning { environment.logger.warning(warning) }
        self.init(
            settings: settings, apiKey: secret.value, http: environment.http, logger: environment.logger,
            defaults: SummitDefaultFields.resolved(configured: environment.config.ticketDefaults),
            isSoleSummitTemplate: SummitPlugin.isSoleSummitTemplate(template))
    }

    /// For tests and tools that already hold the resolved key.
    init(settings: SummitSettings, apiKey: String, http: HTTPClient, logger: Logger = .silent,
         defaults: [TicketField] = [], isSoleSummitTemplate: Bool = true) {
        self.settings = settings
        self.requests = SummitRequests(settings: settings, apiKey: apiKey)
        self.http = http
        self.logger = logger
        self.defaults = defaults
        self.isSoleSummitTemplate = isSoleSummitTemplate
    }

    // MARK: Shape of the lifecycle

    public var decisionRules: DecisionRules { DecisionRules(singleIncidentPerDay: settings.singleIncidentPerDay) }

    public var placeholderStyle: PlaceholderStyle { .environment }

    public var defaultFields: [TicketField] { defaults }

    /// The newest SMA Summit connector documents every rule as off unless set.
    public var attachesJobLogByDefault: Bool { false }

    public func applyBackendRouting(jobTags: [String], to fields: inout [TicketField]) {
        settings.routing.apply(jobTags: jobTags, to: &fields)
    }

    // MARK: Reading tickets

    public func findTicket(recordedID: String?, draft: TicketDraft) async throws -> ExistingTicket? {
        guard let recordedID = recordedID?.trimmingCharacters(in: .whitespaces), !recordedID.isEmpty else { return nil }
        return try await ticketStatus(recordedID: recordedID)
    }

    public func ticketStatus(recordedID: String) async throws -> ExistingTicket? {
        let number = recordedID.trimmingCharacters(in: .whitespaces)
        guard SummitAnswer.isTicketNumber(number) else {
            logger.warning("The job's Incident Ticket ID \"\(number)\" is not a Summit incident number; it is treated as no ticket.")
            return nil
        }
        guard let row = try await details(of: number) else {
            logger.info("Symphony Summit has no incident \(number); it is treated as no ticket.")
            return nil
        }
        guard let state = row["Status"]?.scalarText, !state.isEmpty else {
            throw ConnectorError.data("\(SummitAnswer.service) returned incident \(number) without a Status.")
        }
        return ExistingTicket(reference: reference(number: number, internalID: row["Ticket_ID"]?.scalarText ?? ""),
                              status: SummitStatus.normalized(state), rawState: state)
    }

    public func describeTicket(number: String) async throws -> String {
        let number = number.trimmingCharacters(in: .whitespaces)
        guard SummitAnswer.isTicketNumber(number) else {
            throw ConnectorError.usage("-i expects a Summit incident number (digits only), found \"\(number)\".")
        }
        guard let row = try await details(of: number) else {
            throw ConnectorError.data("\(SummitAnswer.service) has no incident \(number).")
        }
        func text(_ keys: String...) -> String {
            for key in keys { if let value = row[key]?.scalarText, !value.isEmpty { return value } }
            return "-"
        }
        return [
            "Incident:  \(number)",
            "Status:    \(text("Status"))",
            "Subject:   \(text("Subject", "Symptom"))",
            "Workgroup: \(text("WG_Name", "Assigned_WorkGroup_Name", "Workgroup_Name"))",
            "Engineer:  \(text("Assigned_Engineer_Name", "Assigned_Engineer_Email"))",
            "Updated:   \(text("Updated_Time", "Reg_Time"))",
            "Link:      \(settings.viewLink.url(forTicket: number))",
        ].joined(separator: "\n")
    }

    /// Asks for incident 0: any answer but a refused key proves the address, the endpoint and the key work.
    public func verifyAccess() async throws {
        let answer = try await call(requests.details(ticketNumber: "0"), action: "read incident 0 (access check)", retrySafe: true)
        if let errors = answer.errors, SummitAnswer.isAuthFailure(errors) { throw refusedKey(errors) }
    }

    public func owns(recordedID: String, ticketURL: String?) -> Bool {
        let number = recordedID.trimmingCharacters(in: .whitespaces)
        guard SummitAnswer.isTicketNumber(number) else { return false }
        if let url = ticketURL?.trimmingCharacters(in: .whitespaces), !url.isEmpty {
            return url.caseInsensitiveCompare(settings.viewLink.url(forTicket: number)) == .orderedSame
        }
        return isSoleSummitTemplate
    }

    /// The first `TicketDetails` row of an incident, or nil when Summit does not know the number.
    func details(of number: String) async throws -> JSONValue? {
        let answer = try await call(requests.details(ticketNumber: number), action: "read incident \(number)", retrySafe: true)
        if let errors = answer.errors {
            if SummitAnswer.isAuthFailure(errors) { throw refusedKey(errors) }
            if SummitAnswer.isUnknownTicket(errors) { return nil }
            throw ConnectorError.data("\(SummitAnswer.service) could not read incident \(number): \(quote(errors)).")
        }
        // Summit answers an unknown number without an error but with no details: OutputObject missing, null, `{}`,
        // or an object without IncidentDetails. Anything but an object there is a shape we do not know.
        guard let output = answer.body["OutputObject"], !output.isNull else { return nil }
        guard output.objectValue != nil else {
            throw ConnectorError.data("\(SummitAnswer.service) answered the read of incident \(number) with an OutputObject that is \(output.typeName).")
        }
        guard let details = output["IncidentDetails"], !details.isNull else { return nil }
        guard let rows = details["TicketDetails"]?.arrayValue, let row = rows.first else { return nil }
        guard row.objectValue != nil else {
            throw ConnectorError.data("\(SummitAnswer.service) answered the read of incident \(number) with a TicketDetails row that is \(row.typeName).")
        }
        return row
    }

    // MARK: Writing tickets

    public func create(_ draft: TicketDraft) async throws -> TicketReference {
        let answer = try await write(requests.create(draft), action: "create the incident")
        guard let number = answer.createdTicketNumber else {
            let said = answer.body["Message"]?.stringValue.map { " (Message: \(scrub($0)))" } ?? ""
            throw ConnectorError.data("\(SummitAnswer.service) accepted the incident but its answer names no ticket number\(said).")
        }
        logger.info("Symphony Summit incident \(number) created.")
        return reference(number: number, internalID: answer.body["TicketID_Internal"]?.scalarText ?? "")
    }

    public func update(_ ticket: ExistingTicket, with draft: TicketDraft) async throws {
        let number = ticket.reference.number
        try await write(requests.update(ticketNumber: number, draft: draft), action: "update incident \(number)")
    }

    public func reopen(_ ticket: ExistingTicket, with draft: TicketDraft) async throws {
        let number = ticket.reference.number
        try await write(requests.reopen(ticketNumber: number, status: settings.reopenStatus, draft: draft),
                        action: "reopen incident \(number) as \(settings.reopenStatus)")
    }

    public func attach(_ file: JobLogFile, to ticket: TicketReference) async throws {
        guard let path = settings.attachmentPath else {
            throw ConnectorError.configuration(
                "Template \(settings.templateName): includeJobLogAttachment is on but urls has no entry named attachment.")
        }
        let action = "attach \(file.name) to incident \(ticket.number)"
        let body = requests.attachment(ticketNumber: ticket.number, file: file)
        let response = try await send(path: path, action: action, retrySafe: false) { $0.streamedBody = body }
        // The upload's answer is not documented; public clients only check `Errors` and accept a body that is not JSON.
        guard response.isSuccess else {
            do { _ = try SummitAnswer.read(response, action: action) } catch { throw scrubbed(error) }
            return
        }
        guard let json = try? JSONValue.parse(response.body) else {
            logger.debug("Symphony Summit answered the upload of \(file.name) with a body that is not JSON; taken as success.")
            return
        }
        let object = json.stringValue.flatMap { try? JSONValue.parse($0) } ?? json
        if let errors = SummitAnswer.errorsText(object["Errors"]) {
            if SummitAnswer.isAuthFailure(errors) { throw refusedKey(errors) }
            throw ConnectorError.data("\(SummitAnswer.service) refused to \(action): \(quote(errors)).")
        }
    }

    public func previewPayload(for decision: Decision, draft: TicketDraft) -> JSONValue {
        switch decision {
        case .create, .replace: return requests.create(draft)
        case .update(let ticket): return requests.update(ticketNumber: ticket.reference.number, draft: draft)
        case .reopen(let ticket): return requests.reopen(ticketNumber: ticket.reference.number, status: settings.reopenStatus, draft: draft)
        case .skip: return .null
        }
    }

    // MARK: Plumbing

    func reference(number: String, internalID: String) -> TicketReference {
        TicketReference(recordedID: number, number: number, url: settings.viewLink.url(forTicket: number), internalID: internalID)
    }

    /// A write through `IM_LogOrUpdateIncident`; any in-band error is a failure.
    @discardableResult
    func write(_ body: JSONValue, action: String) async throws -> SummitAnswer {
        let answer = try await call(body, action: action, retrySafe: false)
        if let errors = answer.errors {
            if SummitAnswer.isAuthFailure(errors) { throw refusedKey(errors) }
            throw ConnectorError.data("\(SummitAnswer.service) could not \(action): \(quote(errors)).")
        }
        return answer
    }

    /// Sends an envelope to `urls.incident` and reads the answer.
    func call(_ body: JSONValue, action: String, retrySafe: Bool) async throws -> SummitAnswer {
        let response = try await send(body, path: settings.incidentPath, action: action, retrySafe: retrySafe)
        do {
            return try SummitAnswer.read(response, action: action)
        } catch {
            throw scrubbed(error)
        }
    }

    func send(_ body: JSONValue, path: String, action: String, retrySafe: Bool) async throws -> HTTPResponse {
        try await send(path: path, action: action, retrySafe: retrySafe) { $0.body = body.data() }
    }

    /// A POST of JSON to `path` whose body `fill` sets (in memory, or streamed).
    func send(path: String, action: String, retrySafe: Bool, fill: (inout HTTPRequest) -> Void) async throws -> HTTPResponse {
        guard let url = settings.address.url(forPath: path) else {
            throw ConnectorError.configuration("Template \(settings.templateName): \"\(path)\" in urls does not make a valid URL with address.value.")
        }
        var request = HTTPRequest(
            method: .post, url: url,
            headers: ["Content-Type": "application/json; charset=utf-8", "Accept": "application/json"],
            isRetrySafe: retrySafe)
        fill(&request)
        do {
            return try await http.send(request)
        } catch {
            throw ServiceFailure.map(error, service: SummitAnswer.service)
        }
    }

    func refusedKey(_ errors: String) -> ConnectorError {
        .permission(
            "\(SummitAnswer.service) refused the apiKey in template \(settings.templateName) (credentials.apiKey): \(quote(errors)). "
                + "Check the key and its expiry date on the Summit API user.")
    }

    /// The same error with the API key removed from its message.
    func scrubbed(_ error: ConnectorError) -> ConnectorError {
        switch error {
        case .usage(let text): return .usage(scrub(text))
        case .configuration(let text): return .configuration(scrub(text))
        case .data(let text): return .data(scrub(text))
        case .unavailable(let text): return .unavailable(scrub(text))
        case .permission(let text): return .permission(scrub(text))
        case .internal(let text): return .internal(scrub(text))
        }
    }

    /// Summit's text for the middle of one of our sentences: the key removed and its own closing full stop dropped,
    /// since the sentence adds one ("failed.." reads as a typo to the operator).
    func quote(_ text: String) -> String {
        var text = scrub(text)
        while text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// Removes the API key from text that came from the server before it reaches a message.
    func scrub(_ text: String) -> String {
        let key = requests.apiKey
        guard !key.isEmpty else { return text }
        return text.replacingOccurrences(of: key, with: "****")
    }
}
