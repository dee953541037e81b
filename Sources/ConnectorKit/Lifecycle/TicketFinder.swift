import Foundation

/// Finds the ticket a failure belongs to (SPEC §5 step 6), the same way on every backend: the ticket the job records,
/// else (on a backend that searches by correlation) an open ticket a run opened for this job and did not write back.
public struct TicketFinder: Sendable {
    public let backend: any TicketBackend
    public let rules: DecisionRules
    public let logger: Logger
    /// How messages name the backend.
    public let service: String

    public init(backend: any TicketBackend, rules: DecisionRules, logger: Logger, service: String) {
        self.backend = backend
        self.rules = rules
        self.logger = logger
        self.service = service
    }

    public func find(recordedID: String?, draft: TicketDraft) async throws(ConnectorError) -> ExistingTicket? {
        let recorded = recordedID?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !recorded.isEmpty else { return try await adopt(draft, excluding: nil) }
        guard let reference = backend.reference(recordedID: recorded) else {
            logger.warning("The job's Incident Ticket ID \"\(recorded)\" is not a \(service) ticket; it is treated as no ticket.")
            return try await adopt(draft, excluding: nil)
        }
        guard let ticket = try await backend.read(reference) else {
            logger.info("\(service) has no ticket \(reference.number); it is treated as no ticket.")
            return nil
        }
        // The recorded ticket is about to be replaced: a run that opened its replacement and died before writing it
        // back left that one findable. (With alwaysCreateNewTicket every failure has its own ticket, so an open one
        // with this correlation proves nothing.)
        let replaced = ticket.isFinal || (ticket.status == .resolved && !rules.allowReopen)
        if replaced, !rules.alwaysCreateNewTicket, let adopted = try await adopt(draft, excluding: ticket.reference.recordedID) {
            return adopted
        }
        return ticket
    }

    /// The first open ticket the backend lists for the job's correlation (other than `excluded`), marked `foundBySearch`.
    private func adopt(_ draft: TicketDraft, excluding excluded: String?) async throws(ConnectorError) -> ExistingTicket? {
        guard backend.capabilities.contains(.correlationSearch), !draft.correlationID.isEmpty,
            let open = try await backend.openTickets(correlationID: draft.correlationID),
            var found = open.first(where: { $0.reference.recordedID != excluded })
        else { return nil }
        found.foundBySearch = true
        logger.info(
            "\(service): found \(found.reference.number) by this job's correlation although the job does not record it; a previous run must have stopped before writing it back."
        )
        return found
    }
}
