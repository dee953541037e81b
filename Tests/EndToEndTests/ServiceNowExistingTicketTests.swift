import ConnectorKit
import Foundation
import Testing

@testable import Simulators

/// SPEC §6.2, a job that already records an incident: each ServiceNow state leads to an update, a reopen or a
/// replacement, and `alwaysCreateNewTicket` / `allowTicketReopen` change that. The job fails a second time at 10:40.
@Suite("ServiceNow end to end: a failure of a job whose incident already exists")
struct ServiceNowExistingTicketTests {
    static let later = "2026-11-23T10:40:00Z"
    static let laterText = "23-11-2026 10:40"

    /// Runs the first failure, lets the analyst move the incident to `state`, and has OpCon fail the job again.
    func firstIncident(_ stage: ServiceNowStage, _ job: DemoJob, movedTo state: String?) async throws -> ServiceNowRecord {
        let first = try await stage.fail(job)
        #expect(first.exitCode == 0, "\(first)")
        let incident = try stage.onlyIncident()
        #expect(stage.opcon.incidentTicketID(of: job.id) == ServiceNowStage.recordedID(incident))
        guard let state else { return incident }
        return try stage.serviceNow.setState(state, of: try #require(incident["sys_id"]))
    }

    @Test(
        "New, In Progress, On Hold: the description becomes the new failure; state, incident and job ticket stay",
        arguments: ["1", "2", "3"])
    func openIncidentUpdated(state: String) async throws {
        let stage = try ServiceNowStage()
        let job = stage.addJob("GL LOAD 01", logFiles: ["GL LOAD 01.log": "again\r\n"])
        let before = try await firstIncident(stage, job, movedTo: state)

        let again = try await stage.fail(job, at: Self.later)
        #expect(again.exitCode == 0, "\(again)")
        #expect(again.stdout.hasPrefix("update: ticket \(before["number"]!)"), "\(again)")
        let after = try stage.onlyIncident()
        #expect(after["sys_id"] == before["sys_id"])
        #expect(after["state"] == state)
        #expect(withoutLogExcerpt(after["description"]) == stage.description(of: job, at: Self.laterText))
        #expect(after["short_description"] == before["short_description"])
        #expect(stage.serviceNow.journalEntries(of: before["sys_id"]!).isEmpty, "an update writes no work note")
        #expect(stage.opcon.incidentTicketID(of: job.id) == ServiceNowStage.recordedID(after))
        #expect(stage.incidentPosts == 1)
        #expect(stage.ticketWrites("POST") == 1)
        #expect(stage.ticketWrites("PUT") == 0, "the job already records this incident")
        #expect(stage.serviceNow.attachments(of: before["sys_id"]!).count == 2, "each failure attaches its log")
    }

    @Test(
        "Resolved: reopened to incidentReopenState (default 2) with the failure as a work note; description kept",
        arguments: zip([nil, 1, 2] as [Int?], ["2", "1", "2"]))
    func resolvedIncidentReopened(reopenState: Int?, expected: String) async throws {
        let stage = try ServiceNowStage()
        try stage.editTemplate { template in
            guard let reopenState else { return template.setting("variables", to: [:]) }
            return template.setting("variables", to: ["incidentReopenState": .int(reopenState)])
        }
        let job = stage.addJob("GL LOAD 01")
        let resolved = try await firstIncident(stage, job, movedTo: "6")
        #expect(resolved["state"] == "6")

        let again = try await stage.fail(job, at: Self.later)
        #expect(again.exitCode == 0, "\(again)")
        #expect(again.stdout.hasPrefix("reopen: ticket \(resolved["number"]!)"), "\(again)")
        let after = try stage.onlyIncident()
        #expect(after["state"] == expected)
        #expect(after["incident_state"] == expected)
        #expect(after["reopen_count"] == "1")
        #expect(after["description"] == resolved["description"])
        let notes = stage.serviceNow.journalEntries(of: resolved["sys_id"]!).filter { $0.element == "work_notes" }
        #expect(notes.count == 1)
        #expect(notes.first?.value.contains(job.id) == true, "\(notes)")
        #expect(notes.first?.value.contains(Self.laterText) == true, "\(notes)")
        #expect(stage.opcon.incidentTicketID(of: job.id) == ServiceNowStage.recordedID(after))
        #expect(stage.incidentPosts == 1)
    }

    @Test(
        "Closed, Canceled: a new incident names the old one, the job documentation says the same, the job's ticket is replaced",
        arguments: ["7", "8"])
    func finalIncidentReplaced(state: String) async throws {
        let stage = try ServiceNowStage()
        let job = stage.addJob("GL LOAD 01", documentation: "Call the GL team.\nThen rerun.", logFiles: ["GL LOAD 01.log": "x\r\n"])
        let old = try await firstIncident(stage, job, movedTo: state)
        let oldNumber = try #require(old["number"])

        let again = try await stage.fail(job, at: Self.later)
        #expect(again.exitCode == 0, "\(again)")
        let incidents = stage.serviceNow.incidents
        #expect(incidents.count == 2)
        let new = try #require(incidents.last)
        #expect(new["number"] != oldNumber)
        #expect(again.stdout.hasPrefix("replace: ticket \(new["number"]!)"), "\(again)")
        #expect(
            withoutLogExcerpt(new["description"]) == stage.description(of: job, at: Self.laterText)
                + "\nPrevious Ticket Number (\(oldNumber))")
        #expect(new["correlation_id"] == old["correlation_id"])
        #expect(new["state"] == "1")
        #expect(stage.opcon.documentation(of: job.id) == "Previous Ticket Number (\(oldNumber))\nCall the GL team.\nThen rerun.")
        #expect(stage.opcon.incidentTicketID(of: job.id) == ServiceNowStage.recordedID(new))
        #expect(stage.opcon.incidentTicketURL(of: job.id) == stage.ticketURL(new))
        #expect(stage.ticketWrites("PUT") == 1, "the job's ticket record is replaced, not added")
        #expect(stage.serviceNow.incident(oldNumber)?["state"] == state, "the old incident is left alone")
        #expect(stage.serviceNow.attachments(of: new["sys_id"]!).count == 1)

        // The next failure updates the replacement; the documentation keeps one Previous Ticket line.
        let third = try await stage.fail(job, at: "2026-11-23T11:00:00Z")
        #expect(third.stdout.hasPrefix("update: ticket \(new["number"]!)"), "\(third)")
        #expect(stage.serviceNow.incidents.count == 2)
        #expect(stage.opcon.documentation(of: job.id) == "Previous Ticket Number (\(oldNumber))\nCall the GL team.\nThen rerun.")
    }

    @Test("alwaysCreateNewTicket: an open incident is replaced by a new one that names it")
    func alwaysCreateNewTicket() async throws {
        let stage = try ServiceNowStage(rules: ["alwaysCreateNewTicket": true])
        let job = stage.addJob("GL LOAD 01")
        let first = try await firstIncident(stage, job, movedTo: "2")

        let again = try await stage.fail(job, at: Self.later)
        #expect(again.exitCode == 0, "\(again)")
        #expect(stage.serviceNow.incidents.count == 2)
        let second = try #require(stage.serviceNow.incidents.last)
        #expect(withoutLogExcerpt(second["description"])?.hasSuffix("\nPrevious Ticket Number (\(first["number"]!))") == true)
        #expect(stage.opcon.incidentTicketID(of: job.id) == ServiceNowStage.recordedID(second))
        #expect(stage.serviceNow.incident(first["number"]!)?["state"] == "2")
        #expect(stage.serviceNow.journalEntries(of: first["number"]!).isEmpty)

        _ = try await stage.fail(job, at: "2026-11-23T11:00:00Z")
        #expect(stage.serviceNow.incidents.count == 3)
        #expect(stage.opcon.incidentTicketID(of: job.id) == ServiceNowStage.recordedID(try #require(stage.serviceNow.incidents.last)))
    }

    @Test("allowTicketReopen=false: a resolved incident stays resolved and a new incident names it")
    func reopenNotAllowed() async throws {
        let stage = try ServiceNowStage(rules: ["allowTicketReopen": false])
        let job = stage.addJob("GL LOAD 01", documentation: "Call the GL team.")
        let resolved = try await firstIncident(stage, job, movedTo: "6")
        let oldNumber = try #require(resolved["number"])

        let again = try await stage.fail(job, at: Self.later)
        #expect(again.exitCode == 0, "\(again)")
        #expect(again.stdout.hasPrefix("replace:"), "\(again)")
        #expect(stage.serviceNow.incidents.count == 2)
        let new = try #require(stage.serviceNow.incidents.last)
        #expect(withoutLogExcerpt(new["description"])?.hasSuffix("\nPrevious Ticket Number (\(oldNumber))") == true)
        #expect(stage.opcon.documentation(of: job.id) == "Previous Ticket Number (\(oldNumber))\nCall the GL team.")
        #expect(stage.opcon.incidentTicketID(of: job.id) == ServiceNowStage.recordedID(new))
        let old = try #require(stage.serviceNow.incident(oldNumber))
        #expect(old["state"] == "6")
        #expect(old["reopen_count"] == "0")
        #expect(stage.serviceNow.journalEntries(of: oldNumber).isEmpty)
    }

    @Test("allowTicketReopen=false, twice: the newest resolved incident is replaced, not the older one an earlier replace left resolved")
    func reopenNotAllowedAgain() async throws {
        let stage = try ServiceNowStage(rules: ["allowTicketReopen": false])
        let job = stage.addJob("GL LOAD 01", documentation: "Call the GL team.")
        let oldest = try await firstIncident(stage, job, movedTo: "6")
        let oldestNumber = try #require(oldest["number"])

        let second = try await stage.fail(job, at: Self.later)
        #expect(second.exitCode == 0, "\(second)")
        let newest = try #require(stage.serviceNow.incidents.last)
        let newestNumber = try #require(newest["number"])
        #expect(newestNumber != oldestNumber)
        #expect(stage.opcon.incidentTicketID(of: job.id) == ServiceNowStage.recordedID(newest))
        // Both are Resolved now, and a Resolved incident is still active in ServiceNow.
        _ = try stage.serviceNow.setState("6", of: try #require(newest["sys_id"]))
        #expect(stage.serviceNow.incident(oldestNumber)?["active"] == "true")

        let third = try await stage.fail(job, at: "2026-11-23T11:00:00Z")
        #expect(third.exitCode == 0, "\(third)")
        #expect(stage.serviceNow.incidents.count == 3)
        let replacement = try #require(stage.serviceNow.incidents.last)
        #expect(third.stdout.hasPrefix("replace: ticket \(replacement["number"]!)"), "\(third)")
        #expect(
            withoutLogExcerpt(replacement["description"])?.hasSuffix("\nPrevious Ticket Number (\(newestNumber))") == true, "\(replacement)"
        )
        #expect(stage.opcon.documentation(of: job.id) == "Previous Ticket Number (\(newestNumber))\nCall the GL team.")
        #expect(stage.opcon.incidentTicketID(of: job.id) == ServiceNowStage.recordedID(replacement))
        let untouched = try #require(stage.serviceNow.incident(oldestNumber))
        #expect(untouched["state"] == "6")
        #expect(untouched["description"] == oldest["description"])
        #expect(stage.serviceNow.journalEntries(of: oldestNumber).isEmpty)
        #expect(stage.serviceNow.incident(newestNumber)?["state"] == "6")
    }

    @Test("a bare incident number in the job is understood: the incident is updated and the job gets <number>/<sys_id>")
    func bareNumberRecorded() async throws {
        let stage = try ServiceNowStage()
        let typed = try stage.serviceNow.createIncident(["short_description": "opened by hand", "state": "2"])
        let number = try #require(typed["number"])
        let job = stage.addJob("TYPED BY HAND", extraFields: ["incidentTicketId": .string(number)])

        let run = try await stage.fail(job, at: Self.later)
        #expect(run.exitCode == 0, "\(run)")
        #expect(run.stdout.hasPrefix("update: ticket \(number)"), "\(run)")
        let incident = try stage.onlyIncident()
        #expect(incident["state"] == "2")
        #expect(withoutLogExcerpt(incident["description"]) == stage.description(of: job, at: Self.laterText))
        #expect(stage.opcon.incidentTicketID(of: job.id) == ServiceNowStage.recordedID(incident))
        #expect(stage.opcon.incidentTicketURL(of: job.id) == stage.ticketURL(incident))
        #expect(stage.incidentPosts == 0)
    }

    @Test("the recorded incident no longer exists: a new one is created and replaces it on the job")
    func recordedIncidentGone() async throws {
        let stage = try ServiceNowStage()
        let gone = "INC0099999/" + String(repeating: "0f", count: 16)
        let job = stage.addJob(
            "GONE",
            extraFields: [
                "incidentTicketId": .string(gone),
                "incidentTicketURL": .string(
                    "\(stage.serviceNow.baseURL)/nav_to.do?uri=incident.do?sys_id=\(String(repeating: "0f", count: 16))"),
            ])
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        let incident = try stage.onlyIncident()
        #expect(stage.opcon.incidentTicketID(of: job.id) == ServiceNowStage.recordedID(incident))
        #expect(stage.ticketWrites("PUT") == 1, "the job's ticket record is replaced")
        #expect(stage.ticketWrites("POST") == 0)
        #expect(incident["description"]?.contains("Previous Ticket Number") != true, "nothing to name: the old incident is gone")
    }
}
