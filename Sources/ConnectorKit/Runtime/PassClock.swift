import Foundation

/// A monotonic clock that reads zero again each time it is restarted. A long-running command hands `read` to its
/// runtime as the deadline's clock (`ConnectorRuntime.load(deadlineClock:)`) and restarts it at the start of every
/// pass, so each pass gets the whole `DEADLINE_SECONDS` while the HTTP stack, the clients and their resolved secrets
/// are built once for the life of the process.
public final class PassClock: @unchecked Sendable {
    private let lock = NSLock()
    private let source: Deadline.Clock
    private var origin: Double

    /// Starts at zero now; `source` is the underlying monotonic clock (tests inject one they advance by hand).
    public init(source: @escaping Deadline.Clock = Deadline.monotonicSeconds) {
        self.source = source
        self.origin = source()
    }

    /// Seconds since the last restart.
    public var read: Deadline.Clock {
        { [self] in
            let origin = lock.withLock { self.origin }
            return source() - origin
        }
    }

    /// Reads zero from now on: a deadline measured on this clock has its whole budget again.
    public func restart() {
        let now = source()
        lock.withLock { origin = now }
    }
}
