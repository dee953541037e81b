import ConnectorKit
import Foundation
import Testing

@testable import Simulators

/// SPEC §6.1 for a job that already has a Summit ticket: update while it is open, reopen when Resolved, replace when
/// Closed or Cancelled, and the write-back of the ticket into the OpCon job.
@Suite("Summit end to end: create, update, reopen and replace")
struct SummitLifecycleTests {
    @Test("a first failure creates one ticket and writes its number and link into the job")
    func create() async throws {
        let stage = try SummitStage()
        let job = stage.addJob("GL_LOAD", documentation: "Call the GL team.")
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        let ticket = try stage.onlyTicket()
        #expect(run.stdout.hasPrefix("create: ticket \(ticket.number) for \(job.id)"), "\(run)")
        #expect(stage.opcon.incidentTicketID(of: job.id) == String(ticket.number))
        #expect(stage.opcon.incidentTicketURL(of: job.id) == stage.link(ticket.number))
        #expect(stage.opcon.documentation(of: job.id) == "Call the GL team.", "no rule asks for a documentation change")
        #expect(stage.serviceNames == ["IM_LogOrUpdateIncident"], "no recorded ticket: nothing to read first")
        #expect(stage.opcon.journal.count(method: "POST", path: "/api/dailyjobs/*/incidentTickets") == 1)
        #expect(stage.install.read("log/connector.log")?.contains("Summary: job \(job.id), decision create") == true)
    }

    @Test("a second failure of an open ticket: still one ticket, the new failure in its work log, its status unchanged")
    func update() async throws {
        let stage = try SummitStage()
        let job = stage.addJob("GL_LOAD", logFiles: ["GL_LOAD.log": "first\r\n"])
        #expect(try await stage.fail(job).exitCode == 0)
        let number = try stage.onlyTicket().number

        for (status, termination) in [
            ("New", "Exit Code 3"), ("In-Progress", "Exit Code 4"), ("Pending", "Exit Code 5"), ("Assigned", "Exit Code 6"),
        ] {
            if status != "New" { try stage.summit.setStatus(status, of: number) }
            var again = job
            again.termination = termination
            let run = try await stage.fail(again)
            #expect(run.exitCode == 0, "\(run)")
            #expect(run.stdout.hasPrefix("update: ticket \(number) for "), "\(run)")
            let ticket = try stage.onlyTicket()
            #expect(ticket.status == status, "an update keeps the status \(status)")
            #expect(ticket.reopened == false)
            #expect(
                withoutLogExcerpt(ticket.workLog.last)
                    == "OpCon Task Failure ( date \(SummitStage.day) schedule FINANCE job GL_LOAD server WINAGENT01 error code \(termination) )"
            )
        }
        let ticket = try stage.onlyTicket()
        #expect(ticket.workLog.count == 5)
        #expect(ticket.attachments.count == 5, "each failure's log reaches the ticket")
        #expect(!ticket.changeHistory.contains { $0.column != "Status" }, "an update rewrites no field of the ticket")
        let updates = stage.summit.journal.matching(path: SummitStage.incidentPath)
            .compactMap { try? $0.jsonBody().value(atPath: "objCommonParameters.incidentParamsJSON.IncidentContainerJsonObj.Ticket") }
            .filter { $0["Ticket_No"] != nil }
        #expect(updates.count == 4)
        #expect(updates.allSatisfy { $0["Status"] == nil }, "a plain update sends no Status: \(updates)")
        #expect(stage.opcon.incidentTicketID(of: job.id) == String(number))
        #expect(
            stage.opcon.journal.count(method: "PUT", path: "/api/dailyjobs/*/incidentTickets") == 0,
            "the same ticket is not written back again")
    }

    @Test("a Resolved ticket is reopened as In-Progress by default, or as variables.reopenStatus")
    func reopen() async throws {
        let stage = try SummitStage()
        let job = stage.addJob("GL_LOAD")
        _ = try await stage.fail(job)
        let number = try stage.onlyTicket().number
        try stage.summit.setStatus("In-Progress", of: number)
        try stage.summit.setStatus("Resolved", of: number)

        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        #expect(run.stdout.hasPrefix("reopen: ticket \(number) for "), "\(run)")
        let reopened = try stage.onlyTicket()
        #expect(reopened.status == "In-Progress")
        #expect(reopened.reopened)
        #expect(reopened.workLog.count == 2)
        #expect(stage.opcon.incidentTicketID(of: job.id) == String(number))

        try stage.editTemplate { $0.setting("variables", to: ["reopenStatus": "Assigned"]) }
        try stage.summit.setStatus("Resolved", of: number)
        _ = try await stage.fail(job)
        let assigned = try stage.onlyTicket()
        #expect(assigned.status == "Assigned")
        #expect(assigned.workLog.count == 3)
        #expect(
            assigned.changeHistory.filter { $0.column == "Status" }.map(\.newValue) == [
                "In-Progress", "Resolved", "In-Progress", "Resolved", "Assigned",
            ])
    }

    @Test("a Closed, then a Cancelled ticket is replaced: a new ticket naming the old one, in Summit and in the job")
    func replace() async throws {
        let stage = try SummitStage()
        let job = stage.addJob("GL_LOAD", documentation: "Call the GL team.\nEscalate after 2 h.")
        _ = try await stage.fail(job)
        let original = try stage.onlyTicket()

        var previous = original.number
        for final in ["Closed", "Cancelled"] {
            try stage.summit.setStatus(final, of: previous)
            let run = try await stage.fail(job)
            #expect(run.exitCode == 0, "\(run)")
            let new = try stage.ticket(of: job)
            #expect(new.number != previous)
            #expect(run.stdout.hasPrefix("replace: ticket \(new.number) for "), "\(run)")
            #expect(new.status == "New")
            #expect(new.description.hasPrefix("OpCon Task Failure ( date \(SummitStage.day) schedule FINANCE job GL_LOAD"))
            #expect(withoutLogExcerpt(new.description)?.hasSuffix("\nPrevious Ticket Number (\(previous))") == true)
            #expect(stage.opcon.incidentTicketID(of: job.id) == String(new.number))
            #expect(stage.opcon.incidentTicketURL(of: job.id) == stage.link(new.number))
            #expect(
                stage.opcon.documentation(of: job.id) == "Previous Ticket Number (\(previous))\nCall the GL team.\nEscalate after 2 h.",
                "one previous-ticket line, the operator's text kept")
            let old = try #require(stage.summit.ticket(previous))
            #expect(old.status == final, "the old ticket is left as it is")
            #expect(old.workLog.count == 1)
            previous = new.number
        }
        #expect(stage.summit.tickets.count == 3)
        #expect(stage.opcon.journal.count(method: "PUT", path: "/api/dailyjobs/*/incidentTickets") == 2)
    }

    @Test("statuses are matched without regard to case, spaces or hyphens; an unknown or foreign ticket ID gets a new ticket")
    func recordedTickets() async throws {
        let stage = try SummitStage()
        // A ticket the service desk logged with an unusual spelling of Cancelled.
        let logged = try stage.summit.createTicket(symptom: "logged by hand", status: "cancelled")
        let job = stage.addJob("HANDMADE", ticket: logged.number)
        let run = try await stage.fail(job)
        #expect(run.stdout.hasPrefix("replace:"), "\(run)")
        #expect(try stage.ticket(of: job).description.contains("Previous Ticket Number (\(logged.number))"))

        // A number Summit does not know is no ticket: a plain create.
        let unknown = stage.addJob("FORGOTTEN", scheduleID: 78, ticket: 987_654)
        let forgotten = try await stage.fail(unknown)
        #expect(forgotten.stdout.hasPrefix("create:"), "\(forgotten)")
        #expect(try stage.ticket(of: unknown).number != 987_654)
        #expect(try stage.ticket(of: unknown).description.contains("Previous Ticket Number") == false)
    }
}
