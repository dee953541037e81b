import Foundation

/// How one failure event ended, for the exit code and the summary log line.
public struct RunOutcome: Sendable, Equatable {
    public enum Status: Sendable, Equatable {
        /// A ticket was created, updated, reopened or replaced and recorded.
        case handled
        /// A rule deliberately made no ticket (EXIT tag, once-per-day window).
        case skipped(reason: String)
        /// A service was unavailable; the event waits in the outbox.
        case queued(reason: String)
    }

    public var status: Status
    public var decision: String
    public var ticket: TicketReference?
    public var jobID: String
    /// How many secret values were replaced by `****` in the job log this run read; nil when it read none.
    public var scrubbedValues: Int? = nil

    public var exitCode: ExitCode {
        if case .queued = status { return .queued }
        return .ok
    }
}
