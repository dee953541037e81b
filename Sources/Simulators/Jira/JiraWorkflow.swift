import ConnectorKit
import Foundation

/// The three fixed status categories. Their `key` never changes while their `name` is localised, which is
/// why clients map on the key.
public enum JiraStatusCategory: String, Sendable, CaseIterable {
    case new, indeterminate, done

    public var id: Int {
        switch self {
        case .new: return 2
        case .indeterminate: return 4
        case .done: return 3
        }
    }

    public var name: String {
        switch self {
        case .new: return "To Do"
        case .indeterminate: return "In Progress"
        case .done: return "Done"
        }
    }

    var colorName: String {
        switch self {
        case .new: return "blue-gray"
        case .indeterminate: return "yellow"
        case .done: return "green"
        }
    }

    var json: JSONValue {
        ["id": .int(id), "key": .string(rawValue), "colorName": .string(colorName), "name": .string(name)]
    }

    /// A category named in JQL by its name, key or id, any case.
    init?(jql value: String) {
        let lowered = value.lowercased()
        guard let found = Self.allCases.first(where: { [$0.rawValue, $0.name.lowercased(), String($0.id)].contains(lowered) }) else {
            return nil
        }
        self = found
    }
}

/// One status of the workflow.
public struct JiraStatus: Sendable, Equatable {
    public var id: String
    public var name: String
    public var category: JiraStatusCategory
}

/// One transition: from a set of statuses to one, with what it does to the resolution.
public struct JiraTransition: Sendable, Equatable {
    public enum ResolutionEffect: Sendable, Equatable {
        /// Leave the resolution as it is.
        case keep
        /// Set this resolution (a transition screen may pick another).
        case set(String)
        /// Keep a resolution already set, else set this one (closing a resolved issue keeps "Done").
        case keepOrSet(String)
        /// Clear it: a reopened issue is no longer resolved.
        case clear
    }

    public var id: String
    public var name: String
    /// Status names it leaves from.
    public var from: [String]
    /// Status name it ends in.
    public var to: String
    public var resolution: ResolutionEffect

    /// Whether the transition has a screen, i.e. accepts a `resolution` field in its POST.
    var hasScreen: Bool {
        if case .set = resolution { return true }
        if case .keepOrSet = resolution { return true }
        return false
    }
}

/// Statuses and transitions of the simulated project workflow.
public struct JiraWorkflow: Sendable, Equatable {
    public var statuses: [JiraStatus]
    public var transitions: [JiraTransition]
    /// The status of a new issue.
    public var initialStatus: String
    /// The resolutions the site knows.
    public var resolutions: [String]

    /// Open (new) → In Progress (indeterminate) → Resolved (done, resolution Done) → Closed (done). Reopen leads from
    /// Resolved back to Reopened (new) and clears the resolution; the cancel status (done, resolution "Won't Do" by
    /// default) and Closed are terminal: no transition leaves them. Both spellings of Canceled occur on real sites,
    /// hence the parameters.
    public static func standard(canceledStatus: String = "Canceled", canceledResolution: String = "Won't Do") -> JiraWorkflow {
        let working = ["Open", "In Progress", "Reopened"]
        return JiraWorkflow(
            statuses: [
                JiraStatus(id: "1", name: "Open", category: .new),
                JiraStatus(id: "3", name: "In Progress", category: .indeterminate),
                JiraStatus(id: "4", name: "Reopened", category: .new),
                JiraStatus(id: "5", name: "Resolved", category: .done),
                JiraStatus(id: "6", name: "Closed", category: .done),
                JiraStatus(id: "10000", name: canceledStatus, category: .done),
            ],
            transitions: [
                JiraTransition(id: "11", name: "Start Progress", from: ["Open", "Reopened"], to: "In Progress", resolution: .keep),
                JiraTransition(id: "21", name: "Stop Progress", from: ["In Progress"], to: "Open", resolution: .keep),
                JiraTransition(id: "31", name: "Resolve", from: working, to: "Resolved", resolution: .set("Done")),
                JiraTransition(id: "41", name: "Close", from: working + ["Resolved"], to: "Closed", resolution: .keepOrSet("Done")),
                JiraTransition(id: "51", name: "Cancel", from: working, to: canceledStatus, resolution: .set(canceledResolution)),
                JiraTransition(id: "61", name: "Reopen", from: ["Resolved"], to: "Reopened", resolution: .clear),
            ],
            initialStatus: "Open",
            resolutions: ["Done", canceledResolution, "Duplicate", "Cannot Reproduce"])
    }

    func status(named name: String) -> JiraStatus? {
        statuses.first { $0.name.lowercased() == name.lowercased() }
    }

    /// A status named in JQL by name or id, any case.
    func status(jql value: String) -> JiraStatus? {
        statuses.first { $0.name.lowercased() == value.lowercased() || $0.id == value }
    }

    func resolution(named name: String) -> String? {
        resolutions.first { $0.lowercased() == name.lowercased() }
    }

    /// The transitions offered from `status`, in workflow order.
    func transitions(from status: String) -> [JiraTransition] {
        transitions.filter { $0.from.contains { $0.lowercased() == status.lowercased() } }
    }

    func statusJSON(_ status: JiraStatus, base: String) -> JSONValue {
        [
            "self": .string("\(base)/rest/api/2/status/\(status.id)"), "id": .string(status.id), "name": .string(status.name),
            "statusCategory": status.category.json,
        ]
    }

    func resolutionJSON(_ name: String?, base: String) -> JSONValue {
        guard let name, let index = resolutions.firstIndex(of: name) else { return .null }
        let id = String(10000 + index)
        return ["self": .string("\(base)/rest/api/2/resolution/\(id)"), "id": .string(id), "name": .string(name)]
    }
}
