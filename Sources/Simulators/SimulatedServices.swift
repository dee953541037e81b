import ConnectorKit
import Foundation

/// A daily job the simulated OpCon holds for demonstrations, with what Notification Manager would pass.
public struct DemoJob: Sendable, Equatable {
    /// `yyyyMMdd|scheduleID|instance|job`.
    public var id: String
    /// `yyyy-MM-dd`.
    public var date: String
    public var scheduleID: Int
    public var instance: Int
    public var schedule: String
    public var job: String
    public var agent: String
    public var termination: String
    public var tags: [String]
}

/// OpCon, ServiceNow, Summit and Jira simulators started together on 127.0.0.1, the ServiceNow business
/// rules pointed at the OpCon simulator, demo jobs seeded, and a matching Connector.config and
/// templates rendered. Used by `connector simulate`, `connector demo` and the tests.
public final class SimulatedServices: Sendable {
    public let opcon: OpConSimulator
    public let serviceNow: ServiceNowSimulator
    public let summit: SummitSimulator
    public let jira: JiraSimulator
    private let seeded = Locked<[DemoJob]>([])

    public init(
        opcon: OpConSimulator = OpConSimulator(), serviceNow: ServiceNowSimulator = ServiceNowSimulator(),
        summit: SummitSimulator = SummitSimulator(), jira: JiraSimulator = JiraSimulator()
    ) {
        self.opcon = opcon
        self.serviceNow = serviceNow
        self.summit = summit
        self.jira = jira
        // The business rules call OpCon with the token stored in the SMA application's REST message.
        serviceNow.settings.opconToken = opcon.token
    }

    /// Starts the four services: on free ports, or on `basePort` ... `basePort + 3` (OpCon, ServiceNow,
    /// Summit, Jira). Seeds the demo jobs for today unless `seedDemoJobs` is false.
    public func start(basePort: Int? = nil, seedDemoJobs: Bool = true) throws {
        do {
            try opcon.start(port: basePort ?? 0)
            try serviceNow.start(port: basePort.map { $0 + 1 } ?? 0)
            try summit.start(port: basePort.map { $0 + 2 } ?? 0)
            try jira.start(port: basePort.map { $0 + 3 } ?? 0)
        } catch {
            stop()
            throw error
        }
        if seedDemoJobs && seeded.current.isEmpty { self.seedDemoJobs() }
    }

    /// Stops all four services.
    public func stop() {
        opcon.stop()
        serviceNow.stop()
        summit.stop()
        jira.stop()
    }

    /// The demo jobs seeded so far.
    public var demoJobs: [DemoJob] { seeded.current }

    /// Adds three failed jobs on `date`: one with job output and routing tags, one with Summit prefix
    /// tags, and one carrying the `NOTICKET` exit tag.
    @discardableResult
    public func seedDemoJobs(on date: Date = Date()) -> [DemoJob] {
        let day = OpConDates.dashed(SimTime.compactDay(date))
        let jobs = [
            DemoJob(
                id: "", date: day, scheduleID: 16, instance: 1, schedule: "FINANCE", job: "NIGHTLY_GL_LOAD",
                agent: "FINAPP01", termination: "Exit Code 2", tags: ["APP-GL", "ROUTE1"]),
            DemoJob(
                id: "", date: day, scheduleID: 23, instance: 1, schedule: "PAYROLL", job: "PAYROLL01",
                agent: "WIN01", termination: "Exit Code 1", tags: ["WRKGRP_Payroll", "CATNAME_Batch"]),
            DemoJob(
                id: "", date: day, scheduleID: 31, instance: 1, schedule: "REPORTS", job: "DAILY_REPORT",
                agent: "RPT01", termination: "Exit Code 4", tags: ["NOTICKET"]),
        ].map { demo -> DemoJob in
            var demo = demo
            demo.id = opcon.addJob(
                date: demo.date, scheduleID: demo.scheduleID, instance: demo.instance, schedule: demo.schedule, job: demo.job,
                agent: demo.agent, tags: demo.tags, documentation: "On failure: call the \(demo.schedule) on-call engineer.",
                termination: demo.termination,
                logFiles: ["\(demo.job).log": "Starting \(demo.job)...\r\nERROR: \(demo.termination)\r\nJob ended abnormally.\r\n"])
            return demo
        }
        seeded.withLock { $0 += jobs }
        return jobs
    }

    // MARK: Files for the connector

    /// A `Connector.config` (SMA INI format) pointing at the simulated OpCon; the token is written in the
    /// SMA encoded form so the connector does not warn about a plain-text secret.
    public func connectorConfig(
        templatesDirectory: String = "templates", jobLogDirectory: String = "joblogs",
        dailyStartHour: Int = 7
    ) -> String {
        let port = opcon.port ?? 0
        return """
            ; Connector.config for the simulated services (connector simulate / connector demo).
            [GENERAL]
            LOG_FILES_DIRECTORY=\(jobLogDirectory)
            TEMPLATES_DIRECTORY=\(templatesDirectory)
            DAILY_START_HOUR=\(SimTime.pad(dailyStartHour))
            DEBUG=OFF

            [OPCON API CONNECTION]
            SERVER=127.0.0.1
            PORT=\(port)
            USES_TLS=False
            TOKEN=\(SMAEncoding.encode(opcon.token))
            RET_SERVER=127.0.0.1
            RET_PORT=\(port)

            [DEFAULTS]
            PRIORITY_NAME_VALUE=P3
            IMPACT_NAME_VALUE=Medium
            URGENCY_NAME_VALUE=Medium
            SUP_FUNCTION_VALUE=IT
            MEDIUM_VALUE=Web
            CLASSIFICATION_NAME_VALUE=Application Support
            SOURCE_VALUE=Event Trigger
            CATEGORY_NAME_VALUE=Batch
            ASSIGNED_WORK_GROUP_NAME_VALUE=DevOps

            """
    }

    /// An SMA-format ServiceNow template for the simulated instance; `rules` overrides single rules.
    public func serviceNowTemplate(rules overrides: [String: Bool] = [:]) -> String {
        var rules: [String: Bool] = [
            "includeJobLogAttachment": true, "includeTagRouting": true, "includeCorrelationId": true,
            "applicationIdRetrievalFromCmdb": false, "allowTicketReopen": true, "extractAppIdFromScheduleName": false,
            "extractAppIdFromTagName": false, "extractXmlContentFromJobDescription": false,
            "routingByDocumentationContent": false, "alwaysCreateNewTicket": false,
        ]
        rules.merge(overrides) { _, new in new }
        let settings = serviceNow.settings
        let template: JSONValue = [
            "address": ["name": "simulator", "value": .string(serviceNow.baseURL)],
            "rules": .object(rules.mapValues(JSONValue.bool)),
            "credentials": [
                "user": .string(SMAEncoding.encode(settings.user)), "password": .string(SMAEncoding.encode(settings.password)),
            ],
            "urls": [
                ["name": "incident", "value": "api/now/table/incident"],
                ["name": "getincident", "value": "api/now/table/incident"],
                ["name": "attachment", "value": "api/now/attachment/file"],
            ],
            "tags": [
                ["indicator": "TAG_END", "indicatorValue": "ROUTE1", "attribute": "category", "value": "software"],
                ["indicator": "DEFAULT", "indicatorValue": "DEFAULT", "attribute": "category", "value": "inquiry"],
            ],
            "attributes": [
                ["name": "short_description", "value": "OpCon Task Failure (schedule {0} job {1} server {2} error code {3})"],
                [
                    "name": "description",
                    "value":
                        "Technical data of the OpCon batch (schedule ({0}) job ({1}) server ({2}) error code ({3}) date ({4}) JOBID={5})",
                ],
                ["name": "correlation_id", "value": ""],
                ["name": "correlation_display", "value": "SMA_OPCON"],
                ["name": "urgency", "value": "2"],
                ["name": "impact", "value": "2"],
            ],
            "workingHoursAttributes": [],
            "nonWorkingHoursAttributes": [],
            "parseNotations": [
                ["name": "getincidentnumber", "attribute": "number", "notation": "result.[0].number"],
                ["name": "getincidentsysid", "attribute": "sys_id", "notation": "result.[0].sys_id"],
                ["name": "getincidentstate", "attribute": "state", "notation": "result.[0].state"],
                ["name": "incidentnumber", "attribute": "number", "notation": "result.number"],
                ["name": "incidentsysid", "attribute": "sys_id", "notation": "result.sys_id"],
            ],
            "variables": ["incidentReopenState": 2],
        ]
        return template.serialized(pretty: true) + "\n"
    }

    /// An SMA-format Summit template for the simulated instance; `rules` overrides single rules.
    public func summitTemplate(rules overrides: [String: Bool] = [:]) -> String {
        var rules: [String: Bool] = [
            "includeJobLogAttachment": true, "includeTagRouting": false, "includeCategoryNameTag": true,
            "includeWorkGroupNameTag": true, "submitSingleIncidentPerDay": false, "includeAssignToTag": false,
        ]
        rules.merge(overrides) { _, new in new }
        let hostAndPort = String(summit.baseURL.dropFirst("http://".count))
        let template: JSONValue = [
            "ticketDescription":
                "OpCon Task Failure ( date @EV_Date schedule @EV_Schedule job @EV_Job server @EV_Agent error code @EV_errorcode )",
            "ticketInformation": "Job @EV_Job of schedule @EV_Schedule failed on @EV_Agent with @EV_errorcode.",
            "address": ["name": "simulator", "value": .string(summit.baseURL)],
            "viewAddress": ["name": "view-address", "value": .string(hostAndPort)],
            "rules": .object(rules.mapValues(JSONValue.bool)),
            "credentials": ["apiKey": .string(SMAEncoding.encode(summit.settings.apiKey))],
            "urls": [
                ["name": "incident", "value": "api_integration/REST/Summit_RESTWCF.svc/RESTService/CommonWS_JsonObjCall_JSON"],
                [
                    "name": "attachment",
                    "value": "api_integration/REST/Summit_RESTWCF.svc/RESTService/Summit_UploadAttachmentBase64Encoded",
                ],
                // The simulator serves plain http, so the view link does too.
                ["name": "viewIncident", "value": "http://{0}/MDLIncidentMgmt/IM_TicketDetail.aspx?ID={1}"],
            ],
            "attributes": [["name": "Impact_Name", "value": "Medium"], ["name": "Urgency_Name", "value": "High"]],
            "workingHoursAttributes": [],
            "nonWorkingHoursAttributes": [],
            "customAttributes": [["groupName": "Other Details", "name": "Job Name", "value": "@EV_Job"]],
            "tags": [["indicator": "EXIT", "indicatorValue": "NOTICKET", "attribute": "", "value": ""]],
        ]
        return template.serialized(pretty: true) + "\n"
    }

    /// A Jira template (SPEC §6.4) for the simulated site: Cloud (API 3, basic auth with the e-mail and API token)
    /// or, when the simulator plays Data Center, API 2 with the personal access token alone. With `serviceDesk`
    /// the issues are created through the JSM request API of the simulator's first service desk.
    public func jiraTemplate(serviceDesk: Bool = false, rules overrides: [String: Bool] = [:]) -> String {
        var rules: [String: Bool] = ["includeJobLogAttachment": true, "allowTicketReopen": true, "alwaysCreateNewTicket": false]
        rules.merge(overrides) { _, new in new }
        let settings = jira.settings
        let cloud = settings.deployment == .cloud
        let credentials: JSONValue =
            cloud
            ? ["user": .string(SMAEncoding.encode(settings.email)), "token": .string(SMAEncoding.encode(settings.apiToken))]
            : ["token": .string(SMAEncoding.encode(settings.personalAccessToken))]
        var variables: [String: JSONValue] = [
            "projectKey": .string(settings.projects.first?.key ?? "OPS"), "issueType": "Incident", "apiVersion": .int(cloud ? 3 : 2),
            "cancelledNames": ["Canceled", "Cancelled", "Won't Do"],
        ]
        if serviceDesk, let desk = settings.serviceDesks.first, let type = desk.requestTypes.first {
            variables["serviceDeskId"] = .string(desk.id)
            variables["requestTypeId"] = .string(type.id)
        }
        let template: JSONValue = [
            "connector": "jira",
            "address": ["name": "simulator", "value": .string(jira.baseURL)],
            "rules": .object(rules.mapValues(JSONValue.bool)),
            "credentials": credentials,
            "attributes": [
                ["name": "summary", "value": "OpCon Task Failure (schedule {0} job {1} server {2} error code {3})"],
                [
                    "name": "description",
                    "value":
                        "Technical data of the OpCon batch (schedule ({0}) job ({1}) server ({2}) error code ({3}) date ({4}) JOBID={5})",
                ],
                ["name": "priority", "value": "High"],
                ["name": "labels", "value": "opcon"],
                ["name": "components", "value": "Batch"],
            ],
            "workingHoursAttributes": [],
            "nonWorkingHoursAttributes": [],
            "variables": .object(variables),
        ]
        return template.serialized(pretty: true) + "\n"
    }
}
