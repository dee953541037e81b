import ConnectorKit
import ConnectorTesting

/// Stands in for the sleep of a retry or a poll: records the delay asked for instead of waiting, and moves a
/// manual clock by it when given one, so a deadline sees the time pass.
final class SleepRecorder: Sendable {
    private let recorded = Recorder<[Double]>()
    private let clock: ManualClock?

    init(advancing clock: ManualClock? = nil) { self.clock = clock }

    var sleep: RetryMiddleware.Sleep {
        { [recorded, clock] seconds in
            recorded.record(seconds)
            clock?.advance(seconds)
        }
    }

    var delays: [Double] { recorded.current }
}
