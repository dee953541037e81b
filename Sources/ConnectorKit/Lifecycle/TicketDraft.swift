import Foundation

/// Everything a backend needs to write a ticket for one failure: the resolved field values (defaults,
/// attributes, working-hours attributes and tag routing already layered and expanded), the event, the job,
/// and the texts the engine composes.
public struct TicketDraft: Sendable, Equatable {
    public var event: FailureEvent
    public var job: DailyJob
    /// Field values after precedence and routing, placeholders expanded, in first-seen order.
    public var fields: [TicketField]
    /// Set when this ticket replaces a closed one: its description must carry `Previous Ticket Number (<n>)`.
    public var previousTicket: TicketReference?
    /// `RET_SERVER:RET_PORT,<daily job id>` (ServiceNow `correlation_id`).
    public var correlationID: String
    /// The time zone working hours and `{4}` are computed in.
    public var timeZone: TimeZone
    /// What the failure text ends with (SPEC §5 step 7): the job-log excerpt block, or the one line saying the log
    /// could not be read in time; nil when the template's `includeLogExcerpt` is off. A backend only places it.
    public var logExcerpt: String?

    public init(
        event: FailureEvent, job: DailyJob, fields: [TicketField], previousTicket: TicketReference?,
        correlationID: String, timeZone: TimeZone
    ) {
        self.event = event
        self.job = job
        self.fields = fields
        self.previousTicket = previousTicket
        self.correlationID = correlationID
        self.timeZone = timeZone
    }

    /// The value of a field, by exact name.
    public func field(_ name: String) -> String? { fields.last { $0.name == name }?.value }

    /// `text` followed by the job-log excerpt after a blank line (just the excerpt when `text` is empty); `text`
    /// unchanged when there is no excerpt.
    public func endingWithLogExcerpt(_ text: String) -> String {
        guard let logExcerpt, !logExcerpt.isEmpty else { return text }
        return text.isEmpty ? logExcerpt : text + "\n\n" + logExcerpt
    }

    /// `Previous Ticket Number (<n>)` when replacing, else nil.
    public var previousTicketLine: String? { previousTicket.map { "Previous Ticket Number (\($0.number))" } }

    /// One line describing this failure, used where a backend appends to an existing ticket.
    public var failureLine: String {
        let time = Placeholders.failureTime(event.failedAt, timeZone: timeZone)
        return
            "OpCon job \(event.job) of schedule \(event.schedule) failed again on \(event.agent) with \(event.termination) at \(time) (job id \(event.dailyJobID))"
    }
}
