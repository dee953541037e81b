import ConnectorKit
import Foundation

/// The filters of `GET /api/dailyjobs` (and the subset `GET /api/dailyschedules` shares).
/// Parameter names are matched without regard to case, as ASP.NET binds them.
struct OpConJobFilter {
    var ids: [String]?
    var uids: [Int]?
    var days: [String]?
    var name: String?
    var scheduleIDs: [String]?
    var scheduleName: String?
    var statuses: [String]?
    var tags: [String]?
    var includeDocumentation = false
    var limit: Int?
    var offset = 0

    /// A query parameter OpCon would refuse, with the reason.
    struct Invalid: Error {
        var message: String
    }

    init(_ request: SimRequest) throws(Invalid) {
        func first(_ names: String...) -> String? { names.lazy.compactMap { request.query($0) }.first }
        func csv(_ names: String...) -> [String]? {
            guard let text = names.lazy.compactMap({ request.query($0) }).first else { return nil }
            return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        ids = csv("ids")
        if let values = csv("uids") {
            uids = try values.map { value throws(Invalid) in
                guard let uid = Int(value) else { throw Invalid(message: "uids: '\(value)' is not a number") }
                return uid
            }
        }
        if let values = csv("dates", "scheduleDates") {
            days = try values.map { value throws(Invalid) in
                guard let day = OpConDates.compactDay(value) else {
                    throw Invalid(message: "dates: '\(value)' is not a date (expected yyyy-MM-dd)")
                }
                return day
            }
        }
        name = first("name", "jobName")
        scheduleIDs = csv("scheduleIds")
        scheduleName = first("scheduleName")
        statuses = csv("status", "categories", "jobStatus", "jobStatusCategories")
        tags = csv("tags")
        includeDocumentation = first("includeDocumentation")?.lowercased() == "true"
        if let text = first("limit") {
            guard let value = Int(text), value >= 0 else { throw Invalid(message: "limit: '\(text)' is not a count") }
            limit = value
        }
        if let text = first("offset") {
            guard let value = Int(text), value >= 0 else { throw Invalid(message: "offset: '\(text)' is not a count") }
            offset = value
        }
    }

    func matches(_ job: JSONValue) -> Bool {
        let id = job["id"]?.stringValue ?? ""
        if let ids, !ids.contains(where: { $0.lowercased() == id.lowercased() }) { return false }
        if let uids, !uids.contains(job["uid"]?.intValue ?? -1) { return false }
        if let days, !days.contains(String(id.prefix(8))) { return false }
        if let name, !Wildcard.matches(name, job["name"]?.stringValue ?? "") { return false }
        let scheduleID = job["schedule"]?["id"]?.stringValue ?? ""
        if let scheduleIDs, !scheduleIDs.contains(where: { $0.lowercased() == scheduleID.lowercased() }) { return false }
        if let scheduleName, !Wildcard.matches(scheduleName, job["schedule"]?["name"]?.stringValue ?? "") { return false }
        if let statuses {
            let status = [job["status"]?["category"]?.stringValue, job["status"]?["description"]?.stringValue]
                .compactMap { $0?.lowercased() }
            if !statuses.contains(where: { status.contains($0.lowercased()) }) { return false }
        }
        if let tags {
            let jobTags = (job["tags"]?.arrayValue ?? []).compactMap { $0.stringValue?.lowercased() }
            if !tags.contains(where: { jobTags.contains($0.lowercased()) }) { return false }
        }
        return true
    }

    /// Applies `offset` and `limit` to matches already in order.
    func page<Item>(_ items: [Item]) -> [Item] {
        let dropped = Array(items.dropFirst(offset))
        return limit.map { Array(dropped.prefix($0)) } ?? dropped
    }
}
