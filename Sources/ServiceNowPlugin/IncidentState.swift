import ConnectorKit

/// ServiceNow's incident `state` choice values and how they map onto the connector's normalised `TicketStatus`.
public enum IncidentState {
    /// The normalised status for a `state` as ServiceNow returns it: the choice value (`"6"`) or, from an
    /// intermediate table or a display-value read, its label (`"Resolved"`).
    public static func status(for state: String) -> TicketStatus {
        switch state.trimmingCharacters(in: .whitespaces).lowercased() {
        case "1", "new": return .new
        case "2", "in progress": return .inProgress
        case "3", "on hold": return .onHold
        case "6", "resolved": return .resolved
        case "7", "closed": return .closed
        case "8", "canceled", "cancelled": return .cancelled
        default: return .other(state)
        }
    }
}
