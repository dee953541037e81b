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

    /// Active incidents carrying this `correlation_id`, newest first.
    ///
    /// An empty id is refused: `correlation_id=` would match every incident that has none and adopt a stranger's ticket.
    public static func activeByCorrelation(_ correlationID: String) throws(ConnectorError) -> String {
        guard !correlationID.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .internal("Refusing to search ServiceNow by an empty correlation_id: it would match every incident without one.")
        }
        return "correlation_id=" + (try checked(correlationID, what: "correlation_id")) + "^active=true^ORDERBYDESCsys_created_on"
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
