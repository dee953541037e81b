import ConnectorKit
import Foundation

/// The analyst's side over HTTP, under `/_sim/`: `GET /_sim/tickets`, `GET /_sim/tickets/{n}`
/// (with work log and attachments) and `POST /_sim/tickets/{n}/status {"status":"Resolved"}`.
extension SummitSimulator {
    func analystRoute(_ request: SimRequest) -> SimResponse? {
        let segments = Array(request.pathSegments.dropFirst()).map { $0.lowercased() }
        guard segments.first == "tickets" else { return nil }
        switch (request.method, segments.count) {
        case ("GET", 1):
            return .json(.array(tickets.map(Self.analystView)))
        case ("GET", 2):
            guard let number = Int(segments[1]), let ticket = ticket(number) else { return .json(["error": "no such ticket"], status: 404) }
            return .json(Self.analystView(ticket))
        case ("POST", 3) where segments[2] == "status":
            guard let number = Int(segments[1]), let status = (try? request.jsonBody())?["status"]?.stringValue else {
                return .json(["error": "send {\"status\": \"Resolved\"} to /_sim/tickets/<number>/status"], status: 400)
            }
            do {
                return .json(Self.analystView(try setStatus(status, of: number)))
            } catch {
                return .json(["error": .string(error.message)], status: 400)
            }
        default:
            return nil
        }
    }

    private static func analystView(_ ticket: SummitTicket) -> JSONValue {
        [
            "TicketNo": .int(ticket.number), "Status": .string(ticket.status), "Reopened": .bool(ticket.reopened),
            "Updater": .string(ticket.updater), "Ticket": .object(ticket.fields), "WorkLog": .array(ticket.workLog.map(JSONValue.string)),
            "CustomFields": .array(
                ticket.customFields.map { ["GroupName": .string($0.groupName), "Name": .string($0.name), "Value": .string($0.value)] }),
            "Attachments": .array(ticket.attachments.map { ["FileName": .string($0.fileName), "Size": .int($0.data.count)] }),
            "ChangeHistory": .array(
                ticket.changeHistory.map {
                    ["column_name": .string($0.column), "OldValue": .string($0.oldValue), "new_Value": .string($0.newValue)]
                }),
        ]
    }
}
