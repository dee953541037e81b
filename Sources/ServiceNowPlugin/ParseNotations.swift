import ConnectorKit

/// The template's `parseNotations`: where, in ServiceNow's answers, the connector finds an incident's number,
/// `sys_id` and state. Paths use the SMA dotted syntax (`result.[0].number`); absent entries take the defaults
/// of the Table API.
public struct ParseNotations: Sendable, Equatable {
    /// The notation names the SMA ServiceNow connector defines.
    public enum Name: String, Sendable, CaseIterable {
        /// Number of an incident read back from a query (`getincident`).
        case getIncidentNumber = "getincidentnumber"
        case getIncidentSysID = "getincidentsysid"
        case getIncidentState = "getincidentstate"
        /// Number and `sys_id` of the incident a create returned.
        case incidentNumber = "incidentnumber"
        case incidentSysID = "incidentsysid"
        /// CMDB application lookup (not used yet; accepted so SMA templates load).
        case cmdbSysID = "cmdbsysid"

        /// The path used when the template does not give one.
        public var defaultPath: String {
            switch self {
            case .getIncidentNumber: return "result.[0].number"
            case .getIncidentSysID: return "result.[0].sys_id"
            case .getIncidentState: return "result.[0].state"
            case .incidentNumber: return "result.number"
            case .incidentSysID: return "result.sys_id"
            case .cmdbSysID: return "result.sys_id"
            }
        }
    }

    /// Lower-cased notation name → path, as written in the template.
    public var paths: [String: String]

    public init(paths: [String: String] = [:]) {
        self.paths = Dictionary(paths.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// The path for `name`: the template's, else the default.
    public func path(_ name: Name) -> String { paths[name.rawValue] ?? name.defaultPath }

    /// The path for `name` in the `index`-th record of a list answer: the first `[0]` (or `0`) step is replaced by
    /// `[index]`, so `result.[0].sys_id` becomes `result.[2].sys_id`. A path without such a step reads one record only.
    public func path(_ name: Name, record index: Int) -> String? {
        var steps = path(name).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let position = steps.firstIndex(where: { $0 == "[0]" || $0 == "0" }) else { return index == 0 ? path(name) : nil }
        steps[position] = "[\(index)]"
        return steps.joined(separator: ".")
    }

    /// The path of the list a record-level path reads from (`result` for `result.[0].sys_id`), if it has one.
    public func listPath(_ name: Name) -> String? {
        let steps = path(name).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let position = steps.firstIndex(where: { $0 == "[0]" || $0 == "0" }) else { return nil }
        return steps[..<position].joined(separator: ".")
    }

    /// Reads a value at `path` as text. A `sysparm_display_value=all` field (`{"display_value", "value"}`) yields its
    /// `value`; a reference field (`{"link", "value"}`) likewise.
    public static func text(in document: JSONValue, at path: String) -> String? {
        let found = path.isEmpty ? document : document.value(atPath: path)
        guard let found else { return nil }
        if let text = found.scalarText { return text }
        if let inner = found["value"]?.scalarText { return inner }
        return nil
    }
}
