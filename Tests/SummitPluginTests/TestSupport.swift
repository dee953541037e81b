import ConnectorKit
import ConnectorTesting
import Foundation
import Testing

@testable import SummitPlugin

/// A transport answering `answers` in order, then 599 to anything more (so a test sees an unplanned request fail).
func stubTransport(_ answers: [HTTPResponse]) -> ScriptedTransport {
    ScriptedTransport(answers.map { .response($0) }, then: .response(HTTPResponse(status: 599, body: Data("no canned answer left".utf8))))
}

/// A transport whose first request fails without an answer.
func stubTransport(failing error: TransportError) -> ScriptedTransport { ScriptedTransport([.failure(error)]) }

/// An HTTP 200 with a JSON body.
func answer(_ json: JSONValue, status: Int = 200) -> HTTPResponse {
    HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: json.data())
}

func answer(text: String, status: Int = 200) -> HTTPResponse {
    HTTPResponse(status: status, body: Data(text.utf8))
}

/// The details answer for one incident in the shape Summit returns.
func detailsAnswer(number: Int, status: String, subject: String = "OpCon job PAYROLL01 failed (schedule NIGHTLY)") -> HTTPResponse {
    answer([
        "Errors": "", "Message": "", "OrgID": 1,
        "OutputObject": [
            "IncidentDetails": [
                "TicketDetails": [
                    [
                        "Ticket_ID": 31844, "Ticket_No": .string(String(number)), "Status": .string(status), "Subject": .string(subject),
                        "WG_Name": "DevOps", "Updated_Time": "2024-09-21 07:30:00", "Assigned_Engineer_Name": .null,
                    ]
                ],
                "ChangeHistory": [], "CustomAttributes": [],
            ]
        ],
    ])
}

let testKey = "k3y-Secret-9931"

/// The SMA §6.2 sample as a Summit template (hosts replaced, rules as booleans).
func sampleRaw(rules: JSONValue? = nil, extra: [String: JSONValue] = [:]) -> JSONValue {
    var raw: [String: JSONValue] = [
        "ticketDescription":
            "OpCon Task Failure ( date @EV_Date schedule @EV_Schedule job @EV_Job server @EV_Agent error code @EV_errorcode )",
        "ticketInformation": "Failure of @ev_job reported by OpCon",
        "address": ["name": "production", "value": "summit.example.com"],
        "viewAddress": ["name": "view-address", "value": "itsm.example.com"],
        "rules": rules ?? [
            "includeJobLogAttachment": true, "includeTagRouting": true, "includeCategoryNameTag": true,
            "includeWorkGroupNameTag": true, "submitSingleIncidentPerDay": false, "includeAssignToTag": true,
        ],
        "credentials": ["apiKey": "env:SUMMIT_API_KEY"],
        "urls": [
            ["name": "incident", "value": "api_integration/REST/Summit_RESTWCF.svc/RESTService/CommonWS_JsonObjCall_JSON"],
            ["name": "attachment", "value": "api_integration/REST/Summit_RESTWCF.svc/RESTService/Summit_UploadAttachmentBase64Encoded"],
            ["name": "viewIncident", "value": "https://{0}/MDLIncidentMgmt/IM_TicketDetail.aspx?ID={1}"],
        ],
        "attributes": [["name": "Impact_Name", "value": "Low"]],
        "customAttributes": [
            ["groupName": "Other Details", "name": "Job Name", "value": "@EV_Job"],
            ["groupName": "Other Details", "name": "Abend", "value": "Yes"],
        ],
        "tags": [
            ["indicator": "EXIT", "indicatorValue": "NOTICKET", "attribute": "", "value": ""],
            ["indicator": "ASSIGNTO", "indicatorValue": "ASSIGNTO", "attribute": "Assigned_Engineer_Email", "value": "@example.com"],
            ["indicator": "DEFAULT", "indicatorValue": "DEFAULT", "attribute": "Assigned_WorkGroup_Name", "value": "DevOps"],
        ],
    ]
    for (key, value) in extra { raw[key] = value }
    return .object(raw)
}

/// Builds a `Template` the way ConnectorKit's loader fills the shared parts.
func makeTemplate(_ raw: JSONValue, name: String = "summit.json", path: String = "") -> Template {
    var template = Template(name: name, path: path, raw: raw, backendID: "summit")
    template.address = raw["address"]?["value"]?.stringValue
    for (key, value) in raw["rules"]?.objectValue ?? [:] {
        if case .bool(let flag) = value { template.rules[key.lowercased()] = flag }
    }
    for entry in raw["urls"]?.arrayValue ?? [] {
        if let name = entry["name"]?.stringValue, let value = entry["value"]?.stringValue { template.urls[name.lowercased()] = value }
    }
    template.tags = (raw["tags"]?.arrayValue ?? []).compactMap { entry in
        guard let indicator = entry["indicator"]?.stringValue else { return nil }
        return TagRule(
            indicator: indicator.uppercased(), indicatorValue: entry["indicatorValue"]?.scalarText ?? "",
            attribute: entry["attribute"]?.scalarText ?? "", value: entry["value"]?.scalarText ?? "")
    }
    template.variables = raw["variables"]?.objectValue ?? [:]
    return template
}

/// A `Connector.config` with the daily start hour the sample template's rules may need.
func makeConfig(defaults: [TicketField] = [], dailyStartHour: Int? = 7) -> ConnectorConfig {
    var config = ConnectorConfig()
    config.general.dailyStartHour = dailyStartHour
    config.defaults = defaults
    return config
}

/// What the framework hands the plugin's factory: `SUMMIT_API_KEY` set to `testKey`, retries that do not sleep.
func makeEnvironment(
    _ template: Template, transport: any ClientTransport, config: ConnectorConfig = makeConfig(),
    variables: [String: String] = ["SUMMIT_API_KEY": testKey], masker: SecretMasker = SecretMasker(),
    logger: Logger? = nil, capture: WriteCapture? = nil
) -> BackendEnvironment {
    // The run's retries, as the stack has them, without the waits.
    let http = HTTPClient(transport: transport, middlewares: [RetryMiddleware(deadline: Deadline(seconds: 60), sleep: { _ in })])
    return BackendEnvironment(
        http: capture.map { http.adding($0) } ?? http, secrets: SecretResolver(masker: masker, environment: variables),
        logger: logger ?? Logger(masker: masker), config: config, template: template, pause: { _ in })
}

/// The plugin's reading of a template (the Summit part only; `TemplateLoader` adds the shared checks).
func makeSetup(_ raw: JSONValue = sampleRaw(), config: ConnectorConfig = makeConfig()) -> BackendSetup {
    SummitPlugin.plugin.configure(makeTemplate(raw), config)
}

/// The backend as the executable makes it: the plugin reads the template, the factory resolves the key.
func makeBackend(
    _ raw: JSONValue = sampleRaw(), transport: any ClientTransport, config: ConnectorConfig = makeConfig(),
    masker: SecretMasker = SecretMasker(), capture: WriteCapture? = nil
) throws -> any TicketBackend {
    let template = makeTemplate(raw)
    return try SummitPlugin.plugin.configure(template, config)
        .make(makeEnvironment(template, transport: transport, config: config, masker: masker, capture: capture))
}

/// The settings `SummitSettings.read` makes of a template that has no errors.
func makeSettings(_ raw: JSONValue = sampleRaw(), config: ConnectorConfig = makeConfig()) throws -> SummitSettings {
    try #require(SummitSettings.read(makeTemplate(raw), config: config).0)
}

/// Finds a job's ticket the way the engine does (ConnectorKit's `TicketFinder`).
func findTicket(_ backend: any TicketBackend, recordedID: String?, raw: JSONValue = sampleRaw()) async throws -> ExistingTicket? {
    try await TicketFinder(backend: backend, rules: DecisionRules(template: makeTemplate(raw)), logger: .silent, service: "Symphony Summit")
        .find(recordedID: recordedID, draft: makeDraft())
}

let failedAt = Date(timeIntervalSince1970: 1_726_902_000)  // 2024-09-21 07:00 UTC

func makeDraft(fields: [TicketField] = [], previous: TicketReference? = nil) -> TicketDraft {
    let event = FailureEvent(
        agent: "WIN01", schedule: "NIGHTLY", job: "PAYROLL01", termination: "0000000005", scheduleDate: "2024-09-21",
        scheduleID: 12, scheduleInstance: 1, template: "summit.json", failedAt: failedAt)
    let job = DailyJob(raw: ["id": "20240921|12|1|PAYROLL01", "uid": 881, "jobNumber": 4711, "tags": ["WRKGRP_Batch"]])
    return TicketDraft(
        event: event, job: job, fields: fields, previousTicket: previous, correlationID: "",
        timeZone: TimeZone(identifier: "UTC")!)
}

func existing(_ number: String, status: TicketStatus, raw: String) -> ExistingTicket {
    ExistingTicket(
        reference: TicketReference(
            recordedID: number, number: number, url: "https://itsm.example.com/MDLIncidentMgmt/IM_TicketDetail.aspx?ID=\(number)"),
        status: status, rawState: raw)
}

/// The expected `_ProxyDetails` for `testKey`.
let expectedProxy: JSONValue = [
    "AuthType": "APIKEY", "APIKey": .string(testKey), "ProxyID": 0, "ReturnType": "JSON", "OrgID": 1, "TokenID": "",
]
