import ConnectorKit
import Foundation

/// Job actions (`/api/jobactions`) and job output (`/api/jobinstanceactions`): both answer `submitted`
/// first and their result after the configured number of polls.
extension OpConSimulator {
    // MARK: Job actions

    func submitJobAction(_ request: SimRequest) -> SimResponse {
        guard let body = try? request.jsonBody(), case .object = body else {
            return Self.apiError(400, "The request body must be a job action object.", code: 1002, resource: "jobAction")
        }
        guard let name = body["action"]?.stringValue, let action = OpConJobActionRules.canonical(name) else {
            let given = body["action"]?.scalarText ?? "nothing"
            return Self.apiError(400, "Unknown job action '\(given)'.", code: 1002, resource: "jobAction", name: "action")
        }
        let jobIDs = (body["jobs"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
        guard !jobIDs.isEmpty else {
            return Self.apiError(400, "A job action needs at least one job {\"id\": ...}.", code: 1002, resource: "jobAction", name: "jobs")
        }
        let reason = body["reason"]?.stringValue
        let polls = settings.jobActionPolls
        let answer = store.withLock { store -> JSONValue in
            // Applied at once: the ServiceNow business rules fire and forget, they never poll.
            let results = jobIDs.map { Self.apply(action, to: $0, reason: reason, in: &store) }
            let failures = results.filter { $0["result"]?.stringValue == "failed" }.count
            func response(_ id: Int, _ result: String, _ jobs: [JSONValue], _ message: String?) -> JSONValue {
                [
                    "id": .int(id), "action": .string(action), "result": .string(result), "jobs": .array(jobs),
                    "reason": reason.map(JSONValue.string) ?? nil, "message": message.map(JSONValue.string) ?? nil,
                    "expires": .string(SimTime.opcon(Date(timeIntervalSinceNow: 3_600))),
                ]
            }
            let pending = jobIDs.map { JSONValue.object(["id": .string($0), "result": "submitted", "message": nil]) }
            return store.addJobAction(
                submitted: { response($0, "submitted", pending, nil) },
                final: {
                    response(
                        $0, failures == 0 ? "success" : "failed", results,
                        failures == 0 ? nil : "\(failures) of \(results.count) jobs could not be processed.")
                },
                polls: polls)
        }
        return .json(answer)
    }

    private static func apply(_ action: String, to jobID: String, reason: String?, in store: inout OpConStore) -> JSONValue {
        guard let current = store.jobs[jobID]?.status else {
            let message = "Daily job '\(jobID)' was not found."
            store.appliedActions.append(
                OpConJobActionRecord(jobID: jobID, action: action, reason: reason, applied: false, message: message))
            return ["id": .string(jobID), "result": "failed", "message": .string(message), "status": nil]
        }
        switch OpConJobActionRules.outcome(of: action, from: current) {
        case .apply(let target):
            store.setStatus(target, of: jobID)
            store.appliedActions.append(OpConJobActionRecord(jobID: jobID, action: action, reason: reason, applied: true, message: nil))
            return ["id": .string(jobID), "result": "success", "message": nil, "status": target.json]
        case .refuse(let message):
            store.appliedActions.append(
                OpConJobActionRecord(jobID: jobID, action: action, reason: reason, applied: false, message: message))
            return ["id": .string(jobID), "result": "failed", "message": .string(message), "status": current.json]
        }
    }

    func pollJobAction(_ idText: String) -> SimResponse {
        guard let id = Int(idText), let answer = store.withLock({ $0.jobActions[id]?.poll() }) else {
            return Self.apiError(404, "Job action '\(idText)' was not found.", code: 1001, resource: "jobAction", name: "id")
        }
        return .json(answer)
    }

    // MARK: Job output (JORS)

    func submitJobInstanceAction(_ request: SimRequest) -> SimResponse {
        guard let body = try? request.jsonBody(), case .object = body else {
            return Self.apiError(400, "The request body must be a job instance action object.", code: 1002, resource: "jobInstanceAction")
        }
        guard let action = body["action"]?.stringValue?.uppercased(), action == "LIST" || action == "FILE" else {
            return Self.apiError(
                400, "A job instance action must be LIST or FILE.", code: 1002, resource: "jobInstanceAction", name: "action")
        }
        let items = body["jobInstanceActionItems"]?.arrayValue ?? []
        let requested = items.compactMap { item -> (Int, String?)? in
            guard let number = item["id"]?.intValue else { return nil }
            return (number, item["jorsRequestParameters"]?.stringValue)
        }
        guard !requested.isEmpty, requested.count == items.count else {
            return Self.apiError(
                400, "Each jobInstanceActionItems entry needs a numeric id (the job number).", code: 1002,
                resource: "jobInstanceAction", name: "jobInstanceActionItems")
        }
        let settings = self.settings
        let answer = store.withLock { store -> JSONValue in
            let results = requested.map { number, parameters in
                Self.output(action: action, jobNumber: number, parameters: parameters, jorsFailure: settings.jorsFailure, store: store)
            }
            let firstFailure = results.first { $0["result"]?.stringValue == "failed" }
            func response(_ id: Int, _ result: String, _ items: [JSONValue], _ message: JSONValue) -> JSONValue {
                [
                    "id": .int(id), "action": .string(action), "result": .string(result), "message": message,
                    "jobInstanceActionItems": .array(items), "expires": .string(SimTime.opcon(Date(timeIntervalSinceNow: 3_600))),
                ]
            }
            let pending = requested.map { number, parameters -> JSONValue in
                [
                    "id": .int(number), "jorsRequestParameters": parameters.map(JSONValue.string) ?? nil, "result": "submitted",
                    "message": nil, "files": nil, "data": nil,
                ]
            }
            return store.addInstanceAction(
                submitted: { response($0, "submitted", pending, nil) },
                final: { response($0, firstFailure == nil ? "success" : "failed", results, firstFailure?["message"] ?? nil) },
                polls: settings.jobInstanceActionPolls)
        }
        return .json(answer)
    }

    private static func output(action: String, jobNumber: Int, parameters: String?, jorsFailure: String?, store: OpConStore) -> JSONValue {
        func item(_ result: String, message: String? = nil, files: [String]? = nil, data: String? = nil) -> JSONValue {
            [
                "id": .int(jobNumber), "jorsRequestParameters": parameters.map(JSONValue.string) ?? nil, "result": .string(result),
                "message": message.map(JSONValue.string) ?? nil, "files": files.map { .array($0.map(JSONValue.string)) } ?? nil,
                "data": data.map(JSONValue.string) ?? nil,
            ]
        }
        guard let id = store.jobID(jobNumber: jobNumber), let job = store.jobs[id] else {
            return item("failed", message: "Job number \(jobNumber) was not found in the daily tables.")
        }
        if let jorsFailure { return item("failed", message: jorsFailure) }
        if action == "LIST" {
            guard !job.logFiles.isEmpty else { return item("failed", message: "No job output was found for job number \(jobNumber).") }
            return item("success", files: job.logFiles.map(\.jorsPath))
        }
        let wanted = parameters ?? ""
        let fileName = wanted.split(separator: "\\").last.map(String.init) ?? wanted
        guard let file = job.logFiles.first(where: { $0.jorsPath == wanted || $0.name == fileName }) else {
            return item("failed", message: "Output not found: \(wanted)")
        }
        return item("success", data: file.text)
    }

    func pollJobInstanceAction(_ idText: String) -> SimResponse {
        guard let id = Int(idText), let answer = store.withLock({ $0.instanceActions[id]?.poll() }) else {
            return Self.apiError(
                404, "Job instance action '\(idText)' was not found.", code: 1001, resource: "jobInstanceAction", name: "id")
        }
        return .json(answer)
    }
}
