import Foundation

/// A ticket as the connector records it: the value for OpCon's Incident Ticket ID, the number people
/// read, and the link OpCon shows.
public struct TicketReference: Codable, Sendable, Equatable {
    /// What goes into OpCon's Incident Ticket ID (ServiceNow: `<number>/<sys_id>`, Summit: the number).
    public var recordedID: String
    /// The number people quote (`INC0010042`, `4507`).
    public var number: String
    /// The deep link written to OpCon's incident ticket URL.
    public var url: String
    /// Backend-specific handle (ServiceNow `sys_id`); empty when the backend has none.
    public var internalID: String

    public init(recordedID: String, number: String, url: String, internalID: String = "") {
        self.recordedID = recordedID
        self.number = number
        self.url = url
        self.internalID = internalID
    }
}

/// A ticket's state, normalised across backends so the decision and `sync` are shared.
public enum TicketStatus: Sendable, Equatable, Codable {
    case new
    case inProgress
    case onHold
    case resolved
    case closed
    case cancelled
    /// A state the backend does not map; treated as open.
    case other(String)

    /// Closed and cancelled tickets are never written to again: a new ticket replaces them.
    public var isFinal: Bool { self == .closed || self == .cancelled }

    /// A name people read in logs and job-action reasons.
    public var label: String {
        switch self {
        case .new: return "New"
        case .inProgress: return "In Progress"
        case .onHold: return "On Hold"
        case .resolved: return "Resolved"
        case .closed: return "Closed"
        case .cancelled: return "Cancelled"
        case .other(let state): return state
        }
    }
}

/// A ticket that already exists in the ITSM for this job.
public struct ExistingTicket: Sendable, Equatable, Codable {
    public var reference: TicketReference
    public var status: TicketStatus
    /// The state as the ITSM spells it (`"6"`, `"Resolved"`), for logs and `explain`.
    public var rawState: String
    /// True when found by a backend-side search (ServiceNow `correlation_id`) rather than from the job's
    /// Incident Ticket ID: a run created it and died before writing it back.
    public var foundBySearch: Bool
    /// A few more facts people read with `-i` (summary, priority, assignee), in the order shown.
    public var details: [TicketField]
    /// False when a resolved ticket cannot be moved back to work (Jira: no transition out of its status is offered);
    /// the decision then replaces it as if it were closed.
    public var canReopen: Bool

    public init(
        reference: TicketReference, status: TicketStatus, rawState: String, foundBySearch: Bool = false,
        details: [TicketField] = [], canReopen: Bool = true
    ) {
        self.reference = reference
        self.status = status
        self.rawState = rawState
        self.foundBySearch = foundBySearch
        self.details = details
        self.canReopen = canReopen
    }

    /// Closed, cancelled, or resolved with no way back: such a ticket is replaced, never written to.
    public var isFinal: Bool { status.isFinal || (status == .resolved && !canReopen) }
}

/// One field name and value for a ticket, in the order the layers produced them.
public struct TicketField: Sendable, Equatable, Codable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The job action a ticket state maps to (SPEC §6.3), with the OpCon action name as raw value.
public enum JobActionKind: String, Sendable, Codable, CaseIterable {
    case markUnderReview, markFixed, restart, cancel
}

/// One job-log file fetched from OpCon, already cut to the size limit. Its bytes usually stay in a file under the
/// install directory's job-log folder and are streamed from there to the ITSM (SPEC §7.4).
public struct JobLogFile: Sendable, Equatable {
    public var name: String
    public var content: StreamedBody

    public init(name: String, content: StreamedBody) {
        self.name = name
        self.content = content
    }

    public init(name: String, data: Data) {
        self.init(name: name, content: StreamedBody([.bytes(data)]))
    }

    /// The number of bytes attached.
    public var byteCount: Int64 { content.count }

    /// Every byte in memory: for small logs and tests; an unreadable file reads as empty.
    public var data: Data { (try? content.readAll()) ?? Data() }

    /// Equal when the names and the bytes are, wherever the bytes are kept.
    public static func == (lhs: JobLogFile, rhs: JobLogFile) -> Bool {
        lhs.name == rhs.name && (lhs.content == rhs.content || lhs.data == rhs.data)
    }
}
