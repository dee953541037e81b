import ConnectorKit
import Foundation

/// The ServiceNow incident backend: the Table API on `incident` and the Attachment API, with basic auth (SPEC §6.2).
/// The lifecycle engine decides; this type reads and writes incidents.
public struct ServiceNowBackend: TicketBackend {
    public let settings: ServiceNowTemplateSettings
    let client: ServiceClient
    let payloads: IncidentPayloads
    let logger: Logger

    /// A backend with resolved credentials; the basic-auth header is registered with the run's masker.
    public init(settings: ServiceNowTemplateSettings, user: String, password: String, environment: BackendEnvironment) {
        self.settings = settings
        var client = environment.client(
            service: "ServiceNow (\(settings.address.authority))", baseURL: settings.address.baseURL,
            authorization: .basic(user: user, password: password))
        client.credentialHint = "credentials.user and credentials.password in \(environment.template.path)"
        self.client = client
        self.payloads = IncidentPayloads(settings: settings)
        self.logger = environment.logger
    }

    public var capabilities: BackendCapabilities { settings.includeCorrelationID ? .correlationSearch : [] }

    /// `<number>/<sys_id>` as the connectors write it, or a bare `INC…` number.
    public func reference(recordedID: String) -> TicketReference? {
        guard RecordedIncident.looksLikeServiceNow(recordedID), let recorded = RecordedIncident(recordedID) else { return nil }
        guard let sysID = recorded.sysID else {
            return TicketReference(recordedID: recorded.number, number: recorded.number, url: settings.address.baseURL + "/")
        }
        return reference(number: recorded.number, sysID: sysID)
    }

    public func read(_ ticket: TicketReference) async throws(ConnectorError) -> ExistingTicket? {
        let action = "read incident \(ticket.number)"
        let query = ticket.internalID.isEmpty ? try IncidentQuery.number(ticket.number) : try IncidentQuery.sysID(ticket.internalID)
        let document = try await list(query, limit: 1, action: action)
        guard var record = try records(in: document, action: action).first else { return nil }
        if record.number.isEmpty { record.number = ticket.number }
        var existing = try existing(record, action: action)
        existing.details = details(in: document)
        return existing
    }

    /// Open incidents with this `correlation_id`, newest first; nil when the id cannot stand in a query.
    public func openTickets(correlationID: String) async throws(ConnectorError) -> [ExistingTicket]? {
        guard IncidentQuery.isSafe(correlationID) else {
            logger.warning(
                "\(client.service): the correlation_id \"\(correlationID)\" cannot be used in a ServiceNow query (it contains '^' or a line break); incidents are not looked for by it."
            )
            return nil
        }
        let action = "search incidents by correlation_id"
        let document = try await list(try IncidentQuery.openByCorrelation(correlationID), limit: 100, action: action)
        var found: [ExistingTicket] = []
        for record in try records(in: document, action: action) { found.append(try existing(record, action: action)) }
        return found
    }

    public func create(_ draft: TicketDraft) async throws(ConnectorError) -> TicketReference {
        if settings.includeCorrelationID, draft.correlationID.trimmingCharacters(in: .whitespaces).isEmpty {
            throw .internal(
                "Refusing to create a ServiceNow incident with an empty correlation_id: the SMA business rules could not route it and it could not be found again."
            )
        }
        let action = "create an incident"
        let request = try client.request(.post, settings.incidentPath, json: payloads.create(draft))
        return try await client.create(request, action: action, confirm: try await correlationLandingCheck(for: draft)) {
            (response) throws(ConnectorError) -> TicketReference in
            try createdReference(try document(response, action: action), response: response)
        }
    }

    public func update(_ ticket: ExistingTicket, with draft: TicketDraft, reopening: Bool) async throws(ConnectorError) {
        let body = reopening ? payloads.reopen(draft) : payloads.update(draft)
        let action = "\(reopening ? "reopen" : "update") incident \(ticket.reference.number)"
        let request = try client.request(.put, settings.incidentPath, appending: try sysID(of: ticket.reference), json: body)
        _ = try document(try await client.send(request, action: action), action: action)
    }

    public func attach(_ file: JobLogFile, to ticket: TicketReference) async throws(ConnectorError) {
        guard let attachmentPath = settings.attachmentPath else {
            throw .configuration(
                "The ServiceNow template has no urls entry named \"attachment\": add {\"name\": \"attachment\", \"value\": \"api/now/attachment/file\"} to attach job logs."
            )
        }
        let name = file.name.isEmpty ? "joblog.txt" : file.name
        let query = [("table_name", "incident"), ("table_sys_id", try sysID(of: ticket)), ("file_name", name)]
        let request = try client.upload(attachmentPath, query: query, body: file.content, contentType: "text/plain")
        let action = "attach \(name) to incident \(ticket.number)"
        // A plain POST: the shared retries repeat it only after a 429, which proves the file was not attached.
        _ = try document(try await client.send(request, action: action), action: action)
    }

    // MARK: Reading answers

    /// One incident row of a query answer, read through the `getincident*` notations.
    struct IncidentRecord: Sendable, Equatable {
        var sysID: String
        var number: String
        var state: String?
    }

    /// A query on `getincident`. A 404 "No Record found" (Table API v1's answer to an empty query) is an empty list.
    func list(_ query: String?, limit: Int, action: String) async throws(ConnectorError) -> JSONValue {
        var items = [("sysparm_limit", String(limit))]
        if let query { items.insert(("sysparm_query", query), at: 0) }
        let response = try await client.send(
            try client.request(.get, settings.getIncidentPath, query: items), action: action, accepting: [404])
        guard response.status == 404 else { return try document(response, action: action) }
        guard ServiceFailure.message(from: response.body)?.lowercased().hasPrefix("no record found") == true else {
            throw client.failure(response, action: action)
        }
        return ["result": []]
    }

    /// The JSON object of a successful answer; ServiceNow's `{"error": …, "status": "failure"}` envelope is a failure.
    func document(_ response: HTTPResponse, action: String) throws(ConnectorError) -> JSONValue {
        let document = try client.json(in: response, action: action)
        guard document.objectValue != nil else {
            throw client.unusable(response, action, "JSON \(document.typeName) where an object was expected")
        }
        if let error = document["error"], error.objectValue != nil,
            document["status"]?.stringValue?.lowercased() == "failure" || document["result"] == nil
        {
            throw ConnectorError.data(
                "\(client.service) could not \(action): \(ServiceFailure.message(from: response.body) ?? "no message").")
        }
        return document
    }

    func existing(_ record: IncidentRecord, action: String) throws(ConnectorError) -> ExistingTicket {
        guard let state = record.state else {
            throw .data(
                "\(client.service) answered the request to \(action) without a state at \(settings.notations.path(.getIncidentState)); check parseNotations getincidentstate."
            )
        }
        guard !record.number.isEmpty else {
            throw .data(
                "\(client.service) answered the request to \(action) without a number at \(settings.notations.path(.getIncidentNumber)); check parseNotations getincidentnumber."
            )
        }
        return ExistingTicket(
            reference: reference(number: record.number, sysID: record.sysID), status: IncidentState.status(for: state), rawState: state)
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
                throw .data(
                    "\(client.service) answered the request to \(action) without a list at \(listPath ?? notations.path(.getIncidentSysID)); check parseNotations getincidentsysid."
                )
            }
        }
        return found
    }

    /// The fields `-i` shows, from the first record's object (`result.[0]`).
    func details(in document: JSONValue) -> [TicketField] {
        var steps = settings.notations.path(.getIncidentSysID).split(separator: ".").map(String.init)
        guard !steps.isEmpty else { return [] }
        steps.removeLast()
        guard let record = steps.isEmpty ? document : document.value(atPath: steps.joined(separator: ".")) else { return [] }
        let shown = [
            ("Short description", "short_description"), ("Priority", "priority"), ("Opened", "opened_at"), ("Updated", "sys_updated_on"),
            ("Correlation id", "correlation_id"),
        ]
        return shown.compactMap { label, key in
            guard let value = record[key], let text = value.scalarText ?? value["display_value"]?.scalarText ?? value["value"]?.scalarText
            else { return nil }
            return TicketField(name: label, value: text)
        }
    }

    /// The number and `sys_id` of a created incident, read through `incidentnumber` / `incidentsysid`.
    func createdReference(_ document: JSONValue, response: HTTPResponse) throws(ConnectorError) -> TicketReference {
        let notations = settings.notations
        let sysID = ParseNotations.text(in: document, at: notations.path(.incidentSysID)) ?? ""
        let number = ParseNotations.text(in: document, at: notations.path(.incidentNumber)) ?? ""
        guard !sysID.isEmpty, !number.isEmpty else {
            let missing = sysID.isEmpty ? "sys_id at \(notations.path(.incidentSysID))" : "number at \(notations.path(.incidentNumber))"
            throw .data(
                "\(client.service) created an incident but its answer has no \(missing), so it cannot be recorded on the job; check parseNotations (incidentnumber, incidentsysid)."
            )
        }
        return reference(number: number, sysID: sysID)
    }

    func reference(number: String, sysID: String) -> TicketReference {
        TicketReference(
            recordedID: RecordedIncident.recordedID(number: number, sysID: sysID), number: number,
            url: "\(settings.address.baseURL)/nav_to.do?uri=incident.do?sys_id=\(sysID)", internalID: sysID)
    }

    func sysID(of reference: TicketReference) throws(ConnectorError) -> String {
        if !reference.internalID.isEmpty { return reference.internalID }
        throw .internal("\(client.service): incident \(reference.number) has no sys_id to write to.")
    }
}
