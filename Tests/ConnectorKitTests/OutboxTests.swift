import ConnectorTesting
import Foundation
import Testing

@testable import ConnectorKit

@Suite("Outbox files, delivery and locks (SPEC §7)")
struct OutboxTests {
    func home() -> String { NSTemporaryDirectory() + "outbox-\(UUID().uuidString)" }

    @Test("items survive a round trip to disk and come back oldest first")
    func roundTrip() throws {
        let outbox = Outbox(directory: home() + "/outbox")
        var older = OutboxItem(event: sampleEvent(job: "A"), now: moment("2026-11-20T10:00"))
        older.progress.ticket = TicketReference(recordedID: "INC1/abc", number: "INC1", url: "https://x")
        let newer = OutboxItem(event: sampleEvent(job: "B"), now: moment("2026-11-21T10:00"))
        try outbox.save(newer)
        try outbox.save(older)
        let pending = outbox.pending()
        #expect(pending.items.map(\.event.job) == ["A", "B"])
        #expect(pending.items.first?.progress.ticket?.number == "INC1")
        #expect(pending.unreadable.isEmpty)
    }

    @Test("a corrupt file is reported, not fatal")
    func corrupt() throws {
        let directory = home() + "/outbox"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data("{ truncated".utf8).write(to: URL(fileURLWithPath: directory + "/1-x.json"))
        let pending = Outbox(directory: directory).pending()
        #expect(pending.items.isEmpty)
        #expect(pending.unreadable.count == 1)
    }

    @Test("delivery moves items older than 7 days to dead/ and replays the rest")
    func delivery() async throws {
        let root = home()
        let outbox = Outbox(directory: root + "/outbox")
        let locks = JobLocks(directory: root + "/locks")
        let now = moment("2026-11-23T10:00")
        let stale = OutboxItem(event: sampleEvent(job: "OLD"), now: moment("2026-11-15T09:00"))
        let fresh = OutboxItem(event: sampleEvent(), now: moment("2026-11-23T09:00"))
        try outbox.save(stale)
        try outbox.save(fresh)

        let backend = FakeBackend()
        let opcon = FakeOpCon(jobs: [sampleJob()])
        let template = Template(name: "t.json", path: "/t.json", raw: [:], backendID: "fake")
        let engine = LifecycleEngine(
            template: template, backend: backend, opcon: opcon, config: ConnectorConfig(),
            outbox: outbox, locks: locks, logger: .silent, calendar: fixedCalendar(), now: { now })
        let delivery = OutboxDelivery(outbox: outbox, locks: locks, logger: .silent, now: { now }, engineFor: { _ in engine })
        let report = await delivery.deliver(budget: 10)
        #expect(report.movedToDead == 1)
        #expect(report.delivered.count == 1)
        #expect(backend.state.current.created.count == 1)
        #expect(outbox.pending().items.isEmpty)
        #expect(outbox.dead().map(\.event.job) == ["OLD"])
    }

    @Test("a create whose outcome is unknown is replayed only where the ITSM can be searched; elsewhere it moves to dead")
    func unconfirmedCreateIsNotSentTwice() async throws {
        for searchable in [true, false] {
            let root = home()
            let outbox = Outbox(directory: root + "/outbox")
            var backend = FakeBackend()
            if !searchable { backend.capabilities = [] }
            backend.failures.set("create", [.unconfirmed("the answer was lost"), nil])
            let engine = LifecycleEngine(
                template: Template(name: "t.json", path: "/t.json", raw: [:], backendID: "fake"), backend: backend,
                opcon: FakeOpCon(jobs: [sampleJob()]), config: ConnectorConfig(), outbox: outbox,
                locks: JobLocks(directory: root + "/locks"), logger: .silent, calendar: fixedCalendar())
            let first = try await engine.handle(sampleEvent())
            guard case .queued = first.status else {
                Issue.record("the first run should queue the event: \(first.status)")
                continue
            }
            let item = try #require(outbox.pending().items.first)
            #expect(item.progress.createSentAt != nil)
            do {
                let replay = try await engine.resume(item)
                #expect(searchable, "without a search the replay must not create")
                #expect(replay.status == .handled && backend.state.current.created.count == 1)
            } catch {
                let error = try #require(error as? ConnectorError)
                #expect(!searchable, "\(error)")
                #expect(error.exitCode == .dataError && error.message.contains("not sent again"))
                #expect(backend.state.current.created.isEmpty)
                #expect(outbox.dead().count == 1 && outbox.pending().items.isEmpty)
            }
        }
    }

    @Test("an item whose job is locked by a live run is left waiting")
    func lockedItemWaits() async throws {
        let root = home()
        let outbox = Outbox(directory: root + "/outbox")
        let locks = JobLocks(directory: root + "/locks")
        try outbox.save(OutboxItem(event: sampleEvent(), now: Date()))
        let held = try #require(try locks.tryAcquire(jobID: sampleEvent().dailyJobID))
        defer { held.release() }
        let delivery = OutboxDelivery(
            outbox: outbox, locks: locks, logger: .silent,
            engineFor: { _ in throw ConnectorError.internal("must not be built") })
        let report = await delivery.deliver(budget: 10)
        #expect(report.waiting == 1)
        #expect(report.delivered.isEmpty)
        #expect(outbox.pending().items.count == 1)
    }

    @Test("the per-job lock excludes a second holder until released; other jobs are independent")
    func locks() async throws {
        let locks = JobLocks(directory: home() + "/locks")
        let first = try #require(try locks.tryAcquire(jobID: "20261123|1|1|A"))
        #expect(try locks.tryAcquire(jobID: "20261123|1|1|A") == nil)
        let other = try #require(try locks.tryAcquire(jobID: "20261123|1|1|B"))
        #expect(try await locks.acquire(jobID: "20261123|1|1|A", timeout: 0.1) == nil)
        first.release()
        #expect(try await locks.acquire(jobID: "20261123|1|1|A", timeout: 1) != nil)
        other.release()
        #expect(locks.path(forJob: "20261123|1|1|A/B") != locks.path(forJob: "20261123|1|1|A_B"))
    }
}
