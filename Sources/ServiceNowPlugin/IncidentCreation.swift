import ConnectorKit
import Foundation

/// Creating an incident without ever creating two for one failure (SPEC §6.2, §7).
///
/// A POST answered with 5xx, a timeout or a dropped connection may or may not have landed. It is sent again only after
/// a query by `correlation_id` shows it did not; if it did, that incident is the result. Without `includeCorrelationId`
/// nothing can prove that, so the POST is not repeated and the event goes to the outbox.
///
/// A 429 is ServiceNow's rate limiter turning the request away before processing it, so it proves by itself that
/// nothing landed. The shared `RetryMiddleware` already sends it again after `Retry-After` while the run's deadline
/// allows; one that still reaches this code is treated the same way (no query) and normally stops at the deadline.
/// How long to wait before each new attempt, and when to stop, is in `RepeatedPosts.swift`.
extension ServiceNowBackend {

    public func create(_ draft: TicketDraft) async throws -> TicketReference {
        let request = requests.create(payloads.create(draft))
        if settings.includeCorrelationID, draft.correlationID.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ConnectorError.internal("Refusing to create a ServiceNow incident with an empty correlation_id: the SMA business rules could not route it and it could not be found again.")
        }
        let canCheck = settings.includeCorrelationID && IncidentQuery.isSafe(draft.correlationID)

        // When a ticket of this job is being replaced, older open incidents may carry the same correlation_id (under
        // alwaysCreateNewTicket): note them, so that the check after an unconfirmed POST does not mistake one of them
        // for the new incident.
        var olderIncidents: Set<String> = []
        if canCheck, draft.previousTicket != nil {
            olderIncidents = Set(try await searchOpen(correlationID: draft.correlationID, limit: 100).map(\.sysID))
        }

        var attempt = 1
        while true {
            let failure: FailedPost
            switch try await post(request) {
            case .created(let document):
                return try createdReference(document)

            case .refused(let refused):
                logger.warning("\(service) turned the new incident away (\(refused.reason)); it was not processed, so it is sent again.")
                failure = refused

            case .unconfirmed(let unconfirmed):
                guard canCheck else {
                    throw ConnectorError.unavailable(
                        "\(service) did not confirm the new incident (\(unconfirmed.reason)). It is not sent again, because without rules.includeCorrelationId a second POST could open a duplicate; check ServiceNow for the incident.")
                }
                logger.warning("\(service) did not confirm the new incident (\(unconfirmed.reason)); looking for it by correlation_id before sending it again.")
                let landed = try await searchOpen(correlationID: draft.correlationID, limit: olderIncidents.count + 1)
                    .first { !olderIncidents.contains($0.sysID) }
                if let landed {
                    logger.info("\(service): the unconfirmed request did create \(landed.number); using it.")
                    return try reference(for: landed)
                }
                failure = unconfirmed
            }

            let delay = Self.delay(afterAttempt: attempt, retryAfter: failure.retryAfter)
            if let stop = reasonToStop(afterAttempt: attempt, delay: delay) {
                let noneFound = failure.provenNotLanded ? "" : ", and no incident with this job's correlation_id exists"
                throw ConnectorError.unavailable(
                    "\(service) did not create the incident (last: \(failure.reason))\(noneFound); \(stop).")
            }
            logger.info("\(service): sending the new incident again in \(Self.seconds(delay)) s (attempt \(attempt + 1); \(Self.seconds(deadline.remaining)) s left before the deadline).")
            try await wait(seconds: delay)
            attempt += 1
        }
    }

    /// A POST that did not create the incident (yet).
    struct FailedPost {
        /// What went wrong, for messages: `HTTP 503: …`, a transport error.
        var reason: String
        /// The answer's `Retry-After`, in seconds, when it had one.
        var retryAfter: Double?
        /// True when the answer itself proves nothing was stored (429).
        var provenNotLanded: Bool
    }

    /// What became of one POST.
    enum PostOutcome {
        /// 2xx with a usable JSON body.
        case created(JSONValue)
        /// 429: ServiceNow did not process it.
        case refused(FailedPost)
        /// 5xx, timeout or dropped connection: it may have landed.
        case unconfirmed(FailedPost)
    }

    func post(_ request: HTTPRequest) async throws(ConnectorError) -> PostOutcome {
        let response: HTTPResponse
        do {
            response = try await http.send(request)
        } catch let error as TransportError {
            switch error {
            case .connectionFailed, .timedOut: return .unconfirmed(FailedPost(reason: error.description, provenNotLanded: false))
            case .tlsFailure: throw ServiceFailure.map(error, service: service)
            }
        } catch {
            throw ServiceFailure.map(error, service: service)
        }
        switch response.status {
        case 429, 500...599:
            let said = ServiceFailure.message(from: response.body).map { ": \($0)" } ?? ""
            let failed = FailedPost(reason: "HTTP \(response.status)\(said)",
                                    retryAfter: RetryAfter.delay(from: response.header("Retry-After"), now: Date()),
                                    provenNotLanded: response.status == 429)
            return response.status == 429 ? .refused(failed) : .unconfirmed(failed)
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
}
