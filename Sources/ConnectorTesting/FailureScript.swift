import ConnectorKit

/// Scripted outcomes of a fake's operations ("create", "attach", "writeBack", ...), consumed in order: nil lets a
/// call through, an error is thrown. An operation with nothing scripted always goes through.
public final class FailureScript: Sendable {
    private let queues = Recorder([String: [ConnectorError?]]())

    public init() {}

    public func set(_ operation: String, _ outcomes: [ConnectorError?]) { queues.update { $0[operation] = outcomes } }

    /// Called by the fake at the start of `operation`: throws the next scripted error, if that is what comes next.
    public func check(_ operation: String) throws(ConnectorError) {
        let failure = queues.update { queues -> ConnectorError? in
            guard var queue = queues[operation], !queue.isEmpty else { return nil }
            let first = queue.removeFirst()
            queues[operation] = queue
            return first
        }
        if let failure { throw failure }
    }
}
