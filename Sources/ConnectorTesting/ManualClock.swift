import ConnectorKit

/// A monotonic clock for a `Deadline` that moves only when the test moves it, so a test of a budget of minutes takes
/// no time and cannot be flaky.
public final class ManualClock: Sendable {
    private let seconds = Recorder<Double>(1000)

    public init() {}

    /// The clock to hand to `Deadline(seconds:clock:)`.
    public var now: Deadline.Clock { { [seconds] in seconds.current } }

    public func advance(_ delta: Double) { seconds.update { $0 += delta } }
}
