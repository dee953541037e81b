import Foundation

/// What a backend plugin implements: five verbs on the tickets of one ITSM. Everything else a run, `explain`, `sync`,
/// `check` and `-i` need is derived from these in ConnectorKit (ownership, access check, ticket description, the
/// decision, adoption of a ticket an interrupted run left behind), in the manner of swift-log's `LogHandler`: the few
/// requirements are the backend's knowledge, the defaults below are the framework's.
///
/// Every method throws `ConnectorError` only; a backend builds its requests with `ServiceClient`, which maps HTTP and
/// transport failures, masks secrets and repeats an unconfirmed create only after proving it did not land.
public protocol TicketBackend: Sendable {
    /// The ticket a job records in its Incident Ticket ID (the value and the link the backend writes there), or nil
    /// when the value is not one of this backend's tickets. No request is made.
    func reference(recordedID: String) -> TicketReference?

    /// The ticket's current state, or nil when the ITSM does not know it (deleted, never existed).
    func read(_ ticket: TicketReference) async throws(ConnectorError) -> ExistingTicket?

    /// Opens a new ticket for the failure. When `draft.previousTicket` is set, the text names it
    /// (`draft.previousTicketLine`). A backend that can search by correlation sends `draft.correlationID` with it.
    func create(_ draft: TicketDraft) async throws(ConnectorError) -> TicketReference

    /// Adds the failure to an existing ticket; with `reopening`, also moves a resolved ticket back to work.
    /// Without it, the ticket's state is left as it is (an analyst may have changed it since it was read).
    func update(_ ticket: ExistingTicket, with draft: TicketDraft, reopening: Bool) async throws(ConnectorError)

    /// Attaches one job-log file, streaming its bytes.
    func attach(_ file: JobLogFile, to ticket: TicketReference) async throws(ConnectorError)

    // Optional, with defaults below.

    /// What this backend can do beyond the five verbs (default: nothing more).
    var capabilities: BackendCapabilities { get }

    /// Open tickets carrying `correlationID`, the one to adopt first (ServiceNow lists the newest first, Jira the
    /// oldest, as their connectors do); nil when this id cannot be searched for. Called only when `capabilities`
    /// contains `.correlationSearch`.
    func openTickets(correlationID: String) async throws(ConnectorError) -> [ExistingTicket]?

    /// An authenticated read proving the address and credentials work (`check`, `sync`). Default: reads a ticket that
    /// does not exist (`reference(recordedID: "0")`, else a bare reference); any answer but a refusal proves access.
    func verifyAccess() async throws(ConnectorError)
}

/// What a backend can do beyond the five verbs; the lifecycle and the conformance suite adapt to it.
public struct BackendCapabilities: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// `openTickets(correlationID:)` finds the tickets a job's runs opened: a ticket a run created and did not write
    /// back is adopted instead of duplicated, and an unconfirmed create is looked for before it is sent again.
    public static let correlationSearch = BackendCapabilities(rawValue: 1 << 0)
}

extension TicketBackend {
    public var capabilities: BackendCapabilities { [] }

    public func openTickets(correlationID: String) async throws(ConnectorError) -> [ExistingTicket]? { nil }

    public func verifyAccess() async throws(ConnectorError) {
        let probe = reference(recordedID: "0") ?? TicketReference(recordedID: "0", number: "0", url: "")
        _ = try await read(probe)
    }
}

extension TicketBackend {
    /// Whether a job's recorded ticket belongs to this backend's instance (`sync`): the id must be one of this
    /// backend's, and a recorded link must be on the same host as the link this backend writes for it. A ticket
    /// without a link is claimed only when `claimsUnlinked` (the template is the only one of its backend).
    public func owns(recordedID: String, ticketURL: String?, claimsUnlinked: Bool) -> Bool {
        guard let reference = reference(recordedID: recordedID.trimmingCharacters(in: .whitespaces)) else { return false }
        guard let url = ticketURL?.trimmingCharacters(in: .whitespaces), !url.isEmpty else { return claimsUnlinked }
        return Self.origin(of: url) != nil && Self.origin(of: url) == Self.origin(of: reference.url)
    }

    /// The current state of the ticket a job records (`sync`), nil when it is not this backend's or is gone.
    public func ticketStatus(recordedID: String) async throws(ConnectorError) -> ExistingTicket? {
        guard let reference = reference(recordedID: recordedID.trimmingCharacters(in: .whitespaces)) else { return nil }
        return try await read(reference)
    }

    /// A few lines about one ticket, for `-i <number>` on every backend.
    public func describeTicket(number: String, service: String) async throws(ConnectorError) -> String {
        let number = number.trimmingCharacters(in: .whitespaces)
        guard let reference = reference(recordedID: number) else {
            throw .usage("-i expects a \(service) ticket number, found \"\(number)\".")
        }
        guard let ticket = try await read(reference) else { throw .data("\(service) has no ticket \(number).") }
        let rows =
            [
                TicketField(name: "Ticket", value: ticket.reference.number),
                TicketField(
                    name: "State",
                    value: ticket.status.label == ticket.rawState ? ticket.rawState : "\(ticket.status.label) (\(ticket.rawState))"),
            ]
            + ticket.details.filter { !$0.value.isEmpty }
            + [TicketField(name: "Link", value: ticket.reference.url)]
        let width = rows.map(\.name.count).max() ?? 0
        return rows.map { $0.name + ":" + String(repeating: " ", count: width - $0.name.count + 1) + $0.value }
            .joined(separator: "\n")
    }

    /// `scheme://host:port` of a link, lower-cased, for comparing where two links point.
    static func origin(of link: String) -> String? {
        guard let components = URLComponents(string: link), let host = components.host?.lowercased(), !host.isEmpty else { return nil }
        let scheme = components.scheme?.lowercased() ?? "https"
        let port = components.port ?? (scheme == "http" ? 80 : 443)
        return "\(scheme)://\(host):\(port)"
    }
}
