import Foundation

/// A daily job as OpCon returns it. The whole JSON object is kept so that a documentation update can PUT
/// it back with every unknown field intact; typed accessors read the fields the connector uses.
public struct DailyJob: Sendable, Equatable {
    public var raw: JSONValue

    public init(raw: JSONValue) { self.raw = raw }

    /// The pipe id `yyyyMMdd|si|sn|job`.
    public var id: String { raw["id"]?.scalarText ?? "" }
    /// Numeric row id, required by `/api/dailyjobs/{uid}/incidentTickets`.
    public var uid: Int? { raw["uid"]?.intValue }
    /// Job instance number, required by `/api/jobinstanceactions`.
    public var jobNumber: Int? { raw["jobNumber"]?.intValue }
    public var uniqueJobID: String? { nonEmpty(raw["uniqueJobId"]?.scalarText) }
    public var name: String { raw["name"]?.scalarText ?? raw["jobName"]?.scalarText ?? "" }
    public var tags: [String] { raw["tags"]?.arrayValue?.compactMap(\.scalarText) ?? [] }
    public var documentation: String? { raw["documentation"]?["job"]?.stringValue }
    public var incidentTicketID: String? { nonEmpty(raw["incidentTicketId"]?.scalarText) }
    public var incidentTicketURL: String? { nonEmpty(raw["incidentTicketURL"]?.scalarText) }
    public var statusDescription: String? { status?["description"]?.stringValue }
    /// `Failed`, `Under Review`, `Fixed`, ...: the field to key on (status ids are not all known).
    public var statusCategory: String? { status?["category"]?.stringValue }
    /// `status`, or `jobStatus` as the API's own specification names it.
    private var status: JSONValue? { raw["status"] ?? raw["jobStatus"] }
    public var terminationDescription: String? { raw["terminationDescription"]?.scalarText }
    public var startMachine: String? { raw["startMachine"]?["name"]?.stringValue }

    /// A copy with `documentation.job` replaced and nothing else touched.
    public func withDocumentation(_ text: String) -> DailyJob {
        let documentation = raw["documentation"] ?? .object([:])
        let updated = (documentation.objectValue != nil ? documentation : .object([:])).setting("job", to: .string(text))
        return DailyJob(raw: raw.setting("documentation", to: updated))
    }

    private func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return text
    }
}
