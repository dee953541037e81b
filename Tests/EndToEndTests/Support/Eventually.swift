import Foundation

/// Waits (bounded) until `condition` holds, checking every 20 ms; false when it never did within `seconds`.
func eventually(seconds: Double = 20, _ condition: () -> Bool) async throws -> Bool {
    let giveUp = Date().addingTimeInterval(seconds)
    while !condition() {
        if Date() > giveUp { return false }
        try await Task.sleep(nanoseconds: 20_000_000)
    }
    return true
}
