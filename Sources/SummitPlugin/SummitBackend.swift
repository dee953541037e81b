import ConnectorKit
import Foundation

/// The Symphony Summit backend: one JSON POST endpoint whose `ServiceName` picks the operation, API-key auth in the
/// body, in-band errors. Tickets are identified by their number; Summit has no correlation search.
struct SummitBackend: TicketBackend {
    let settings: SummitSettings
    let requests: SummitRequests
    let client: ServiceClient
    let logger: Logger

    init(settings: SummitSettings, apiKey: String, environment: BackendEnvironment) {
        self.settings = settings
        self.requests = SummitRequests(settings: settings, apiKey: apiKey)
        var client = environment.client(service: SummitAnswer.service, baseURL: settings.address.baseURL, authorization: .none)
        client.credentialHint = "credentials.apiKey in template \(settings.templateName)"
        // 404, or 415, which the bare Summit_RESTWCF.svc (the SOAP endpoint) answers to JSON: a wrong endpoint.
        client.statusHints = [404: SummitAnswer.checkURLs, 415: SummitAnswer.checkURLs]
        self.client = client
        self.logger = environment.logger
    }

    /// Summit numbers its incidents with whole numbers.
    func reference(recordedID: String) -> TicketReference? {
        guard SummitAnswer.isTicketNumber(recordedID) else { return nil }
        return TicketReference(recordedID: recordedID, number: recordedID, url: settings.viewLink.url(forTicket: recordedID))
    }

    func read(_ ticket: TicketReference) async throws(ConnectorError) -> ExistingTicket? {
        let number = ticket.number
        guard let row = try await details(of: number) else { return nil }
        guard let state = row["Status"]?.scalarText, !state.isEmpty else {
            throw .data("\(SummitAnswer.service) returned incident \(number) without a Status.")
        }
        func text(_ keys: String...) -> String { keys.lazy.compactMap { row[$0]?.scalarText }.first { !$0.isEmpty } ?? "" }
        var reference = ticket
        reference.internalID = row["Ticket_ID"]?.scalarText ?? ""
        return ExistingTicket(
            reference: reference, status: SummitStatus.normalized(state), rawState: state,
            details: [
                TicketField(name: "Subject", value: text("Subject", "Symptom")),
                TicketField(name: "Workgroup", value: text("WG_Name", "Assigned_WorkGroup_Name", "Workgroup_Name")),
                TicketField(name: "Engineer", value: text("Assigned_Engineer_Name", "Assigned_Engineer_Email")),
                TicketField(name: "Updated", value: text("Updated_Time", "Reg_Time")),
            ])
    }

    func create(_ draft: TicketDraft) async throws(ConnectorError) -> TicketReference {
        let action = "create the incident"
        let request = try client.request(.post, settings.incidentPath, json: requests.create(draft))
        // Nothing can show whether a create whose answer was lost landed: it is never sent twice.
        return try await client.create(request, action: action, confirm: nil) { (response) throws(ConnectorError) -> TicketReference in
            let answer = try checked(try SummitAnswer.read(response, action: action, client: client), action: action)
            guard let number = answer.createdTicketNumber, var reference = reference(recordedID: number) else {
                let said = answer.body["Message"]?.stringValue.map { " (Message: \(client.masked($0)))" } ?? ""
                throw .data("\(SummitAnswer.service) accepted the incident but its answer names no ticket number\(said).")
            }
            reference.internalID = answer.body["TicketID_Internal"]?.scalarText ?? ""
            logger.info("Symphony Summit incident \(number) created.")
            return reference
        }
    }

    /// An update sends no `Status` (SPEC §6.1); a reopen sends `variables.reopenStatus`.
    func update(_ ticket: ExistingTicket, with draft: TicketDraft, reopening: Bool) async throws(ConnectorError) {
        let number = ticket.reference.number
        let status = reopening ? settings.reopenStatus : nil
        let action = reopening ? "reopen incident \(number) as \(settings.reopenStatus)" : "update incident \(number)"
        _ = try checked(
            try await call(requests.workLogEntry(ticketNumber: number, status: status, draft: draft), action: action, isRead: false),
            action: action)
    }

    func attach(_ file: JobLogFile, to ticket: TicketReference) async throws(ConnectorError) {
        guard let path = settings.attachmentPath else {
            throw .configuration("Template \(settings.templateName): includeJobLogAttachment is on but urls has no entry named attachment.")
        }
        let action = "attach \(file.name) to incident \(ticket.number)"
        let request = try client.upload(
            path, body: requests.attachment(ticketNumber: ticket.number, file: file),
            contentType: "application/json; charset=utf-8")
        let response = try await client.send(request, action: action)
        // The upload's answer is not documented; public clients only check `Errors` and accept a body that is not JSON.
        guard let answer = try? SummitAnswer.read(response, action: action, client: client) else {
            logger.debug("Symphony Summit answered the upload of \(file.name) with a body that is not a JSON object; taken as success.")
            return
        }
        _ = try checked(answer, action: action)
    }

    /// The first `TicketDetails` row of an incident, or nil when Summit does not know the number.
    func details(of number: String) async throws(ConnectorError) -> JSONValue? {
        let action = "read incident \(number)"
        let answer = try await call(requests.details(ticketNumber: number), action: action, isRead: true)
        if let errors = answer.errors, SummitAnswer.isUnknownTicket(errors) { return nil }
        _ = try checked(answer, action: action)
        // Summit answers an unknown number without an error but with no details: OutputObject missing, null, `{}`,
        // or an object without IncidentDetails. Anything but an object there is a shape we do not know.
        guard let output = answer.body["OutputObject"], !output.isNull else { return nil }
        guard output.objectValue != nil else {
            throw .data("\(SummitAnswer.service) answered the read of incident \(number) with an OutputObject that is \(output.typeName).")
        }
        guard let rows = output["IncidentDetails"]?["TicketDetails"]?.arrayValue, let row = rows.first else { return nil }
        guard row.objectValue != nil else {
            throw .data("\(SummitAnswer.service) answered the read of incident \(number) with a TicketDetails row that is \(row.typeName).")
        }
        return row
    }

    /// Sends an envelope to `urls.incident` and reads the answer; `isRead` lets the retries repeat a read.
    func call(_ body: JSONValue, action: String, isRead: Bool) async throws(ConnectorError) -> SummitAnswer {
        let request = try client.request(.post, settings.incidentPath, json: body, isRead: isRead)
        return try SummitAnswer.read(try await client.send(request, action: action), action: action, client: client)
    }

    /// The answer when it carries no in-band error; a refused key is a permission error (exit 77).
    func checked(_ answer: SummitAnswer, action: String) throws(ConnectorError) -> SummitAnswer {
        guard let errors = answer.errors else { return answer }
        var said = client.masked(errors)
        // Summit's own closing full stop would double ours ("failed.." reads as a typo to the operator).
        while said.hasSuffix(".") { said.removeLast() }
        if SummitAnswer.isAuthFailure(errors) {
            throw .permission(
                "\(SummitAnswer.service) refused the apiKey in template \(settings.templateName) (credentials.apiKey): \(said). "
                    + "Check the key and its expiry date on the Summit API user.")
        }
        throw .data("\(SummitAnswer.service) could not \(action): \(said).")
    }
}
