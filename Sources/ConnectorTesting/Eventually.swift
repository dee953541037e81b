import Foundation

/// Waits until `condition` holds, checking every 20 ms, for state that settles on another thread (a simulator that
/// stopped, a child process that printed); false when it did not hold within `seconds`. A sleep of the task, not of
/// the thread, so the waits of parallel tests do not take Swift concurrency's threads away from the code they wait for.
public func eventually(seconds: Double = 20, _ condition: () -> Bool) async throws -> Bool {
    let giveUp = Date().addingTimeInterval(seconds)
    while !condition() {
        if Date() > giveUp { return false }
        try await Task.sleep(nanoseconds: 20_000_000)
    }
    return true
}
