import ConnectorKit
import Foundation

/// A daily job's status as OpCon reports it: `{id, description, category}`.
/// Clients must key on the description and category; the ids of Under Review and Fixed are not
/// published, so the simulator uses ids of its own for them.
public struct OpConJobStatus: Sendable, Equatable {
    public var id: Int
    public var description: String
    public var category: String

    public init(id: Int, description: String, category: String) {
        self.id = id
        self.description = description
        self.category = category
    }

    public static let failed = OpConJobStatus(id: 910, description: "Failed", category: "Failed")
    public static let markedFailed = OpConJobStatus(id: 921, description: "Marked Failed", category: "Failed")
    public static let underReview = OpConJobStatus(id: 930, description: "Under Review", category: "Under Review")
    public static let fixed = OpConJobStatus(id: 931, description: "Fixed", category: "Fixed")
    public static let cancelled = OpConJobStatus(id: 950, description: "Cancelled", category: "Cancelled")
    public static let finishedOk = OpConJobStatus(id: 900, description: "Finished OK", category: "Finished Ok")
    public static let skipped = OpConJobStatus(id: 940, description: "Skipped", category: "Skipped")
    public static let waitStartTime = OpConJobStatus(id: 110, description: "Wait Start Time", category: "Waiting")
    public static let running = OpConJobStatus(id: 500, description: "Job Running", category: "Running")
    public static let held = OpConJobStatus(id: 100, description: "On Hold", category: "Held")
    public static let missedStartTime = OpConJobStatus(id: 120, description: "Missed Start Time", category: "Missed Start Time")

    /// The wire form, `{"id":910,"startStatus":0,"description":"Failed","category":"Failed","changeReason":null}`.
    var json: JSONValue {
        ["id": .int(id), "startStatus": 0, "description": .string(description), "category": .string(category), "changeReason": nil]
    }

    init?(json: JSONValue?) {
        guard let json, let description = json["description"]?.stringValue, let category = json["category"]?.stringValue else {
            return nil
        }
        self.init(id: json["id"]?.intValue ?? 0, description: description, category: category)
    }

    /// Whether the category is one of `categories`, ignoring case ("Finished OK" = "Finished Ok").
    func isIn(_ categories: [String]) -> Bool {
        categories.contains { $0.lowercased() == category.lowercased() }
    }
}
