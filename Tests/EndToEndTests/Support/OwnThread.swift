import Foundation

/// Runs a blocking call (a socket exchange with a simulator in a child process) on a thread of its own and awaits
/// its result, so no thread of Swift concurrency or of Dispatch's shared pool waits on it.
func onOwnThread<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try body() })
        }
    }
}
