import ConnectorKit
import ConnectorTesting
import CurlHTTP
import Foundation
import Simulators
import Testing

@testable import SummitPlugin

/// The backend over real HTTP on 127.0.0.1 against the Summit simulator, made the way the executable makes it
/// (template file → TemplateLoader → plugin factory → SecretResolver), asserting what the simulated instance holds.
@Suite("Against the Summit simulator")
struct SimulatorIntegrationTests {
    /// A running simulator, its template on disk, and a backend built from that template.
    final class Instance {
        let simulator: SummitSimulator
        let folder: URL
        let template: Template
        let conventions: FieldConventions
        let backend: any TicketBackend

        init(simulatorKey: String? = nil, rules: [String: Bool] = [:]) throws {
            simulator = SummitSimulator()
            try simulator.start()
            // The template always carries the simulator's default key; a different simulator key makes it wrong.
            let templateText = SimulatedServices(summit: simulator).summitTemplate(rules: rules)
            if let simulatorKey { simulator.settings.apiKey = simulatorKey }
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("summit-sim-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(templateText.utf8).write(to: folder.appendingPathComponent("summit.json"))

            var config = ConnectorConfig()
            config.general.dailyStartHour = 7
            config.defaults = [TicketField(name: "PRIORITY_NAME_VALUE", value: "P3"), TicketField(name: "SUP_FUNCTION_VALUE", value: "IT")]
            let loader = TemplateLoader(registry: BackendRegistry([SummitPlugin.plugin]), directory: folder.path)
            let loaded = try loader.load("summit.json", config: config)
            template = loaded.template
            conventions = loaded.setup.fields
            let masker = SecretMasker()
            let http = HTTPStack.make(
                config: config, deadline: Deadline(seconds: 60), logger: .silent,
                transport: try CurlTransport(), sleep: { _ in })
            let environment = BackendEnvironment(
                http: http, secrets: SecretResolver(masker: masker, environment: [:]), logger: .silent, config: config,
                template: template, pause: { _ in })
            backend = try loaded.setup.make(environment)
        }

        deinit {
            simulator.stop()
            try? FileManager.default.removeItem(at: folder)
        }

        /// A draft with fields layered as the engine layers them ([DEFAULTS], attributes, tag routing).
        func draft(previous: TicketReference? = nil) -> TicketDraft {
            var draft = makeDraft(previous: previous)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = draft.timeZone
            draft.fields = FieldResolver.resolve(
                template: template, conventions: conventions, event: draft.event, job: draft.job,
                calendar: calendar)
            return draft
        }

        /// The job's ticket, found the way the engine finds it.
        func find(recordedID: String) async throws -> ExistingTicket? {
            try await TicketFinder(backend: backend, rules: DecisionRules(template: template), logger: .silent, service: "Symphony Summit")
                .find(recordedID: recordedID, draft: draft())
        }

        func describe(_ number: String) async throws -> String {
            try await backend.describeTicket(number: number, service: "Symphony Summit")
        }
    }

    @Test func aFailureLifecycleLeavesTheInstanceAsExpected() async throws {
        let instance = try Instance()
        let sim = instance.simulator
        let backend = instance.backend

        try await backend.verifyAccess()

        // create
        let ticket = try await backend.create(instance.draft())
        #expect(sim.tickets.count == 1)
        let created = try #require(sim.ticket(Int(ticket.number) ?? -1))
        #expect(created.status == "New")
        #expect(created.updater == "Executive")
        #expect(created.symptom == "OpCon job PAYROLL01 failed (schedule NIGHTLY)")
        #expect(
            created.description
                == "OpCon Task Failure ( date 2024-09-21 schedule NIGHTLY job PAYROLL01 server WIN01 error code 0000000005 )")
        #expect(created.field("Priority_Name") == "P3")
        #expect(created.field("Sup_Function") == "IT")
        #expect(created.field("Impact_Name") == "Medium")
        #expect(created.field("Urgency_Name") == "High")
        #expect(created.field("Assigned_WorkGroup_Name") == "Batch")  // the job's WRKGRP_Batch tag
        #expect(created.customFields == [SummitCustomField(groupName: "Other Details", name: "Job Name", value: "PAYROLL01")])
        #expect(created.workLog == ["Job PAYROLL01 of schedule NIGHTLY failed on WIN01 with 0000000005."])
        #expect(ticket.recordedID == String(created.number))
        #expect(ticket.internalID == String(created.internalID))
        #expect(ticket.url == "\(sim.baseURL)/MDLIncidentMgmt/IM_TicketDetail.aspx?ID=\(created.number)")
        #expect(backend.owns(recordedID: ticket.recordedID, ticketURL: ticket.url, claimsUnlinked: false))

        // the link written to OpCon opens the incident
        let page = try await CurlTransport().send(HTTPRequest(method: .get, url: try #require(URL(string: ticket.url))))
        #expect(page.status == 200)
        #expect(page.bodyText.contains("Incident \(created.number)"))

        // an open ticket is updated: new work-log entry, status kept
        let open = try #require(try await instance.find(recordedID: ticket.recordedID))
        #expect(open.status == .new)
        try await backend.update(open, with: instance.draft(), reopening: false)
        #expect(sim.ticket(created.number)?.status == "New")
        #expect(sim.ticket(created.number)?.workLog.count == 2)
        #expect(sim.ticket(created.number)?.workLog.last?.hasPrefix("OpCon Task Failure ( date 2024-09-21") == true)

        // a resolved ticket is reopened as In-Progress
        try sim.setStatus("Resolved", of: created.number)
        let resolved = try #require(try await instance.find(recordedID: ticket.recordedID))
        #expect(resolved.status == .resolved)
        try await backend.update(resolved, with: instance.draft(), reopening: true)
        #expect(sim.ticket(created.number)?.status == "In-Progress")
        #expect(sim.ticket(created.number)?.reopened == true)
        #expect(try await backend.ticketStatus(recordedID: ticket.recordedID)?.status == .inProgress)

        // the job log lands on the ticket
        let log = JobLogFile(name: "PAYROLL01.log", data: Data("line 1\nline 2\n".utf8))
        try await backend.attach(log, to: ticket)
        #expect(sim.ticket(created.number)?.attachments == [SummitAttachment(fileName: "PAYROLL01.log", data: log.data)])

        // a closed ticket is replaced by a new one naming it
        try sim.setStatus("Closed", of: created.number)
        let closed = try #require(try await instance.find(recordedID: ticket.recordedID))
        #expect(closed.status == .closed)
        let replacement = try await backend.create(instance.draft(previous: closed.reference))
        #expect(replacement.number != ticket.number)
        #expect(sim.ticket(Int(replacement.number) ?? -1)?.description.hasSuffix("\nPrevious Ticket Number (\(ticket.number))") == true)
        #expect(sim.tickets.count == 2)

        // -i <number>
        let text = try await instance.describe(replacement.number)
        #expect(text.contains("State:     New"))
        #expect(text.contains("Workgroup: Batch"))
    }

    @Test func unknownNumberIsNoTicket() async throws {
        let instance = try Instance()
        #expect(try await instance.find(recordedID: "999999") == nil)
        let error = await connectorError { _ = try await instance.describe("999999") }
        #expect(error?.exitCode == .dataError)
    }

    @Test func closedTicketRefusesUpdatesWithSummitsText() async throws {
        let instance = try Instance()
        let ticket = try await instance.backend.create(instance.draft())
        try instance.simulator.setStatus("Cancelled", of: Int(ticket.number) ?? -1)
        let stale = ExistingTicket(reference: ticket, status: .inProgress, rawState: "In-Progress")
        let error = await connectorError { try await instance.backend.update(stale, with: instance.draft(), reopening: false) }
        #expect(error?.exitCode == .dataError)
        #expect(error?.message.contains("cannot be updated") == true)
    }

    @Test func refusedKeyIsAPermissionErrorAndWritesNothing() async throws {
        let instance = try Instance(simulatorKey: "rotated-key-2025")
        let access = await connectorError { try await instance.backend.verifyAccess() }
        #expect(access?.exitCode == .permission)
        #expect(access?.message.contains("credentials.apiKey") == true)
        #expect(access?.message.contains("sim-summit-api-key") == false)
        let create = await connectorError { _ = try await instance.backend.create(instance.draft()) }
        #expect(create?.exitCode == .permission)
        #expect(instance.simulator.tickets.isEmpty)
    }

    @Test func proxyPagesAndOutagesAreReportedByKind() async throws {
        let instance = try Instance()
        let sim = instance.simulator

        sim.faults.add(Fault(.status(200, body: "<html><head><title>Blocked by policy</title></head></html>")))
        let html = await connectorError { _ = try await instance.backend.create(instance.draft()) }
        #expect(html?.exitCode == .dataError)
        #expect(html?.message.contains("Blocked by policy") == true)

        sim.faults.add(Fault(.htmlError(503)))
        let busy = await connectorError { _ = try await instance.backend.create(instance.draft()) }
        #expect(busy?.exitCode == .unavailable)
        #expect(sim.tickets.isEmpty)

        sim.stop()
        let down = await connectorError { _ = try await instance.backend.create(instance.draft()) }
        #expect(down?.exitCode == .unavailable)
    }
}
