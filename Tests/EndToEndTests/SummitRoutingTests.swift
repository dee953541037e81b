import ConnectorKit
import Foundation
import Testing

@testable import Simulators

/// SPEC §5 steps 4–6 and §6.1 for Summit: the EXIT tag, every source of a field value in its precedence, and the
/// `@EV_*` placeholders, through the real executable against the Summit and OpCon simulators.
@Suite("Summit end to end: routing precedence, working hours, prefix tags, placeholders and EXIT")
struct SummitRoutingTests {
    /// Every routing source at once. The config's `[DEFAULTS]` give P3 / Medium / Medium / IT / Web / Application
    /// Support / Event Trigger / Batch / DevOps. Working hours: Monday 08:00–18:00, Tuesday 22:00–06:00 (across
    /// midnight), Wednesday 0000–0000 (a non-working day), other days absent (non-working).
    static func layeredTemplate(_ template: JSONValue) -> JSONValue {
        template
            .setting(
                "attributes",
                to: SummitStage.attributes([
                    "Priority_Name": "P2", "Impact_Name": "High", "Urgency_Name": "Low", "Assigned_WorkGroup_Name": "Service Desk",
                ])
            )
            .setting(
                "workingHours",
                to: [
                    "monday": ["start": "0800", "stop": "1800"],
                    "tuesday": ["start": "2200", "stop": "0600"],
                    "wednesday": ["start": "0000", "stop": "0000"],
                ]
            )
            .setting(
                "workingHoursAttributes",
                to: SummitStage.attributes([
                    "Urgency_Name": "High", "Assigned_WorkGroup_Name": "Day Shift",
                ])
            )
            .setting(
                "nonWorkingHoursAttributes",
                to: SummitStage.attributes([
                    "Urgency_Name": "Medium", "Impact_Name": "Low", "Assigned_WorkGroup_Name": "On Call",
                ])
            )
            .setting(
                "tags",
                to: [
                    ["indicator": "EXIT", "indicatorValue": "NOTICKET", "attribute": "", "value": ""],
                    ["indicator": "TAG_START", "indicatorValue": "FIN", "attribute": "Assigned_WorkGroup_Name", "value": "Finance-Batch"],
                    ["indicator": "TAG_END", "indicatorValue": "_HR", "attribute": "Assigned_WorkGroup_Name", "value": "HR-Systems"],
                    ["indicator": "TAG_END", "indicatorValue": "_GL", "attribute": "Category_Name", "value": "Ledger"],
                    [
                        "indicator": "ASSIGNTO", "indicatorValue": "ASSIGNTO", "attribute": "Assigned_Engineer_Email",
                        "value": "@example.com",
                    ],
                    ["indicator": "DEFAULT", "indicatorValue": "DEFAULT", "attribute": "Assigned_WorkGroup_Name", "value": "Batch Desk"],
                ])
    }

    static let allRouting: [String: Bool] = [
        "includeTagRouting": true, "includeWorkGroupNameTag": true, "includeCategoryNameTag": true, "includeAssignToTag": true,
    ]

    @Test("[DEFAULTS] < attributes < working / non-working hours (midnight-spanning window, non-working day) < tag routing")
    func layers() async throws {
        let stage = try SummitStage()
        try stage.editTemplate(rules: Self.allRouting, Self.layeredTemplate)

        // Monday 09:15, no tag: working hours; DEFAULT routes the workgroup over the working-hours value.
        let plain = stage.addJob("PLAIN", scheduleID: 71)
        let first = try await stage.fail(plain, at: "2026-11-23T09:15:00Z")
        #expect(first.exitCode == 0, "\(first)")
        let day = try stage.ticket(of: plain)
        #expect(day.field("Sup_Function") == "IT", "[DEFAULTS] only")
        #expect(day.field("Medium") == "Web", "[DEFAULTS] only")
        #expect(day.field("Source") == "Event Trigger", "[DEFAULTS] only")
        #expect(day.field("Classification_Name") == "Application Support", "[DEFAULTS] only")
        #expect(day.field("Category_Name") == "Batch", "[DEFAULTS] only")
        #expect(day.field("Priority_Name") == "P2", "attributes over [DEFAULTS] P3")
        #expect(day.field("Impact_Name") == "High", "attributes over [DEFAULTS]; only the non-working layer changes it")
        #expect(day.field("Urgency_Name") == "High", "working-hours attributes over attributes")
        #expect(day.field("Assigned_WorkGroup_Name") == "Batch Desk", "DEFAULT tag routing over working hours")
        #expect(day.status == "New")
        #expect(day.updater == "Executive")

        // Monday 20:00: non-working hours; TAG_START matches `fin-gl` ignoring case.
        let evening = stage.addJob("EVENING", scheduleID: 72, tags: ["fin-gl"])
        _ = try await stage.fail(evening, at: "2026-11-23T20:00:00Z")
        let night = try stage.ticket(of: evening)
        #expect(night.field("Urgency_Name") == "Medium")
        #expect(night.field("Impact_Name") == "Low", "non-working attributes over attributes")
        #expect(night.field("Assigned_WorkGroup_Name") == "Finance-Batch")
        #expect(night.field("Category_Name") == "Batch", "`fin-gl` does not end with `_GL`")

        // Tuesday 23:30: inside Tuesday's 22:00–06:00 window; TAG_END for two attributes.
        let late = stage.addJob("LATE", scheduleID: 73, tags: ["PAY_HR", "ap_gl"], day: "2026-11-24")
        _ = try await stage.fail(late, at: "2026-11-24T23:30:00Z")
        let lateTicket = try stage.ticket(of: late)
        #expect(lateTicket.field("Urgency_Name") == "High")
        #expect(lateTicket.field("Impact_Name") == "High")
        #expect(lateTicket.field("Assigned_WorkGroup_Name") == "HR-Systems")
        #expect(lateTicket.field("Category_Name") == "Ledger")

        // Wednesday 05:59 is the tail of Tuesday's window even though Wednesday itself is a non-working day;
        // TAG_START and TAG_END both match one attribute: the earlier template entry wins.
        let tail = stage.addJob("TAIL", scheduleID: 74, tags: ["FIN_HR"], day: "2026-11-25")
        _ = try await stage.fail(tail, at: "2026-11-25T05:59:00Z")
        let tailTicket = try stage.ticket(of: tail)
        #expect(tailTicket.field("Urgency_Name") == "High")
        #expect(tailTicket.field("Assigned_WorkGroup_Name") == "Finance-Batch")

        // Wednesday 06:00: the window has ended (stop is exclusive).
        let after = stage.addJob("AFTER", scheduleID: 75, day: "2026-11-25")
        _ = try await stage.fail(after, at: "2026-11-25T06:00:00Z")
        #expect(try stage.ticket(of: after).field("Urgency_Name") == "Medium")
        #expect(try stage.ticket(of: after).field("Impact_Name") == "Low")
        #expect(stage.summit.tickets.count == 5)
    }

    /// `Connector.config` text without its `[DEFAULTS]` section (the newest documented format has none).
    static func withoutDefaultsSection(_ config: String) -> String {
        var inDefaults = false
        return config.components(separatedBy: "\n").filter { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("[") { inDefaults = trimmed.uppercased() == "[DEFAULTS]" }
            return !inDefaults
        }.joined(separator: "\n")
    }

    @Test("a Connector.config without [DEFAULTS] still opens tickets with the nine built-in fields; an empty key keeps its built-in value")
    func builtInDefaults() async throws {
        let builtIn: KeyValuePairs<String, String> = [
            "Priority_Name": "P3", "Impact_Name": "Medium", "Urgency_Name": "Medium", "Sup_Function": "IT", "Medium": "Web",
            "Classification_Name": "Application Support", "Source": "Event Trigger", "Category_Name": "ElasticSearch",
            "Assigned_WorkGroup_Name": "DevOps",
        ]
        let stage = try SummitStage()
        // The simulator's template sets Impact_Name and Urgency_Name; without attributes every field comes from below.
        try stage.editTemplate { $0.setting("attributes", to: []) }
        try stage.editConfig(Self.withoutDefaultsSection)
        let config = try #require(stage.install.read("Connector.config"))
        #expect(!config.contains("[DEFAULTS]") && !config.contains("_VALUE="), "\(config)")

        let job = stage.addJob("NO_DEFAULTS", scheduleID: 81)
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        let ticket = try stage.ticket(of: job)
        for (name, value) in builtIn {
            #expect(ticket.field(name) == value, "\(name)")
        }

        try stage.editConfig { Self.withoutDefaultsSection($0) + "\n[DEFAULTS]\nPRIORITY_NAME_VALUE=\nCATEGORY_NAME_VALUE=Batch\n" }
        let partly = stage.addJob("SOME_DEFAULTS", scheduleID: 82)
        #expect(try await stage.fail(partly).exitCode == 0)
        let second = try stage.ticket(of: partly)
        #expect(second.field("Priority_Name") == "P3", "an empty [DEFAULTS] value keeps the built-in one")
        #expect(second.field("Category_Name") == "Batch", "a [DEFAULTS] value replaces the built-in one")
        #expect(second.field("Assigned_WorkGroup_Name") == "DevOps")
    }

    @Test("working hours are judged in the local time zone (TZ)")
    func localTime() async throws {
        let stage = try SummitStage()
        try stage.editTemplate(rules: Self.allRouting, Self.layeredTemplate)
        // 07:30 UTC is 08:30 in Paris: inside Monday's 08:00 start there, before it in UTC.
        let paris = stage.addJob("PARIS", scheduleID: 71)
        _ = try await stage.fail(paris, at: "2026-11-23T07:30:00Z", environment: ["TZ": "Europe/Paris"])
        #expect(try stage.ticket(of: paris).field("Urgency_Name") == "High")
        let utc = stage.addJob("UTC", scheduleID: 72)
        _ = try await stage.fail(utc, at: "2026-11-23T07:30:00Z")
        #expect(try stage.ticket(of: utc).field("Urgency_Name") == "Medium")
    }

    @Test("WRKGRP_ (over includeTagRouting), CATNAME_ and ASSIGNTO_ + domain win over every other layer")
    func prefixTags() async throws {
        let stage = try SummitStage()
        try stage.editTemplate(rules: Self.allRouting, Self.layeredTemplate)
        let job = stage.addJob(
            "PREFIXED",
            tags: [
                "FIN_HR", "AP_GL", "wrkgrp_Payroll Team", "CATNAME_Month End", "ASSIGNTO_jdoe",
                "WRKGRP_Second", "ASSIGNTO_other",
            ])
        let run = try await stage.fail(job, at: "2026-11-23T09:15:00Z")
        #expect(run.exitCode == 0, "\(run)")
        let ticket = try stage.ticket(of: job)
        #expect(ticket.field("Assigned_WorkGroup_Name") == "Payroll Team", "prefix ignoring case, the first such tag, rest kept as written")
        #expect(ticket.field("Category_Name") == "Month End", "CATNAME_ over TAG_END _GL")
        #expect(ticket.field("Assigned_Engineer_Email") == "jdoe@example.com")
        #expect(ticket.field("Assign_To") == "jdoe@example.com")
        #expect(ticket.field("Urgency_Name") == "High")

        // A whole address gets no second domain; a bare prefix is ignored, so DEFAULT routes the workgroup.
        let addressed = stage.addJob("ADDRESSED", scheduleID: 78, tags: ["ASSIGNTO_ops@corp.example", "WRKGRP_"])
        _ = try await stage.fail(addressed)
        let second = try stage.ticket(of: addressed)
        #expect(second.field("Assigned_Engineer_Email") == "ops@corp.example")
        #expect(second.field("Assigned_WorkGroup_Name") == "Batch Desk")
    }

    @Test("with their rules off, tag routing and the prefix tags change nothing")
    func rulesOff() async throws {
        let stage = try SummitStage()
        try stage.editTemplate(
            rules: [
                "includeTagRouting": false, "includeWorkGroupNameTag": false, "includeCategoryNameTag": false,
                "includeAssignToTag": false,
            ], Self.layeredTemplate)
        let job = stage.addJob("UNROUTED", tags: ["FIN_HR", "AP_GL", "WRKGRP_Payroll", "CATNAME_Month End", "ASSIGNTO_jdoe"])
        let run = try await stage.fail(job, at: "2026-11-23T09:15:00Z")
        #expect(run.exitCode == 0, "\(run)")
        let ticket = try stage.ticket(of: job)
        #expect(ticket.field("Assigned_WorkGroup_Name") == "Day Shift", "working-hours attributes over attributes and [DEFAULTS]")
        #expect(ticket.field("Category_Name") == "Batch")
        #expect(ticket.field("Assigned_Engineer_Email") == "")
        #expect(ticket.fields["Assign_To"] == nil)
    }

    @Test("@EV_* placeholders, in any case, are expanded in Symptom, Description, Information and CustomFields")
    func placeholders() async throws {
        let stage = try SummitStage()
        try stage.editTemplate { template in
            template
                .setting("ticketDescription", to: "Job @EV_JOB of @ev_schedule on @EV_Agent ended with @EV_ErrorCode (@EV_Date).")
                .setting("ticketInformation", to: "Work log: @EV_Schedule / @EV_Job / @EV_agent / @EV_errorcode / @EV_DATE")
                .setting("attributes", to: SummitStage.attributes(["Symptom": "Batch failure: @EV_Job", "Impact_Name": "Low"]))
                .setting(
                    "customAttributes",
                    to: [
                        ["groupName": "Batch", "name": "Where", "value": "@EV_Schedule/@EV_Job"],
                        ["name": "Agent", "value": "@ev_agent"],
                        ["groupName": "Other Details", "name": "Code", "value": "@EV_errorcode on @EV_Date"],
                    ])
        }
        let job = stage.addJob("GL LOAD 01", schedule: "FINANCE DAILY", agent: "FINAPP01", termination: "Exit Code 2")
        // Notification Manager passes the multi-word names as separate words and this date as MM/dd/yyyy.
        var words = stage.install.failureWords(job, template: "summit.json")
        let date = try #require(words.firstIndex(of: "-sd"))
        words[date + 1] = "11/23/2026"
        let run = try await stage.run(words)
        #expect(run.exitCode == 0, "\(run)")
        let ticket = try stage.onlyTicket()
        #expect(ticket.symptom == "Batch failure: GL LOAD 01")
        #expect(withoutLogExcerpt(ticket.description) == "Job GL LOAD 01 of FINANCE DAILY on FINAPP01 ended with Exit Code 2 (2026-11-23).")
        #expect(ticket.workLog == ["Work log: FINANCE DAILY / GL LOAD 01 / FINAPP01 / Exit Code 2 / 2026-11-23"])
        #expect(
            ticket.customFields == [
                SummitCustomField(groupName: "Batch", name: "Where", value: "FINANCE DAILY/GL LOAD 01"),
                SummitCustomField(groupName: "Other Details", name: "Agent", value: "FINAPP01"),
                SummitCustomField(groupName: "Other Details", name: "Code", value: "Exit Code 2 on 2026-11-23"),
            ])
        #expect(!ticket.fields.values.contains { ($0.scalarText ?? "").contains("@EV_") })
    }

    @Test("without Symptom or ticketInformation the summary line fills both, so the work log is never blank")
    func defaultTexts() async throws {
        let stage = try SummitStage()
        try stage.editTemplate { $0.setting("ticketInformation", to: nil) }
        let job = stage.addJob("NIGHTLY", schedule: "FINANCE DAILY")
        #expect(try await stage.fail(job).exitCode == 0)
        let ticket = try stage.onlyTicket()
        #expect(ticket.symptom == "OpCon job NIGHTLY failed (schedule FINANCE DAILY)")
        #expect(ticket.workLog == ["OpCon job NIGHTLY failed (schedule FINANCE DAILY)"])
    }

    @Test("an EXIT tag (any case): exit 0, not a single Summit request, the job untouched — even when it has a ticket")
    func exitTag() async throws {
        let stage = try SummitStage()
        let quiet = stage.addJob("QUIET", tags: ["APP-GL", "noTicket"], documentation: "Leave me alone.")
        let run = try await stage.fail(quiet)
        #expect(run.exitCode == 0, "\(run)")
        #expect(run.stdout.hasPrefix("skip:"), "\(run)")
        #expect(run.stdout.contains("NOTICKET"))
        #expect(stage.summit.journal.requests == 0)
        #expect(stage.opconWrites == 0)
        #expect(stage.opcon.incidentTicketID(of: quiet.id) == nil)
        #expect(stage.opcon.documentation(of: quiet.id) == "Leave me alone.")
        #expect(stage.install.read("log/connector.log")?.contains("EXIT tag NOTICKET") == true)
        #expect(stage.outboxItems.isEmpty)

        // A job that already has an open ticket and carries the tag: no read, no update either.
        let open = try stage.summit.createTicket(symptom: "logged by the service desk")
        let ticketed = stage.addJob("TICKETED", scheduleID: 78, tags: ["NOTICKET"], ticket: open.number)
        let again = try await stage.fail(ticketed)
        #expect(again.exitCode == 0, "\(again)")
        #expect(stage.summit.journal.requests == 0)
        #expect(stage.opconWrites == 0)
        #expect(stage.summit.ticket(open.number) == open)

        // The tag must match whole: NOTICKET_X is no EXIT tag.
        let near = stage.addJob("NEAR", scheduleID: 79, tags: ["NOTICKET_X"])
        #expect(try await stage.fail(near).exitCode == 0)
        #expect(stage.summit.tickets.count == 2)
        #expect(stage.summit.journal.requests > 0)
    }
}
