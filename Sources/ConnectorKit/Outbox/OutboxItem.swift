import Foundation

/// How far the lifecycle got for one failure event. Replaying an item continues from here, so a ticket is
/// never created twice for the same failure.
public struct OutboxProgress: Codable, Sendable, Equatable {
    /// `create`, `update`, `reopen`, `replace` once the ITSM write happened.
    public var decision: String?
    /// The ticket written (created, updated or reopened); set before any later step runs.
    public var ticket: TicketReference?
    /// The ticket a replacement superseded.
    public var previousTicket: TicketReference?
    public var ticketWrittenBack = false
    public var documentationUpdated = false
    /// Job-log files already attached (by name).
    public var attachedFiles: [String] = []
    public var jobLogDone = false
    /// When a create was sent for this event and its outcome is not known: set before the create goes out, cleared when
    /// it fails with proof that nothing was stored; a ticket recorded in `ticket` supersedes it. Optional so that items
    /// written before it existed load.
    public var createSentAt: Date?

    public init() {}

    /// True once the ITSM has the ticket: a replay must not write it again.
    public var ticketDone: Bool { ticket != nil }
}

/// One failure event waiting in `outbox/`, with its progress.
public struct OutboxItem: Codable, Sendable, Equatable {
    public var id: String
    public var createdAt: Date
    public var updatedAt: Date
    public var event: FailureEvent
    public var progress: OutboxProgress
    /// Delivery attempts that ended with a service unavailable.
    public var attempts: Int
    public var lastError: String?

    public init(event: FailureEvent, now: Date) {
        id = UUID().uuidString.lowercased()
        createdAt = now
        updatedAt = now
        self.event = event
        progress = OutboxProgress()
        attempts = 0
        lastError = nil
    }

    /// A one-line description for `outbox list`.
    public var summary: String {
        let ticket = progress.ticket.map { "ticket \($0.number)" } ?? "no ticket yet"
        let steps = [
            progress.ticketDone ? "ticket" : nil, progress.ticketWrittenBack ? "write-back" : nil,
            progress.documentationUpdated ? "documentation" : nil, progress.jobLogDone ? "job log" : nil,
        ].compactMap { $0 }
        let done = steps.isEmpty ? "nothing done" : "done: " + steps.joined(separator: ", ")
        return "\(event.dailyJobID) [\(event.template)] \(ticket); \(done); attempts \(attempts)"
            + (lastError.map { "; last error: \($0)" } ?? "")
    }
}
