import ConnectorKit
import Foundation
import Testing

@testable import Simulators

/// SPEC §7 through the real executable: no run hangs on a silent server; `DEADLINE_SECONDS` bounds the whole run.
@Suite("The run's deadline")
struct DeadlineTests {
    @Test(
        "a silent server (accepts, reads, never answers) → the run ends within DEADLINE_SECONDS with exit 75 and one outbox item",
        arguments: [
            OutageCase(down: .serviceNow, backend: .serviceNow), OutageCase(down: .opcon, backend: .serviceNow),
            OutageCase(down: .summit, backend: .summit),
        ])
    func silentServer(_ silent: OutageCase) async throws {
        let stage = try OutboxStage(general: ["DEADLINE_SECONDS=5"])
        let job = stage.addJob("HANGS")
        stage.simulator(silent.down).faults.add(Fault(.silent, count: nil))

        let run = try await stage.fail(job, silent.backend, timeout: 90)
        #expect(run.exitCode == 75, "\(run)")
        // Without the deadline one request alone would wait TIMEOUT_SECONDS (30 s), and be retried.
        #expect(run.seconds < 15, "the run took \(run.seconds) s with DEADLINE_SECONDS=5")
        #expect(run.stderr.contains(silent.down.rawValue), "\(run)")
        #expect(stage.waiting.count == 1)
        #expect(stage.tickets(silent.backend) == 0)
    }
}
