import Foundation

/// How long `sync --interval S` waits before its next pass (SPEC §6.3): S after a pass that worked; while passes fail
/// (OpCon or the ITSM cannot be reached) S, then twice as long after every further failed pass, at most five minutes,
/// so an outage is neither hammered nor waited out for long once it ends. A pure value: tests drive it without time.
public struct OutageBackoff: Sendable, Equatable {
    /// The ceiling of a wait during an outage.
    public static let longestOutageWait: Double = 300

    /// S, the pause between passes while all is well.
    public let interval: Double
    /// Failed passes in a row.
    public private(set) var failedPasses = 0
    /// When the first of them started (the caller's clock, in seconds), nil while all is well.
    public private(set) var outageStartedAt: Double?

    public init(interval: Double) {
        self.interval = interval
    }

    /// True while passes keep failing.
    public var inOutage: Bool { failedPasses > 0 }

    /// The wait after the latest pass.
    public var nextWait: Double {
        guard failedPasses > 0 else { return interval }
        // An interval above the ceiling is the operator's choice: an outage never makes passes more frequent.
        let ceiling = max(interval, Self.longestOutageWait)
        let doubled = interval * pow(2, Double(min(failedPasses - 1, 30)))
        return min(ceiling, doubled)
    }

    /// Records a failed pass that started at `time`. Returns true when it is the first of an outage.
    public mutating func passFailed(startedAt time: Double) -> Bool {
        failedPasses += 1
        guard outageStartedAt == nil else { return false }
        outageStartedAt = time
        return true
    }

    /// An outage that ended: how many passes failed and since when.
    public struct EndedOutage: Sendable, Equatable {
        public var failedPasses: Int
        public var startedAt: Double
    }

    /// Records a pass that worked. Returns the outage it ended, if there was one.
    public mutating func passSucceeded() -> EndedOutage? {
        defer {
            failedPasses = 0
            outageStartedAt = nil
        }
        guard failedPasses > 0, let outageStartedAt else { return nil }
        return EndedOutage(failedPasses: failedPasses, startedAt: outageStartedAt)
    }
}
