import ConnectorKit
import Foundation

/// Switches of the Summit simulator.
public struct SummitSettings: Sendable {
    /// The API key expected in `_ProxyDetails.APIKey`.
    public var apiKey = "sim-summit-api-key"
    /// Updates of Closed or Cancelled tickets are refused (in `Errors`).
    public var refusesUpdatesWhenClosed = true
    /// Master values (priority, impact, ...) are checked against `masterValues`; off by default.
    public var validatesMasterValues = false
    /// Allowed names per Ticket field when `validatesMasterValues` is on.
    public var masterValues: [String: [String]] = [
        "Priority_Name": ["P1", "P2", "P3", "P4", "P5"],
        "Impact_Name": ["Low", "Medium", "High"],
        "Urgency_Name": ["Low", "Medium", "High"],
        "Sup_Function": ["IT"],
        "Medium": ["Web", "Application", "Email", "Phone"],
    ]

    public init() {}
}

/// Symphony Summit's single JSON endpoint (`CommonWS_JsonObjCall`, dispatching on `ServiceName`) and its
/// base64 attachment upload, on a loopback HTTP server. Errors come in-band: HTTP 200 with `Errors`.
public final class SummitSimulator: SimulatedService {
    public let host: SimulatorHost
    let store = Locked(SummitStore())
    private let settingsBox: Locked<SummitSettings>

    public init(settings: SummitSettings = SummitSettings()) {
        settingsBox = Locked(settings)
        host = SimulatorHost(errorBody: { status in .htmlError(status: status) })
        host.install(
            routes: { [weak self] request in self?.route(request) ?? .drop },
            control: { [weak self] request in self.flatMap { $0.host.commonControl(request) ?? $0.analystRoute(request) } })
    }

    public var settings: SummitSettings {
        get { settingsBox.current }
        set { settingsBox.withLock { $0 = newValue } }
    }

    // MARK: Analyst view (in-process)

    /// All tickets, oldest first.
    public var tickets: [SummitTicket] { store.withLock { $0.tickets } }

    /// One ticket by number.
    public func ticket(_ number: Int) -> SummitTicket? {
        store.withLock { store in store.index(of: number).map { store.tickets[$0] } }
    }

    /// Logs a ticket directly (as someone at the service desk would), e.g. to test an update path.
    @discardableResult
    public func createTicket(symptom: String, description: String = "", status: String = "New") throws(SummitFailure) -> SummitTicket {
        let container: JSONValue = [
            "Updater": "Executive",
            "Ticket": [
                "IsFromWebService": true, "Status": .string(status), "Symptom": .string(symptom), "Description": .string(description),
            ],
        ]
        let current = settings
        return try store.withLock { store throws(SummitFailure) in try store.logOrUpdate(container, settings: current).0 }
    }

    /// Sets a ticket's status as an analyst would in the web UI.
    @discardableResult
    public func setStatus(_ status: String, of number: Int) throws(SummitFailure) -> SummitTicket {
        try store.withLock { store throws(SummitFailure) in try store.setStatus(status, of: number) }
    }

    // MARK: Routing

    func route(_ request: SimRequest) -> SimResponse {
        let path = request.path.lowercased()
        if path.hasSuffix("/mdlincidentmgmt/im_ticketdetail.aspx") { return ticketPage(request) }
        guard let service = path.range(of: "/rest/summit_restwcf.svc") else { return .htmlError(status: 404) }
        let operation = path[service.upperBound...]
        if operation.isEmpty || operation == "/" {
            // The bare .svc address is the SOAP endpoint: a JSON POST gets 415.
            return .text(
                "Cannot process the message because the content type '\(request.headers["Content-Type"] ?? "")' "
                    + "was not the expected type 'text/xml; charset=utf-8'.", status: 415)
        }
        let isCommon = operation == "/restservice/commonws_jsonobjcall" || operation == "/restservice/commonws_jsonobjcall_json"
        let isUpload = operation == "/restservice/summit_uploadattachmentbase64encoded"
        guard isCommon || isUpload else { return .text("Endpoint not found.", status: 404) }
        guard request.method == "POST" else { return .text("Method not allowed.", status: 405) }
        guard let body = try? request.jsonBody(), case .object = body else {
            return .htmlError(status: 400)
        }
        return isCommon ? common(body) : upload(body)
    }

    /// Summit's response envelope (HTTP 200 whatever happened).
    static func envelope(
        errors: String = "", message: String = "", outputObject: JSONValue = nil,
        extra: [String: JSONValue] = [:]
    ) -> SimResponse {
        var members: [String: JSONValue] = [
            "Errors": .string(errors), "Message": .string(message), "Input": nil, "Output": nil, "OutputID": 0,
            "OutputObject": outputObject, "OrgID": 1, "TokenID": nil,
        ]
        members.merge(extra) { _, new in new }
        return .json(.object(members))
    }

    private func keyIsValid(_ proxy: JSONValue?) -> Bool {
        guard let proxy, let key = proxy["APIKey"]?.stringValue else { return false }
        if let type = proxy["AuthType"]?.stringValue, type.lowercased() != "apikey" { return false }
        return key == settings.apiKey
    }

    private func common(_ body: JSONValue) -> SimResponse {
        let service = body["ServiceName"]?.stringValue ?? ""
        let known = ["IM_LogOrUpdateIncident", "IM_GetIncidentDetailsAndChangeHistory"]
        // An unknown (or not whitelisted) service gets an empty body, not an error.
        guard known.contains(service) else { return SimResponse(status: 200) }
        let parameters = body["objCommonParameters"]
        guard keyIsValid(parameters?["_ProxyDetails"]) else {
            return Self.envelope(errors: "Invalid API Key. Authentication failed.", message: "Authentication failed")
        }
        return service == "IM_LogOrUpdateIncident" ? logOrUpdate(parameters) : details(parameters)
    }

    private func logOrUpdate(_ parameters: JSONValue?) -> SimResponse {
        let incident = parameters?["incidentParamsJSON"]
        var container = incident?["IncidentContainerJsonObj"]
        if container == nil || container == .null, let text = incident?["IncidentContainerJson"]?.stringValue {
            guard let decoded = try? JSONValue.parse(text) else {
                return Self.envelope(errors: "IncidentContainerJson is not valid JSON.")
            }
            container = decoded
        }
        guard let container, case .object = container else {
            return Self.envelope(errors: "incidentParamsJSON needs IncidentContainerJsonObj (object) or IncidentContainerJson (string).")
        }
        let current = settings
        do {
            let (ticket, created) = try store.withLock { store throws(SummitFailure) in try store.logOrUpdate(container, settings: current)
            }
            let message = created ? "Ticket \(ticket.number) logged successfully" : "Ticket \(ticket.number) updated successfully"
            return Self.envelope(
                message: message,
                extra: [
                    "TicketNo": .int(ticket.number), "TicketID_Internal": .int(ticket.internalID),
                    "TicketID_Encrypted": .string(ticket.encryptedID), "Priority": .string(ticket.field("Priority_Name")),
                    "SLA": "24/7", "ResolutionDeadLine": nil, "Resolution_DeadLine": nil,
                ])
        } catch {
            return Self.envelope(errors: error.message)
        }
    }

    private func details(_ parameters: JSONValue?) -> SimResponse {
        let numberValue = parameters?["TicketNo"] ?? parameters?["IncidentRequest"]?["TicketNo"]
        guard let number = numberValue?.intValue, let ticket = ticket(number) else {
            let given = numberValue?.scalarText ?? "none"
            return Self.envelope(errors: "No incident found for TicketNo \(given).")
        }
        return Self.envelope(outputObject: ["IncidentDetails": SummitDetails.incidentDetails(ticket)])
    }

    private func upload(_ body: JSONValue) -> SimResponse {
        guard keyIsValid(body["_ProxyDetails"]) else {
            return Self.envelope(errors: "Invalid API Key. Authentication failed.", message: "Authentication failed")
        }
        guard body["eModule"]?.stringValue?.uppercased() == "IM" else {
            return Self.envelope(errors: "eModule '\(body["eModule"]?.scalarText ?? "")' is not supported; use IM.")
        }
        guard let number = body["TicketNo"]?.intValue else { return Self.envelope(errors: "TicketNo is mandatory.") }
        guard let name = body["AttachmentFileName"]?.stringValue, !name.isEmpty else {
            return Self.envelope(errors: "AttachmentFileName is mandatory.")
        }
        let encoded = (body["base64EncodedData"]?.stringValue ?? "").filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: encoded) else {
            return Self.envelope(errors: "base64EncodedData is not valid Base64.")
        }
        do {
            try store.withLock { store throws(SummitFailure) in try store.attach(data, named: name, to: number) }
            return Self.envelope(message: "Attachment uploaded successfully")
        } catch {
            return Self.envelope(errors: error.message)
        }
    }

    private func ticketPage(_ request: SimRequest) -> SimResponse {
        guard let number = request.query("ID").flatMap({ Int($0) }), let ticket = ticket(number) else { return .htmlError(status: 404) }
        let rows = [
            ("Ticket", String(ticket.number)), ("Status", ticket.status), ("Symptom", ticket.symptom),
            ("Description", ticket.description),
        ]
        .map { "<tr><th>\($0.0)</th><td>\(ServiceNowSimulator.escapeHTML($0.1))</td></tr>" }.joined()
        return .text(
            "<!DOCTYPE html><html><body><h1>Incident \(ticket.number)</h1><table>\(rows)</table></body></html>",
            contentType: "text/html; charset=utf-8")
    }
}
