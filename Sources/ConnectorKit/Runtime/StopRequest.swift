import Foundation

/// A request to stop a long-running command (`sync --interval`): set by SIGINT/SIGTERM or a Windows console control
/// event (see `TerminationSignals`), read by the service between passes. Nothing here is platform-specific, so the
/// service and its tests never see a signal.
public final class StopRequest: @unchecked Sendable {
    /// Called on every request with its reason (`SIGTERM`, `Ctrl+C`) and how many requests came so far.
    public typealias Observer = @Sendable (_ reason: String, _ count: Int) -> Void

    private let lock = NSLock()
    private var reasons: [String] = []
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    private let observer: Observer?

    public init(observer: Observer? = nil) {
        self.observer = observer
    }

    /// Asks the service to stop; safe from any thread.
    public func request(_ reason: String) {
        let (count, woken) = lock.withLock { () -> (Int, [CheckedContinuation<Void, Never>]) in
            reasons.append(reason)
            let woken = Array(waiters.values)
            waiters.removeAll()
            return (reasons.count, woken)
        }
        // The observer first, so what it prints ("stopping after the pass") comes before what the woken service prints.
        observer?(reason, count)
        for waiter in woken { waiter.resume() }
    }

    /// True once a stop was requested.
    public var isRequested: Bool { lock.withLock { !reasons.isEmpty } }

    /// The first request's reason, if any.
    public var reason: String? { lock.withLock { reasons.first } }

    /// Waits `seconds`, or less when a stop is requested meanwhile. Returns true when the wait ended because of a
    /// stop request (or one was already pending). The wait sleeps: no thread is held while it lasts.
    public func pause(seconds: Double) async -> Bool {
        if isRequested { return true }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000)) }
            group.addTask { await self.waitForRequest() }
            await group.next()
            group.cancelAll()
        }
        return isRequested
    }

    /// Returns once a stop is requested, or when the calling task is cancelled.
    public func waitForRequest() async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = lock.withLock { () -> Bool in
                    // Cancellation is flagged before its handler runs, so a handler that ran before this line finds
                    // nothing to resume, and this check resumes instead.
                    if !reasons.isEmpty || Task.isCancelled { return true }
                    waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            lock.withLock { waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
