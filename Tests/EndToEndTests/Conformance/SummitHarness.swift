import ConnectorKit
import Foundation

@testable import Simulators

/// Symphony Summit's one JSON endpoint and base64 upload, with the simulator's SMA template. Summit cannot be searched
/// by anything the connector could set, so it declares no correlation search: a create whose answer is lost is never
/// sent again.
struct SummitHarness: BackendHarness {
    let name = "Summit"
    let templateName = "summit.json"
    let capabilities: BackendCapabilities = []
    static let incidentPath: PathPattern = "/api_integration/REST/Summit_RESTWCF.svc/RESTService/CommonWS_JsonObjCall_JSON"
    static let uploadPath: PathPattern = "/api_integration/REST/Summit_RESTWCF.svc/RESTService/Summit_UploadAttachmentBase64Encoded"
    let createRequest: (method: String, path: PathPattern) = ("POST", SummitHarness.incidentPath)

    func template(for services: SimulatedServices) -> String { services.summitTemplate() }

    func simulator(in services: SimulatedServices) -> any SimulatedService { services.summit }

    func tickets(in services: SimulatedServices) -> [ObservedTicket] {
        services.summit.tickets.map { observe($0, on: services.summit) }
    }

    /// `IM_LogOrUpdateIncident` calls without a `Ticket_No`: the ones that open a ticket.
    func createsSent(in services: SimulatedServices) -> Int {
        Self.logOrUpdateTickets(services.summit).filter { $0["Ticket_No"] == nil }.count
    }

    /// Reads are POSTs too (`IM_GetIncidentDetailsAndChangeHistory`): only `IM_LogOrUpdateIncident` and uploads write.
    func writesSent(in services: SimulatedServices) -> Int {
        Self.logOrUpdateTickets(services.summit).count + services.summit.journal.count(path: Self.uploadPath)
    }

    func set(_ state: AnalystState, ticket: ObservedTicket, in services: SimulatedServices) throws {
        try services.summit.setStatus(Self.statuses[state]!, of: try Self.number(ticket.recordedID))
    }

    func openTicketByHand(in services: SimulatedServices) throws -> ObservedTicket {
        observe(
            try services.summit.createTicket(symptom: "logged by hand", description: "typed by an analyst", status: "In-Progress"),
            on: services.summit)
    }

    func unknownTicket(in services: SimulatedServices) -> (recordedID: String, link: String) {
        ("987654", Self.link(987_654, on: services.summit))
    }

    func secrets(in services: SimulatedServices) -> [String] {
        let key = services.summit.settings.apiKey
        return [key, Data(key.utf8).base64EncodedString(), SMAEncoding.encode(key)]
    }

    /// Summit now expects another key and answers the template's with its in-band "Invalid API Key".
    func refuseCredentials(in services: SimulatedServices) {
        services.summit.settings.apiKey = "rotated-" + UUID().uuidString.prefix(8)
    }

    // MARK: Mapping

    static let statuses: [AnalystState: String] = [
        .new: "New", .inProgress: "In-Progress", .resolved: "Resolved", .closed: "Closed",
        .cancelled: "Cancelled",
    ]

    private func observe(_ ticket: SummitTicket, on summit: SummitSimulator) -> ObservedTicket {
        ObservedTicket(
            recordedID: String(ticket.number), number: String(ticket.number), link: Self.link(ticket.number, on: summit),
            state: Self.statuses.first { $0.value.lowercased() == ticket.status.lowercased() }?.key,
            texts: [ticket.description] + ticket.workLog, attachments: ticket.attachments.map { ($0.fileName, $0.data) })
    }

    /// The link the simulator's template makes (`urls.viewIncident` with `viewAddress`).
    private static func link(_ number: Int, on summit: SummitSimulator) -> String {
        "\(summit.baseURL)/MDLIncidentMgmt/IM_TicketDetail.aspx?ID=\(number)"
    }

    private static func number(_ recordedID: String) throws -> Int {
        guard let number = Int(recordedID) else { throw HarnessError.unsupported("\(recordedID) is not a Summit ticket number") }
        return number
    }

    /// The `Ticket` object of every `IM_LogOrUpdateIncident` request Summit received.
    private static func logOrUpdateTickets(_ summit: SummitSimulator) -> [JSONValue] {
        summit.journal.matching(method: "POST", path: incidentPath).compactMap { request in
            guard let body = try? request.jsonBody(), body["ServiceName"]?.stringValue == "IM_LogOrUpdateIncident" else { return nil }
            return body.value(atPath: "objCommonParameters.incidentParamsJSON.IncidentContainerJsonObj.Ticket") ?? .object([:])
        }
    }
}
