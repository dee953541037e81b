import Foundation

/// ITSM → OpCon without anything installed in the ITSM (SPEC §6.3): reads the tickets of today's and yesterday's
/// failed or under-review jobs and applies the job action their state maps to. Stateless and idempotent: a job
/// already in the target status is left alone, so each action happens once.
public struct SyncEngine: Sendable {
    public var template: Template
    public var backend: any ITSMBackend
    public var opcon: any OpConService
    public var logger: Logger
    public var calendar: Calendar
    public var now: @Sendable () -> Date

    public init(template: Template, backend: any ITSMBackend, opcon: any OpConService, logger: Logger,
                calendar: Calendar = .current, now: @escaping @Sendable () -> Date = { Date() }) {
        self.template = template
        self.backend = backend
        self.opcon = opcon
        self.logger = logger
        self.calendar = calendar
        self.now = now
    }

    /// One applied (or refused) action.
    public struct Action: Sendable, Equatable {
        public var jobID: String
        public var ticket: String
        public var action: JobActionKind
        /// OpCon's reason when it refused the action.
        public var refusal: String?
    }

    /// What one pass saw and did.
    public struct Report: Sendable, Equatable {
        public var examined = 0
        public var actions: [Action] = []
        public var problems: [String] = []
    }

    /// The job action a ticket state maps to for a job in `jobCategory`, or nil.
    public static func action(for status: TicketStatus, jobCategory: String, resolvedAction: JobActionKind) -> JobActionKind? {
        let category = jobCategory.lowercased()
        switch status {
        case .inProgress:
            return category == "failed" ? .markUnderReview : nil
        case .resolved:
            return (category == "failed" || category == "under review") ? resolvedAction : nil
        case .cancelled:
            return (category == "failed" || category == "under review") ? .cancel : nil
        default:
            return nil
        }
    }

    /// `restart` when the template says `"resolvedAction": "restart"`, else `markFixed`.
    public var resolvedAction: JobActionKind {
        template.raw["resolvedAction"]?.stringValue?.lowercased() == "restart" ? .restart : .markFixed
    }

    /// One pass over the jobs.
    public func runOnce() async throws -> Report {
        let today = now()
        let yesterday = calendar.date(byAdding: .day, value: -1, to: today) ?? today
        let dates = [DecisionMaker.localDate(today, calendar: calendar), DecisionMaker.localDate(yesterday, calendar: calendar)]
        let jobs = try await opcon.dailyJobs(dates: dates, categories: ["Failed", "Under Review"])
        var report = Report()
        for job in jobs {
            guard let recorded = job.incidentTicketID, backend.owns(recordedID: recorded, ticketURL: job.incidentTicketURL) else { continue }
            report.examined += 1
            let ticket: ExistingTicket?
            do {
                ticket = try await backend.ticketStatus(recordedID: recorded)
            } catch {
                let message = ServiceFailure.map(error, service: template.name).message
                report.problems.append("\(job.id): \(message)")
                logger.warning("sync: ticket \(recorded) of \(job.id) could not be read: \(message)")
                continue
            }
            guard let ticket,
                let action = Self.action(for: ticket.status, jobCategory: job.statusCategory ?? "", resolvedAction: resolvedAction)
            else { continue }
            let reason = "\(ticket.reference.number) is \(ticket.status.label) in \(template.name) (connector sync)"
            let refusal = try await opcon.applyJobAction(action, jobID: job.id, reason: reason)
            report.actions.append(Action(jobID: job.id, ticket: ticket.reference.number, action: action, refusal: refusal))
            if let refusal {
                logger.warning("sync: OpCon refused \(action.rawValue) for \(job.id): \(refusal)")
            } else {
                logger.info("sync: \(action.rawValue) applied to \(job.id) because ticket \(reason).")
            }
        }
        return report
    }
}
