import ConnectorKit
import Foundation

/// An in-memory OpCon behind `OpConService`: daily jobs by id, what was written into them, and switches for failures
/// (`failures`: "job", "writeBack", "documentation", "jobs", "action") and for a slow or missing job log.
public struct FakeOpCon: OpConService {
    public struct State: Sendable {
        public var jobs: [String: DailyJob] = [:]
        public var writeBacks: [(TicketReference, Bool)] = []
        public var documentationPuts: [String] = []
        public var logs: [JobLogFile] = []
        public var logFailure: ConnectorError?
        /// Seconds the job log takes to arrive (a slow agent); a sleep, so no thread is held.
        public var logDelay: Double = 0
        /// Awaited before the job log is handed over, for a test that lets it arrive only after something happened.
        public var logGate: (@Sendable () async -> Void)?
        /// When the job log was handed over.
        public var logDeliveredAt: Date?
        public var actions: [(JobActionKind, String)] = []
        /// OpCon's answer to every job action: nil applies it, a text refuses it.
        public var actionRefusal: String?
    }

    public let state = Recorder(State())
    public let failures = FailureScript()

    public init(jobs: [DailyJob]) {
        state.update { state in for job in jobs { state.jobs[job.id] = job } }
    }

    public func dailyJob(for event: FailureEvent) async throws -> DailyJob {
        try failures.check("job")
        guard let job = state.read({ $0.jobs[event.dailyJobID] }) else { throw ConnectorError.data("no job \(event.dailyJobID)") }
        return job
    }

    public func writeTicket(_ ticket: TicketReference, jobUID: Int, hadTicket: Bool) async throws {
        try failures.check("writeBack")
        state.update { state in
            state.writeBacks.append((ticket, hadTicket))
            for (id, job) in state.jobs where job.uid == jobUID {
                state.jobs[id] = DailyJob(
                    raw: job.raw.setting("incidentTicketId", to: .string(ticket.recordedID))
                        .setting("incidentTicketURL", to: .string(ticket.url)))
            }
        }
    }

    public func updateDocumentation(of job: DailyJob, to text: String) async throws -> DailyJob {
        try failures.check("documentation")
        let updated = job.withDocumentation(text)
        state.update {
            $0.documentationPuts.append(text)
            $0.jobs[job.id] = updated
        }
        return updated
    }

    public func jobLogs(jobNumber: Int, maxBytes: Int, directory: String?) async throws -> [JobLogFile] {
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

    public func dailyJobs(dates: [String], categories: [String]) async throws -> [DailyJob] {
        try failures.check("jobs")
        return state.read { Array($0.jobs.values) }.filter { job in
            categories.contains { $0.caseInsensitiveCompare(job.statusCategory ?? "") == .orderedSame }
        }
    }

    public func applyJobAction(_ action: JobActionKind, jobID: String, reason: String) async throws -> String? {
        try failures.check("action")
        state.update { $0.actions.append((action, jobID)) }
        return state.read { $0.actionRefusal }
    }
}
