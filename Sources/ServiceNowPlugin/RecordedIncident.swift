import Foundation

/// An OpCon Incident Ticket ID as the ServiceNow connectors write it: `<number>/<sys_id>`, or a bare number.
public struct RecordedIncident: Sendable, Equatable {
    /// The incident number (`INC0010042`).
    public var number: String
    /// The record's `sys_id`, when the recorded value carries one.
    public var sysID: String?

    /// Reads a recorded value; nil when it is empty.
    public init?(_ recorded: String) {
        let text = recorded.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        if let slash = text.lastIndex(of: "/") {
            let number = text[..<slash].trimmingCharacters(in: .whitespaces)
            let sysID = text[text.index(after: slash)...].trimmingCharacters(in: .whitespaces)
            guard !number.isEmpty else { return nil }
            self.number = number
            self.sysID = sysID.isEmpty ? nil : sysID
        } else {
            self.number = text
            self.sysID = nil
        }
    }

    /// The value written back to OpCon: `<number>/<sys_id>`.
    public static func recordedID(number: String, sysID: String) -> String { "\(number)/\(sysID)" }

    /// True for the shapes this backend writes: `<number>/<32 hex digits>`, or a bare `INC<digits>` number
    /// (what older connectors and hand edits leave behind).
    public static func looksLikeServiceNow(_ recorded: String) -> Bool {
        let text = recorded.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let incident = RecordedIncident(text) else { return false }
        if let sysID = incident.sysID {
            return !incident.number.contains(where: \.isWhitespace) && isSysID(sysID)
        }
        let upper = incident.number.uppercased()
        return upper.hasPrefix("INC") && upper.count > 3 && upper.dropFirst(3).allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// A ServiceNow `sys_id`: 32 hexadecimal digits.
    public static func isSysID(_ text: String) -> Bool {
        text.count == 32 && text.allSatisfy(\.isHexDigit)
    }
}
