import Foundation

/// Waits for a task's value for a limited time without cancelling the task: the job log is wanted for the ticket's
/// text only if it comes soon, and for the attachment whenever it comes. (A task group cannot do this: it waits for
/// every child, and a child awaiting another task's value does not stop when cancelled.)
enum BoundedWait {
    /// The task's value, or nil when `seconds` pass first.
    static func value<Value: Sendable>(of task: Task<Value, Never>, within seconds: Double) async -> Value? {
        guard seconds > 0 else { return nil }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
            let once = ResumeOnce(continuation)
            let timer = Task {
                try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
                once.resume(with: nil)
            }
            Task {
                let value = await task.value
                once.resume(with: value)
                timer.cancel()
            }
        }
    }

    /// Resumes a continuation with the first answer only.
    private final class ResumeOnce<Value: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<Value?, Never>?

        init(_ continuation: CheckedContinuation<Value?, Never>) { self.continuation = continuation }

        func resume(with value: Value?) {
            lock.lock()
            let waiting = continuation
            continuation = nil
            lock.unlock()
            waiting?.resume(returning: value)
        }
    }
}
