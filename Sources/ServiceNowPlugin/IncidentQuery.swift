import ConnectorKit

/// The `sysparm_query` strings this backend sends. ServiceNow silently drops a query part it cannot read and
/// matches an empty value literally, so every value is checked before it goes into a query.
public enum IncidentQuery {
    /// The incident with this `sys_id`.
    public static func sysID(_ sysID: String) throws(ConnectorError) -> String {
        "sys_id=" + (try checked(sysID, what: "sys_id"))
    }

    /// The incident with this number.
    public static func number(_ number: String) throws(ConnectorError) -> String {
        "number=" + (try checked(number, what: "incident number"))
    }

    /// Open incidents carrying this `correlation_id`, newest first: active and neither Resolved (6), Closed (7) nor
    /// Canceled (8).
    ///
    /// `active=true` alone is not enough: a Resolved incident stays active until it is closed (servicenow-api.md
    /// §2.1-2.2), so after this job's resolved incident was replaced (`allowTicketReopen` false) the old one would be
    /// found again and taken for an incident an interrupted run opened. `NOT IN` rather than `IN1,2,3` keeps an
    /// instance's own open states, which this backend also treats as open. Where `getincident` names a table without
    /// `state`, ServiceNow drops that term and `active=true` still applies.
    ///
    /// An empty id is refused: `correlation_id=` would match every incident that has none and adopt a stranger's ticket.
    public static func openByCorrelation(_ correlationID: String) throws(ConnectorError) -> String {
        guard !correlationID.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .internal("Refusing to search ServiceNow by an empty correlation_id: it would match every incident without one.")
        }
        return "correlation_id=" + (try checked(correlationID, what: "correlation_id"))
            + "^active=true^stateNOT IN6,7,8^ORDERBYDESCsys_created_on"
    }

    /// True when `value` can stand in a query term: not empty and free of `^`, ServiceNow's term separator,
    /// which has no escape.
    public static func isSafe(_ value: String) -> Bool {
        !value.trimmingCharacters(in: .whitespaces).isEmpty && !value.contains("^") && !value.contains(where: \.isNewline)
    }

    private static func checked(_ value: String, what: String) throws(ConnectorError) -> String {
        guard isSafe(value) else {
            throw .data("The \(what) \"\(value)\" cannot be used in a ServiceNow query (it is empty or contains '^' or a line break).")
        }
        return value
    }
}
