import ConnectorKit
import Foundation

/// Why the simulated instance refused a write: an HTTP status and ServiceNow's error envelope texts.
public struct ServiceNowRejection: Error, Equatable, CustomStringConvertible {
    public var status: Int
    public var message: String
    public var detail: String

    public var description: String { "HTTP \(status): \(message): \(detail)" }

    static let notFound = ServiceNowRejection(
        status: 404, message: "No Record found", detail: "Record doesn't exist or ACL restricts the record retrieval")
}

/// The policies of the simulated instance that real instances configure differently.
struct ServiceNowPolicy {
    /// Resolved (6) and Closed (7) need `close_code` and `close_notes` (a data policy many instances add).
    var dataPolicy: Bool
    /// State changes of Closed (7) and Canceled (8) incidents are refused, as ACLs do for non-admins.
    var refuseClosedStateChanges: Bool
}

/// A file attached to a record: the `sys_attachment` metadata and the bytes.
public struct ServiceNowAttachment: Sendable, Equatable {
    public var metadata: ServiceNowRecord
    public var data: Data

    public var sysID: String { metadata["sys_id"] ?? "" }
    public var fileName: String { metadata["file_name"] ?? "" }
}

/// Incidents, their journal (`sys_journal_field`) and attachments. Not thread-safe:
/// `ServiceNowSimulator` guards it with a lock.
struct ServiceNowStore {
    /// Columns every incident has, so queries on them are never "unknown field".
    static let incidentColumns: [String] = [
        "number", "sys_id", "state", "incident_state", "active", "short_description", "description", "correlation_id",
        "correlation_display", "category", "subcategory", "impact", "urgency", "priority", "caller_id", "opened_by",
        "opened_at", "assigned_to", "assignment_group", "cmdb_ci", "business_service", "close_code", "close_notes",
        "resolved_at", "resolved_by", "closed_at", "closed_by", "reopen_count", "reopened_time", "reopened_by",
        "hold_reason", "work_notes", "comments", "sys_class_name", "sys_created_on", "sys_created_by", "sys_updated_on",
        "sys_updated_by", "sys_mod_count",
    ]
    /// Columns of `sys_journal_field` and `sys_attachment`, for queries on those tables.
    static let journalColumns: Set<String> = ["sys_id", "element", "element_id", "name", "value", "sys_created_on", "sys_created_by"]
    static let attachmentColumns: Set<String> = [
        "sys_id", "table_name", "table_sys_id", "file_name", "content_type", "size_bytes", "size_compressed", "compressed",
        "download_link", "image_height", "image_width", "average_image_color", "sys_tags", "sys_mod_count",
        "sys_created_on", "sys_created_by", "sys_updated_on", "sys_updated_by",
    ]
    /// Journal fields: a write appends an entry, a read returns "".
    static let journalFields: Set<String> = ["work_notes", "comments"]

    private(set) var incidents: [(sequence: Int, record: ServiceNowRecord)] = []
    private(set) var journal: [(sequence: Int, record: ServiceNowRecord)] = []
    private(set) var attachments: [(sequence: Int, attachment: ServiceNowAttachment)] = []
    private var nextNumber = 10_001
    private var nextSequence = 1

    var knownIncidentFields: Set<String> {
        incidents.reduce(into: Set(Self.incidentColumns)) { $0.formUnion($1.record.keys) }
    }

    func index(of key: String) -> Int? {
        incidents.firstIndex { $0.record["sys_id"] == key || $0.record["number"] == key }
    }

    func incident(_ key: String) -> ServiceNowRecord? { index(of: key).map { incidents[$0].record } }

    // MARK: Writes

    mutating func insert(
        _ given: ServiceNowRecord, user: String, policy: ServiceNowPolicy, now: Date = Date()
    ) throws(ServiceNowRejection) -> ServiceNowRecord {
        let stamp = SimTime.serviceNow(now)
        var record: ServiceNowRecord = Dictionary(uniqueKeysWithValues: Self.incidentColumns.map { ($0, "") })
        record.merge([
            "number": "INC" + SimTime.pad(nextNumber, 7), "sys_id": Self.newSysID(), "state": "1", "incident_state": "1",
            "active": "true", "impact": "3", "urgency": "3", "reopen_count": "0", "sys_class_name": "incident",
            "opened_at": stamp, "opened_by": user, "caller_id": user, "sys_created_on": stamp, "sys_created_by": user,
            "sys_updated_on": stamp, "sys_updated_by": user, "sys_mod_count": "0",
        ]) { _, new in new }
        let fields = Self.writable(given)
        record.merge(fields) { _, new in new }
        Self.alignStates(&record, given: fields)
        if fields["priority"] == nil { record["priority"] = Self.priority(impact: record["impact"], urgency: record["urgency"]) }
        try Self.checkDataPolicy(record, policy: policy)
        Self.stampStateChange(&record, from: nil, user: user, stamp: stamp)
        nextNumber += 1
        incidents.append((nextSequence, record))
        nextSequence += 1
        appendJournal(given, to: record["sys_id"]!, user: user, stamp: stamp)
        return record
    }

    mutating func update(
        _ key: String, with given: ServiceNowRecord, user: String, policy: ServiceNowPolicy, now: Date = Date()
    ) throws(ServiceNowRejection) -> ServiceNowRecord {
        guard let position = index(of: key) else { throw .notFound }
        let stamp = SimTime.serviceNow(now)
        let before = incidents[position].record
        var record = before
        let fields = Self.writable(given)
        record.merge(fields) { _, new in new }
        Self.alignStates(&record, given: fields)
        let oldState = before["state"] ?? ""
        let newState = record["state"] ?? ""
        if policy.refuseClosedStateChanges, ["7", "8"].contains(oldState), newState != oldState {
            throw ServiceNowRejection(
                status: 403, message: "Operation Failed",
                detail: "Incident \(before["number"] ?? key) is \(oldState == "7" ? "Closed" : "Canceled"); its state cannot change.")
        }
        if fields["priority"] == nil && (fields["impact"] != nil || fields["urgency"] != nil) {
            record["priority"] = Self.priority(impact: record["impact"], urgency: record["urgency"])
        }
        try Self.checkDataPolicy(record, policy: policy)
        if oldState == "6" && ["1", "2"].contains(newState) {
            record["reopen_count"] = String((Int(record["reopen_count"] ?? "") ?? 0) + 1)
            record["reopened_time"] = stamp
            record["reopened_by"] = user
        }
        Self.stampStateChange(&record, from: oldState, user: user, stamp: stamp)
        record["sys_mod_count"] = String((Int(before["sys_mod_count"] ?? "") ?? 0) + 1)
        record["sys_updated_on"] = stamp
        record["sys_updated_by"] = user
        incidents[position].record = record
        appendJournal(given, to: record["sys_id"]!, user: user, stamp: stamp)
        return record
    }

    mutating func delete(_ key: String) -> Bool {
        guard let position = index(of: key) else { return false }
        incidents.remove(at: position)
        return true
    }

    mutating func attach(
        _ data: Data, to incidentSysID: String, fileName: String, contentType: String, user: String,
        baseURL: String
    ) -> ServiceNowAttachment {
        let stamp = SimTime.serviceNow()
        let sysID = Self.newSysID()
        let metadata: ServiceNowRecord = [
            "sys_id": sysID, "table_name": "incident", "table_sys_id": incidentSysID, "file_name": fileName,
            "content_type": contentType, "size_bytes": String(data.count), "size_compressed": String(data.count),
            "compressed": "false", "download_link": "\(baseURL)/api/now/attachment/\(sysID)/file",
            "image_height": "", "image_width": "", "average_image_color": "", "sys_tags": "", "sys_mod_count": "0",
            "sys_created_on": stamp, "sys_created_by": user, "sys_updated_on": stamp, "sys_updated_by": user,
        ]
        let attachment = ServiceNowAttachment(metadata: metadata, data: data)
        attachments.append((nextSequence, attachment))
        nextSequence += 1
        return attachment
    }

    mutating func deleteAttachment(_ sysID: String) -> Bool {
        guard let position = attachments.firstIndex(where: { $0.attachment.sysID == sysID }) else { return false }
        attachments.remove(at: position)
        return true
    }

    // MARK: Rules of the incident table

    /// Fields a client may write: `sys_*` columns are system-maintained and ignored.
    private static func writable(_ given: ServiceNowRecord) -> ServiceNowRecord {
        given.filter { !$0.key.hasPrefix("sys_") && !journalFields.contains($0.key) }
    }

    /// `state` and its legacy twin `incident_state` always hold the same value; `state` wins when both are sent.
    private static func alignStates(_ record: inout ServiceNowRecord, given: ServiceNowRecord) {
        if let state = given["state"] {
            record["incident_state"] = state
        } else if let legacy = given["incident_state"] {
            record["state"] = legacy
        }
    }

    private static func checkDataPolicy(_ record: ServiceNowRecord, policy: ServiceNowPolicy) throws(ServiceNowRejection) {
        guard policy.dataPolicy, ["6", "7"].contains(record["state"] ?? "") else { return }
        var missing: [String] = []
        if (record["close_code"] ?? "").isEmpty { missing.append("Resolution code") }
        if (record["close_notes"] ?? "").isEmpty { missing.append("Resolution notes") }
        guard !missing.isEmpty else { return }
        throw ServiceNowRejection(
            status: 403, message: "Operation Failed",
            detail: "Data Policy Exception: The following fields are mandatory: " + missing.joined(separator: ", "))
    }

    /// `active`, `resolved_*` and `closed_*` follow the state.
    private static func stampStateChange(_ record: inout ServiceNowRecord, from oldState: String?, user: String, stamp: String) {
        let state = record["state"] ?? ""
        record["active"] = ["7", "8"].contains(state) ? "false" : "true"
        guard state != oldState else { return }
        if state == "6" {
            record["resolved_at"] = stamp
            record["resolved_by"] = user
        }
        if state == "7" {
            record["closed_at"] = stamp
            record["closed_by"] = user
        }
    }

    /// The base instance's priority lookup: impact 1–3 × urgency 1–3 → priority 1–5.
    private static func priority(impact: String?, urgency: String?) -> String {
        guard let impact = Int(impact ?? ""), let urgency = Int(urgency ?? ""), (1...3).contains(impact), (1...3).contains(urgency) else {
            return "5"
        }
        return String(impact + urgency - 1)
    }

    private mutating func appendJournal(_ given: ServiceNowRecord, to sysID: String, user: String, stamp: String) {
        for element in Self.journalFields.sorted() {
            guard let value = given[element], !value.isEmpty else { continue }
            journal.append(
                (
                    nextSequence,
                    [
                        "sys_id": Self.newSysID(), "element": element, "element_id": sysID, "name": "incident", "value": value,
                        "sys_created_on": stamp, "sys_created_by": user,
                    ]
                ))
            nextSequence += 1
        }
    }

    static func newSysID() -> String { UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased() }
}
