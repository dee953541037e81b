import ConnectorKit

/// How a Jira issue's state reads to the connector (SPEC §6.4). Status names belong to each workflow and site, and the
/// category names are translated, so the state is read from the category key; a done issue is cancelled when its
/// status or resolution is one of the template's `cancelledNames`, resolved otherwise.
enum JiraIssueState {
    static func status(of fields: JSONValue, cancelledNames: [String]) -> TicketStatus {
        let name = fields["status"]?["name"]?.stringValue ?? ""
        switch fields["status"]?["statusCategory"]?["key"]?.stringValue {
        case "new": return .new
        case "indeterminate": return .inProgress
        case "done":
            let resolution = fields["resolution"]?["name"]?.stringValue ?? ""
            let cancelled = Set(cancelledNames.map { $0.lowercased() })
            return cancelled.contains(name.lowercased()) || cancelled.contains(resolution.lowercased()) ? .cancelled : .resolved
        default: return .other(name)
        }
    }

    /// The id of the transition that takes a done issue back to work: the first to a status of category
    /// `indeterminate`, else `new`; when the template names a `reopenTransition`, only that one counts. Nil when the
    /// workflow offers none (a terminal status such as Closed): the issue is then replaced.
    static func reopenTransitionID(in answer: JSONValue, named wanted: String?) -> String? {
        let offered = (answer["transitions"]?.arrayValue ?? []).filter { transition in
            wanted.map { transition["name"]?.stringValue?.lowercased() == $0.lowercased() } ?? true
        }
        let leadingTo = { (category: String) in offered.first { $0["to"]?["statusCategory"]?["key"]?.stringValue == category } }
        return (leadingTo("indeterminate") ?? leadingTo("new"))?["id"]?.scalarText
    }
}
