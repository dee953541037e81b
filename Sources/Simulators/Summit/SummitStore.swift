import ConnectorKit
import Foundation

/// A `CustomFields` entry of a Summit incident.
public struct SummitCustomField: Sendable, Equatable {
    public var groupName: String
    public var name: String
    public var value: String

    public init(groupName: String, name: String, value: String) {
        self.groupName = groupName
        self.name = name
        self.value = value
    }
}

/// One `ChangeHistory` row: a column that changed on update.
public struct SummitChange: Sendable, Equatable {
    public var column: String
    public var oldValue: String
    public var newValue: String
    public var date: String

    public init(column: String, oldValue: String, newValue: String, date: String) {
        self.column = column
        self.oldValue = oldValue
        self.newValue = newValue
        self.date = date
    }
}

/// A file uploaded to a ticket.
public struct SummitAttachment: Sendable, Equatable {
    public var fileName: String
    public var data: Data

    public init(fileName: String, data: Data) {
        self.fileName = fileName
        self.data = data
    }
}

/// A Summit incident as the simulator stores it.
public struct SummitTicket: Sendable, Equatable {
    public var number: Int
    public var internalID: Int
    public var encryptedID: String
    public var status: String
    /// Every `Ticket` member ever sent, last value wins (`Symptom`, `Description`, `Priority_Name`, ...).
    public var fields: [String: JSONValue]
    public var updater: String
    public var customFields: [SummitCustomField]
    /// `TicketInformation` texts (Information, UserLog, InternalLog, Solution), oldest first.
    public var workLog: [String]
    public var changeHistory: [SummitChange]
    public var attachments: [SummitAttachment]
    /// Set when a Resolved ticket moved back to an open status.
    public var reopened: Bool
    public var loggedAt: String
    public var updatedAt: String

    public var symptom: String { field("Symptom") }
    public var description: String { field("Description") }

    /// A `Ticket` member as text ("" when never sent).
    public func field(_ name: String) -> String { fields[name]?.scalarText ?? "" }
}

/// An in-band Summit error: answered as HTTP 200 with this text in `Errors`.
public struct SummitFailure: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Tickets of the simulated Summit instance. Not thread-safe: `SummitSimulator` guards it with a lock.
struct SummitStore {
    static let statuses = ["New", "Assigned", "In-Progress", "Pending", "Resolved", "Closed", "Cancelled"]
    static let openStatuses: Set<String> = ["New", "Assigned", "In-Progress", "Pending"]
    /// Ticket members that steer the request rather than describe the ticket.
    private static let controlMembers: Set<String> = ["Ticket_No", "TicketNo", "IsFromWebService", "PageName"]

    private(set) var tickets: [SummitTicket] = []
    private var nextNumber = 4_501
    private var nextInternalID = 31_844

    func index(of number: Int) -> Int? { tickets.firstIndex { $0.number == number } }

    /// `IM_LogOrUpdateIncident` on a decoded container; returns the ticket and whether it was created.
    mutating func logOrUpdate(
        _ container: JSONValue, settings: SummitSettings, now: Date = Date()
    ) throws(SummitFailure) -> (SummitTicket, Bool) {
        guard let updater = container["Updater"]?.stringValue, !updater.isEmpty else {
            throw SummitFailure(message: "Updater is mandatory (Executive or Caller).")
        }
        guard let ticket = container["Ticket"], case .object(let members) = ticket else {
            throw SummitFailure(message: "Ticket is mandatory.")
        }
        guard ticket["IsFromWebService"]?.boolValue == true else {
            throw SummitFailure(message: "Ticket.IsFromWebService is mandatory and must be true.")
        }
        if let key = container["CI_Key"]?.stringValue, !key.isEmpty, (container["CI_Value"]?.scalarText ?? "").isEmpty {
            throw SummitFailure(message: "CI_Value is mandatory when CI_Key is given.")
        }
        var status: String?
        if let given = ticket["Status"]?.stringValue, !given.isEmpty {
            guard let known = Self.statuses.first(where: { $0.lowercased() == given.lowercased() }) else {
                throw SummitFailure(message: "Invalid Status '\(given)'. Valid values: \(Self.statuses.joined(separator: ", ")).")
            }
            status = known
        }
        if settings.validatesMasterValues { try Self.checkMasters(members, settings.masterValues) }
        let fields = members.filter { !Self.controlMembers.contains($0.key) && $0.key != "Status" }
        let information = Self.informationTexts(container["TicketInformation"])
        let customFields = Self.customFields(container["CustomFields"])
        let stamp = SimTime.summit(now)

        let numberText = (ticket["Ticket_No"] ?? ticket["TicketNo"])?.scalarText?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !numberText.isEmpty, numberText != "0" else {
            let created = SummitTicket(
                number: nextNumber, internalID: nextInternalID,
                encryptedID: Data("TicketID:\(nextInternalID)".utf8).base64EncodedString(), status: status ?? "New",
                fields: fields, updater: updater, customFields: customFields, workLog: information, changeHistory: [],
                attachments: [], reopened: false, loggedAt: stamp, updatedAt: stamp)
            nextNumber += 1
            nextInternalID += 1
            tickets.append(created)
            return (created, true)
        }
        guard let number = Int(numberText), let position = index(of: number) else {
            throw SummitFailure(message: "Ticket_No \(numberText) does not exist.")
        }
        var stored = tickets[position]
        if settings.refusesUpdatesWhenClosed, ["Closed", "Cancelled"].contains(stored.status) {
            throw SummitFailure(message: "Ticket \(number) is \(stored.status) and cannot be updated.")
        }
        var changes: [SummitChange] = []
        if let status, status != stored.status {
            changes.append(SummitChange(column: "Status", oldValue: stored.status, newValue: status, date: stamp))
            if stored.status == "Resolved" && Self.openStatuses.contains(status) { stored.reopened = true }
            stored.status = status
        }
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) where stored.fields[name] != value {
            changes.append(
                SummitChange(column: name, oldValue: stored.field(name), newValue: value.scalarText ?? value.serialized(), date: stamp))
            stored.fields[name] = value
        }
        for field in customFields {
            if let existing = stored.customFields.firstIndex(where: { $0.name == field.name && $0.groupName == field.groupName }) {
                stored.customFields[existing] = field
            } else {
                stored.customFields.append(field)
            }
        }
        stored.workLog += information
        stored.changeHistory += changes
        stored.updater = updater
        stored.updatedAt = stamp
        tickets[position] = stored
        return (stored, false)
    }

    mutating func attach(_ data: Data, named fileName: String, to number: Int) throws(SummitFailure) {
        guard let position = index(of: number) else { throw SummitFailure(message: "Ticket \(number) does not exist.") }
        tickets[position].attachments.append(SummitAttachment(fileName: fileName, data: data))
    }

    /// Sets a status as an analyst would in the web UI (no closed-ticket or transition rules).
    mutating func setStatus(_ status: String, of number: Int, now: Date = Date()) throws(SummitFailure) -> SummitTicket {
        guard let canonical = Self.statuses.first(where: { $0.lowercased() == status.lowercased() }) else {
            throw SummitFailure(message: "Invalid Status '\(status)'.")
        }
        guard let position = index(of: number) else { throw SummitFailure(message: "Ticket \(number) does not exist.") }
        let stamp = SimTime.summit(now)
        var ticket = tickets[position]
        if canonical != ticket.status {
            ticket.changeHistory.append(SummitChange(column: "Status", oldValue: ticket.status, newValue: canonical, date: stamp))
            if ticket.status == "Resolved" && Self.openStatuses.contains(canonical) { ticket.reopened = true }
            ticket.status = canonical
            ticket.updatedAt = stamp
        }
        tickets[position] = ticket
        return ticket
    }

    private static func informationTexts(_ information: JSONValue?) -> [String] {
        ["Information", "UserLog", "InternalLog", "Solution"].compactMap { key in
            guard let text = information?[key]?.stringValue, !text.isEmpty else { return nil }
            return text
        }
    }

    /// Accepts `{GroupName, Name, Value}` as well as the template's `{groupName, name, value}`.
    private static func customFields(_ list: JSONValue?) -> [SummitCustomField] {
        (list?.arrayValue ?? []).compactMap { item in
            guard let name = item.member(caseInsensitive: "Name")?.scalarText else { return nil }
            return SummitCustomField(
                groupName: item.member(caseInsensitive: "GroupName")?.scalarText ?? "", name: name,
                value: item.member(caseInsensitive: "Value")?.scalarText ?? "")
        }
    }

    private static func checkMasters(_ members: [String: JSONValue], _ masters: [String: [String]]) throws(SummitFailure) {
        for (field, allowed) in masters.sorted(by: { $0.key < $1.key }) {
            guard let value = members[field]?.scalarText, !value.isEmpty else { continue }
            if !allowed.contains(where: { $0.lowercased() == value.lowercased() }) {
                throw SummitFailure(message: "Invalid \(field) '\(value)'.")
            }
        }
    }
}
