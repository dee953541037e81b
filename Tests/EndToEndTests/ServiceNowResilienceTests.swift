import ConnectorKit
import ConnectorTesting
import Foundation
import Testing

@testable import Simulators

/// SPEC §6.2 and §7 on the ServiceNow side: never two incidents for one failure, whether ServiceNow rate-limits the
/// create, stores it and then fails the answer, or a run dies after creating it and before writing it back.
@Suite("ServiceNow end to end: one incident per failure through 429, insert-then-500 and interrupted runs")
struct ServiceNowResilienceTests {
    static let incidentPath: PathPattern = "/api/now/table/incident"

    @Test("429 with Retry-After on the create three times, then success: the waits asked for, one incident, job written back")
    func rateLimitedCreate() async throws {
        let stage = try ServiceNowStage()
        stage.serviceNow.injectRateLimit(count: 3, retryAfter: 1, method: "POST", path: Self.incidentPath)
        let job = stage.addJob("RATE LIMITED", logFiles: ["RATE LIMITED.log": "x\r\n"])
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        let incident = try stage.onlyIncident()
        #expect(stage.incidentPosts == 4)
        #expect(run.seconds >= 3, "three 429s each asked for 1 s, yet the run took \(run.seconds) s")
        // The shared retries repeat a POST turned away with 429, and say so.
        let log = stage.install.read("log/connector.log") ?? ""
        #expect(log.components(separatedBy: "after HTTP 429").count - 1 == 3, "\(log)")
        #expect(stage.opcon.incidentTicketID(of: job.id) == ServiceNowStage.recordedID(incident))
        #expect(stage.serviceNow.attachments(of: incident["sys_id"]!).count == 1)
        #expect(stage.serviceNow.faults.pending.isEmpty)
    }

    @Test("429 with Retry-After on the job-log attachment: sent again, exit 0, the log attached once")
    func rateLimitedAttachment() async throws {
        let stage = try ServiceNowStage()
        stage.serviceNow.injectRateLimit(count: 1, retryAfter: 1, method: "POST", path: "/api/now/attachment/file")
        let job = stage.addJob("RATE LIMITED LOG", logFiles: ["RATE LIMITED LOG.log": "x\r\n"])
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        let incident = try stage.onlyIncident()
        #expect(stage.serviceNow.journal.count(method: "POST", path: "/api/now/attachment/file") == 2)
        #expect(stage.serviceNow.attachments(of: incident["sys_id"]!).count == 1)
        #expect(stage.serviceNow.faults.pending.isEmpty)
    }

    @Test("the create is stored but answered 500: the correlation lookup finds it, no second POST, job written back")
    func insertThenServerError() async throws {
        let stage = try ServiceNowStage()
        stage.serviceNow.faults.add(Fault(.commitThenFail(500), count: 1, method: "POST", path: Self.incidentPath))
        let job = stage.addJob("UNCONFIRMED", logFiles: ["UNCONFIRMED.log": "x\r\n"])
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        let incident = try stage.onlyIncident()
        #expect(stage.incidentPosts == 1)
        let lookups = stage.serviceNow.journal.matching(method: "GET", path: Self.incidentPath)
            .filter { ($0.query("sysparm_query") ?? "").contains("correlation_id=") }
        #expect(!lookups.isEmpty, "the outcome of the create was never checked by correlation_id")
        #expect(stage.opcon.incidentTicketID(of: job.id) == ServiceNowStage.recordedID(incident))
        #expect(stage.opcon.incidentTicketURL(of: job.id) == stage.ticketURL(incident))
        #expect(stage.serviceNow.attachments(of: incident["sys_id"]!).count == 1)
        #expect(run.stdout.hasPrefix("create: ticket \(incident["number"]!)"), "\(run)")
    }

    @Test("insert-then-500 while an earlier incident of the job is still active: the new one is found, not the old one")
    func insertThenServerErrorBesideAnActiveIncident() async throws {
        let stage = try ServiceNowStage(rules: ["alwaysCreateNewTicket": true])
        let job = stage.addJob("UNCONFIRMED AGAIN")
        _ = try await stage.fail(job)
        let first = try stage.onlyIncident()

        stage.serviceNow.faults.add(Fault(.commitThenFail(500), count: 1, method: "POST", path: Self.incidentPath))
        let again = try await stage.fail(job, at: "2026-11-23T10:40:00Z")
        #expect(again.exitCode == 0, "\(again)")
        let incidents = stage.serviceNow.incidents
        #expect(incidents.count == 2)
        #expect(stage.incidentPosts == 2)
        let second = try #require(incidents.last)
        #expect(second["number"] != first["number"])
        #expect(stage.opcon.incidentTicketID(of: job.id) == ServiceNowStage.recordedID(second))
        #expect(withoutLogExcerpt(second["description"])?.hasSuffix("Previous Ticket Number (\(first["number"]!))") == true)
    }

    @Test("an incident with this job's correlation_id but no ticket on the job is adopted: updated, written back")
    func orphanAdopted() async throws {
        let stage = try ServiceNowStage()
        let job = stage.addJob("ORPHAN 01", logFiles: ["ORPHAN 01.log": "x\r\n"])
        // What a run that died before its write-back leaves: the incident exists, the job does not know it.
        let orphan = try stage.serviceNow.createIncident(
            [
                "short_description": "opened by a run that died", "description": "first failure",
                "correlation_display": "SMA_OPCON", "correlation_id": "127.0.0.1:\(try #require(stage.opcon.port)),\(job.id)",
                "state": "2",
            ], user: "svc_opcon")
        // Another job's incident and a closed one of this job must not be taken.
        try stage.serviceNow.createIncident([
            "correlation_display": "SMA_OPCON", "correlation_id": "127.0.0.1:\(stage.opcon.port!),20261123|77|1|ORPHAN 02",
        ])
        let closed = try stage.serviceNow.createIncident([
            "correlation_display": "SMA_OPCON", "correlation_id": orphan["correlation_id"]!, "state": "7",
            "close_code": "Solved", "close_notes": "old",
        ])
        #expect(closed["active"] == "false")

        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        #expect(stage.serviceNow.incidents.count == 3)
        #expect(stage.incidentPosts == 0)
        let adopted = try #require(stage.serviceNow.incident(orphan["sys_id"]!))
        #expect(stage.opcon.incidentTicketID(of: job.id) == ServiceNowStage.recordedID(adopted))
        #expect(stage.opcon.incidentTicketURL(of: job.id) == stage.ticketURL(adopted))
        #expect(adopted["state"] == "2")
        #expect(withoutLogExcerpt(adopted["description"]) == stage.description(of: job))
        #expect(stage.serviceNow.attachments(of: orphan["sys_id"]!).count == 1)
    }

    @Test("killed while OpCon holds the write-back, outbox item lost: the next run adopts the incident")
    func killedBeforeWriteBackAndOutboxLost() async throws {
        let stage = try ServiceNowStage()
        let job = stage.addJob("KILLED 01", logFiles: ["KILLED 01.log": "x\r\n"])
        // OpCon reads the write-back and never answers; nothing is stored.
        stage.opcon.faults.add(Fault(.silent, count: nil, method: "POST", path: "/api/dailyjobs/*/incidentTickets"))
        let process = try ConnectorProcess.start(
            stage.install.failureWords(job, template: "servicenow.json"), home: stage.install.home,
            environment: ["CONNECTOR_NOW": ServiceNowStage.morning])
        defer { if process.isRunning { process.send(SIGKILL) } }
        let reachedWriteBack = try await eventually { stage.ticketWrites("POST") >= 1 }
        #expect(reachedWriteBack, "the run never tried to write the ticket back")
        process.send(SIGKILL)
        process.wait()

        let created = try stage.onlyIncident()
        #expect(stage.opcon.incidentTicketID(of: job.id) == nil)
        #expect(stage.serviceNow.attachments(of: created["sys_id"]!).isEmpty)
        let outbox = stage.install.home + "/outbox"
        let items = try FileManager.default.contentsOfDirectory(atPath: outbox).filter { $0.hasSuffix(".json") }
        #expect(items.count == 1, "\(items)")
        for item in items { try FileManager.default.removeItem(atPath: outbox + "/" + item) }

        stage.opcon.faults.clear()
        let next = try await stage.fail(job, at: "2026-11-23T09:20:00Z")
        #expect(next.exitCode == 0, "\(next)")
        let adopted = try stage.onlyIncident()
        #expect(adopted["sys_id"] == created["sys_id"])
        #expect(stage.incidentPosts == 1)
        #expect(stage.opcon.incidentTicketID(of: job.id) == ServiceNowStage.recordedID(adopted))
        #expect(stage.serviceNow.attachments(of: adopted["sys_id"]!).count == 1)
    }

    @Test("the recorded incident is closed and an active one of this job exists (an interrupted replace): it is adopted")
    func interruptedReplaceAdopted() async throws {
        let stage = try ServiceNowStage()
        let job = stage.addJob("REPLACED 01")
        _ = try await stage.fail(job)
        let old = try stage.onlyIncident()
        try stage.serviceNow.setState("7", of: old["sys_id"]!)
        let replacement = try stage.serviceNow.createIncident(
            [
                "description": "opened by the interrupted run\nPrevious Ticket Number (\(old["number"]!))",
                "correlation_display": "SMA_OPCON", "correlation_id": old["correlation_id"]!,
            ], user: "svc_opcon")

        let run = try await stage.fail(job, at: "2026-11-23T10:40:00Z")
        #expect(run.exitCode == 0, "\(run)")
        #expect(stage.serviceNow.incidents.count == 2)
        #expect(stage.incidentPosts == 1)
        #expect(stage.opcon.incidentTicketID(of: job.id) == ServiceNowStage.recordedID(replacement))
    }

    @Test("without includeCorrelationId an unconfirmed create is never repeated: exit 75, one POST, the event in the outbox")
    func unconfirmedCreateWithoutCorrelation() async throws {
        let stage = try ServiceNowStage(rules: ["includeCorrelationId": false])
        stage.serviceNow.faults.add(Fault(.commitThenFail(500), count: 1, method: "POST", path: Self.incidentPath))
        let job = stage.addJob("NO CORRELATION")
        let run = try await stage.fail(job)
        #expect(run.exitCode == 75, "\(run)")
        #expect(stage.incidentPosts == 1)
        #expect(stage.serviceNow.incidents.count == 1)
        #expect(stage.serviceNow.incidents.first?["correlation_id"] == "")
        #expect(stage.opcon.incidentTicketID(of: job.id) == nil)
        let outbox = try FileManager.default.contentsOfDirectory(atPath: stage.install.home + "/outbox").filter { $0.hasSuffix(".json") }
        #expect(outbox.count == 1, "\(outbox)")
    }
}
