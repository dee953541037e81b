import Foundation

/// Waits until `condition` holds, checking every 20 ms, for state that settles on another thread (a child process
/// that printed, a ticket a concurrent run wrote); false when it did not hold within `seconds`. Sleeps the task, not
/// the thread, so the waits of parallel tests leave Swift concurrency's few threads to the code they wait for.
public func eventually(seconds: Double = 20, _ condition: () -> Bool) async throws -> Bool {
    let giveUp = Date().addingTimeInterval(seconds)
    while !condition() {
        if Date() > giveUp { return false }
        try await Task.sleep(nanoseconds: 20_000_000)
    }
    return true
}

/// The same wait for a synchronous test, sleeping the thread: a short state (a simulator down for 0.3 s) is seen in
/// time even when every thread of Swift concurrency is busy, which a task's sleep cannot promise.
public func eventually(seconds: Double = 20, _ condition: () -> Bool) -> Bool {
    let giveUp = Date().addingTimeInterval(seconds)
    while !condition() {
        if Date() > giveUp { return false }
        Thread.sleep(forTimeInterval: 0.02)
    }
    return true
}
