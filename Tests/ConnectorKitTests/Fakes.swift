import Foundation
@testable import ConnectorKit

/// Thread-safe box for fakes' recorded state.
final class Recorder<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func read<T>(_ body: (Value) -> T) -> T { lock.withLock { body(value) } }
    func update<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
    var current: Value { read { $0 } }
}

/// Scripted outcomes of a fake's operations ("create", "attach", "writeBack", ...), consumed in order:
/// nil lets a call through, an error is thrown.
final class FailureScript: @unchecked Sendable {
    private let queues = Recorder([String: [ConnectorError?]]())

    func set(_ operation: String, _ outcomes: [ConnectorError?]) { queues.update { $0[operation] = outcomes } }

    func check(_ operation: String) throws(ConnectorError) {
        let failure = queues.update { queues -> ConnectorError? in
            guard var queue = queues[operation], !queue.isEmpty else { return nil }
            let first = queue.removeFirst()
            queues[operation] = queue
            return first
        }
        if let failure { throw failure }
    }
}

/// An in-memory ITSM behind the backend protocol: tickets by number with a status, and failure switches.
struct FakeBackend: TicketBackend {
    struct State: Sendable {
        var tickets: [String: TicketStatus] = [:]
        var created: [TicketDraft] = []
        /// When each ticket was created.
        var createdAt: [Date] = []
        var updates: [String] = []
        var reopens: [String] = []
        var attachments: [(String, JobLogFile)] = []
        var nextNumber = 1000
        /// When set, the correlation search finds this ticket (a run created it and did not write it back).
        var searchable: String?
        /// Authenticated reads made by `verifyAccess`.
        var accessChecks = 0
    }

    let state = Recorder(State())
    let failures = FailureScript()

    var capabilities: BackendCapabilities { .correlationSearch }

    func reference(recordedID: String) -> TicketReference? {
        guard recordedID.hasPrefix("T") else { return nil }
        return reference(recordedID)
    }

    func reference(_ number: String) -> TicketReference {
        TicketReference(recordedID: number, number: number, url: "https://itsm/\(number)")
    }

    func read(_ ticket: TicketReference) async throws(ConnectorError) -> ExistingTicket? {
        try failures.check("find")
        return state.read { $0.tickets[ticket.recordedID] }.map { ExistingTicket(reference: reference(ticket.recordedID), status: $0, rawState: "\($0)") }
    }

    func openTickets(correlationID: String) async throws(ConnectorError) -> [ExistingTicket]? {
        try failures.check("search")
        guard let number = state.read({ $0.searchable }), let status = state.read({ $0.tickets[number] }), !status.isFinal else { return [] }
        return [ExistingTicket(reference: reference(number), status: status, rawState: "\(status)")]
    }

    func create(_ draft: TicketDraft) async throws(ConnectorError) -> TicketReference {
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

    func update(_ ticket: ExistingTicket, with draft: TicketDraft, reopening: Bool) async throws(ConnectorError) {
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

    func attach(_ file: JobLogFile, to ticket: TicketReference) async throws(ConnectorError) {
        try failures.check("attach")
        state.update { $0.attachments.append((ticket.number, file)) }
    }

    func verifyAccess() async throws(ConnectorError) {
        try failures.check("access")
        state.update { $0.accessChecks += 1 }
    }
}

/// An in-memory OpCon behind `OpConService`.
struct FakeOpCon: OpConService {
    struct State: Sendable {
        var jobs: [String: DailyJob] = [:]
        var writeBacks: [(TicketReference, Bool)] = []
        var documentationPuts: [String] = []
        var logs: [JobLogFile] = []
        var logFailure: ConnectorError?
        /// Seconds the job log takes to arrive (a slow agent); a sleep, so no thread is held.
        var logDelay: Double = 0
        /// Awaited before the job log is handed over, for a test that lets it arrive only after something happened.
        var logGate: (@Sendable () async -> Void)?
        /// When the job log was handed over.
        var logDeliveredAt: Date?
        var actions: [(JobActionKind, String)] = []
        /// OpCon's answer to every job action: nil applies it, a text refuses it.
        var actionRefusal: String?
    }

    let state = Recorder(State())
    let failures = FailureScript()

    init(jobs: [DailyJob]) {
        state.update { state in for job in jobs { state.jobs[job.id] = job } }
    }


    func dailyJob(for event: FailureEvent) async throws -> DailyJob {
        try failures.check("job")
        guard let job = state.read({ $0.jobs[event.dailyJobID] }) else { throw ConnectorError.data("no job \(event.dailyJobID)") }
        return job
    }

    func writeTicket(_ ticket: TicketReference, jobUID: Int, hadTicket: Bool) async throws {
        try failures.check("writeBack")
        state.update { state in
            state.writeBacks.append((ticket, hadTicket))
            for (id, job) in state.jobs where job.uid == jobUID {
                state.jobs[id] = DailyJob(raw: job.raw.setting("incidentTicketId", to: .string(ticket.recordedID))
                    .setting("incidentTicketURL", to: .string(ticket.url)))
            }
        }
    }

    func updateDocumentation(of job: DailyJob, to text: String) async throws -> DailyJob {
        try failures.check("documentation")
        let updated = job.withDocumentation(text)
        state.update {
            $0.documentationPuts.append(text)
            $0.jobs[job.id] = updated
        }
        return updated
    }

    func jobLogs(jobNumber: Int, maxBytes: Int, directory: String?) async throws -> [JobLogFile] {
        if let failure = state.read({ $0.logFailure }) { throw failure }
        let delay = state.read { $0.logDelay }
        if delay > 0 { try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000)) }
        if let gate = state.read({ $0.logGate }) { await gate() }
        try Task.checkCancellation()
        return state.update {
            $0.logDeliveredAt = Date()
            return $0.logs
        }
    }

    func dailyJobs(dates: [String], categories: [String]) async throws -> [DailyJob] {
        try failures.check("jobs")
        return state.read { Array($0.jobs.values) }.filter { job in
            categories.contains { $0.caseInsensitiveCompare(job.statusCategory ?? "") == .orderedSame }
        }
    }

    func applyJobAction(_ action: JobActionKind, jobID: String, reason: String) async throws -> String? {
        try failures.check("action")
        state.update { $0.actions.append((action, jobID)) }
        return state.read { $0.actionRefusal }
    }
}
