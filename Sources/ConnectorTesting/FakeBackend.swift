import ConnectorKit
import Foundation

/// An in-memory ITSM behind the backend protocol: tickets by number with a status, and failure switches.
public struct FakeBackend: TicketBackend {
    public struct State: Sendable {
        public var tickets: [String: TicketStatus] = [:]
        public var created: [TicketDraft] = []
        /// When each ticket was created.
        public var createdAt: [Date] = []
        public var updates: [String] = []
        public var reopens: [String] = []
        public var attachments: [(String, JobLogFile)] = []
        public var nextNumber = 1000
        /// When set, the correlation search finds this ticket (a run created it and did not write it back).
        public var searchable: String?
        /// Authenticated reads made by `verifyAccess`.
        public var accessChecks = 0
    }

    public let state = Recorder(State())
    public let failures = FailureScript()

    public init() {}

    /// What the fake declares; a test takes `.correlationSearch` away to stand for an ITSM that cannot be searched.
    public var capabilities: BackendCapabilities = .correlationSearch

    public func reference(recordedID: String) -> TicketReference? {
        guard recordedID.hasPrefix("T") else { return nil }
        return reference(recordedID)
    }

    public func reference(_ number: String) -> TicketReference {
        TicketReference(recordedID: number, number: number, url: "https://itsm/\(number)")
    }

    public func read(_ ticket: TicketReference) async throws(ConnectorError) -> ExistingTicket? {
        try failures.check("find")
        return state.read { $0.tickets[ticket.recordedID] }.map {
            ExistingTicket(reference: reference(ticket.recordedID), status: $0, rawState: "\($0)")
        }
    }

    public func openTickets(correlationID: String) async throws(ConnectorError) -> [ExistingTicket]? {
        try failures.check("search")
        guard let number = state.read({ $0.searchable }), let status = state.read({ $0.tickets[number] }), !status.isFinal else {
            return []
        }
        return [ExistingTicket(reference: reference(number), status: status, rawState: "\(status)")]
    }

    public func create(_ draft: TicketDraft) async throws(ConnectorError) -> TicketReference {
        try failures.check("create")
        let number = state.update { state -> String in
            state.nextNumber += 1
            state.tickets["T\(state.nextNumber)"] = .new
            state.created.append(draft)
            state.createdAt.append(Date())
            return "T\(state.nextNumber)"
        }
        return reference(number)
    }

    public func update(_ ticket: ExistingTicket, with draft: TicketDraft, reopening: Bool) async throws(ConnectorError) {
        try failures.check(reopening ? "reopen" : "update")
        state.update {
            if reopening {
                $0.reopens.append(ticket.reference.number)
                $0.tickets[ticket.reference.number] = .inProgress
            } else {
                $0.updates.append(ticket.reference.number)
            }
        }
    }

    public func attach(_ file: JobLogFile, to ticket: TicketReference) async throws(ConnectorError) {
        try failures.check("attach")
        state.update { $0.attachments.append((ticket.number, file)) }
    }

    public func verifyAccess() async throws(ConnectorError) {
        try failures.check("access")
        state.update { $0.accessChecks += 1 }
    }
}
