import Foundation

/// One invocation by OpCon Notification Manager for one failed daily job (the SMA command-line flags).
public struct FailureEvent: Codable, Sendable, Equatable {
    /// `-a`: machine the job ran on (`N/A` possible).
    public var agent: String
    /// `-s`: schedule name.
    public var schedule: String
    /// `-jn`: daily job name.
    public var job: String
    /// `-e`: termination code or description.
    public var termination: String
    /// `-sd`, normalised to `yyyy-MM-dd`.
    public var scheduleDate: String
    /// `-si`
    public var scheduleID: Int
    /// `-sn`: the schedule instance, not its name.
    public var scheduleInstance: Int
    /// `-t`: template file name or path, as given.
    public var template: String
    /// When the connector was started for this failure (used for `{4}` and working hours).
    public var failedAt: Date

    public init(
        agent: String, schedule: String, job: String, termination: String, scheduleDate: String,
        scheduleID: Int, scheduleInstance: Int, template: String, failedAt: Date
    ) {
        self.agent = agent
        self.schedule = schedule
        self.job = job
        self.termination = termination
        self.scheduleDate = scheduleDate
        self.scheduleID = scheduleID
        self.scheduleInstance = scheduleInstance
        self.template = template
        self.failedAt = failedAt
    }

    /// `yyyyMMdd|<si>|<sn>|<jn>`: OpCon's daily job id.
    public var dailyJobID: String {
        "\(scheduleDate.replacingOccurrences(of: "-", with: ""))|\(scheduleID)|\(scheduleInstance)|\(job)"
    }

    /// `yyyyMMdd|<si>|<sn>`: OpCon's daily schedule id.
    public var dailyScheduleID: String {
        "\(scheduleDate.replacingOccurrences(of: "-", with: ""))|\(scheduleID)|\(scheduleInstance)"
    }
}
