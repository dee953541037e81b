import ConnectorTesting
import Foundation
import Testing

@testable import ConnectorKit

/// Builds an OpCon client over a scripted transport, through the real HTTP stack (retries, deadline).
enum OpConFixture {
    static let token = "0d1f3c2e-8a51-4b7e-9d7a-2f1e6c9b4a10"
    static let base = "https://opcon.test:9010"

    static func config() -> ConnectorConfig {
        var config = ConnectorConfig()
        config.opcon.server = "opcon.test"
        config.opcon.port = 9010
        config.opcon.usesTLS = true
        config.path = "/opt/connector/Connector.config"
        return config
    }

    static func client(
        _ transport: ScriptedTransport, deadline: Deadline = Deadline(seconds: 120),
        sleeper: SleepRecorder = SleepRecorder(), logger: Logger = Logger()
    ) throws -> OpConClient {
        let http = HTTPStack.make(config: config(), deadline: deadline, logger: logger, transport: transport, sleep: sleeper.sleep)
        return try OpConClient(config: config(), token: token, http: http, deadline: deadline, logger: logger, sleep: sleeper.sleep)
    }

    /// `GET /api/...` with the path and query exactly as sent (still percent-encoded).
    static func route(_ request: HTTPRequest) -> String {
        "\(request.method.rawValue) \(request.url.absoluteString.replacingOccurrences(of: base, with: ""))"
    }

    static func job(id: String, name: String, uid: Int = 48213) -> JSONValue {
        [
            "id": .string(id), "uid": .int(uid), "jobNumber": 90412, "name": .string(name),
            "documentation": ["id": 1, "job": "Call GL on-call."], "status": ["description": "Failed", "category": "Failed"],
        ]
    }
}

@Suite("OpCon client: daily jobs and write-back")
struct OpConClientTests {
    @Test("the daily job id is percent-encoded, with / double-encoded, and sent with the token")
    func readsDailyJob() async throws {
        let event = sampleEvent(job: "GL LOAD/EU")
        let transport = ScriptedTransport { _ in .json(200, OpConFixture.job(id: event.dailyJobID, name: event.job)) }
        let job = try await OpConFixture.client(transport).dailyJob(for: event)
        #expect(job.uid == 48213)
        #expect(job.name == "GL LOAD/EU")
        let request = try #require(transport.requests.first)
        #expect(OpConFixture.route(request) == "GET /api/dailyjobs/20261123%7C16%7C1%7CGL%20LOAD%252FEU")
        #expect(request.header("Authorization") == "Token \(OpConFixture.token)")
        #expect(request.header("Accept") == "application/json")
    }

    @Test("path and query encoding leave only unreserved characters literal")
    func encoding() {
        #expect(OpConPath.segment("20240615|16|1|A&B=C+D?#%é") == "20240615%7C16%7C1%7CA%26B%3DC%2BD%3F%23%25%C3%A9")
        #expect(OpConPath.queryValue("Failed,Under Review") == "Failed,Under%20Review")
        #expect(OpConPath.queryValue("a/b+c") == "a%2Fb%2Bc")
        #expect(OpConPath.query([("dates", "2024-06-15"), ("name", "GL LOAD")]) == "dates=2024-06-15&name=GL%20LOAD")
    }

    @Test("a 404 falls back to a search by date, schedule and name, and takes the job with that name")
    func searchFallback() async throws {
        let event = sampleEvent(job: "GL LOAD")
        let transport = ScriptedTransport { request in
            if request.url.query == nil { return .json(404, "[{\"code\":1001,\"message\":\"Daily job not found\"}]") }
            return .json(
                200,
                [
                    OpConFixture.job(id: "20261123|16|1|GL LOAD 2", name: "GL LOAD 2", uid: 1),
                    OpConFixture.job(id: "20261123|16|1|GL LOAD", name: "GL LOAD", uid: 2),
                ])
        }
        let job = try await OpConFixture.client(transport).dailyJob(for: event)
        #expect(job.uid == 2)
        #expect(
            transport.requests.map(OpConFixture.route) == [
                "GET /api/dailyjobs/20261123%7C16%7C1%7CGL%20LOAD",
                "GET /api/dailyjobs?dates=2026-11-23&name=GL%20LOAD&scheduleIds=20261123%7C16%7C1&includeDocumentation=true",
            ])
    }

    @Test("a single-job answer without documentation is completed by the list lookup, which asks for it")
    func documentationAskedFor() async throws {
        let event = sampleEvent(job: "GL LOAD")
        let transport = ScriptedTransport { request in
            var job = OpConFixture.job(id: event.dailyJobID, name: event.job)
            if request.url.query == nil { job = job.removing("documentation") }
            return .json(200, request.url.query == nil ? job : [job])
        }
        let job = try await OpConFixture.client(transport).dailyJob(for: event)
        #expect(job.documentation == "Call GL on-call.")
        #expect(transport.requests.count == 2)
        #expect(transport.requests.last?.url.query?.contains("includeDocumentation=true") == true)

        // When the list does not know the job either, the single-job answer stands.
        let alone = ScriptedTransport { request in
            request.url.query == nil
                ? .json(200, OpConFixture.job(id: event.dailyJobID, name: event.job).removing("documentation")) : .json(200, "[]")
        }
        let found = try await OpConFixture.client(alone).dailyJob(for: event)
        #expect(found.uid == 48213 && found.documentation == nil)
    }

    @Test("the job's status is read from status, or from jobStatus as the API specification names it")
    func statusUnderEitherName() {
        let plain = DailyJob(raw: ["status": ["description": "Failed", "category": "Failed"]])
        let named = DailyJob(raw: ["jobStatus": ["description": "Under Review", "category": "Under Review"]])
        #expect(plain.statusCategory == "Failed")
        #expect(named.statusCategory == "Under Review" && named.statusDescription == "Under Review")
        #expect(DailyJob(raw: ["name": "x"]).statusCategory == nil)
    }

    @Test("a job found by neither lookup is a data error (exit 65)")
    func missingJob() async throws {
        let transport = ScriptedTransport { request in
            request.url.query == nil ? .json(404, "") : .json(200, [OpConFixture.job(id: "x", name: "OTHER JOB")])
        }
        let error = await connectorError { _ = try await OpConFixture.client(transport).dailyJob(for: sampleEvent()) }
        #expect(error?.exitCode == .dataError)
        #expect(error?.message.contains("does not exist in OpCon") == true)
        #expect(error?.message.contains("20261123|16|1|GL LOAD") == true)
    }

    @Test("the jobs for sync are listed by dates and categories, with documentation")
    func listsJobs() async throws {
        let transport = ScriptedTransport { _ in .json(200, [OpConFixture.job(id: "a", name: "A"), OpConFixture.job(id: "b", name: "B")]) }
        let jobs = try await OpConFixture.client(transport).dailyJobs(
            dates: ["2026-11-23", "2026-11-22"], categories: ["Failed", "Under Review"])
        #expect(jobs.map(\.name) == ["A", "B"])
        #expect(
            transport.requests.map(OpConFixture.route) == [
                "GET /api/dailyjobs?dates=2026-11-23,2026-11-22&categories=Failed,Under%20Review&includeDocumentation=true"
            ])
    }

    @Test("a first ticket is POSTed as record 0")
    func writeTicketPost() async throws {
        let transport = ScriptedTransport { _ in .json(201, "{\"id\":1}") }
        let ticket = TicketReference(recordedID: "INC0010042/9d38", number: "INC0010042", url: "https://snow.test/nav_to.do?x=1")
        try await OpConFixture.client(transport).writeTicket(ticket, jobUID: 48213, hadTicket: false)
        let request = try #require(transport.requests.first)
        #expect(transport.requests.count == 1)
        #expect(OpConFixture.route(request) == "POST /api/dailyjobs/48213/incidentTickets")
        #expect(request.jsonBody == ["id": 0, "ticketId": "INC0010042/9d38", "ticketUrl": "https://snow.test/nav_to.do?x=1"])
        #expect(request.header("Content-Type") == "application/json")
    }

    @Test("a job that had a ticket gets record 1 replaced with PUT")
    func writeTicketPut() async throws {
        let transport = ScriptedTransport { _ in .json(200, "{\"id\":1}") }
        try await OpConFixture.client(transport).writeTicket(
            TicketReference(recordedID: "4507", number: "4507", url: "https://summit.test/4507"),
            jobUID: 7, hadTicket: true)
        #expect(transport.requests.map(OpConFixture.route) == ["PUT /api/dailyjobs/7/incidentTickets/1"])
        #expect(transport.requests.first?.jsonBody == ["id": 1, "ticketId": "4507", "ticketUrl": "https://summit.test/4507"])
    }

    @Test("a POST refused with 400 (a record already exists) falls back to PUT")
    func writeTicketFallback() async throws {
        let transport = ScriptedTransport { request in
            request.method == .post ? .json(400, "[{\"message\":\"Incident ticket already exists\"}]") : .json(200, "{}")
        }
        try await OpConFixture.client(transport).writeTicket(
            TicketReference(recordedID: "4507", number: "4507", url: ""),
            jobUID: 7, hadTicket: false)
        #expect(
            transport.requests.map(OpConFixture.route) == [
                "POST /api/dailyjobs/7/incidentTickets", "PUT /api/dailyjobs/7/incidentTickets/1",
            ])
    }

    @Test("the documentation PUT sends the job as read, unknown fields and number literals intact")
    func updatesDocumentation() async throws {
        let original = try JSONValue.parse(
            """
            {"id":"20261123|16|1|GL LOAD","uid":48213,"name":"GL LOAD","bigNumber":9007199254740993,"ratio":2.50,
             "futureField":{"nested":[1,{"deep":null}],"flag":true},
             "documentation":{"id":1,"job":"old text","frequency":"freq doc"}}
            """)
        let transport = ScriptedTransport { request in .json(200, request.body.flatMap { String(data: $0, encoding: .utf8) } ?? "") }
        let updated = try await OpConFixture.client(transport).updateDocumentation(
            of: DailyJob(raw: original), to: "Previous Ticket Number (4507)")

        let request = try #require(transport.requests.first)
        #expect(OpConFixture.route(request) == "PUT /api/dailyjobs/20261123%7C16%7C1%7CGL%20LOAD")
        let sent = try #require(request.jsonBody)
        let expected = original.setting("documentation", to: ["id": 1, "job": "Previous Ticket Number (4507)", "frequency": "freq doc"])
        #expect(sent == expected)
        #expect(sent["bigNumber"] == .number("9007199254740993"))
        #expect(sent["ratio"] == .number("2.50"))
        #expect(updated.documentation == "Previous Ticket Number (4507)")
    }

    @Test("an empty answer to the documentation PUT still returns the updated job")
    func documentationEmptyAnswer() async throws {
        let transport = ScriptedTransport { _ in HTTPResponse(status: 204) }
        let updated = try await OpConFixture.client(transport).updateDocumentation(of: sampleJob(), to: "new")
        #expect(updated.documentation == "new")
        #expect(updated.raw["someFutureField"] == ["nested": [1, 2, 3]])
    }

    @Test("version is read without the token; the token check is an authenticated read")
    func checks() async throws {
        let transport = ScriptedTransport { request in
            request.url.path.hasSuffix("version")
                ? .json(200, "{\"opConRestApiProductVersion\":\"21.2.0.0\"}") : .json(200, "{\"id\":\"t\"}")
        }
        let client = try OpConFixture.client(transport)
        #expect(try await client.version() == "21.2.0.0")
        try await client.verifyToken()
        #expect(transport.requests.map(OpConFixture.route) == ["GET /api/version", "GET /api/tokens"])
        #expect(transport.requests[0].header("Authorization") == nil)
        #expect(transport.requests[1].header("Authorization") == "Token \(OpConFixture.token)")
    }

    @Test("the base URL follows USES_TLS, brackets IPv6 and refuses an empty SERVER")
    func baseURL() throws {
        var opcon = ConnectorConfig.OpCon()
        opcon.server = "opcon01"
        opcon.port = 443
        #expect(try OpConClient.baseURL(for: opcon).absoluteString == "https://opcon01:443")
        opcon.usesTLS = false
        #expect(try OpConClient.baseURL(for: opcon).absoluteString == "http://opcon01:443")
        opcon.server = "fd00::10"
        #expect(try OpConClient.baseURL(for: opcon).absoluteString == "http://[fd00::10]:443")
        opcon.server = "http://127.0.0.1:50123/"
        #expect(try OpConClient.baseURL(for: opcon).absoluteString == "http://127.0.0.1:50123")
        opcon.server = "  "
        #expect(throws: ConnectorError.self) { try OpConClient.baseURL(for: opcon) }
    }

    @Test("a SERVER with its own port, scheme or path: what it names wins over PORT and USES_TLS, a trailing /api is dropped")
    func baseURLFromAFullerServer() throws {
        var opcon = ConnectorConfig.OpCon()
        opcon.port = 9010
        let cases: [(server: String, expected: String)] = [
            ("opcon01:8443", "https://opcon01:8443"),
            ("http://opcon01", "http://opcon01:9010"),
            ("http://opcon01/api", "http://opcon01:9010"),
            ("https://opcon01:443/api/", "https://opcon01:443"),
            ("https://gateway.example.com/opcon/API", "https://gateway.example.com:9010/opcon"),
            ("[fd00::10]:8443", "https://[fd00::10]:8443"),
        ]
        for (server, expected) in cases {
            opcon.server = server
            #expect(try OpConClient.baseURL(for: opcon).absoluteString == expected, "SERVER=\(server)")
        }
        opcon.server = "http://"
        #expect(throws: ConnectorError.self) { try OpConClient.baseURL(for: opcon) }
    }
}

@Suite("OpCon client: errors")
struct OpConErrorTests {
    @Test("an ApiError array is reported with the server's message")
    func apiErrorArray() async throws {
        let transport = ScriptedTransport { _ in
            .json(400, "[{\"resource\":\"dailyJob\",\"name\":\"id\",\"code\":1001,\"message\":\"Invalid schedule date\"}]")
        }
        let error = await connectorError { _ = try await OpConFixture.client(transport).dailyJob(for: sampleEvent()) }
        #expect(error?.exitCode == .dataError)
        #expect(error?.message.contains("Invalid schedule date") == true)
        #expect(error?.message.contains("HTTP 400") == true)
    }

    @Test("RFC 7807 problem details are reported with the server's detail")
    func problemDetails() async throws {
        let transport = ScriptedTransport { _ in
            .json(
                400,
                "{\"type\":\"https://tools.ietf.org/html/rfc7231#section-6.5.1\",\"title\":\"Bad Request\",\"status\":400,\"detail\":\"ticketId is too long\"}"
            )
        }
        let error = await connectorError {
            try await OpConFixture.client(transport).writeTicket(
                TicketReference(recordedID: "x", number: "x", url: ""), jobUID: 1, hadTicket: true)
        }
        #expect(error?.exitCode == .dataError)
        #expect(error?.message.contains("ticketId is too long") == true)
    }

    @Test("401 Invalid token specified is a permission error that points at TOKEN and never shows it", arguments: [401, 403])
    func invalidToken(status: Int) async throws {
        let transport = ScriptedTransport { _ in .json(status, "[{\"message\":\"Invalid token specified\"}]") }
        let error = await connectorError { _ = try await OpConFixture.client(transport).dailyJob(for: sampleEvent()) }
        #expect(error?.exitCode == .permission)
        #expect(error?.message.contains("Invalid token specified") == true)
        #expect(error?.message.contains("TOKEN") == true)
        #expect(error?.message.contains("/opt/connector/Connector.config") == true)
        #expect(error?.message.contains(OpConFixture.token) == false)
    }

    @Test("a server message that echoes the token is masked")
    func masksEchoedToken() async throws {
        let transport = ScriptedTransport { _ in .json(401, "[{\"message\":\"Token \(OpConFixture.token) has expired\"}]") }
        let error = await connectorError { try await OpConFixture.client(transport).verifyToken() }
        #expect(error?.message.contains(OpConFixture.token) == false)
        #expect(error?.message.contains("****") == true)
    }

    @Test("5xx past the retries and transport failures are unavailable (the event goes to the outbox)")
    func unavailable() async throws {
        let busy = ScriptedTransport { _ in .json(503, "") }
        let busyError = await connectorError { _ = try await OpConFixture.client(busy).dailyJob(for: sampleEvent()) }
        #expect(busyError?.exitCode == .unavailable)
        #expect(busy.requests.count == RetryPolicy.standard.maxAttempts)

        let down = ScriptedTransport { _ in throw TransportError.connectionFailed(host: "opcon.test", reason: "the connection was refused")
        }
        let downError = await connectorError { _ = try await OpConFixture.client(down).dailyJob(for: sampleEvent()) }
        #expect(downError?.exitCode == .unavailable)
        #expect(downError?.message.contains("opcon.test") == true)
    }

    @Test(
        "unusable answers are data errors",
        arguments: [
            "<html><head><title>Login - Proxy</title></head><body>sign in</body></html>",
            "",
            "{\"id\":\"20261123|16|1|GL LOAD\",\"uid\":",
            "[1, 2, 3]",
            "\"just a string\"",
        ])
    func unusableBodies(body: String) async throws {
        let transport = ScriptedTransport { _ in HTTPResponse(status: 200, body: Data(body.utf8)) }
        let error = await connectorError { _ = try await OpConFixture.client(transport).dailyJob(for: sampleEvent()) }
        #expect(error?.exitCode == .dataError)
        #expect(error?.message.contains("read the daily job 20261123|16|1|GL LOAD") == true)
    }

    @Test("an HTML answer names the page it got")
    func htmlTitle() async throws {
        let transport = ScriptedTransport { _ in HTTPResponse(status: 200, body: Data("<html><title>Login - Proxy</title></html>".utf8)) }
        let error = await connectorError { _ = try await OpConFixture.client(transport).version() }
        #expect(error?.message.contains("Login - Proxy") == true)
    }

    @Test("a listing that is not an array of objects is a data error")
    func wrongListTypes() async throws {
        let transport = ScriptedTransport { _ in .json(200, "[{\"id\":\"a\"}, 42]") }
        let error = await connectorError { _ = try await OpConFixture.client(transport).dailyJobs(dates: ["2026-11-23"], categories: []) }
        #expect(error?.exitCode == .dataError)
        #expect(error?.message.contains("element 1") == true)
    }
}

extension JSONValue {
    /// A copy of an object without `key`.
    fileprivate func removing(_ key: String) -> JSONValue {
        guard case .object(var members) = self else { return self }
        members[key] = nil
        return .object(members)
    }
}
