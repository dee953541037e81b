import ConnectorKit
import Foundation
import Testing

@testable import Simulators

/// SPEC §6.3: `connector sync -t servicenow.json --once` with every SMA business rule switched off, so OpCon only
/// hears about the incidents through sync. Each pass is a separate run of the executable.
@Suite("connector sync end to end: ServiceNow incident states become OpCon job actions")
struct SyncServiceNowTests {
    /// A failed job whose incident the connector opened and the analyst then moved to `state` (nil: left New).
    func ticketedJob(
        _ stage: ServiceNowStage, _ name: String, scheduleID: Int, day: String = ServiceNowStage.day,
        state: String?
    ) async throws -> (job: DemoJob, number: String) {
        let job = stage.addJob(name, scheduleID: scheduleID, day: day)
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        let incident = try #require(stage.serviceNow.incidents.last)
        #expect(stage.opcon.incidentTicketID(of: job.id) == ServiceNowStage.recordedID(incident))
        if let state { try stage.serviceNow.setState(state, of: incident["sys_id"]!) }
        return (job, incident["number"]!)
    }

    /// The job actions OpCon received, as `action jobID applied`.
    func actions(_ stage: ServiceNowStage) -> [String] {
        stage.opcon.jobActions.map { "\($0.action) \($0.jobID) \($0.applied)" }
    }

    @Test("Resolved: Failed → Fixed once; the second pass applies nothing")
    func resolvedFixedOnce() async throws {
        let stage = try ServiceNowStage()
        let (job, number) = try await ticketedJob(stage, "GL LOAD 01", scheduleID: 77, state: "6")
        #expect(stage.serviceNow.callbacks.isEmpty, "the business rules are off")
        #expect(stage.opcon.status(of: job.id) == .failed)

        let first = try await stage.sync()
        #expect(first.exitCode == 0, "\(first)")
        #expect(stage.opcon.status(of: job.id) == .fixed)
        #expect(actions(stage) == ["markFixed \(job.id) true"])
        #expect(stage.opcon.jobActions.first?.reason?.contains(number) == true)
        #expect(first.stdout.contains("markFixed \(job.id) (ticket \(number)): applied"), "\(first)")
        #expect(first.stdout.contains("1 action(s) applied"), "\(first)")

        let second = try await stage.sync(at: "2026-11-23T09:20:00Z")
        #expect(second.exitCode == 0, "\(second)")
        #expect(actions(stage) == ["markFixed \(job.id) true"])
        #expect(second.stdout.contains("0 action(s)"), "\(second)")
        #expect(stage.serviceNow.incident(number)?["state"] == "6", "sync only reads the incident")
        let log = stage.install.read("log/connector.log") ?? ""
        #expect(log.components(separatedBy: "markFixed applied to \(job.id)").count == 2, "logged once:\n\(log)")
    }

    @Test("In Progress → Under Review (only from Failed), Canceled → Cancelled, New → nothing; a second pass applies nothing")
    func inProgressAndCancelled() async throws {
        let stage = try ServiceNowStage()
        let (accepted, acceptedNumber) = try await ticketedJob(stage, "ACCEPTED", scheduleID: 77, state: "2")
        let (cancelled, _) = try await ticketedJob(stage, "CANCELLED", scheduleID: 78, state: "8")
        let (untouched, _) = try await ticketedJob(stage, "UNTOUCHED", scheduleID: 79, state: nil)

        let first = try await stage.sync()
        #expect(first.exitCode == 0, "\(first)")
        #expect(stage.opcon.status(of: accepted.id) == .underReview)
        #expect(stage.opcon.status(of: cancelled.id) == .cancelled)
        #expect(stage.opcon.status(of: untouched.id) == .failed)
        #expect(actions(stage).sorted() == ["cancel \(cancelled.id) true", "markUnderReview \(accepted.id) true"])

        // Under Review with the incident still In Progress is where it should be.
        let second = try await stage.sync(at: "2026-11-23T09:20:00Z")
        #expect(second.exitCode == 0, "\(second)")
        #expect(stage.opcon.jobActions.count == 2)
        #expect(second.stdout.contains("0 action(s)"), "\(second)")

        // Then the analyst resolves it: Under Review → Fixed.
        try stage.serviceNow.setState("6", of: acceptedNumber)
        _ = try await stage.sync(at: "2026-11-23T09:25:00Z")
        #expect(stage.opcon.status(of: accepted.id) == .fixed)
        #expect(stage.opcon.jobActions.count == 3)
    }

    @Test("\"resolvedAction\": \"restart\" restarts the job instead of marking it fixed")
    func resolvedRestarts() async throws {
        let stage = try ServiceNowStage()
        try stage.editTemplate { $0.setting("resolvedAction", to: "restart") }
        let (job, _) = try await ticketedJob(stage, "RESTART ME", scheduleID: 77, state: "6")
        let run = try await stage.sync()
        #expect(run.exitCode == 0, "\(run)")
        #expect(actions(stage) == ["restart \(job.id) true"])
        #expect(stage.opcon.status(of: job.id) == .waitStartTime)
        _ = try await stage.sync(at: "2026-11-23T09:20:00Z")
        #expect(stage.opcon.jobActions.count == 1)
    }

    @Test("only today's and yesterday's jobs, and only tickets of this instance, are synced")
    func whichJobs() async throws {
        let stage = try ServiceNowStage()
        let (yesterday, _) = try await ticketedJob(stage, "YESTERDAY", scheduleID: 77, day: "2026-11-22", state: "6")
        let (older, _) = try await ticketedJob(stage, "OLDER", scheduleID: 78, day: "2026-11-21", state: "6")
        // A ticket of another ServiceNow instance and a Summit ticket on today's failed jobs.
        let otherSysID = String(repeating: "ab", count: 16)
        let foreign = stage.addJob(
            "FOREIGN", scheduleID: 79,
            extraFields: [
                "incidentTicketId": .string("INC0010001/\(otherSysID)"),
                "incidentTicketURL": .string("https://other.service-now.com/nav_to.do?uri=incident.do?sys_id=\(otherSysID)"),
            ])
        let summit = stage.addJob("SUMMIT", scheduleID: 80, extraFields: ["incidentTicketId": "4711"])
        let seen = stage.serviceNow.journal.requests

        let run = try await stage.sync()
        #expect(run.exitCode == 0, "\(run)")
        #expect(actions(stage) == ["markFixed \(yesterday.id) true"])
        #expect(stage.opcon.status(of: older.id) == .failed)
        #expect(stage.opcon.status(of: foreign.id) == .failed)
        #expect(stage.opcon.status(of: summit.id) == .failed)
        #expect(run.stdout.contains("1 ticket(s) read"), "\(run)")
        #expect(stage.serviceNow.journal.requests == seen + 1, "one incident read: yesterday's")
    }
}
