import ConnectorKit
import ConnectorTesting
import Foundation
import Testing

@testable import Simulators

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SPEC §7.2 through the real executable: runs for one job serialise on its lock, runs for different jobs do not.
@Suite("Concurrent runs")
struct ConcurrencyTests {
    /// Runs every word list at once and returns the runs in the order given.
    func together(_ stage: OutboxStage, _ lines: [[String]]) async throws -> [ConnectorRun] {
        try await withThrowingTaskGroup(of: (Int, ConnectorRun).self) { group in
            for (index, words) in lines.enumerated() {
                group.addTask { (index, try await stage.install.run(words)) }
            }
            var runs: [(Int, ConnectorRun)] = []
            for try await run in group { runs.append(run) }
            return runs.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    @Test("8 concurrent runs for one job → one ticket: one run creates it, the 7 others update it", arguments: Backend.allCases)
    func oneJob(_ backend: Backend) async throws {
        let stage = try OutboxStage()
        let log = "storm\r\n"
        let job = stage.addJob("STORM", log: log)
        let runs = try await together(stage, Array(repeating: stage.words(job, backend), count: 8))

        #expect(runs.allSatisfy { $0.exitCode == 0 }, "\(runs.filter { $0.exitCode != 0 })")
        #expect(stage.tickets(backend) == 1)
        #expect(runs.filter { $0.stdout.hasPrefix("create:") }.count == 1, "\(runs.map(\.stdout))")
        #expect(runs.filter { $0.stdout.hasPrefix("update:") }.count == 7, "\(runs.map(\.stdout))")
        let recorded = try #require(stage.recordedID(backend))
        #expect(stage.opcon.incidentTicketID(of: job.id) == recorded)
        // Every run attaches the log of its failure to the one ticket.
        #expect(stage.attachments(backend) == Array(repeating: Data(log.utf8), count: 8))
        #expect(stage.waiting.isEmpty)
        if backend == .serviceNow {
            #expect(stage.serviceNow.journal.count(method: "POST", path: "/api/now/table/incident") == 1)
        }
    }

    @Test("8 concurrent runs for 8 jobs → 8 tickets, each written back to its own job", arguments: Backend.allCases)
    func eightJobs(_ backend: Backend) async throws {
        let stage = try OutboxStage()
        let jobs = (1...8).map { stage.addJob("PARALLEL_\($0)", scheduleID: 80 + $0) }
        let runs = try await together(stage, jobs.map { stage.words($0, backend) })

        #expect(runs.allSatisfy { $0.exitCode == 0 }, "\(runs.filter { $0.exitCode != 0 })")
        #expect(runs.allSatisfy { $0.stdout.hasPrefix("create:") })
        #expect(stage.tickets(backend) == 8)
        let written = jobs.compactMap { stage.opcon.incidentTicketID(of: $0.id) }
        #expect(written.count == 8 && Set(written).count == 8, "\(written)")
        for (job, run) in zip(jobs, runs) {
            let id = try #require(stage.opcon.incidentTicketID(of: job.id))
            let number = String(id.prefix { $0 != "/" })
            #expect(run.stdout.contains(number) && run.stdout.contains(job.id), "\(run.stdout)")
            // The ticket really is about this job, not a neighbour's.
            switch backend {
            case .serviceNow:
                #expect(stage.serviceNow.incident(number)?["correlation_id"]?.hasSuffix(",\(job.id)") == true)
            case .summit:
                #expect(stage.summit.ticket(Int(number) ?? -1)?.symptom.contains("job \(job.job) ") == true)
            }
        }
        #expect(stage.waiting.isEmpty)
    }

    @Test("a run held up on one job blocks neither another job nor, once killed, lets a second run of its job make a second ticket")
    func heldRun() async throws {
        let stage = try OutboxStage()
        let held = stage.addJob("HELD")
        let free = stage.addJob("FREE", scheduleID: 78)
        let writeBack: PathPattern = "/api/dailyjobs/*/incidentTickets"
        // The first write-back is held far longer than the test runs: the held run keeps its job's lock meanwhile.
        stage.opcon.faults.add(Fault(.latency(60), count: 1, method: "POST", path: writeBack))

        let first = try ConnectorProcess.start(stage.words(held, .summit), home: stage.install.home)
        defer { if first.isRunning { first.send(SIGKILL) } }
        #expect(
            try await eventually { stage.opcon.journal.count(method: "POST", path: writeBack) == 1 },
            "the held run never reached its write-back: \(first.standardError)")
        let heldTicket = try #require(stage.summit.tickets.first?.number)

        let second = try ConnectorProcess.start(stage.words(held, .summit), home: stage.install.home)
        defer { if second.isRunning { second.send(SIGKILL) } }
        let other = try await stage.fail(free, .summit)
        #expect(other.exitCode == 0, "\(other)")
        #expect(other.stdout.hasPrefix("create:"))
        // The other job's run left the held run's in-flight outbox item alone instead of replaying it.
        #expect(stage.summit.tickets.count == 2)
        #expect(first.isRunning && second.isRunning, "a run of the held job did not wait")

        // The held run dies before writing its ticket back; the waiting run takes the lock and finishes both failures.
        first.send(SIGKILL)
        _ = try await first.finish()
        let waited = try await second.finish()
        #expect(waited.exitCode == 0, "\(waited)")
        #expect(waited.stdout.hasPrefix("update: ticket \(heldTicket) "), "\(waited)")
        #expect(stage.summit.tickets.count == 2, "the held job got a second ticket")
        #expect(stage.opcon.incidentTicketID(of: held.id) == String(heldTicket))
        #expect(stage.opcon.incidentTicketID(of: free.id) != nil)
        #expect(stage.waiting.isEmpty)
    }
}
