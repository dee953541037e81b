import ConnectorKit
import Foundation

/// Summit's incident states (`New`, `Assigned`, `In-Progress`, `Pending`, `Resolved`, `Closed`, `Cancelled`)
/// in the shared vocabulary the decision and `sync` use.
enum SummitStatus {
    /// Maps a status as Summit spells it. Spelling varies between tenants and versions (`In-progress`,
    /// `In Progress`, `Canceled`), so case, spaces and hyphens are ignored.
    ///
    /// `Pending` (and `Pending Approval`) wait on someone outside the desk: `.onHold`, as ServiceNow's On Hold.
    /// `Assigned` is open but nobody has started: it stays `.other("Assigned")`, treated as open, so `sync`
    /// does not mark the job Under Review before an analyst actually picks the ticket up.
    static func normalized(_ raw: String) -> TicketStatus {
        let key = raw.lowercased().filter { $0.isLetter }
        switch key {
        case "new": return .new
        case "inprogress": return .inProgress
        case "pending", "pendingapproval", "onhold": return .onHold
        case "resolved": return .resolved
        case "closed": return .closed
        case "cancelled", "canceled": return .cancelled
        default: return .other(raw)
        }
    }
}
