import ConnectorKit
import Foundation
import Testing

@testable import Simulators

/// SPEC §6.1 `submitSingleIncidentPerDay` with `DAILY_START_HOUR`, the clock pinned with `CONNECTOR_NOW`.
@Suite("Summit end to end: one incident per operations day")
struct SummitOncePerDayTests {
    static let oncePerDay = ["submitSingleIncidentPerDay": true]

    @Test(
        "the first failure writes Last Incident Date; before DAILY_START_HOUR next day it updates; from then on a plain new ticket, written back over the old one, and the line rewritten"
    )
    func window() async throws {
        let stage = try SummitStage(rules: Self.oncePerDay, dailyStartHour: 9)
        let job = stage.addJob("DAILY", documentation: "Call the GL team.")

        let first = try await stage.fail(job, at: "2026-11-23T10:00:00Z")
        #expect(first.exitCode == 0, "\(first)")
        let original = try stage.onlyTicket()
        #expect(stage.opcon.documentation(of: job.id) == "Last Incident Date : 2026-11-23\nCall the GL team.")

        // The same evening and the next morning up to 08:59: the window holds, the ticket is updated.
        for moment in ["2026-11-23T23:59:00Z", "2026-11-24T08:59:00Z"] {
            let inside = try await stage.fail(job, at: moment)
            #expect(inside.exitCode == 0, "\(inside)")
            #expect(inside.stdout.hasPrefix("update: ticket \(original.number) for "), "\(moment): \(inside)")
        }
        #expect(try stage.onlyTicket().workLog.count == 3)
        #expect(stage.opcon.documentation(of: job.id) == "Last Incident Date : 2026-11-23\nCall the GL team.", "an update keeps the line")

        // 09:00 the next day: a new ticket, and the line is replaced rather than stacked. The old ticket is still
        // open, so this is a plain create: only the replacement of a Closed/Cancelled ticket names the previous one.
        let writeBack: PathPattern = "/api/dailyjobs/*/incidentTickets"
        let after = try await stage.fail(job, at: "2026-11-24T09:00:00Z")
        #expect(after.exitCode == 0, "\(after)")
        #expect(stage.summit.tickets.count == 2)
        let second = try stage.ticket(of: job)
        #expect(second.number != original.number)
        #expect(after.stdout.hasPrefix("create: ticket \(second.number) for "), "\(after)")
        #expect(!second.description.contains("Previous Ticket Number"), "\(second.description)")
        #expect(stage.opcon.incidentTicketURL(of: job.id) == stage.link(second.number))
        #expect(stage.opcon.journal.count(method: "POST", path: writeBack) == 1, "only the first ticket was added")
        #expect(stage.opcon.journal.count(method: "PUT", path: writeBack) == 1, "the new ticket is written over the old record")
        let documentation = try #require(stage.opcon.documentation(of: job.id))
        #expect(documentation == "Last Incident Date : 2026-11-24\nCall the GL team.", "the line rewritten, no previous-ticket line")
        #expect(stage.summit.ticket(original.number)?.workLog.count == 3, "the old ticket gets nothing more")
        #expect(stage.summit.ticket(original.number)?.status == "New", "the old ticket is left as it is")
    }

    @Test("inside the window a Closed ticket is left alone (no second ticket), a Resolved one is reopened")
    func windowWithFinishedTicket() async throws {
        let stage = try SummitStage(rules: Self.oncePerDay)
        let job = stage.addJob("DAILY")
        _ = try await stage.fail(job, at: "2026-11-23T10:00:00Z")
        let number = try stage.onlyTicket().number

        try stage.summit.setStatus("Resolved", of: number)
        let reopen = try await stage.fail(job, at: "2026-11-23T12:00:00Z")
        #expect(reopen.stdout.hasPrefix("reopen: ticket \(number) for "), "\(reopen)")
        #expect(try stage.onlyTicket().status == "In-Progress")

        try stage.summit.setStatus("Closed", of: number)
        let writesBefore = stage.summitWrites
        let skip = try await stage.fail(job, at: "2026-11-24T06:59:00Z")
        #expect(skip.exitCode == 0, "\(skip)")
        #expect(skip.stdout.hasPrefix("skip:"), "\(skip)")
        #expect(skip.stdout.contains("2026-11-24 07:00"), "the message names the end of the window")
        #expect(stage.summitWrites == writesBefore)
        #expect(stage.summit.tickets.count == 1)

        let next = try await stage.fail(job, at: "2026-11-24T07:00:00Z")
        #expect(next.stdout.hasPrefix("replace:"), "\(next)")
        #expect(stage.summit.tickets.count == 2)
        #expect(try stage.ticket(of: job).description.contains("Previous Ticket Number (\(number))"))
    }

    @Test("Last Incident Date is the local date of the failure")
    func localDate() async throws {
        let stage = try SummitStage(rules: Self.oncePerDay)
        let job = stage.addJob("DAILY", documentation: "Runbook 7")
        // 23:30 UTC on Monday is already Tuesday 08:30 in Tokyo.
        let run = try await stage.fail(job, at: "2026-11-23T23:30:00Z", environment: ["TZ": "Asia/Tokyo"])
        #expect(run.exitCode == 0, "\(run)")
        #expect(stage.opcon.documentation(of: job.id) == "Last Incident Date : 2026-11-24\nRunbook 7")
    }

    @Test("without the rule, the documentation gets no date line and each failure after a close opens a ticket")
    func ruleOff() async throws {
        let stage = try SummitStage()
        let job = stage.addJob("DAILY", documentation: "Runbook 7")
        _ = try await stage.fail(job, at: "2026-11-23T10:00:00Z")
        #expect(stage.opcon.documentation(of: job.id) == "Runbook 7")
        try stage.summit.setStatus("Closed", of: try stage.onlyTicket().number)
        let again = try await stage.fail(job, at: "2026-11-23T10:05:00Z")
        #expect(again.stdout.hasPrefix("replace:"), "\(again)")
        #expect(stage.summit.tickets.count == 2)
    }

    @Test("the rule without DAILY_START_HOUR is a configuration error (exit 78) naming the key, before any request")
    func missingDailyStartHour() async throws {
        let stage = try SummitStage(rules: Self.oncePerDay)
        try stage.editConfig { config in
            config.components(separatedBy: "\n").filter { !$0.hasPrefix("DAILY_START_HOUR=") }.joined(separator: "\n")
        }
        #expect(stage.install.read("Connector.config")?.contains("DAILY_START_HOUR") == false)
        let job = stage.addJob("DAILY")
        let run = try await stage.fail(job)
        #expect(run.exitCode == 78, "\(run)")
        #expect(run.stderr.contains("DAILY_START_HOUR"), "\(run)")
        #expect(run.stderr.contains("submitSingleIncidentPerDay"), "\(run)")
        #expect(run.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1, "\(run)")
        #expect(stage.summit.journal.requests == 0)
        #expect(stage.opcon.journal.requests == 0)
        #expect(stage.outboxItems.isEmpty)
    }
}
