import ConnectorKit
import ConnectorTesting
import CurlHTTP
import Foundation
import Simulators
import Testing

@testable import ServiceNowPlugin

/// The backend over real HTTP on 127.0.0.1 against the ServiceNow simulator, asserting what the simulated instance holds.
@Suite("Against the ServiceNow simulator")
struct SimulatorIntegrationTests {
    /// The business rules call OpCon here; nothing listens, so their calls fail fast and are only recorded.
    static let correlationID = "127.0.0.1:1,20240921|123|1|PAYROLL 01"

    /// A running simulator and a backend pointed at it, through the shared HTTP stack (retries, deadline).
    struct Instance {
        let simulator: ServiceNowSimulator
        let backend: ServiceNowBackend
        /// The template's decision rules, which the finder follows.
        let rules: DecisionRules

        func find(recordedID: String?, draft: TicketDraft) async throws -> ExistingTicket? {
            try await Fixture.find(backend, recordedID: recordedID, draft: draft, rules: rules)
        }

        init(rules: [String: Bool] = [:], businessRules: BusinessRuleSwitches = .allOff) throws {
            var settings = ServiceNowSettings()
            settings.user = Fixture.user
            settings.password = Fixture.password
            settings.businessRules = businessRules
            simulator = ServiceNowSimulator(settings: settings)
            try simulator.start()
            let deadline = Deadline(seconds: 60)
            let http = HTTPStack.make(
                config: ConnectorConfig(), deadline: deadline, logger: .silent,
                transport: try CurlTransport(), sleep: { _ in })
            let environment = BackendEnvironment(
                http: http, secrets: SecretResolver(masker: SecretMasker(), environment: [:]), logger: .silent, config: ConnectorConfig(),
                template: Template(name: "servicenow.json", path: "servicenow.json", raw: [:], backendID: "servicenow"),
                deadline: deadline, pause: { _ in })
            backend = ServiceNowBackend(
                settings: try Fixture.settings(rules: rules, address: simulator.baseURL), user: Fixture.user,
                password: Fixture.password, environment: environment)
            self.rules = DecisionRules(template: try Fixture.load(Fixture.templateJSON(rules: rules)).template)
        }

        func stop() { simulator.stop() }

        var posts: Int { simulator.journal.count(method: "POST", path: "/api/now/table/incident") }
    }

    private func draft(previous: TicketReference? = nil) -> TicketDraft {
        Fixture.draft(previous: previous, correlationID: Self.correlationID)
    }

    @Test func aFailureLifecycleLeavesTheInstanceAsExpected() async throws {
        let instance = try Instance()
        defer { instance.stop() }
        let sim = instance.simulator
        let backend = instance.backend

        // create
        let ticket = try await backend.create(draft())
        #expect(sim.incidents.count == 1)
        let created = try #require(sim.incident(ticket.internalID))
        #expect(created["number"] == ticket.number)
        #expect(created["state"] == "1")
        #expect(created["urgency"] == "2")
        #expect(created["correlation_display"] == "SMA_OPCON")
        #expect(created["correlation_id"] == Self.correlationID)
        #expect(created["short_description"] == "OpCon Task Failure (schedule NIGHTLY job PAYROLL 01 server WIN01 error code Exit Code 2)")
        #expect(ticket.url == "\(sim.baseURL)/nav_to.do?uri=incident.do?sys_id=\(ticket.internalID)")

        // the job's ticket read back; an open one is updated without a state change
        let found = try #require(try await Fixture.find(backend, recordedID: ticket.recordedID, draft: draft()))
        #expect(found.status == .new)
        var second = draft()
        second.fields = second.fields.map { $0.name == "description" ? TicketField(name: "description", value: "second failure") : $0 }
        try await backend.update(found, with: second, reopening: false)
        #expect(sim.incident(ticket.number)?["description"] == "second failure")
        #expect(sim.incident(ticket.number)?["state"] == "1")

        // an analyst resolves it; the next failure reopens it with a work note
        try sim.setState("6", of: ticket.number)
        let resolved = try #require(try await backend.ticketStatus(recordedID: ticket.recordedID))
        #expect(resolved.status == .resolved)
        try await backend.update(resolved, with: draft(), reopening: true)
        #expect(sim.incident(ticket.number)?["state"] == "2")
        #expect(sim.journalEntries(of: ticket.number).contains { $0.element == "work_notes" && $0.value == draft().failureLine })

        // the job log
        let log = Data("step 1 ok\nstep 2 failed: exit 2\n".utf8)
        try await backend.attach(JobLogFile(name: "PAYROLL 01.log", data: log), to: ticket)
        let attachment = try #require(sim.attachments(of: ticket.number).first)
        #expect(attachment.fileName == "PAYROLL 01.log")
        #expect(attachment.data == log)
        #expect(attachment.metadata["content_type"] == "text/plain")

        // closed: the recorded ticket is reported closed, and its replacement names it
        try sim.setState("7", of: ticket.number)
        let closed = try #require(try await Fixture.find(backend, recordedID: ticket.recordedID, draft: draft()))
        #expect(closed.status == .closed)
        #expect(!closed.foundBySearch)
        let replacement = try await backend.create(draft(previous: closed.reference))
        #expect(sim.incidents.count == 2)
        #expect(sim.incident(replacement.number)?["description"]?.hasSuffix("\nPrevious Ticket Number (\(ticket.number))") == true)

        // the replacement is what a later run finds when it was never written back
        let adopted = try #require(try await Fixture.find(backend, recordedID: ticket.recordedID, draft: draft()))
        #expect(adopted.reference == replacement)
        #expect(adopted.foundBySearch)
    }

    @Test func theCorrelationSearchMatchesOnlyThisJob() async throws {
        let instance = try Instance()
        defer { instance.stop() }
        try instance.simulator.createIncident(["short_description": "no correlation at all"])
        try instance.simulator.createIncident([
            "short_description": "another job", "correlation_id": "127.0.0.1:1,20240921|123|1|PAYROLL 02",
        ])

        #expect(try await instance.find(recordedID: nil, draft: draft()) == nil)
        let ticket = try await instance.backend.create(draft())
        let found = try await instance.find(recordedID: nil, draft: draft())
        #expect(found?.reference == ticket)
        #expect(found?.foundBySearch == true)
    }

    @Test(
        "only an open incident of this job is taken for one an interrupted run left: Resolved ones stay active, and are skipped",
        arguments: [("1", true), ("2", true), ("3", true), ("6", false), ("7", false), ("8", false)])
    func theCorrelationSearchFindsOpenIncidentsOnly(state: String, found: Bool) async throws {
        let instance = try Instance()
        defer { instance.stop() }
        var fields = [
            "short_description": "this job", "correlation_display": "SMA_OPCON", "correlation_id": Self.correlationID,
            "state": state,
        ]
        if ["6", "7"].contains(state) { fields.merge(["close_code": "Solution provided", "close_notes": "done"]) { $1 } }
        let incident = try instance.simulator.createIncident(fields)
        #expect(incident["active"] == (["7", "8"].contains(state) ? "false" : "true"))

        let ticket = try await instance.find(recordedID: nil, draft: draft())
        #expect((ticket?.reference.internalID == incident["sys_id"]) == found, "\(String(describing: ticket))")
        #expect((ticket == nil) == !found)
    }

    @Test func aCreateThatLandedButFailedIsAdoptedNotRepeated() async throws {
        let instance = try Instance()
        defer { instance.stop() }
        instance.simulator.faults.add(Fault(.commitThenFail(500), method: "POST", path: "/api/now/table/incident"))

        let ticket = try await instance.backend.create(draft())

        #expect(instance.simulator.incidents.count == 1)
        #expect(instance.posts == 1)
        #expect(instance.simulator.incident(ticket.internalID)?["number"] == ticket.number)
    }

    @Test(arguments: ["503", "drop"])
    func aCreateThatDidNotLandIsSentAgainAfterTheCheck(fault: String) async throws {
        let instance = try Instance()
        defer { instance.stop() }
        let kind: Fault.Kind = fault == "drop" ? .drop : .status(503)
        instance.simulator.faults.add(Fault(kind, method: "POST", path: "/api/now/table/incident"))

        _ = try await instance.backend.create(draft())

        #expect(instance.simulator.incidents.count == 1)
        #expect(instance.posts == 2)
        let lookups = instance.simulator.journal.matching(method: "GET").compactMap { $0.query("sysparm_query") }
        #expect(lookups == ["correlation_id=\(Self.correlationID)^active=true^stateNOT IN6,7,8^ORDERBYDESCsys_created_on"])
    }

    @Test func withoutCorrelationAnUnconfirmedCreateIsNotRepeated() async throws {
        let instance = try Instance(rules: ["includeCorrelationId": false])
        defer { instance.stop() }
        instance.simulator.faults.add(Fault(.commitThenFail(502), method: "POST", path: "/api/now/table/incident"))

        await #expect(throws: ConnectorError.self) { _ = try await instance.backend.create(draft()) }
        #expect(instance.simulator.incidents.count == 1)
        #expect(instance.posts == 1)
    }

    @Test func aRateLimitedCreateIsSentAgainByTheBackendNotTheSharedStack() async throws {
        let instance = try Instance()
        defer { instance.stop() }
        instance.simulator.injectRateLimit(count: 1, retryAfter: 1, method: "POST")

        let ticket = try await instance.backend.create(draft())

        #expect(instance.simulator.incidents.count == 1)
        #expect(instance.posts == 2)
        #expect(instance.simulator.incident(ticket.number) != nil)
    }

    @Test func wrongCredentialsAreAPermissionError() async throws {
        let instance = try Instance()
        defer { instance.stop() }
        instance.simulator.settings.password = "rotated-elsewhere"
        do {
            try await instance.backend.verifyAccess()
            Issue.record("verifyAccess should fail")
        } catch {
            #expect(error.exitCode == .permission)
            #expect(error.message.contains("User Not Authenticated"))
            #expect(!error.message.contains(Fixture.password))
        }
    }

    @Test func theSMABusinessRulesReadTheCorrelationIDAsIntended() async throws {
        let instance = try Instance(businessRules: BusinessRuleSwitches())
        defer { instance.stop() }
        let ticket = try await instance.backend.create(draft())

        try instance.simulator.setState("2", of: ticket.number)
        #expect(instance.simulator.waitForCallbacks(timeout: 10))

        let callback = try #require(instance.simulator.callbacks.first)
        #expect(callback.rule == "OpConTicketAccepted")
        #expect(callback.action == "markUnderReview")
        #expect(callback.address == "127.0.0.1:1")
        #expect(callback.jobID == "20240921|123|1|PAYROLL 01")
    }

    @Test func describeAndCheckWorkAgainstTheInstance() async throws {
        let instance = try Instance()
        defer { instance.stop() }
        let ticket = try await instance.backend.create(draft())
        try await instance.backend.verifyAccess()
        let text = try await instance.backend.describeTicket(number: ticket.number, service: "ServiceNow")
        #expect(text.contains("Ticket:            \(ticket.number)"))
        #expect(text.contains("State:             New (1)"))
    }
}
