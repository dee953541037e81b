import ConnectorKit
import Foundation

/// One job-output file as the agent's JORS lists it.
public struct OpConLogFile: Sendable, Equatable {
    public var name: String
    public var text: String

    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }

    /// The Windows-style path OpCon returns in a LIST answer; it ends in the file name.
    var jorsPath: String { "C:\\ProgramData\\OpConxps\\SAM\\JOBLOG\\" + name }
}

/// A job action the simulator received, whether it was applied or refused.
public struct OpConJobActionRecord: Sendable, Equatable {
    public var jobID: String
    public var action: String
    public var reason: String?
    /// False when the job's status did not allow the action (or the job does not exist).
    public var applied: Bool
    public var message: String?
}

/// A job as stored: the JSON OpCon returns (unknown fields included) and its log files.
struct OpConJobRecord {
    var json: JSONValue
    var logFiles: [OpConLogFile]

    var id: String { json["id"]?.stringValue ?? "" }
    var uid: Int { json["uid"]?.intValue ?? 0 }
    var jobNumber: Int { json["jobNumber"]?.intValue ?? 0 }
    var status: OpConJobStatus { OpConJobStatus(json: json["status"]) ?? .failed }
}

/// An asynchronous action (job action or job-instance action): `submitted` for some polls, then the final answer.
struct OpConPendingAction {
    var submitted: JSONValue
    var final: JSONValue
    var pollsLeft: Int

    mutating func poll() -> JSONValue {
        guard pollsLeft > 0 else { return final }
        pollsLeft -= 1
        return submitted
    }
}

/// Everything the OpCon simulator knows. Not thread-safe: `OpConSimulator` guards it with a lock.
struct OpConStore {
    var jobs: [String: OpConJobRecord] = [:]
    var jobOrder: [String] = []
    var schedules: [String: JSONValue] = [:]
    var scheduleOrder: [String] = []
    var jobActions: [Int: OpConPendingAction] = [:]
    var instanceActions: [Int: OpConPendingAction] = [:]
    var appliedActions: [OpConJobActionRecord] = []
    private var nextUID = 48_201
    private var nextJobNumber = 90_401
    private var nextScheduleUID = 7_731
    private var nextDocumentationID = 1
    private var nextJobActionID = 3_101
    private var nextInstanceActionID = 5_531

    // MARK: Seeding

    struct NewJob {
        var day: String
        var scheduleID: Int
        var instance: Int
        var schedule: String
        var job: String
        var agent: String
        var tags: [String]
        var documentation: String?
        var status: OpConJobStatus
        var termination: String
        var logFiles: [OpConLogFile]
        var extraFields: [String: JSONValue]
    }

    /// Adds (or replaces, keeping its numbers) a daily job and its daily schedule; returns the job id.
    mutating func add(_ new: NewJob) -> String {
        let scheduleKey = "\(new.day)|\(new.scheduleID)|\(new.instance)"
        let id = "\(scheduleKey)|\(new.job)"
        let schedule = ensureSchedule(key: scheduleKey, new: new)
        let uid = jobs[id]?.uid ?? takeUID()
        let jobNumber = jobs[id]?.jobNumber ?? takeJobNumber()
        let start = SimTime.midnight(ofCompactDay: new.day).map { SimTime.opcon($0.addingTimeInterval(3_600)) }
        var members: [String: JSONValue] = [
            "id": .string(id), "uid": .int(uid), "jobNumber": .int(jobNumber),
            "uniqueJobId": .string(SimTime.pad(jobNumber, 10)), "name": .string(new.job),
            "schedule": schedule, "jobType": ["id": 3, "description": "Windows"],
            "frequency": ["name": "Mon-Fri-N"], "priority": 0,
            "department": ["id": 0, "name": "<General>"], "accessCode": ["id": 0, "name": "<None>"],
            "startMachine": ["id": 4, "name": .string(new.agent), "type": ["id": 3, "description": "Windows"]],
            "status": new.status.json, "terminationDescription": .string(new.termination),
            "computedStartTime": ["time": start.map(JSONValue.string) ?? nil, "isEstimated": false],
            "incidentTicketId": nil, "incidentTicketURL": nil,
            "documentation": ["id": .int(takeDocumentationID()), "job": new.documentation.map(JSONValue.string) ?? nil, "frequency": nil],
            "tags": .array(new.tags.map(JSONValue.string)), "properties": [], "steps": [], "isRecurrent": false,
        ]
        for (key, value) in new.extraFields { members[key] = value }
        if jobs[id] == nil { jobOrder.append(id) }
        jobs[id] = OpConJobRecord(json: .object(members), logFiles: new.logFiles)
        return id
    }

    private mutating func ensureSchedule(key: String, new: NewJob) -> JSONValue {
        if let existing = schedules[key] { return existing }
        let date = SimTime.midnight(ofCompactDay: new.day).map(SimTime.opcon) ?? OpConDates.dashed(new.day)
        let schedule: JSONValue = [
            "id": .string(key), "uid": .int(nextScheduleUID), "date": .string(date), "masterId": .int(new.scheduleID),
            "instance": .int(new.instance), "name": .string(new.schedule), "path": .string(new.schedule),
            "status": ["id": 0, "description": "In Process", "category": "Running", "containsFailedJobs": true],
        ]
        nextScheduleUID += 1
        schedules[key] = schedule
        scheduleOrder.append(key)
        return schedule
    }

    private mutating func takeUID() -> Int {
        defer { nextUID += 1 }
        return nextUID
    }

    private mutating func takeJobNumber() -> Int {
        defer { nextJobNumber += 1 }
        return nextJobNumber
    }

    private mutating func takeDocumentationID() -> Int {
        defer { nextDocumentationID += 1 }
        return nextDocumentationID
    }

    // MARK: Lookups and changes

    func jobID(uid: Int) -> String? { jobs.values.first { $0.uid == uid }?.id }

    func jobID(jobNumber: Int) -> String? { jobs.values.first { $0.jobNumber == jobNumber }?.id }

    mutating func setStatus(_ status: OpConJobStatus, of id: String) {
        guard let job = jobs[id]?.json else { return }
        jobs[id]?.json = job.setting("status", to: status.json)
    }

    /// Stores a PUT body as the job; the server keeps its own identity and status fields.
    mutating func replace(id: String, with body: JSONValue) -> JSONValue? {
        guard let stored = jobs[id], case .object(var members) = body else { return nil }
        for key in ["id", "uid", "jobNumber", "status", "schedule"] { members[key] = stored.json[key] }
        jobs[id]?.json = .object(members)
        return jobs[id]?.json
    }

    /// The incident-ticket sub-resource view of a job: nil when the job has no ticket.
    func incidentTicket(of id: String) -> JSONValue? {
        guard let job = jobs[id]?.json else { return nil }
        let ticketID = job["incidentTicketId"]?.stringValue ?? ""
        let url = job["incidentTicketURL"]?.stringValue ?? ""
        guard !ticketID.isEmpty || !url.isEmpty else { return nil }
        return ["id": 1, "ticketId": job["incidentTicketId"] ?? nil, "ticketUrl": job["incidentTicketURL"] ?? nil]
    }

    /// Sets (or with nils clears) the ticket fields the sub-resource and the job share.
    mutating func setIncidentTicket(of id: String, ticketID: JSONValue, url: JSONValue) {
        guard let job = jobs[id]?.json else { return }
        jobs[id]?.json = job.setting("incidentTicketId", to: ticketID).setting("incidentTicketURL", to: url)
    }

    // MARK: Asynchronous actions

    mutating func addJobAction(submitted: (Int) -> JSONValue, final: (Int) -> JSONValue, polls: Int) -> JSONValue {
        let id = nextJobActionID
        nextJobActionID += 1
        jobActions[id] = OpConPendingAction(submitted: submitted(id), final: final(id), pollsLeft: polls)
        return submitted(id)
    }

    mutating func addInstanceAction(submitted: (Int) -> JSONValue, final: (Int) -> JSONValue, polls: Int) -> JSONValue {
        let id = nextInstanceActionID
        nextInstanceActionID += 1
        instanceActions[id] = OpConPendingAction(submitted: submitted(id), final: final(id), pollsLeft: polls)
        return submitted(id)
    }
}
