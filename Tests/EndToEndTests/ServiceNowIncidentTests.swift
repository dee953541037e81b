import ConnectorKit
import Foundation
import Testing

@testable import Simulators

/// SPEC §5 and §6.2 for a first failure: what the created incident holds, the attached job log, and what is written
/// back into the OpCon job. Each test runs the real executable against fresh simulators.
@Suite("ServiceNow end to end: the created incident, its attachments and the write-back")
struct ServiceNowIncidentTests {
    /// The simulator's template with working hours 08:00–18:00 every day, different attributes inside and outside
    /// them, and tag rules that set a field the working-hours attributes also set (tag routing must win). `DEFAULT`
    /// fills each attribute no `TAG_START`/`TAG_END` entry set (docs/decisions.md).
    static func routedTemplate(_ template: JSONValue) -> JSONValue {
        template
            .setting("workingHours", to: ServiceNowStage.workingHours(start: "0800", stop: "1800"))
            .setting("workingHoursAttributes", to: ServiceNowStage.attributes(["urgency": "1", "assignment_group": "Batch Day Shift"]))
            .setting("nonWorkingHoursAttributes", to: ServiceNowStage.attributes(["urgency": "3", "assignment_group": "Batch On Call"]))
            .setting(
                "tags",
                to: [
                    ["indicator": "TAG_START", "indicatorValue": "GL", "attribute": "assignment_group", "value": "General Ledger"],
                    ["indicator": "TAG_END", "indicatorValue": "ROUTE1", "attribute": "category", "value": "software"],
                    ["indicator": "DEFAULT", "indicatorValue": "", "attribute": "category", "value": "inquiry"],
                    ["indicator": "DEFAULT", "indicatorValue": "", "attribute": "assignment_group", "value": "Service Desk"],
                ]
            )
            // The SMA attribute table's typo: the connector must still send SMA_OPCON.
            .setting(
                "attributes",
                to: ServiceNowStage.attributes([
                    "short_description": "OpCon Task Failure (schedule {0} job {1} server {2} error code {3})",
                    "description":
                        "Technical data of the OpCon batch (schedule ({0}) job ({1}) server ({2}) error code ({3}) date ({4}) JOBID={5})",
                    "correlation_id": "",
                    "correlation_display": "SMA_OPEN",
                    "impact": "2",
                ]))
    }

    @Test("placeholders {0}…{5} in local time, working-hours attributes, tag routing over them, and the exact correlation pair")
    func createdFields() async throws {
        let stage = try ServiceNowStage()
        try stage.editTemplate(Self.routedTemplate)
        try stage.setCallbackAddress(server: "opcon.example.com", port: 9443)
        let paris = ["TZ": "Europe/Paris"]
        let job = stage.addJob(
            "GL LOAD 01", schedule: "FINANCE DAILY", agent: "FINAPP01", termination: "Exit Code 2",
            tags: ["gl-Nightly"], extraFields: ["uniqueJobId": "U-0004711"])

        // 07:30 UTC is 08:30 in Paris: working hours there, though not in UTC.
        let run = try await stage.fail(job, at: "2026-11-23T07:30:00Z", environment: paris)
        #expect(run.exitCode == 0, "\(run)")
        let incident = try stage.onlyIncident()
        #expect(
            incident["short_description"]
                == "OpCon Task Failure (schedule FINANCE DAILY job GL LOAD 01 server FINAPP01 error code Exit Code 2)")
        #expect(
            withoutLogExcerpt(incident["description"])
                == "Technical data of the OpCon batch (schedule (FINANCE DAILY) job (GL LOAD 01) server (FINAPP01) error code (Exit Code 2) date (23-11-2026 08:30) JOBID=U-0004711)"
        )
        #expect(incident["impact"] == "2")
        #expect(incident["urgency"] == "1")
        #expect(incident["assignment_group"] == "General Ledger")
        #expect(incident["category"] == "inquiry", "DEFAULT fills the attribute no tag rule set")
        #expect(incident["correlation_display"] == "SMA_OPCON")
        #expect(incident["correlation_id"] == "opcon.example.com:9443,20261123|77|1|GL LOAD 01")

        // 19:30 UTC is 20:30 in Paris: outside working hours; no tag, so both DEFAULT entries route, over the
        // non-working-hours attribute. Without a uniqueJobId, {5} is the job number.
        let evening = stage.addJob("AP EXPORT", scheduleID: 78, extraFields: ["uniqueJobId": nil])
        let jobNumber = try #require(stage.opcon.job(evening.id)?["jobNumber"]?.intValue)
        _ = try await stage.fail(evening, at: "2026-11-23T19:30:00Z", environment: paris)
        let night = try #require(stage.serviceNow.incidents.last)
        #expect(stage.serviceNow.incidents.count == 2)
        #expect(night["urgency"] == "3")
        #expect(night["assignment_group"] == "Service Desk")
        #expect(night["category"] == "inquiry")
        #expect(
            withoutLogExcerpt(night["description"])?.hasSuffix("date (23-11-2026 20:30) JOBID=\(jobNumber))") == true,
            "\(night["description"] ?? "")")
        #expect(night["correlation_id"] == "opcon.example.com:9443,20261123|78|1|AP EXPORT")

        // A TAG_END match (any case) routes its field; DEFAULT still fills the other; urgency keeps working hours.
        let routed = stage.addJob("AR CLOSE", scheduleID: 79, tags: ["APP-route1"])
        _ = try await stage.fail(routed, at: "2026-11-23T09:00:00Z", environment: paris)
        let third = try #require(stage.serviceNow.incidents.last)
        #expect(third["category"] == "software")
        #expect(third["assignment_group"] == "Service Desk")
        #expect(third["urgency"] == "1")
    }

    @Test("each job-log file becomes one attachment with the file's name and its exact bytes, as text/plain")
    func attachmentBytes() async throws {
        let stage = try ServiceNowStage()
        let log = "Démarrage du chargement…\r\nERROR 42: ledger locked\r\n\tat step 3\r\n"
        let err = "stderr: ✗ no space left on device\n"
        let job = stage.addJob("GL LOAD 01", logFiles: ["GL LOAD 01.log": log, "GL LOAD 01.err": err])
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")

        let incident = try stage.onlyIncident()
        let attachments = stage.serviceNow.attachments(of: try #require(incident["sys_id"]))
        #expect(attachments.map(\.fileName).sorted() == ["GL LOAD 01.err", "GL LOAD 01.log"])
        #expect(attachments.first { $0.fileName == "GL LOAD 01.log" }?.data == Data(log.utf8))
        #expect(attachments.first { $0.fileName == "GL LOAD 01.err" }?.data == Data(err.utf8))
        #expect(attachments.allSatisfy { $0.metadata["content_type"]?.hasPrefix("text/plain") == true })
        #expect(attachments.allSatisfy { $0.metadata["table_name"] == "incident" })
    }

    @Test("a template without an attachment url still attaches the job log, through api/now/attachment/file, and warns")
    func attachmentURLDefault() async throws {
        let stage = try ServiceNowStage()
        try stage.editTemplate { template in
            let urls = template["urls"]?.arrayValue?.filter { $0["name"]?.stringValue != "attachment" } ?? []
            #expect(urls.count == (template["urls"]?.arrayValue?.count ?? 0) - 1)
            return template.setting("urls", to: .array(urls))
        }
        let job = stage.addJob("NO ATTACHMENT URL", logFiles: ["NO ATTACHMENT URL.log": "x\r\n"])
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")

        let incident = try stage.onlyIncident()
        #expect(stage.serviceNow.attachments(of: try #require(incident["sys_id"])).map(\.fileName) == ["NO ATTACHMENT URL.log"])
        #expect(stage.serviceNow.journal.count(method: "POST", path: "/api/now/attachment/file") == 1)
        // The warning is in the log; stderr stays empty on success (it carries only a failure's one sentence).
        #expect(stage.install.read("log/connector.log")?.contains(#"servicenow.json: urls: no entry named "attachment""#) == true)
        #expect(run.stderr.isEmpty, "\(run)")
    }

    @Test(
        "with includeJobLogAttachment off nothing is attached (the log is read for the excerpt); with includeLogExcerpt off too, no job output is requested",
        arguments: [true, false])
    func noAttachment(excerpt: Bool) async throws {
        let stage = try ServiceNowStage(rules: ["includeJobLogAttachment": false, "includeLogExcerpt": excerpt])
        let job = stage.addJob("QUIET", logFiles: ["QUIET.log": "secret ledger dump\r\n"])
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        let incident = try stage.onlyIncident()
        #expect(stage.serviceNow.attachments(of: try #require(incident["sys_id"])).isEmpty)
        #expect(stage.serviceNow.journal.count(path: "/api/now/attachment") == 0)
        #expect((stage.opcon.journal.count(path: "/api/jobinstanceactions") > 0) == excerpt)
        #expect(incident["description"]?.hasSuffix("--- job log excerpt (QUIET.log) ---\nsecret ledger dump") == excerpt)
    }

    @Test("the job gets <number>/<sys_id> and the nav_to.do link, with one POST; RET_* default to SERVER:PORT")
    func writeBack() async throws {
        let stage = try ServiceNowStage()
        try stage.setCallbackAddress(server: nil, port: nil)
        let job = stage.addJob("WRITE BACK|01")
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")

        let incident = try stage.onlyIncident()
        let number = try #require(incident["number"])
        let sysID = try #require(incident["sys_id"])
        #expect(number.hasPrefix("INC"))
        #expect(sysID.count == 32)
        #expect(stage.opcon.incidentTicketID(of: job.id) == "\(number)/\(sysID)")
        #expect(stage.opcon.incidentTicketURL(of: job.id) == "\(stage.serviceNow.baseURL)/nav_to.do?uri=incident.do?sys_id=\(sysID)")
        #expect(stage.ticketWrites("POST") == 1)
        #expect(stage.ticketWrites("PUT") == 0)
        #expect(run.stdout == "create: ticket \(number) for \(job.id) (\(stage.ticketURL(incident)))\n")
        #expect(incident["correlation_id"] == "127.0.0.1:\(try #require(stage.opcon.port)),20261123|77|1|WRITE BACK|01")
    }

    @Test("the repository's templates/servicenow.json, pointed at the simulator with env: credentials, handles failures")
    func repositoryTemplate() async throws {
        let stage = try ServiceNowStage()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let shipped = try JSONValue.parse(Data(contentsOf: root.appendingPathComponent("templates/servicenow.json")))
        #expect(shipped["credentials"]?["user"]?.stringValue == "env:SERVICENOW_USER")
        let template = shipped.setting("address", to: ["name": "simulator", "value": .string(stage.serviceNow.baseURL)])
        try stage.install.write("templates/servicenow.json", template.serialized(pretty: true))
        let credentials = ["SERVICENOW_USER": stage.serviceNow.settings.user, "SERVICENOW_PASSWORD": stage.serviceNow.settings.password]

        let log = "Loading payroll…\r\nERROR: file missing\r\n"
        let job = stage.addJob(
            "PAYROLL LOAD", schedule: "HR", agent: "HRAPP01", termination: "Exit Code 9",
            tags: ["PAYROLL_CRITICAL"],
            documentation: "Runbook 12.\n<ServiceNowInstructions>Rerun after the HR export.</ServiceNowInstructions>",
            logFiles: ["PAYROLL LOAD.log": log])
        let run = try await stage.fail(job, environment: credentials)  // Monday 09:15: working hours
        #expect(run.exitCode == 0, "\(run)")
        #expect(!run.stderr.contains(stage.serviceNow.settings.password))

        let incident = try stage.onlyIncident()
        let unique = try #require(stage.opcon.job(job.id)?["uniqueJobId"]?.stringValue)
        #expect(incident["short_description"] == "OpCon job PAYROLL LOAD failed (schedule HR, agent HRAPP01, termination Exit Code 9)")
        #expect(
            withoutLogExcerpt(incident["description"])
                == "OpCon job PAYROLL LOAD of schedule HR failed on agent HRAPP01 with termination Exit Code 9 at 23-11-2026 09:15. Unique job id: \(unique).\nRerun after the HR export."
        )
        #expect(incident["impact"] == "2")
        #expect(incident["contact_type"] == "Integration")
        #expect(incident["category"] == "payroll")  // TAG_START PAYROLL
        #expect(incident["urgency"] == "1")  // TAG_END _CRITICAL over the working-hours urgency 2
        #expect(incident["assignment_group"] == "Batch Operations")  // working hours, documented
        #expect(incident["correlation_display"] == "SMA_OPCON")
        #expect(incident["correlation_id"] == "127.0.0.1:\(try #require(stage.opcon.port)),\(job.id)")
        #expect(stage.serviceNow.attachments(of: try #require(incident["sys_id"])).map(\.data) == [Data(log.utf8)])
        #expect(stage.opcon.incidentTicketID(of: job.id) == ServiceNowStage.recordedID(incident))
        #expect(stage.opcon.incidentTicketURL(of: job.id) == stage.ticketURL(incident))

        // Its EXIT tag skips the ticket; an untagged job outside working hours takes DEFAULT and the on-call group.
        let skipped = stage.addJob("NO TICKET JOB", scheduleID: 78, tags: ["NO_TICKET"])
        let skip = try await stage.fail(skipped, environment: credentials)
        #expect(skip.exitCode == 0, "\(skip)")
        #expect(stage.serviceNow.incidents.count == 1)
        #expect(stage.opcon.incidentTicketID(of: skipped.id) == nil)

        let saturday = stage.addJob("WEEKEND", scheduleID: 79)
        _ = try await stage.fail(saturday, at: "2026-11-28T10:00:00Z", environment: credentials)
        let weekend = try #require(stage.serviceNow.incidents.last)
        #expect(stage.serviceNow.incidents.count == 2)
        #expect(weekend["category"] == "software")
        #expect(weekend["urgency"] == "1")  // nonWorkingHoursAttributes
        #expect(weekend["assignment_group"] == "Service Desk On Call")
    }
}
