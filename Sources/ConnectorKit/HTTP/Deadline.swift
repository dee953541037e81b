import Foundation

/// The run's whole time budget (`DEADLINE_SECONDS`). It is measured on a monotonic clock, so a wall-clock
/// step (NTP, daylight saving) can neither stretch nor shorten it.
public struct Deadline: Sendable {
    /// Seconds elapsed on a monotonic clock from an arbitrary origin; tests inject a clock they advance by hand.
    public typealias Clock = @Sendable () -> Double

    /// The budget in seconds, as configured.
    public let budget: Double
    private let start: Double
    private let clock: Clock

    /// Starts the budget now.
    public init(seconds: Double, clock: @escaping Clock = Deadline.monotonicSeconds) {
        self.budget = seconds
        self.clock = clock
        self.start = clock()
    }

    /// Seconds left, never negative.
    public var remaining: Double { max(0, start + budget - clock()) }

    /// True once the budget is spent.
    public var hasPassed: Bool { remaining <= 0 }

    /// Seconds since the budget started.
    public var elapsed: Double { clock() - start }

    /// A monotonic reading in seconds (ContinuousClock keeps counting while the machine sleeps).
    public static let monotonicSeconds: Clock = {
        let duration = ContinuousClock.now - origin
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    private static let origin = ContinuousClock.now
}
