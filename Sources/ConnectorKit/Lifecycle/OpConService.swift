import Foundation

/// The OpCon calls the lifecycle and `sync` make. `OpConClient` is the real one; tests may substitute a fake.
/// Every error thrown is a `ConnectorError`.
public protocol OpConService: Sendable {
    /// The daily job for a failure event; `.data` when OpCon has no such job.
    func dailyJob(for event: FailureEvent) async throws -> DailyJob
    /// Writes the ticket into the job's Incident Ticket ID (POST the first time, PUT when the job had one).
    func writeTicket(_ ticket: TicketReference, jobUID: Int, hadTicket: Bool) async throws
    /// Replaces `documentation.job`, keeping every other field of the job as read.
    func updateDocumentation(of job: DailyJob, to text: String) async throws -> DailyJob
    /// The job's log files, each cut to `maxBytes`; streamed into files in `directory` when one is given.
    func jobLogs(jobNumber: Int, maxBytes: Int, directory: String?) async throws -> [JobLogFile]
    /// Daily jobs of these dates in these status categories (for `sync`).
    func dailyJobs(dates: [String], categories: [String]) async throws -> [DailyJob]
    /// Applies a job action and waits for its outcome; returns nil on success or OpCon's reason for refusing it.
    func applyJobAction(_ action: JobActionKind, jobID: String, reason: String) async throws -> String?
}
