import Foundation

/// What OpCon did with a job action (`POST /api/jobactions`), once it is no longer `submitted`.
public struct JobActionOutcome: Sendable, Equatable {
    public var action: JobActionKind
    public var jobID: String
    /// `success`, `failed`, or whatever else OpCon answered, for this job (else for the action as a whole).
    public var result: String
    /// OpCon's explanation, when it gave one.
    public var message: String?
    /// The job's status description after the action, when OpCon reported it.
    public var jobStatus: String?

    public init(action: JobActionKind, jobID: String, result: String, message: String?, jobStatus: String?) {
        self.action = action
        self.jobID = jobID
        self.result = result
        self.message = message
        self.jobStatus = jobStatus
    }

    /// True when OpCon reports `success` for the job.
    public var succeeded: Bool { result.lowercased() == "success" }
}
