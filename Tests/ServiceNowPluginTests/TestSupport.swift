import ConnectorKit
import ConnectorTesting
import Foundation
import Testing

@testable import ServiceNowPlugin

enum Fixture {
    static let sysID = "9d385017c611228701d22104cc95c371"
    static let otherSysID = "67ed05f9db5e00101e349b81ca961951"
    static let correlationID = "opcon.example:9010,20240921|123|1|PAYROLL 01"
    static let user = "svc_opcon"
    static let password = "S3cret-Passw0rd"

    /// A full SMA-format ServiceNow template; `rules` and `extra` members override or extend it.
    static func templateJSON(rules: [String: Bool] = [:], extra: String = "", address: String = "https://acme.service-now.com") -> String {
        var allRules: [String: Bool] = ["includeJobLogAttachment": true, "includeCorrelationId": true, "allowTicketReopen": true]
        allRules.merge(rules) { _, new in new }
        let rulesText = allRules.keys.sorted().map { "\"\($0)\": \(allRules[$0]!)" }.joined(separator: ", ")
        return """
            {
              "address": { "name": "production", "value": "\(address)" },
              "rules": { \(rulesText) },
              "credentials": { "user": "env:SNOW_USER", "password": "env:SNOW_PASSWORD" },
              "urls": [
                { "name": "incident", "value": "api/now/table/incident" },
                { "name": "getincident", "value": "api/now/table/incident" },
                { "name": "attachment", "value": "api/now/attachment/file" }
              ],
              "attributes": [
                { "name": "short_description", "value": "OpCon Task Failure (schedule {0} job {1} server {2} error code {3})" },
                { "name": "description", "value": "Schedule ({0}) job ({1}) server ({2}) error code ({3}) date ({4}) JOBID={5}" },
                { "name": "correlation_id", "value": "" },
                { "name": "state", "value": "" }
              ],
              "parseNotations": [
                { "name": "getincidentnumber", "attribute": "number", "notation": "result.[0].number" },
                { "name": "getincidentsysid", "attribute": "sys_id", "notation": "result.[0].sys_id" },
                { "name": "getincidentstate", "attribute": "state", "notation": "result.[0].state" },
                { "name": "incidentnumber", "attribute": "number", "notation": "result.number" },
                { "name": "incidentsysid", "attribute": "sys_id", "notation": "result.sys_id" }
              ]\(extra.isEmpty ? "" : ",\n" + extra)
            }
            """
    }

    /// Loads template text through the real loader (with this plugin registered), from a fresh temporary folder.
    static func load(_ json: String, name: String = "servicenow.json") throws -> LoadedTemplate {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("snow-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(json.utf8).write(to: folder.appendingPathComponent(name))
        let loader = TemplateLoader(registry: BackendRegistry([ServiceNowPlugin.plugin]), directory: folder.path)
        return try loader.load(name, config: ConnectorConfig())
    }

    static func settings(
        rules: [String: Bool] = [:], extra: String = "", address: String = "https://acme.service-now.com"
    ) throws -> ServiceNowTemplateSettings {
        try ServiceNowTemplateSettings(template: load(templateJSON(rules: rules, extra: extra, address: address)).template)
    }

    /// A backend talking to `transport` with resolved credentials; waits are recorded in `pauses` and move `clock`,
    /// on which the run's deadline of `deadlineSeconds` is measured.
    static func backend(
        _ transport: ScriptedTransport, settings: ServiceNowTemplateSettings, pauses: Recorder<[Double]> = Recorder(),
        logger: Logger = .silent, masker: SecretMasker = SecretMasker(), clock: ManualClock = ManualClock(),
        deadlineSeconds: Double = 120
    ) -> ServiceNowBackend {
        // The run's retries, as the stack has them, with waits that are recorded and move the clock, and no jitter.
        let deadline = Deadline(seconds: deadlineSeconds, clock: clock.now)
        let sleep: RetryMiddleware.Sleep = {
            pauses.record($0)
            clock.advance($0)
        }
        let retries = RetryMiddleware(deadline: deadline, sleep: sleep, random: { $0 })
        let environment = BackendEnvironment(
            http: HTTPClient(transport: transport, middlewares: [retries]), secrets: SecretResolver(masker: masker, environment: [:]),
            logger: logger, config: ConnectorConfig(),
            template: Template(name: "servicenow.json", path: "/templates/servicenow.json", raw: [:], backendID: "servicenow"),
            deadline: deadline,
            pause: {
                pauses.record($0)
                clock.advance($0)
            })
        return ServiceNowBackend(settings: settings, user: user, password: password, environment: environment)
    }

    /// The ticket the engine's finder settles on for a job that records `recordedID` (nil: none recorded).
    static func find(
        _ backend: ServiceNowBackend, recordedID: String?, draft: TicketDraft, rules: DecisionRules = DecisionRules(),
        logger: Logger = .silent
    ) async throws -> ExistingTicket? {
        try await TicketFinder(backend: backend, rules: rules, logger: logger, service: "ServiceNow").find(
            recordedID: recordedID, draft: draft)
    }

    static let failedAt = Date(timeIntervalSince1970: 1_726_902_780)  // 2024-09-21 07:13 UTC, a Saturday

    static func draft(
        fields: [TicketField]? = nil, previous: TicketReference? = nil, correlationID: String = correlationID,
        documentation: String? = nil
    ) -> TicketDraft {
        let event = FailureEvent(
            agent: "WIN01", schedule: "NIGHTLY", job: "PAYROLL 01", termination: "Exit Code 2",
            scheduleDate: "2024-09-21", scheduleID: 123, scheduleInstance: 1,
            template: "servicenow.json", failedAt: failedAt)
        var raw: JSONValue = ["id": "20240921|123|1|PAYROLL 01", "uid": 42, "jobNumber": 4711, "uniqueJobId": "U-4711"]
        if let documentation { raw = raw.setting("documentation", to: ["job": .string(documentation)]) }
        let defaultFields = [
            TicketField(
                name: "short_description", value: "OpCon Task Failure (schedule NIGHTLY job PAYROLL 01 server WIN01 error code Exit Code 2)"
            ),
            TicketField(
                name: "description",
                value: "Schedule (NIGHTLY) job (PAYROLL 01) server (WIN01) error code (Exit Code 2) date (21-09-2024 07:13) JOBID=U-4711"),
            TicketField(name: "correlation_id", value: ""),
            TicketField(name: "state", value: ""),
            TicketField(name: "urgency", value: "2"),
        ]
        return TicketDraft(
            event: event, job: DailyJob(raw: raw), fields: fields ?? defaultFields, previousTicket: previous,
            correlationID: correlationID, timeZone: TimeZone(identifier: "UTC")!)
    }

    static func reference(number: String = "INC0010042", sysID: String = sysID) -> TicketReference {
        TicketReference(
            recordedID: "\(number)/\(sysID)", number: number,
            url: "https://acme.service-now.com/nav_to.do?uri=incident.do?sys_id=\(sysID)", internalID: sysID)
    }

    static func existing(_ status: TicketStatus, state: String, number: String = "INC0010042", sysID: String = sysID) -> ExistingTicket {
        ExistingTicket(reference: reference(number: number, sysID: sysID), status: status, rawState: state)
    }

    /// The answer to a create.
    static func created(number: String = "INC0010042", sysID: String = sysID) -> ScriptedTransport.Answer {
        .json(201, #"{"result":{"sys_id":"\#(sysID)","number":"\#(number)","state":"1"}}"#)
    }

    /// The answer to a query with these incidents (number, sys_id, state).
    static func list(_ rows: [(String, String, String)]) -> ScriptedTransport.Answer {
        let items = rows.map { #"{"number":"\#($0.0)","sys_id":"\#($0.1)","state":"\#($0.2)","active":"true"}"# }
        return .json(200, #"{"result":[\#(items.joined(separator: ","))]}"#)
    }
}
