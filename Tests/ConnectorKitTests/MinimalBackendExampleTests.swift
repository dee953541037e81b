import ConnectorKit
import ConnectorTesting
import Foundation
import Testing

/// An in-memory HelpDesk server: the API of `MinimalBackendExample.swift`, with a switch that loses the answer to
/// the next create after storing the ticket.
final class HelpDeskServer: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var tickets: [(id: Int, status: String, correlation: String, comments: [String], files: [Data])] = []
    private(set) var posts = 0
    var losesNextCreateAnswer = false
    var token = "token-1234"

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        lock.withLock {
            guard request.header("Authorization") == "Bearer \(token)" else { return .json(401, #"{"message":"bad token"}"#) }
            let path = request.url.path
            let parts = path.split(separator: "/").map(String.init)
            switch (request.method, parts.count) {
            case (.get, 3):
                guard let ticket = tickets.first(where: { String($0.id) == parts[2] }) else { return .json(404, "{}") }
                return .json(200, #"{"id": \#(ticket.id), "status": "\#(ticket.status)"}"#)
            case (.get, 2):
                let key = URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems?.first { $0.name == "correlation" }?
                    .value
                let open = tickets.filter { $0.correlation == key && !["solved", "closed"].contains($0.status) }
                return .json(200, "[" + open.map { #"{"id": \#($0.id), "status": "\#($0.status)"}"# }.joined(separator: ",") + "]")
            case (.post, 2):
                posts += 1
                let body = (try? JSONValue.parse(request.body ?? Data())) ?? .null
                let id = 100 + tickets.count
                tickets.append((id, "open", body["correlation"]?.stringValue ?? "", [], []))
                if losesNextCreateAnswer {
                    losesNextCreateAnswer = false
                    return .json(502, "{}")
                }
                return .json(201, #"{"id": \#(id)}"#)
            case (.post, 4) where parts[3] == "comments":
                guard let index = tickets.firstIndex(where: { String($0.id) == parts[2] }) else { return .json(404, "{}") }
                let body = (try? JSONValue.parse(request.body ?? Data())) ?? .null
                tickets[index].comments.append(body["text"]?.stringValue ?? "")
                if body["reopen"] == .bool(true) { tickets[index].status = "working" }
                return .json(201, "{}")
            case (.post, 4) where parts[3] == "files":
                guard let index = tickets.firstIndex(where: { String($0.id) == parts[2] }) else { return .json(404, "{}") }
                tickets[index].files.append((try? request.bodyBytes()) ?? Data())
                return .json(201, "{}")
            default:
                return .json(404, "{}")
            }
        }
    }
}

@Suite("The guide's minimal backend works on the SDK")
struct MinimalBackendExampleTests {
    let server = HelpDeskServer()

    func backend() throws -> any TicketBackend {
        let template = Template(
            name: "helpdesk.json", path: "/t/helpdesk.json",
            raw: ["credentials": ["token": "env:HELPDESK_TOKEN"]], backendID: "helpdesk", address: "https://desk.example")
        let setup = HelpDeskPlugin.plugin.configure(template, ConnectorConfig())
        let server = self.server
        let environment = BackendEnvironment(
            http: HTTPClient(transport: ScriptedTransport { server.handle($0) }),
            secrets: SecretResolver(masker: SecretMasker(), environment: ["HELPDESK_TOKEN": "token-1234"]), logger: .silent,
            config: ConnectorConfig(), template: template, pause: { _ in })
        return try setup.make(environment)
    }

    @Test("create, read, update, reopen and attach go through the service client")
    func lifecycle() async throws {
        let backend = try backend()
        let draft = sampleDraft()
        let created = try await backend.create(draft)
        #expect(created.recordedID == "100" && created.url == "https://desk.example/tickets/100")
        let ticket = try #require(try await backend.read(created))
        #expect(ticket.status == .new)
        try await backend.update(ticket, with: draft, reopening: true)
        #expect(try await backend.read(created)?.status == .inProgress)
        try await backend.attach(JobLogFile(name: "job.log", data: Data("line 1\nline 2\n".utf8)), to: created)
        let upload = try #require(server.tickets.first?.files.first)
        #expect(
            String(decoding: upload, as: UTF8.self).contains(
                "filename=\"job.log\"\r\nContent-Type: text/plain\r\n\r\nline 1\nline 2\n\r\n--"))
        #expect(try await backend.read(TicketReference(recordedID: "999", number: "999", url: "")) == nil)
    }

    @Test("a create whose answer is lost after it landed is found by its correlation, not sent twice")
    func lostAnswer() async throws {
        server.losesNextCreateAnswer = true
        let created = try await backend().create(sampleDraft())
        #expect(server.posts == 1)
        #expect(server.tickets.count == 1)
        #expect(created.recordedID == "100")
    }

    @Test("a refused token is a permission error that names the credentials and hides the token")
    func refusedToken() async throws {
        server.token = "another"
        let backend = try backend()
        do {
            _ = try await backend.create(sampleDraft())
            Issue.record("the create should be refused")
        } catch {
            #expect(error.exitCode == .permission)
            #expect(error.message.contains("HTTP 401: bad token") && error.message.contains("/t/helpdesk.json"))
            #expect(!error.message.contains("token-1234"))
        }
    }

    func sampleDraft() -> TicketDraft {
        TicketDraft(
            event: sampleEvent(), job: sampleJob(), fields: [TicketField(name: "summary", value: "GL LOAD failed")],
            previousTicket: nil, correlationID: "opcon:9010,20261123|1|1|GL LOAD", timeZone: TimeZone(identifier: "UTC")!)
    }
}
