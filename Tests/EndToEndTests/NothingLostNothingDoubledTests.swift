import ConnectorKit
import Foundation
@testable import Simulators
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SPEC §7 through the real executable: outages, crashes and storms never lose an event or double a ticket.
@Suite("Nothing lost, nothing doubled")
struct NothingLostNothingDoubledTests {
    /// Takes a service "down" by dropping every connection. Stopping its listener instead would free the port for
    /// another test's simulator running in parallel, and this test's runs could then reach that one.
    func takeDown(_ service: some SimulatedService) { service.faults.add(Fault(.drop, count: nil)) }

    func outboxFiles(_ install: SimulatedInstall) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: install.home + "/outbox")) ?? []).filter { $0.hasSuffix(".json") }
    }

    @Test("ServiceNow down → exit 75 and one outbox item; back up → outbox flush → one incident, job written back")
    func serviceNowDownThenFlush() async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        let job = install.addFailedJob(job: "GL_LOAD", logFiles: ["GL_LOAD.log": "boom\r\n"])
        takeDown(install.serviceNow)

        let down = try await install.run(install.failureWords(job, template: "servicenow.json"))
        #expect(down.exitCode == 75, "\(down)")
        #expect(down.stderr.contains("outbox"))
        #expect(outboxFiles(install).count == 1)
        let listed = try await install.run(["outbox", "list"])
        #expect(listed.stdout.contains("waiting: 1"))
        #expect(listed.stdout.contains(job.id))

        install.serviceNow.faults.clear()
        let flush = try await install.run(["outbox", "flush"])
        #expect(flush.exitCode == 0, "\(flush)")
        #expect(install.serviceNow.incidents.count == 1)
        let incident = try #require(install.serviceNow.incidents.first)
        #expect(install.opcon.incidentTicketID(of: job.id) == "\(incident["number"]!)/\(incident["sys_id"]!)")
        #expect(install.serviceNow.attachments(of: incident["number"]!).count == 1)
        #expect(outboxFiles(install).isEmpty)
        let again = try await install.run(["outbox", "list"])
        #expect(again.stdout.contains("waiting: 0"))
    }

    @Test("OpCon down → exit 75; back up → the next run of another job delivers the waiting event first")
    func opconDownThenNextRun() async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        let first = install.addFailedJob(job: "FIRST")
        let second = install.addFailedJob(job: "SECOND")
        takeDown(install.opcon)
        let down = try await install.run(install.failureWords(first, template: "summit.json"))
        #expect(down.exitCode == 75, "\(down)")
        #expect(install.summit.tickets.isEmpty)

        install.opcon.faults.clear()
        let next = try await install.run(install.failureWords(second, template: "summit.json"))
        #expect(next.exitCode == 0, "\(next)")
        #expect(install.summit.tickets.count == 2)
        #expect(install.opcon.incidentTicketID(of: first.id) != nil)
        #expect(install.opcon.incidentTicketID(of: second.id) != nil)
        #expect(outboxFiles(install).isEmpty)
    }

    @Test("killed between ticket and write-back → the replay finishes without a second ticket", arguments: ["summit.json", "servicenow.json"])
    func killedMidway(template: String) async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        let job = install.addFailedJob(job: "KILLED")
        // Hold the write-back long enough to kill the run while it waits for OpCon.
        install.opcon.faults.add(Fault(.latency(60), count: 1, method: "POST", path: "/api/dailyjobs/*/incidentTickets"))
        let process = try ConnectorProcess.start(install.failureWords(job, template: template), home: install.home)
        defer { if process.isRunning { process.send(SIGKILL) } }

        func ticketRecordedInOutbox() -> Bool {
            outboxFiles(install).contains { name in
                (install.read("outbox/" + name) ?? "").contains("\"recordedID\"")
            }
        }
        #expect(try await eventually(ticketRecordedInOutbox), "the run never recorded its ticket")
        process.send(SIGKILL)
        process.wait()
        let ticketsBefore = template == "summit.json" ? install.summit.tickets.count : install.serviceNow.incidents.count
        #expect(ticketsBefore == 1)
        #expect(install.opcon.incidentTicketID(of: job.id) == nil)

        install.opcon.faults.clear()
        let flush = try await install.run(["outbox", "flush"])
        #expect(flush.exitCode == 0, "\(flush)")
        let ticketsAfter = template == "summit.json" ? install.summit.tickets.count : install.serviceNow.incidents.count
        #expect(ticketsAfter == 1)
        #expect(install.opcon.incidentTicketID(of: job.id) != nil)
        #expect(outboxFiles(install).isEmpty)
    }

    @Test("8 concurrent runs for one job make one ticket; 8 runs for 8 jobs make 8")
    func concurrentRuns() async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        let job = install.addFailedJob(job: "STORM")
        let words = install.failureWords(job, template: "summit.json")
        let sameJob = try await withThrowingTaskGroup(of: ConnectorRun.self) { group in
            for _ in 0..<8 { group.addTask { try await install.run(words) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(sameJob.allSatisfy { $0.exitCode == 0 }, "\(sameJob.filter { $0.exitCode != 0 })")
        #expect(install.summit.tickets.count == 1)
        #expect(sameJob.filter { $0.stdout.hasPrefix("create:") }.count == 1)
        #expect(sameJob.filter { $0.stdout.hasPrefix("update:") }.count == 7)

        let jobs = (1...8).map { install.addFailedJob(scheduleID: 80 + $0, job: "PARALLEL_\($0)") }
        let manyJobs = try await withThrowingTaskGroup(of: ConnectorRun.self) { group in
            for job in jobs { group.addTask { try await install.run(install.failureWords(job, template: "summit.json")) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(manyJobs.allSatisfy { $0.exitCode == 0 }, "\(manyJobs.filter { $0.exitCode != 0 })")
        #expect(install.summit.tickets.count == 9)
        #expect(Set(jobs.compactMap { install.opcon.incidentTicketID(of: $0.id) }).count == 8)
    }

    @Test("a silent server (accepts, never answers) → the run ends within its deadline with exit 75")
    func silentServer() async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        try install.write("Connector.config", install.services.connectorConfig().replacingOccurrences(
            of: "[GENERAL]\n", with: "[GENERAL]\nDEADLINE_SECONDS=5\n"))
        let job = install.addFailedJob(job: "HANGS")
        install.serviceNow.faults.add(Fault(.silent, count: nil))
        let started = Date()
        let run = try await install.run(install.failureWords(job, template: "servicenow.json"), timeout: 60)
        let elapsed = Date().timeIntervalSince(started)
        #expect(run.exitCode == 75, "\(run)")
        #expect(elapsed < 30, "the run took \(elapsed) s with DEADLINE_SECONDS=5")
        #expect(outboxFiles(install).count == 1)
    }

    @Test("the ITSM down and the outbox unwritable → exit 69 with a sentence that says so")
    func outboxUnwritable() async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        try install.write("outbox", "a file where the outbox folder should be")
        let job = install.addFailedJob(job: "NOWHERE")
        takeDown(install.summit)
        let run = try await install.run(install.failureWords(job, template: "summit.json"))
        #expect(run.exitCode == 69, "\(run)")
        #expect(run.stderr.contains("could not be saved"))
        #expect(run.stderr.contains("outbox"))
    }

    @Test("an item failing for more than 7 days moves to outbox/dead and is reported")
    func deadAfterSevenDays() async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        let job = install.addFailedJob(job: "OLD")
        takeDown(install.summit)
        let down = try await install.run(install.failureWords(job, template: "summit.json"))
        #expect(down.exitCode == 75)

        let formatter = ISO8601DateFormatter()
        let later = formatter.string(from: Date().addingTimeInterval(8 * 24 * 3600))
        let flush = try await install.run(["outbox", "flush"], environment: ["CONNECTOR_NOW": later])
        #expect(flush.stdout.contains("1 moved to dead"), "\(flush)")
        #expect(outboxFiles(install).isEmpty)
        let listed = try await install.run(["outbox", "list"])
        #expect(listed.stdout.contains("dead (failed for more than 7 days): 1"))
        #expect(listed.stdout.contains(job.id))
    }
}
