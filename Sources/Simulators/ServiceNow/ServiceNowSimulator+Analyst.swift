import ConnectorKit
import Foundation

/// The analyst's side over HTTP, under `/_sim/`:
/// `GET /_sim/incidents`, `GET /_sim/incidents/{sys_id|number}` (with journal and attachments),
/// `POST /_sim/incidents` (create), `POST /_sim/incidents/{key}/state {"state":"6","close_code":..,"close_notes":..,"work_notes":..}`,
/// `GET /_sim/callbacks`, `GET|POST /_sim/rules {"ticketAccepted":false,...}`.
extension ServiceNowSimulator {
    func analystRoute(_ request: SimRequest) -> SimResponse? {
        let segments = Array(request.pathSegments.dropFirst())
        let lower = segments.map { $0.lowercased() }
        switch (request.method, lower.first, lower.count) {
        case ("GET", "incidents", 1):
            return .json(["result": .array(incidents.map { .object($0.mapValues(JSONValue.string)) })])
        case ("GET", "incidents", 2):
            guard let record = incident(segments[1]) else { return Self.error(.notFound) }
            return .json(["result": analystView(record)])
        case ("POST", "incidents", 1):
            return analystWrite(request) { fields throws(ServiceNowRejection) in try createIncident(fields) }
        case ("POST", "incidents", 3) where lower[2] == "state":
            return analystWrite(request) { fields throws(ServiceNowRejection) in
                guard let state = fields["state"] else {
                    throw ServiceNowRejection(status: 400, message: "Missing state", detail: "Send {\"state\": \"2\"}")
                }
                return try setState(
                    state, of: segments[1], closeCode: fields["close_code"], closeNotes: fields["close_notes"],
                    workNote: fields["work_notes"])
            }
        case ("GET", "callbacks", 1):
            return .json(
                .array(
                    callbacks.map { callback in
                        [
                            "rule": .string(callback.rule), "action": .string(callback.action),
                            "incident": .string(callback.incidentNumber),
                            "address": .string(callback.address), "jobId": .string(callback.jobID),
                            "status": callback.status.map(JSONValue.int) ?? nil, "error": callback.error.map(JSONValue.string) ?? nil,
                        ]
                    }))
        case ("GET", "rules", 1):
            return .json(Self.describe(settings.businessRules))
        case ("POST", "rules", 1):
            guard let body = try? request.jsonBody(), case .object = body else {
                return .json(["error": "send {\"ticketAccepted\": true, ...}"], status: 400)
            }
            var switches = settings.businessRules
            if let flag = body["ticketAccepted"]?.boolValue { switches.ticketAccepted = flag }
            if let flag = body["ticketResolved"]?.boolValue { switches.ticketResolved = flag }
            if let flag = body["ticketRestart"]?.boolValue { switches.ticketRestart = flag }
            if let flag = body["ticketCancelled"]?.boolValue { switches.ticketCancelled = flag }
            settings.businessRules = switches
            return .json(Self.describe(switches))
        default:
            return nil
        }
    }

    private func analystWrite(
        _ request: SimRequest, _ write: (ServiceNowRecord) throws(ServiceNowRejection) -> ServiceNowRecord
    ) -> SimResponse {
        switch Self.fields(of: request) {
        case .failure(let rejection): return Self.error(rejection)
        case .success(let fields):
            do {
                return .json(["result": analystView(try write(fields))])
            } catch {
                return Self.error(error)
            }
        }
    }

    private func analystView(_ record: ServiceNowRecord) -> JSONValue {
        let key = record["sys_id"] ?? ""
        let journal = journalEntries(of: key).map { entry -> JSONValue in
            ["element": .string(entry.element), "value": .string(entry.value), "sys_created_by": .string(entry.createdBy)]
        }
        let files = attachments(of: key).map { JSONValue.object($0.metadata.mapValues(JSONValue.string)) }
        return JSONValue.object(record.mapValues(JSONValue.string)).setting("_journal", to: .array(journal))
            .setting("_attachments", to: .array(files))
    }

    private static func describe(_ switches: BusinessRuleSwitches) -> JSONValue {
        [
            "ticketAccepted": .bool(switches.ticketAccepted), "ticketResolved": .bool(switches.ticketResolved),
            "ticketRestart": .bool(switches.ticketRestart), "ticketCancelled": .bool(switches.ticketCancelled),
        ]
    }
}
