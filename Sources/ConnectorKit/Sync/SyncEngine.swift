import Foundation

/// ITSM → OpCon without anything installed in the ITSM (SPEC §6.3): reads the tickets of today's and yesterday's
/// failed or under-review jobs and applies the job action their state maps to. Stateless and idempotent: a job
/// already in the target status is left alone, so each action happens once.
public struct SyncEngine: Sendable {
    public var template: Template
    public var backend: any TicketBackend
    public var opcon: any OpConService
    public var logger: Logger
    public var calendar: Calendar
    public var now: @Sendable () -> Date
    /// Whether a job whose ticket has no link is this template's: true when it is the only template of its backend
    /// (with two instances of one ITSM such a ticket is ambiguous, and nobody claims it).
    public var claimsUnlinkedTickets: Bool

    public init(
        template: Template, backend: any TicketBackend, opcon: any OpConService, logger: Logger,
        calendar: Calendar = .current, now: @escaping @Sendable () -> Date = { Date() }, claimsUnlinkedTickets: Bool = true
    ) {
        self.template = template
        self.claimsUnlinkedTickets = claimsUnlinkedTickets
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

    /// A ticket recorded on a job that the ITSM does not have (any more): reported, and the job is left alone.
    public struct MissingTicket: Sendable, Equatable, Hashable {
        public var jobID: String
        public var ticket: String
    }

    /// A job this pass could not handle, and why. The other jobs are still handled and the pass still succeeds.
    public struct Problem: Sendable, Equatable, Hashable {
        public var jobID: String
        public var ticket: String
        public var message: String
    }

    /// What one pass saw and did.
    public struct Report: Sendable, Equatable {
        /// Tickets whose state the ITSM reported (a ticket it no longer has included).
        public var ticketsRead = 0
        public var actions: [Action] = []
        public var missing: [MissingTicket] = []
        public var problems: [Problem] = []
        /// True when this pass proved the ITSM accepts the template's credentials (a ticket read, or the access check).
        public var accessProven = false

        /// Actions OpCon carried out.
        public var applied: [Action] { actions.filter { $0.refusal == nil } }
        /// Actions OpCon refused.
        public var refused: [Action] { actions.filter { $0.refusal != nil } }
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

    /// Whether an error ends the pass instead of being one job's problem: a service that cannot be reached, refused
    /// credentials or a broken configuration affect every job alike.
    public static func endsPass(_ error: ConnectorError) -> Bool {
        [.unavailable, .permission, .configuration].contains(error.exitCode)
    }

    /// One pass over the jobs. With `verifyingAccess`, a pass that read no ticket makes the backend's authenticated
    /// read instead, so refused credentials end a service at its start rather than when the first ticket appears.
    public func runOnce(verifyingAccess: Bool = false) async throws(ConnectorError) -> Report {
        let today = now()
        let yesterday = calendar.date(byAdding: .day, value: -1, to: today) ?? today
        let dates = [DecisionMaker.localDate(today, calendar: calendar), DecisionMaker.localDate(yesterday, calendar: calendar)]
        let jobs: [DailyJob]
        do {
            jobs = try await opcon.dailyJobs(dates: dates, categories: ["Failed", "Under Review"])
        } catch {
            throw ServiceFailure.map(error, service: "OpCon")
        }
        var report = Report()
        for job in jobs {
            guard let recorded = job.incidentTicketID,
                backend.owns(recordedID: recorded, ticketURL: job.incidentTicketURL, claimsUnlinked: claimsUnlinkedTickets)
            else { continue }
            let ticket: ExistingTicket?
            do {
                ticket = try await backend.ticketStatus(recordedID: recorded)
            } catch {
                let failure = ServiceFailure.map(error, service: template.name)
                if Self.endsPass(failure) { throw failure }
                report.problems.append(Problem(jobID: job.id, ticket: recorded, message: failure.message))
                continue
            }
            report.ticketsRead += 1
            report.accessProven = true
            guard let ticket else {
                report.missing.append(MissingTicket(jobID: job.id, ticket: recorded))
                continue
            }
            guard let action = Self.action(for: ticket.status, jobCategory: job.statusCategory ?? "", resolvedAction: resolvedAction)
            else { continue }
            let reason = "\(ticket.reference.number) is \(ticket.status.label) in \(template.name) (connector sync)"
            let refusal: String?
            do {
                refusal = try await opcon.applyJobAction(action, jobID: job.id, reason: reason)
            } catch {
                let failure = ServiceFailure.map(error, service: "OpCon")
                if Self.endsPass(failure) { throw failure }
                report.problems.append(Problem(jobID: job.id, ticket: ticket.reference.number, message: failure.message))
                continue
            }
            report.actions.append(Action(jobID: job.id, ticket: ticket.reference.number, action: action, refusal: refusal))
            // Applied actions are logged here, once each: the next pass finds the job in its target status. Refusals
            // repeat every pass, so the caller reports them (once per service run).
            if refusal == nil {
                logger.info("sync: \(action.rawValue) applied to \(job.id) because ticket \(reason).")
            }
        }
        if verifyingAccess && !report.accessProven {
            do {
                try await backend.verifyAccess()
            } catch {
                throw ServiceFailure.map(error, service: template.name)
            }
            report.accessProven = true
        }
        return report
    }
}
