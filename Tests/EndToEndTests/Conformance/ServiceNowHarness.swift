import ConnectorKit
import Foundation

@testable import Simulators

/// ServiceNow's Table API simulator, with the simulator's SMA template (`includeCorrelationId` on, so the backend
/// searches by `correlation_id`).
struct ServiceNowHarness: BackendHarness {
    let name = "ServiceNow"
    let templateName = "servicenow.json"
    let capabilities: BackendCapabilities = [.correlationSearch]
    let createRequest: (method: String, path: PathPattern) = ("POST", "/api/now/table/incident")

    func template(for services: SimulatedServices) -> String { services.serviceNowTemplate() }

    /// The SMA business rules would call OpCon when an analyst moves an incident; `sync` is what a case tests.
    func prepare(_ services: SimulatedServices) { services.serviceNow.settings.businessRules = .allOff }

    func simulator(in services: SimulatedServices) -> any SimulatedService { services.serviceNow }

    func tickets(in services: SimulatedServices) -> [ObservedTicket] {
        services.serviceNow.incidents.map { observe($0, in: services.serviceNow) }
    }

    func createsSent(in services: SimulatedServices) -> Int {
        services.serviceNow.journal.count(method: createRequest.method, path: createRequest.path)
    }

    /// Every request but a GET changes something in the Table API.
    func writesSent(in services: SimulatedServices) -> Int { services.serviceNow.journal.writeCount }

    func set(_ state: AnalystState, ticket: ObservedTicket, in services: SimulatedServices) throws {
        try services.serviceNow.setState(Self.states[state]!, of: Self.sysID(ticket.recordedID))
    }

    func openTicketByHand(in services: SimulatedServices) throws -> ObservedTicket {
        observe(
            try services.serviceNow.createIncident([
                "short_description": "opened by hand", "description": "typed by an analyst", "state": "2",
            ]),
            in: services.serviceNow)
    }

    /// An active incident carrying the `correlation_id` the connector sends for `job` (SPEC §6.2), opened as its account.
    func openOrphanTicket(for job: DemoJob, in services: SimulatedServices) throws -> ObservedTicket {
        let correlation = "127.0.0.1:\(services.opcon.port ?? 0),\(job.id)"
        return observe(
            try services.serviceNow.createIncident(
                [
                    "short_description": "opened by a run that died", "description": "first failure", "state": "2",
                    "correlation_display": "SMA_OPCON", "correlation_id": correlation,
                ],
                user: services.serviceNow.settings.user), in: services.serviceNow)
    }

    func unknownTicket(in services: SimulatedServices) -> (recordedID: String, link: String) {
        let sysID = String(repeating: "0f", count: 16)
        return ("INC0099999/\(sysID)", Self.link(sysID, on: services.serviceNow))
    }

    func secrets(in services: SimulatedServices) -> [String] {
        let settings = services.serviceNow.settings
        return [
            settings.password, SMAEncoding.encode(settings.password),
            Data("\(settings.user):\(settings.password)".utf8).base64EncodedString(),
        ]
    }

    /// The instance now expects another password; the template still holds the old one, so every call gets 401.
    func refuseCredentials(in services: SimulatedServices) {
        services.serviceNow.settings.password = "rotated-" + UUID().uuidString.prefix(8)
    }

    // MARK: Mapping

    static let states: [AnalystState: String] = [.new: "1", .inProgress: "2", .resolved: "6", .closed: "7", .cancelled: "8"]

    private func observe(_ incident: ServiceNowRecord, in serviceNow: ServiceNowSimulator) -> ObservedTicket {
        let sysID = incident["sys_id"] ?? ""
        let notes = serviceNow.journalEntries(of: sysID).map(\.value)
        return ObservedTicket(
            recordedID: "\(incident["number"] ?? "")/\(sysID)", number: incident["number"] ?? "", link: Self.link(sysID, on: serviceNow),
            state: Self.states.first { $0.value == incident["state"] }?.key, texts: [incident["description"] ?? ""] + notes,
            attachments: serviceNow.attachments(of: sysID).map { ($0.fileName, $0.data) })
    }

    /// The link SPEC §6.2 has the connector write into the job.
    private static func link(_ sysID: String, on serviceNow: ServiceNowSimulator) -> String {
        "\(serviceNow.baseURL)/nav_to.do?uri=incident.do?sys_id=\(sysID)"
    }

    private static func sysID(_ recordedID: String) -> String {
        String(recordedID.split(separator: "/").last ?? "")
    }
}
