import Foundation

extension OpConClient {
    /// Applies a job action (`POST /api/jobactions`) and waits until OpCon has carried it out or refused it.
    public func performJobAction(_ action: JobActionKind, jobID: String, reason: String) async throws(ConnectorError) -> JobActionOutcome {
        let description = "apply \(action.rawValue) to daily job \(jobID)"
        let body: JSONValue = ["action": .string(action.rawValue), "jobs": [["id": .string(jobID)]], "reason": .string(reason)]
        // Not retry-safe: a second restart or cancel would act twice.
        let answer = try await runAsyncAction("jobactions", body: body, retrySafe: false, action: description)
        let jobs = answer["jobs"]?.arrayValue ?? []
        let job = jobs.first { $0["id"]?.scalarText == jobID } ?? jobs.first
        let overall = answer["result"]?.stringValue ?? ""
        let message = [job?["message"]?.stringValue, answer["message"]?.stringValue]
            .compactMap { $0 }.first { !$0.isEmpty }
        return JobActionOutcome(
            action: action, jobID: jobID, result: job?["result"]?.stringValue ?? overall,
            message: message, jobStatus: job?["status"]?["description"]?.stringValue)
    }

    /// `OpConService`: nil when the action succeeded, else OpCon's reason for refusing it. How OpCon refuses an
    /// action it does not allow is not documented: a `failed` result and an HTTP 4xx with its message (a data
    /// error) are both a refusal of this one job, so a `sync` pass goes on with the others. Permission and
    /// availability errors still end the pass.
    public func applyJobAction(_ action: JobActionKind, jobID: String, reason: String) async throws(ConnectorError) -> String? {
        let outcome: JobActionOutcome
        do {
            outcome = try await performJobAction(action, jobID: jobID, reason: reason)
        } catch  where error.exitCode == .dataError {
            return error.message
        }
        if outcome.succeeded { return nil }
        return outcome.message ?? "OpCon answered \"\(outcome.result)\""
    }
}
