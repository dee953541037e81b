import Foundation
@testable import ConnectorKit
import ConnectorTesting

/// An in-memory ITSM behind the backend protocol: tickets by number with a status, and failure switches.
struct FakeBackend: ITSMBackend {
    struct State: Sendable {
        var tickets: [String: TicketStatus] = [:]
        var created: [TicketDraft] = []
        /// When each ticket was created.
        var createdAt: [Date] = []
        var updates: [String] = []
        var reopens: [String] = []
        var attachments: [(String, JobLogFile)] = []
        var nextNumber = 1000
        /// When set, `findTicket` without a recorded id returns this ticket (like a correlation search).
        var searchable: String?
        /// Authenticated reads made by `verifyAccess`.
        var accessChecks = 0
    }

    let state = Recorder(State())
    let failures = FailureScript()
    var decisionRules = DecisionRules()
    var placeholderStyle = PlaceholderStyle.indexed
    var defaultFields: [TicketField] = []
    var routing: @Sendable ([String], inout [TicketField]) -> Void = { _, _ in }

    func applyBackendRouting(jobTags: [String], to fields: inout [TicketField]) { routing(jobTags, &fields) }


    func reference(_ number: String) -> TicketReference {
        TicketReference(recordedID: number, number: number, url: "https://itsm/\(number)")
    }

    func findTicket(recordedID: String?, draft: TicketDraft) async throws -> ExistingTicket? {
        try failures.check("find")
        if let recordedID {
            return state.read { $0.tickets[recordedID] }.map { ExistingTicket(reference: reference(recordedID), status: $0, rawState: "\($0)") }
        }
        guard let number = state.read({ $0.searchable }), let status = state.read({ $0.tickets[number] }) else { return nil }
        return ExistingTicket(reference: reference(number), status: status, rawState: "\(status)", foundBySearch: true)
    }

    func create(_ draft: TicketDraft) async throws -> TicketReference {
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

    func update(_ ticket: ExistingTicket, with draft: TicketDraft) async throws {
        try failures.check("update")
        state.update { $0.updates.append(ticket.reference.number) }
    }

    func reopen(_ ticket: ExistingTicket, with draft: TicketDraft) async throws {
        try failures.check("reopen")
        state.update {
            $0.reopens.append(ticket.reference.number)
            $0.tickets[ticket.reference.number] = .inProgress
        }
    }

    func attach(_ file: JobLogFile, to ticket: TicketReference) async throws {
        try failures.check("attach")
        state.update { $0.attachments.append((ticket.number, file)) }
    }

    func previewPayload(for decision: Decision, draft: TicketDraft) -> JSONValue {
        .object(Dictionary(draft.fields.map { ($0.name, JSONValue.string($0.value)) }, uniquingKeysWith: { $1 }))
    }

    func ticketStatus(recordedID: String) async throws -> ExistingTicket? {
        try failures.check("status")
        return state.read { $0.tickets[recordedID] }.map { ExistingTicket(reference: reference(recordedID), status: $0, rawState: "\($0)") }
    }

    func owns(recordedID: String, ticketURL: String?) -> Bool { recordedID.hasPrefix("T") }
    func describeTicket(number: String) async throws -> String { number }
    func verifyAccess() async throws {
        try failures.check("access")
        state.update { $0.accessChecks += 1 }
    }
}
