import ConnectorKit
import ConnectorTesting
import Foundation
import Testing

@testable import ServiceNowPlugin

@Suite("Wire format of every write")
struct WireFormatTests {
    @Test func createPostsEveryFieldAsAStringWithTheCorrelationPair() async throws {
        let transport = ScriptedTransport([Fixture.created()])
        let backend = Fixture.backend(transport, settings: try Fixture.settings())

        let ticket = try await backend.create(Fixture.draft())

        let request = try #require(transport.requests.first)
        #expect(transport.requests.count == 1)
        #expect(request.method == .post)
        #expect(request.url.absoluteString == "https://acme.service-now.com/api/now/table/incident")
        #expect(request.header("Accept") == "application/json")
        #expect(request.header("Content-Type") == "application/json; charset=utf-8")
        #expect(
            request.jsonBody == [
                "short_description": "OpCon Task Failure (schedule NIGHTLY job PAYROLL 01 server WIN01 error code Exit Code 2)",
                "description":
                    "Schedule (NIGHTLY) job (PAYROLL 01) server (WIN01) error code (Exit Code 2) date (21-09-2024 07:13) JOBID=U-4711",
                "urgency": "2",
                "correlation_display": "SMA_OPCON",
                "correlation_id": "opcon.example:9010,20240921|123|1|PAYROLL 01",
            ])
        #expect(ticket == Fixture.reference())
        #expect(ticket.recordedID == "INC0010042/\(Fixture.sysID)")
        #expect(ticket.url == "https://acme.service-now.com/nav_to.do?uri=incident.do?sys_id=\(Fixture.sysID)")
    }

    @Test func basicAuthCarriesTheCredentialsAndIsMasked() async throws {
        let transport = ScriptedTransport([Fixture.created()])
        let masker = SecretMasker()
        let backend = Fixture.backend(transport, settings: try Fixture.settings(), masker: masker)
        _ = try await backend.create(Fixture.draft())

        let header = try #require(transport.requests.first?.header("Authorization"))
        let expected = "Basic " + Data("\(Fixture.user):\(Fixture.password)".utf8).base64EncodedString()
        #expect(header == expected)
        #expect(masker.mask("Authorization: \(header)") == "Authorization: Basic ****")
    }

    @Test func theAuthorizationHeaderIsAddedBelowTheSharedMiddlewares() async throws {
        // Stands for the shared retry and debug-logging middlewares: they must never see the credentials.
        struct Peek: ClientMiddleware {
            let seen: Recorder<[Bool]>
            func intercept(_ request: HTTPRequest, next: @Sendable (HTTPRequest) async throws -> HTTPResponse) async throws -> HTTPResponse
            {
                seen.record(request.header("Authorization") != nil)
                return try await next(request)
            }
        }
        let seen = Recorder<[Bool]>()
        let transport = ScriptedTransport([Fixture.created()])
        let environment = BackendEnvironment(
            http: HTTPClient(transport: transport, middlewares: [Peek(seen: seen)]),
            secrets: SecretResolver(masker: SecretMasker(), environment: [:]),
            logger: .silent, config: ConnectorConfig(),
            template: Template(name: "t.json", path: "t.json", raw: [:], backendID: "servicenow"))
        let backend = ServiceNowBackend(
            settings: try Fixture.settings(), user: Fixture.user, password: Fixture.password, environment: environment)
        _ = try await backend.create(Fixture.draft())
        #expect(seen.current == [false])
        #expect(transport.requests.first?.header("Authorization")?.hasPrefix("Basic ") == true)
    }

    @Test func withoutCorrelationTheCorrelationPairIsNotSentAndEmptyConnectorFieldsAreDropped() async throws {
        let transport = ScriptedTransport([Fixture.created()])
        let backend = Fixture.backend(transport, settings: try Fixture.settings(rules: ["includeCorrelationId": false]))
        _ = try await backend.create(Fixture.draft())

        let body = try #require(transport.requests.first?.jsonBody?.objectValue)
        #expect(body["correlation_id"] == nil)
        #expect(body["correlation_display"] == nil)
        #expect(body["state"] == nil)
        #expect(body["urgency"] == "2")
    }

    @Test func aReplacementNamesThePreviousTicketInItsDescription() async throws {
        let previous = Fixture.reference(number: "INC0010024", sysID: Fixture.otherSysID)
        let transport = ScriptedTransport([Fixture.list([("INC0010024", Fixture.otherSysID, "7")]), Fixture.created()])
        let backend = Fixture.backend(transport, settings: try Fixture.settings())
        _ = try await backend.create(Fixture.draft(previous: previous))

        let post = try #require(transport.requests.last)
        let description = post.jsonBody?["description"]?.stringValue
        #expect(
            description
                == "Schedule (NIGHTLY) job (PAYROLL 01) server (WIN01) error code (Exit Code 2) date (21-09-2024 07:13) JOBID=U-4711\nPrevious Ticket Number (INC0010024)"
        )
    }

    @Test func updateWritesTheNewFailureIntoTheDescriptionWithoutAStateChange() async throws {
        let transport = ScriptedTransport([.json(200, #"{"result":{"sys_id":"\#(Fixture.sysID)","state":"2"}}"#)])
        let backend = Fixture.backend(transport, settings: try Fixture.settings())
        try await backend.update(Fixture.existing(.inProgress, state: "2"), with: Fixture.draft(), reopening: false)

        let request = try #require(transport.requests.first)
        #expect(request.method == .put)
        #expect(request.url.absoluteString == "https://acme.service-now.com/api/now/table/incident/\(Fixture.sysID)")
        #expect(
            request.jsonBody == [
                "description":
                    "Schedule (NIGHTLY) job (PAYROLL 01) server (WIN01) error code (Exit Code 2) date (21-09-2024 07:13) JOBID=U-4711"
            ])
    }

    @Test(arguments: [(nil, "2"), ("1", "1"), ("2", "2")] as [(String?, String)])
    func reopenSetsTheReopenStateAndAddsAWorkNote(variable: String?, expected: String) async throws {
        let extra = variable.map { #""variables": { "incidentReopenState": \#($0) }"# } ?? ""
        let transport = ScriptedTransport([.json(200, #"{"result":{"sys_id":"\#(Fixture.sysID)","state":"\#(expected)"}}"#)])
        let backend = Fixture.backend(transport, settings: try Fixture.settings(extra: extra))
        let draft = Fixture.draft()
        try await backend.update(Fixture.existing(.resolved, state: "6"), with: draft, reopening: true)

        let request = try #require(transport.requests.first)
        #expect(request.method == .put)
        #expect(request.url.path == "/api/now/table/incident/\(Fixture.sysID)")
        #expect(request.jsonBody == ["state": .string(expected), "work_notes": .string(draft.failureLine)])
    }

    @Test func attachSendsTheRawBytesAsPlainTextWithAnEncodedFileName() async throws {
        let transport = ScriptedTransport([
            .json(201, #"{"result":{"sys_id":"6ea10fe64f411200adf9f8e18110c739","file_name":"PAYROLL 01|log.txt"}}"#)
        ])
        let backend = Fixture.backend(transport, settings: try Fixture.settings())
        let bytes = Data("line 1\nline 2 ü\n".utf8)
        try await backend.attach(JobLogFile(name: "PAYROLL 01|log.txt", data: bytes), to: Fixture.reference())

        let request = try #require(transport.requests.first)
        #expect(request.method == .post)
        #expect(
            request.url.absoluteString
                == "https://acme.service-now.com/api/now/attachment/file?table_name=incident&table_sys_id=\(Fixture.sysID)&file_name=PAYROLL%2001%7Clog.txt"
        )
        #expect(request.header("Content-Type") == "text/plain")
        #expect(request.header("Accept") == "application/json")
        #expect(request.streamedBody != nil, "a job log is streamed from where it is kept, not copied into memory")
        #expect(try request.bodyBytes() == bytes)
    }

    @Test func aFileWithoutANameIsAttachedAsJoblogTxt() async throws {
        let transport = ScriptedTransport([.json(201, #"{"result":{"sys_id":"6ea10fe64f411200adf9f8e18110c739"}}"#)])
        let backend = Fixture.backend(transport, settings: try Fixture.settings())
        try await backend.attach(JobLogFile(name: "", data: Data("x".utf8)), to: Fixture.reference())
        #expect(transport.requests.first?.url.query?.hasSuffix("file_name=joblog.txt") == true)
    }

    @Test func aFullBaseURLAddressIsUsedAsGiven() async throws {
        let transport = ScriptedTransport([Fixture.created()])
        let backend = Fixture.backend(transport, settings: try Fixture.settings(address: "http://127.0.0.1:8443/"))
        let ticket = try await backend.create(Fixture.draft())
        #expect(transport.requests.first?.url.absoluteString == "http://127.0.0.1:8443/api/now/table/incident")
        #expect(ticket.url == "http://127.0.0.1:8443/nav_to.do?uri=incident.do?sys_id=\(Fixture.sysID)")
    }

    @Test func previewIsExactlyTheBodyEachWriteSends() async throws {
        let settings = try Fixture.settings()
        let draft = Fixture.draft()
        let previous = Fixture.existing(.closed, state: "7", number: "INC0010024", sysID: Fixture.otherSysID)
        let transport = ScriptedTransport([
            Fixture.created(),
            .json(200, #"{"result":{}}"#),
            .json(200, #"{"result":{}}"#),
            Fixture.list([("INC0010024", Fixture.otherSysID, "7")]), Fixture.created(number: "INC0010043"),
        ])
        let backend = Fixture.backend(transport, settings: settings)
        _ = try await backend.create(draft)
        try await backend.update(Fixture.existing(.new, state: "1"), with: draft, reopening: false)
        try await backend.update(Fixture.existing(.resolved, state: "6"), with: draft, reopening: true)
        var replacing = draft
        replacing.previousTicket = previous.reference
        _ = try await backend.create(replacing)

        let sent = transport.requests.filter { $0.method != .get }.map(\.jsonBody)
        let payloads = IncidentPayloads(settings: settings)
        #expect(sent[0] == payloads.create(draft))
        #expect(sent[1] == payloads.update(draft))
        #expect(sent[2] == payloads.reopen(draft))
        #expect(sent[3] == payloads.create(replacing))
    }

    @Test func documentationInstructionsAreAddedAndRouteTheIncident() async throws {
        let extra = """
            "jobDescriptionXmlTag": { "xmlTag": "snow" },
            "workingHours": { "saturday": { "start": "0600", "stop": "1800" } },
            "documentationRouting": { "routingAttribute": "assignment_group", "workingHoursWithDoc": "Payroll Ops",
              "workingHoursWithoutDoc": "Service Desk", "nonWorkingHoursWithDoc": "On Call", "nonWorkingHoursWithoutDoc": "" }
            """
        let settings = try Fixture.settings(
            rules: ["extractXmlContentFromJobDescription": true, "routingByDocumentationContent": true], extra: extra)
        let payloads = IncidentPayloads(settings: settings)

        let documented = Fixture.draft(documentation: "Runs after GL.\n<snow>Call the payroll team first.</snow>")
        let withDoc = try #require(payloads.create(documented).objectValue)
        #expect(withDoc["assignment_group"] == "Payroll Ops")
        #expect(withDoc["description"]?.stringValue?.hasSuffix("JOBID=U-4711\nCall the payroll team first.") == true)
        #expect(payloads.update(documented)["description"]?.stringValue?.hasSuffix("\nCall the payroll team first.") == true)

        let undocumented = try #require(payloads.create(Fixture.draft()).objectValue)
        #expect(undocumented["assignment_group"] == "Service Desk")
        #expect(undocumented["description"]?.stringValue?.hasSuffix("JOBID=U-4711") == true)
    }
}
