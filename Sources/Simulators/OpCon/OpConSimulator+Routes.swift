import ConnectorKit
import Foundation

extension OpConSimulator {
    func route(_ request: SimRequest) -> SimResponse {
        let segments = request.pathSegments
        let lower = segments.map { $0.lowercased() }
        guard lower.first == "api", lower.count >= 2 else { return notFound(request) }
        if lower[1] == "version" {
            return request.method == "GET" ? .json(["opConRestApiProductVersion": "21.2.0.0"]) : methodNotAllowed(request)
        }
        guard let token = authorizedToken(request) else {
            return Self.apiError(401, "Invalid token specified", code: 2001, resource: "token")
        }
        let rest = Array(lower.dropFirst())
        switch (request.method, rest.count, rest[0]) {
        case ("GET", 1, "tokens"): return tokenInfo(token)
        case ("GET", 1, "dailyjobs"): return listJobs(request)
        case ("GET", 2, "dailyjobs"): return getJob(Self.jobID(fromSegment: segments[2]))
        case ("PUT", 2, "dailyjobs"): return putJob(Self.jobID(fromSegment: segments[2]), request)
        case (_, 3, "dailyjobs") where rest[2] == "incidenttickets",
            (_, 4, "dailyjobs") where rest[2] == "incidenttickets":
            return incidentTickets(request, uidText: segments[2], ticket: rest.count == 4 ? segments[4] : nil)
        case ("GET", 1, "dailyschedules"): return listSchedules(request)
        case ("POST", 1, "jobactions"): return submitJobAction(request)
        case ("GET", 2, "jobactions"): return pollJobAction(segments[2])
        case ("POST", 1, "jobinstanceactions"): return submitJobInstanceAction(request)
        case ("GET", 2, "jobinstanceactions"): return pollJobInstanceAction(segments[2])
        case (_, 1, "tokens"), (_, 1, "dailyjobs"), (_, 2, "dailyjobs"), (_, 1, "dailyschedules"), (_, 1, "jobactions"),
            (_, 2, "jobactions"), (_, 1, "jobinstanceactions"), (_, 2, "jobinstanceactions"):
            return methodNotAllowed(request)
        default:
            return notFound(request)
        }
    }

    /// The job id of a path segment (decoded once already): Java clients double-encode `/` as `%252F`.
    static func jobID(fromSegment segment: String) -> String {
        let lowered = segment.lowercased()
        guard lowered.contains("%2f") || lowered.contains("%7c") else { return segment }
        return segment.removingPercentEncoding ?? segment
    }

    private func authorizedToken(_ request: SimRequest) -> String? {
        guard let header = request.headers["Authorization"], header.lowercased().hasPrefix("token ") else { return nil }
        let token = header.dropFirst("token ".count).trimmingCharacters(in: .whitespaces)
        return settings.tokens.contains(token) ? token : nil
    }

    private func tokenInfo(_ token: String) -> SimResponse {
        .json([
            "id": .string(token),
            "user": ["id": 12, "loginName": "svc_itsm", "name": "ITSM connector"],
            "tokenType": ["id": "ITSMConnector", "type": "Application"],
            "validFrom": .string(SimTime.opcon()), "validUntil": nil, "passwordExpired": false,
        ])
    }

    private func notFound(_ request: SimRequest) -> SimResponse {
        Self.apiError(404, "No resource matches \(request.method) \(request.rawPath).", code: 1001)
    }

    private func methodNotAllowed(_ request: SimRequest) -> SimResponse {
        Self.apiError(405, "\(request.method) is not supported on \(request.rawPath).", code: 1002)
    }

    // MARK: Daily jobs

    private func listJobs(_ request: SimRequest) -> SimResponse {
        let filter: OpConJobFilter
        do {
            filter = try OpConJobFilter(request)
        } catch {
            return Self.apiError(400, error.message, code: 1002, resource: "dailyJobs")
        }
        let jobs = store.withLock { store in store.jobOrder.compactMap { store.jobs[$0]?.json } }
        let items = filter.page(jobs.filter(filter.matches)).map { job in
            // Lists carry documentation only when asked for it.
            filter.includeDocumentation ? job : job.setting("documentation", to: nil)
        }
        return .json(.array(items))
    }

    private func getJob(_ id: String) -> SimResponse {
        guard let job = job(id) else {
            return Self.apiError(404, "Daily job '\(id)' was not found.", code: 1001, resource: "dailyJob", name: "id")
        }
        return .json(job)
    }

    private func putJob(_ id: String, _ request: SimRequest) -> SimResponse {
        guard job(id) != nil else {
            return Self.apiError(404, "Daily job '\(id)' was not found.", code: 1001, resource: "dailyJob", name: "id")
        }
        guard let body = try? request.jsonBody(), case .object = body else {
            return Self.apiError(400, "The request body must be a daily job object.", code: 1002, resource: "dailyJob")
        }
        guard let bodyID = body["id"]?.stringValue else {
            return Self.apiError(400, "The daily job 'id' is required.", code: 1002, resource: "dailyJob", name: "id")
        }
        guard bodyID == id else {
            return Self.apiError(
                400, "The body id '\(bodyID)' does not match the path id '\(id)'.", code: 1002, resource: "dailyJob", name: "id")
        }
        guard let stored = store.withLock({ $0.replace(id: id, with: body) }) else { return getJob(id) }
        return .json(stored)
    }

    // MARK: Incident tickets

    private func incidentTickets(_ request: SimRequest, uidText: String, ticket: String?) -> SimResponse {
        guard let uid = Int(uidText) else {
            return Self.apiError(400, "The uid '\(uidText)' is not a number.", code: 1002, resource: "dailyJob", name: "uid")
        }
        guard let id = store.withLock({ $0.jobID(uid: uid) }) else {
            return Self.apiError(404, "No daily job has uid \(uid).", code: 1001, resource: "dailyJob", name: "uid")
        }
        let existing = store.withLock { $0.incidentTicket(of: id) }
        if let ticket {
            guard ticket == "1", let existing else {
                return Self.apiError(
                    404, "Incident ticket \(ticket) was not found for daily job \(uid).", code: 1001, resource: "incidentTicket")
            }
            switch request.method {
            case "GET": return .json(existing)
            case "PUT": return storeTicket(request, jobID: id, status: 200)
            case "DELETE":
                store.withLock { $0.setIncidentTicket(of: id, ticketID: nil, url: nil) }
                return SimResponse(status: 200)
            default: return methodNotAllowed(request)
            }
        }
        switch request.method {
        case "GET": return .json(.array(existing.map { [$0] } ?? []))
        case "POST":
            if existing != nil && !settings.incidentTicketPostOverwrites {
                return Self.apiError(
                    400, "DailyJob only supports a single instance of an incident ticket.", code: 1002, resource: "incidentTicket")
            }
            return storeTicket(request, jobID: id, status: 201)
        default: return methodNotAllowed(request)
        }
    }

    private func storeTicket(_ request: SimRequest, jobID: String, status: Int) -> SimResponse {
        guard let body = try? request.jsonBody(), case .object = body else {
            return Self.apiError(
                400, "The request body must be an incident ticket object {id, ticketId, ticketUrl}.", code: 1002, resource: "incidentTicket"
            )
        }
        let ticket = store.withLock { store -> JSONValue? in
            store.setIncidentTicket(of: jobID, ticketID: body["ticketId"] ?? nil, url: body["ticketUrl"] ?? nil)
            return store.incidentTicket(of: jobID)
        }
        return .json(ticket ?? ["id": 1, "ticketId": nil, "ticketUrl": nil], status: status)
    }

    // MARK: Daily schedules

    private func listSchedules(_ request: SimRequest) -> SimResponse {
        let filter: OpConJobFilter
        do {
            filter = try OpConJobFilter(request)
        } catch {
            return Self.apiError(400, error.message, code: 1002, resource: "dailySchedules")
        }
        let schedules = store.withLock { store in store.scheduleOrder.compactMap { store.schedules[$0] } }
        let matching = schedules.filter { schedule in
            let id = schedule["id"]?.stringValue ?? ""
            if let ids = filter.ids, !ids.contains(where: { $0.lowercased() == id.lowercased() }) { return false }
            if let days = filter.days, !days.contains(String(id.prefix(8))) { return false }
            if let name = filter.name, !Wildcard.matches(name, schedule["name"]?.stringValue ?? "") { return false }
            return true
        }
        return .json(.array(filter.page(matching)))
    }
}
