import Foundation

/// How OpCon's asynchronous actions are polled: the first GET at once, then a short wait that doubles up to a
/// ceiling, inside the run's deadline (SPEC §4: start ≤ 100 ms, cap ≤ 2 s). A job-log request often completes by
/// the time its POST is answered and usually within a few hundred milliseconds; a few extra GETs early cost less
/// than a late answer.
public struct PollingPolicy: Sendable, Equatable {
    public var initialDelay: Double
    public var maxDelay: Double

    public init(initialDelay: Double = 0.025, maxDelay: Double = 2) {
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    public static let standard = PollingPolicy()
}

extension OpConClient {
    /// POSTs an asynchronous action (`jobinstanceactions`, `jobactions`) and polls `GET <collection>/{id}` until its
    /// `result` is no longer `submitted`; returns that final answer.
    func runAsyncAction(_ collection: String, body: JSONValue, retrySafe: Bool, action: String) async throws(ConnectorError) -> JSONValue {
        let response = try await exchange(.post, collection, body: body, retrySafe: retrySafe, action: action)
        try requireSuccess(response, action: action)
        var answer = try actionObject(json(response, action: action), action: action)
        var delay = 0.0
        while try Self.result(of: answer, unusable: { unusable(action, $0) }).lowercased() == "submitted" {
            // The id matters only to follow a request that is not finished yet.
            guard let id = answer["id"]?.intValue else {
                throw unusable(action, "the answer has no numeric id to follow the request with")
            }
            if let deadline, delay >= deadline.remaining {
                throw .unavailable("OpCon did not finish the request to \(action) within the run's deadline "
                    + "(DEADLINE_SECONDS=\(Int(deadline.budget))); it was still \"submitted\".")
            }
            if delay > 0 {
                do { try await sleep(delay) } catch { throw ServiceFailure.map(error, service: "OpCon") }
            }
            delay = delay == 0 ? polling.initialDelay : min(polling.maxDelay, delay * 2)
            let poll = try await exchange(.get, "\(collection)/\(id)", action: action)
            try requireSuccess(poll, action: action)
            answer = try actionObject(json(poll, action: action), action: action)
        }
        return answer
    }

    private func actionObject(_ value: JSONValue, action: String) throws(ConnectorError) -> JSONValue {
        guard value.objectValue != nil else { throw unusable(action, "expected an object, found \(value.typeName)") }
        return value
    }

    private static func result(of answer: JSONValue, unusable: (String) -> ConnectorError) throws(ConnectorError) -> String {
        guard let result = answer["result"]?.stringValue else { throw unusable("the answer has no result") }
        return result
    }
}
