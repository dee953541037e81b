import ConnectorKit
import Foundation

// The complete backend of docs/writing-a-plugin.md, compiled and tested here so the guide cannot drift from the SDK.
// "HelpDesk" is an imaginary ITSM with a small REST API:
//   GET  /api/tickets/{id}                    → {"id", "status"}      (404: no such ticket)
//   GET  /api/tickets?correlation=K&open=true → [{"id", "status"}]    (oldest first)
//   POST /api/tickets                         → 201 {"id"}            body {"fields", "text", "correlation"}
//   POST /api/tickets/{id}/comments           → 201                   body {"text", "reopen"}
//   POST /api/tickets/{id}/files              → 201                   multipart/form-data, part "file"

enum HelpDeskPlugin {
    static let plugin = BackendPlugin(
        id: "helpdesk", displayName: "HelpDesk", requiredCredentials: ["token"],
        configure: { template, _ in
            guard let address = template.address.flatMap(ServiceAddress.init) else {
                return BackendSetup(failing: [TemplateIssue(.error, path: "address.value", "the HelpDesk base URL is required")])
            }
            return BackendSetup { (environment) throws(ConnectorError) -> any TicketBackend in
                let token = try environment.credential("token") ?? ""
                return HelpDeskBackend(
                    client: environment.client(service: "HelpDesk", baseURL: address.baseURL, authorization: .bearer(token)))
            }
        })
}

struct HelpDeskBackend: TicketBackend {
    let client: ServiceClient

    var capabilities: BackendCapabilities { .correlationSearch }

    func reference(recordedID: String) -> TicketReference? {
        guard !recordedID.isEmpty, recordedID.allSatisfy(\.isNumber) else { return nil }
        return TicketReference(recordedID: recordedID, number: recordedID, url: "\(client.baseURL)/tickets/\(recordedID)")
    }

    func read(_ ticket: TicketReference) async throws(ConnectorError) -> ExistingTicket? {
        let request = try client.request(.get, "api/tickets", appending: ticket.recordedID)
        let response = try await client.send(request, action: "read ticket \(ticket.number)", accepting: [404])
        guard response.status != 404 else { return nil }
        return try existing(try client.json(in: response, action: "read ticket \(ticket.number)"))
    }

    func openTickets(correlationID: String) async throws(ConnectorError) -> [ExistingTicket]? {
        let request = try client.request(.get, "api/tickets", query: [("correlation", correlationID), ("open", "true")])
        var found: [ExistingTicket] = []
        for item in try await client.document(request, action: "search tickets").arrayValue ?? [] { found.append(try existing(item)) }
        return found
    }

    func create(_ draft: TicketDraft) async throws(ConnectorError) -> TicketReference {
        var fields: [String: JSONValue] = [:]
        for field in draft.fields { fields[field.name] = .string(field.value) }
        let text = draft.endingWithLogExcerpt(([draft.failureLine] + [draft.previousTicketLine].compactMap { $0 }).joined(separator: "\n"))
        let body: JSONValue = ["fields": .object(fields), "text": .string(text), "correlation": .string(draft.correlationID)]
        let request = try client.request(.post, "api/tickets", json: body)
        // A create whose answer was lost is looked for by its correlation before it is sent again.
        return try await client.create(request, action: "create a ticket", confirm: try await correlationLandingCheck(for: draft)) {
            (response) throws(ConnectorError) -> TicketReference in
            guard let id = try client.json(in: response, action: "create a ticket")["id"]?.scalarText, let made = reference(recordedID: id)
            else { throw client.unusable(response, "create a ticket", "no ticket id") }
            return made
        }
    }

    func update(_ ticket: ExistingTicket, with draft: TicketDraft, reopening: Bool) async throws(ConnectorError) {
        let body: JSONValue = ["text": .string(draft.endingWithLogExcerpt(draft.failureLine)), "reopen": .bool(reopening)]
        let request = try client.request(.post, "api/tickets/\(ticket.reference.recordedID)/comments", json: body)
        _ = try await client.send(request, action: "comment on ticket \(ticket.reference.number)")
    }

    func attach(_ file: JobLogFile, to ticket: TicketReference) async throws(ConnectorError) {
        var form = MultipartForm()
        form.addFile(field: "file", filename: file.name, content: file.content)
        let request = try client.upload("api/tickets/\(ticket.recordedID)/files", body: form.body, contentType: form.contentType)
        _ = try await client.send(request, action: "attach \(file.name) to ticket \(ticket.number)")
    }

    private func existing(_ item: JSONValue) throws(ConnectorError) -> ExistingTicket {
        guard let id = item["id"]?.scalarText, let status = item["status"]?.stringValue, let reference = reference(recordedID: id) else {
            throw .data("HelpDesk answered with a ticket without an id or a status.")
        }
        let normalised: TicketStatus =
            switch status {
            case "open": .new
            case "working": .inProgress
            case "solved": .resolved
            case "closed": .closed
            default: .other(status)
            }
        return ExistingTicket(reference: reference, status: normalised, rawState: status)
    }
}
