import ConnectorKit
import Foundation

/// Creating an incident without ever creating two for one failure (SPEC §6.2, §7).
///
/// A POST answered with 5xx, a timeout or a dropped connection may or may not have landed. It is sent again only after
/// a query by `correlation_id` shows it did not; if it did, that incident is the result. Without `includeCorrelationId`
/// nothing can prove that, so the POST is not repeated and the event goes to the outbox. A 429 needs nothing here:
/// ServiceNow did not process the request, and the shared `RetryMiddleware` already repeats it after `Retry-After`
/// for as long as the run's deadline allows; a 429 that still reaches this code means the deadline is near.
extension ServiceNowBackend {

    public func create(_ draft: TicketDraft) async throws -> TicketReference {
        let request = requests.create(payloads.create(draft))
        if settings.includeCorrelationID, draft.correlationID.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ConnectorError.internal("Refusing to create a ServiceNow incident with an empty correlation_id: the SMA business rules could not route it and it could not be found again.")
        }
        let canCheck = settings.includeCorrelationID && IncidentQuery.isSafe(draft.correlationID)

        // When a ticket of this job is being replaced, older incidents may carry the same correlation_id: note them,
        // so that the check after an unconfirmed POST does not mistake one of them for the new incident.
        var olderIncidents: Set<String> = []
        if canCheck, draft.previousTicket != nil {
            olderIncidents = Set(try await searchActive(correlationID: draft.correlationID, limit: 100).map(\.sysID))
        }

        for attempt in 1...maxCreateAttempts {
            switch try await post(request) {
            case .created(let document):
                return try createdReference(document)

            case .unconfirmed(let reason):
                guard canCheck else {
                    throw ConnectorError.unavailable(
                        "\(service) did not confirm the new incident (\(reason)). It is not sent again, because without rules.includeCorrelationId a second POST could open a duplicate; check ServiceNow for the incident.")
                }
                logger.warning("\(service) did not confirm the new incident (\(reason)); looking for it by correlation_id before sending it again.")
                let landed = try await searchActive(correlationID: draft.correlationID, limit: olderIncidents.count + 1)
                    .first { !olderIncidents.contains($0.sysID) }
                if let landed {
                    logger.info("\(service): the unconfirmed request did create \(landed.number); using it.")
                    return try reference(for: landed)
                }
                guard attempt < maxCreateAttempts else {
                    throw ConnectorError.unavailable(
                        "\(service) did not confirm the new incident after \(attempt) attempts (last: \(reason)), and no incident with this job's correlation_id exists.")
                }
                try await wait(seconds: 0.5 * Double(1 << (attempt - 1)))
            }
        }
        throw ConnectorError.internal("\(service): the create loop ended without a result.")
    }

    /// What became of one POST.
    enum PostOutcome {
        /// 2xx with a usable JSON body.
        case created(JSONValue)
        /// 5xx, timeout or dropped connection: it may have landed.
        case unconfirmed(String)
    }

    func post(_ request: HTTPRequest) async throws(ConnectorError) -> PostOutcome {
        let response: HTTPResponse
        do {
            response = try await http.send(request)
        } catch let error as TransportError {
            switch error {
            case .connectionFailed, .timedOut: return .unconfirmed(error.description)
            case .tlsFailure: throw ServiceFailure.map(error, service: service)
            }
        } catch {
            throw ServiceFailure.map(error, service: service)
        }
        switch response.status {
        case 500...599:
            let said = ServiceFailure.message(from: response.body).map { ": \($0)" } ?? ""
            return .unconfirmed("HTTP \(response.status)\(said)")
        default:
            return .created(try ServiceNowAnswer.document(response, service: service, action: "create an incident"))
        }
    }

    /// The number and `sys_id` of a created incident, read through `incidentnumber` / `incidentsysid`.
    func createdReference(_ document: JSONValue) throws(ConnectorError) -> TicketReference {
        let notations = settings.notations
        let sysID = ParseNotations.text(in: document, at: notations.path(.incidentSysID)) ?? ""
        let number = ParseNotations.text(in: document, at: notations.path(.incidentNumber)) ?? ""
        guard !sysID.isEmpty, !number.isEmpty else {
            let missing = sysID.isEmpty ? "sys_id at \(notations.path(.incidentSysID))" : "number at \(notations.path(.incidentNumber))"
            throw .data("\(service) created an incident but its answer has no \(missing), so it cannot be recorded on the job; check parseNotations (incidentnumber, incidentsysid).")
        }
        return TicketReference(recordedID: RecordedIncident.recordedID(number: number, sysID: sysID), number: number,
                               url: requests.ticketURL(sysID: sysID), internalID: sysID)
    }

    func reference(for record: IncidentRecord) throws(ConnectorError) -> TicketReference {
        guard !record.number.isEmpty else {
            throw .data("\(service) found incident \(record.sysID) without a number at \(settings.notations.path(.getIncidentNumber)); check parseNotations getincidentnumber.")
        }
        return TicketReference(recordedID: RecordedIncident.recordedID(number: record.number, sysID: record.sysID),
                               number: record.number, url: requests.ticketURL(sysID: record.sysID), internalID: record.sysID)
    }

    func wait(seconds: Double) async throws(ConnectorError) {
        do {
            try await pause(seconds)
        } catch {
            throw ServiceFailure.map(error, service: service)
        }
    }

}
