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
    /// With `spill`, each answer goes to a file and the big strings it names are decoded into files of their own.
    func runAsyncAction(
        _ collection: String, body: JSONValue, retrySafe: Bool, action: String,
        spill: AnswerSpill? = nil
    ) async throws(ConnectorError) -> JSONValue {
        var sink = spill?.makeSink()
        let response = try await exchange(.post, collection, body: body, retrySafe: retrySafe, sink: sink, action: action)
        try requireSuccess(response, action: action)
        var answer = try actionObject(json(response, sink: sink, spill: spill, action: action), action: action)
        var delay = 0.0
        while try Self.result(of: answer, unusable: { unusable(action, $0) }).lowercased() == "submitted" {
            // The id matters only to follow a request that is not finished yet.
            guard let id = answer["id"]?.intValue else {
                throw unusable(action, "the answer has no numeric id to follow the request with")
            }
            if let deadline, delay >= deadline.remaining {
                throw .unavailable(
                    "OpCon did not finish the request to \(action) within the run's deadline "
                        + "(DEADLINE_SECONDS=\(Int(deadline.budget))); it was still \"submitted\".")
            }
            if delay > 0 {
                do { try await sleep(delay) } catch { throw ServiceFailure.map(error, service: "OpCon") }
            }
            delay = delay == 0 ? polling.initialDelay : min(polling.maxDelay, delay * 2)
            sink = spill?.makeSink()
            let poll = try await exchange(.get, "\(collection)/\(id)", sink: sink, action: action)
            try requireSuccess(poll, action: action)
            answer = try actionObject(json(poll, sink: sink, spill: spill, action: action), action: action)
        }
        return answer
    }

    /// The answer's JSON: parsed in memory, or, when the transport streamed it into the sink, as the sink read it
    /// (the spill's key decoded into files).
    private func json(
        _ response: HTTPResponse, sink: JSONStringSpill?, spill: AnswerSpill?, action: String
    ) throws(ConnectorError) -> JSONValue {
        guard let sink, let spill, response.bodyWentToSink else { return try json(response, action: action) }
        do {
            let outcome = try sink.outcome()
            spill.record(outcome.files)
            return outcome.document
        } catch {
            throw unusable(action, error.description)
        }
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

/// Where an action's big strings are decoded to, and the files written. Used by one action at a time.
final class AnswerSpill: @unchecked Sendable {
    let directory: String
    let namePrefix: String
    let key: String
    /// Files holding spilled strings, as the answers named them.
    private(set) var files: Set<String> = []

    init(directory: String, namePrefix: String, key: String) {
        self.directory = directory
        self.namePrefix = namePrefix
        self.key = key
    }

    func record(_ spilled: [String]) { files.formUnion(spilled) }

    /// A sink for one answer of the action.
    func makeSink() -> JSONStringSpill { JSONStringSpill(key: key, directory: directory, namePrefix: namePrefix) }
}
