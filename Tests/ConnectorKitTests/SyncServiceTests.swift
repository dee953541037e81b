import ConnectorTesting
import Foundation
import Testing

@testable import ConnectorKit

@Suite("connector sync --interval as a service (SPEC §6.3)")
struct SyncServiceTests {
    @Test("the wait: S while all is well; during an outage S, then doubling, at most 5 minutes; S again once it ends")
    func backoff() {
        var backoff = OutageBackoff(interval: 10)
        #expect(backoff.nextWait == 10)
        var waits: [Double] = []
        for pass in 0..<8 {
            let first = backoff.passFailed(startedAt: Double(pass))
            #expect(first == (pass == 0))
            waits.append(backoff.nextWait)
        }
        #expect(waits == [10, 20, 40, 80, 160, 300, 300, 300])
        #expect(backoff.passSucceeded() == OutageBackoff.EndedOutage(failedPasses: 8, startedAt: 0))
        #expect(backoff.nextWait == 10)
        #expect(backoff.passSucceeded() == nil, "no outage to end")
    }

    @Test("an interval longer than 5 minutes is kept during an outage")
    func longInterval() {
        var backoff = OutageBackoff(interval: 900)
        _ = backoff.passFailed(startedAt: 0)
        _ = backoff.passFailed(startedAt: 900)
        #expect(backoff.nextWait == 900)
    }

    @Test("a restarted pass clock gives the deadline its whole budget again")
    func passClock() {
        let source = ManualClock()
        let clock = PassClock(source: source.now)
        let deadline = Deadline(seconds: 8, clock: clock.read)
        source.advance(8)
        #expect(deadline.hasPassed)
        clock.restart()
        #expect(deadline.remaining == 8)
        source.advance(3)
        #expect(deadline.remaining == 5)
    }

    @Test("a stop request ends a pause at once and is remembered")
    func stopEndsPause() async {
        let stop = StopRequest()
        async let paused = stop.pause(seconds: 3600)
        stop.request("SIGTERM")
        #expect(await paused)
        #expect(stop.isRequested && stop.reason == "SIGTERM")
        #expect(await stop.pause(seconds: 3600), "a later pause returns at once")
    }

    @Test("a pause without a stop request runs out and says so")
    func pauseRunsOut() async {
        #expect(await StopRequest().pause(seconds: 0.01) == false)
    }

    /// A service over fakes whose pauses are recorded instead of slept; it stops after `passes` passes.
    static func service(
        _ opcon: FakeOpCon, _ backend: FakeBackend, passes: Int, sink: MemoryLogSink,
        waits: Recorder<[Double]>, events: Recorder<[String]>
    ) -> SyncService {
        let stop = StopRequest()
        let engine = SyncEngineTests.engine(backend, opcon)
        return SyncService(
            engine: engine, interval: 1, stop: stop, logger: Logger(sinks: [sink], minimumLevel: .debug),
            observe: { event in
                let name: String
                switch event {
                case .passed: name = "passed"
                case .failed: name = "failed"
                case .recovered: name = "recovered"
                case .stopped: name = "stopped"
                }
                events.update { $0.append(name) }
            },
            pause: { seconds in
                let count = waits.update {
                    $0.append(seconds)
                    return $0.count
                }
                if count >= passes { stop.request("test") }
                return stop.isRequested
            })
    }

    @Test("an outage logs one warning, the waits double, one line says when it ended, and the service goes on")
    func outage() async throws {
        let opcon = FakeOpCon(jobs: [SyncEngineTests.failedJob("A", ticket: "T1")])
        let backend = FakeBackend()
        backend.state.update { $0.tickets = ["T1": .new] }
        opcon.failures.set(
            "jobs",
            [
                nil, .unavailable("OpCon is unreachable."), .unavailable("OpCon is unreachable."),
                .unavailable("OpCon is unreachable."), nil,
            ])
        let sink = MemoryLogSink()
        let waits = Recorder<[Double]>([])
        let events = Recorder<[String]>([])
        try await Self.service(opcon, backend, passes: 5, sink: sink, waits: waits, events: events).run()

        #expect(waits.current == [1, 1, 2, 4, 1])
        #expect(events.current == ["passed", "failed", "failed", "failed", "recovered", "passed", "stopped"])
        let warnings = sink.entries.filter { $0.level == .warning }.map(\.message)
        #expect(warnings.count == 1, "\(warnings)")
        #expect(warnings.first?.contains("OpCon is unreachable") == true)
        #expect(sink.messages.filter { $0.contains("the outage is over") }.count == 1)
        #expect(sink.messages.filter { $0.hasPrefix("sync pass: ") }.count == 2, "one line per pass that worked")
        #expect(sink.messages.contains { $0.contains("stopped (test) after 5 pass(es)") })
    }

    @Test(
        "refused credentials and configuration errors end the service",
        arguments: [
            ConnectorError.permission("OpCon refused the token: check TOKEN"), .configuration("broken template"),
        ])
    func fatal(error: ConnectorError) async {
        let opcon = FakeOpCon(jobs: [])
        opcon.failures.set("jobs", [nil, error])
        let waits = Recorder<[Double]>([])
        let service = Self.service(opcon, FakeBackend(), passes: 10, sink: MemoryLogSink(), waits: waits, events: Recorder([]))
        await #expect(throws: error) { try await service.run() }
        #expect(waits.current == [1], "it ended at the second pass, without waiting")
    }

    @Test("a missing ticket and a refused action are reported once per service run, not every pass")
    func noticesOnce() async throws {
        let opcon = FakeOpCon(jobs: [SyncEngineTests.failedJob("GONE", ticket: "T404"), SyncEngineTests.failedJob("STUCK", ticket: "T1")])
        opcon.state.update { $0.actionRefusal = "the job is not in a state that allows markFixed" }
        let backend = FakeBackend()
        backend.state.update { $0.tickets = ["T1": .resolved] }
        let sink = MemoryLogSink()
        try await Self.service(opcon, backend, passes: 3, sink: sink, waits: Recorder([]), events: Recorder([])).run()
        let warnings = sink.entries.filter { $0.level == .warning }.map(\.message)
        #expect(warnings.filter { $0.contains("has no ticket T404") }.count == 1, "\(warnings)")
        #expect(warnings.filter { $0.contains("OpCon refused markFixed") }.count == 1, "\(warnings)")
        #expect(opcon.state.current.actions.count == 3, "the refused action is still tried each pass")
    }

    @Test("the pass line names tickets read, actions applied and the duration")
    func summary() {
        var report = SyncEngine.Report()
        report.ticketsRead = 3
        report.actions = [SyncEngine.Action(jobID: "J", ticket: "T", action: .markFixed, refusal: nil)]
        #expect(SyncService.summary(of: report, seconds: 0.25) == "sync pass: 3 ticket(s) read, 1 action(s) applied, 0.25 s")
    }
}
