import Foundation

/// What the lifecycle does with one failure event (SPEC §5 step 7).
public enum Decision: Sendable, Equatable {
    /// Open a new ticket: the job has none, or (once per day, after the window) its ticket belongs to an earlier
    /// operations day and is left as it is. The new ticket is written back over the job's ticket record.
    case create
    /// An open ticket: add the new failure to it, no state change.
    case update(ExistingTicket)
    /// A resolved ticket: move it back to an open state and add the failure.
    case reopen(ExistingTicket)
    /// A closed or cancelled ticket (or a rule that always wants a new one): open a new ticket that names
    /// the previous one, and replace the job's ticket.
    case replace(ExistingTicket)
    /// A rule deliberately made no ticket (EXIT tag, once-per-day window).
    case skip(reason: String)

    /// One word for logs and `explain`.
    public var verb: String {
        switch self {
        case .create: return "create"
        case .update: return "update"
        case .reopen: return "reopen"
        case .replace: return "replace"
        case .skip: return "skip"
        }
    }

    /// True when the write opens a new ticket.
    public var createsTicket: Bool {
        switch self {
        case .create, .replace: return true
        case .update, .reopen, .skip: return false
        }
    }

    public var existing: ExistingTicket? {
        switch self {
        case .update(let ticket), .reopen(let ticket), .replace(let ticket): return ticket
        case .create, .skip: return nil
        }
    }
}

/// Template rules that shape the decision, the same on every backend (SPEC §5 step 7).
public struct DecisionRules: Sendable, Equatable {
    /// `alwaysCreateNewTicket`: every failure gets a new ticket.
    public var alwaysCreateNewTicket: Bool
    /// `allowTicketReopen` (default true): when false, a resolved ticket is treated like a closed one.
    public var allowReopen: Bool
    /// `submitSingleIncidentPerDay`: at most one new ticket per job per operations day.
    public var singleIncidentPerDay: Bool

    public init(alwaysCreateNewTicket: Bool = false, allowReopen: Bool = true, singleIncidentPerDay: Bool = false) {
        self.alwaysCreateNewTicket = alwaysCreateNewTicket
        self.allowReopen = allowReopen
        self.singleIncidentPerDay = singleIncidentPerDay
    }
}

extension DecisionRules {
    /// The rules as a template sets them.
    public init(template: Template) {
        self.init(
            alwaysCreateNewTicket: template.rule("alwaysCreateNewTicket", default: false),
            allowReopen: template.rule("allowTicketReopen", default: true),
            singleIncidentPerDay: template.rule("submitSingleIncidentPerDay", default: false))
    }
}
