import ConnectorKit
import Foundation
import Simulators
import Testing

/// A started Summit simulator with helpers for its one JSON endpoint.
private final class SummitFixture {
    let sim: SummitSimulator
    let endpoint: String
    let key = "sim-summit-api-key"

    init(_ configure: (inout SummitSettings) -> Void = { _ in }) throws {
        var settings = SummitSettings()
        configure(&settings)
        sim = SummitSimulator(settings: settings)
        try sim.start()
        endpoint = sim.baseURL + "/api_integration/REST/Summit_RESTWCF.svc/RESTService/CommonWS_JsonObjCall_JSON"
    }

    deinit { sim.stop() }

    func proxy(_ key: String? = nil) -> JSONValue {
        ["AuthType": "APIKEY", "APIKey": .string(key ?? self.key), "ProxyID": 0, "ReturnType": "JSON", "OrgID": 1, "TokenID": ""]
    }

    func call(_ service: String, _ parameters: [String: JSONValue], key: String? = nil, url: String? = nil) throws -> SimHTTPResponse {
        var common = parameters
        common["_ProxyDetails"] = proxy(key)
        common["RequestType"] = "RemoteCall"
        return try SimulatorsTests.call(
            "POST", url ?? endpoint, json: ["ServiceName": .string(service), "objCommonParameters": .object(common)])
    }

    /// `IM_LogOrUpdateIncident` with the container as an object (or, with `asString`, serialised).
    func log(_ container: JSONValue, asString: Bool = false, key: String? = nil) throws -> JSONValue {
        let parameters: JSONValue =
            asString ? ["IncidentContainerJson": .string(container.serialized())] : ["IncidentContainerJsonObj": container]
        let response = try call("IM_LogOrUpdateIncident", ["incidentParamsJSON": parameters], key: key)
        #expect(response.status == 200)
        return try #require(response.json)
    }

    static func container(_ ticket: [String: JSONValue], information: String = "", custom: JSONValue = []) -> JSONValue {
        var members: [String: JSONValue] = ["IsFromWebService": true]
        members.merge(ticket) { _, new in new }
        return [
            "Updater": "Executive", "Ticket": .object(members), "TicketInformation": ["Information": .string(information)],
            "CustomFields": custom,
        ]
    }

    func details(_ number: JSONValue) throws -> JSONValue {
        try #require(try call("IM_GetIncidentDetailsAndChangeHistory", ["TicketNo": number]).json)
    }
}

@Suite("Summit simulator")
struct SummitSimulatorTests {
    @Test("a ticket is logged whether the request container comes as an object or as a string", arguments: [false, true])
    func logsATicketFromEitherContainerEncoding(asString: Bool) throws {
        let fixture = try SummitFixture()
        let answer = try fixture.log(
            SummitFixture.container(
                ["Status": "New", "Symptom": "OpCon job PAYROLL01 failed", "Description": "schedule NIGHTLY", "Priority_Name": "P3"],
                information: "first failure", custom: [["groupName": "Other Details", "name": "Job Name", "value": "PAYROLL01"]]),
            asString: asString)
        #expect(answer["Errors"] == "")
        let number = try #require(answer["TicketNo"]?.intValue)
        #expect(answer["Message"]?.stringValue == "Ticket \(number) logged successfully")
        #expect(answer["TicketID_Internal"]?.intValue != nil)
        #expect(answer["TicketID_Encrypted"]?.stringValue?.isEmpty == false)
        for member in ["Input", "Output", "OutputID", "OutputObject", "OrgID", "TokenID"] { #expect(answer[member] != nil, "\(member)") }
        let ticket = try #require(fixture.sim.ticket(number))
        #expect(ticket.status == "New")
        #expect(ticket.symptom == "OpCon job PAYROLL01 failed")
        #expect(ticket.workLog == ["first failure"])
        #expect(ticket.customFields == [SummitCustomField(groupName: "Other Details", name: "Job Name", value: "PAYROLL01")])
    }

    @Test("errors are reported in the body of an HTTP 200")
    func reportsErrorsInBandWithHTTP200() throws {
        let fixture = try SummitFixture()
        let wrongKey = try fixture.log(SummitFixture.container(["Symptom": "x"]), key: "wrong")
        #expect(wrongKey["Errors"]?.stringValue?.contains("Invalid API Key") == true)
        #expect(fixture.sim.tickets.isEmpty)

        let cases: [(JSONValue, String)] = [
            (["Ticket": ["IsFromWebService": true, "Symptom": "x"]], "Updater"),
            (["Updater": "Executive", "Ticket": ["Symptom": "x"]], "IsFromWebService"),
            (SummitFixture.container(["Status": "Escalated"]), "Status"),
            (SummitFixture.container(["Ticket_No": "999999", "Symptom": "x"]), "999999"),
        ]
        for (container, mentions) in cases {
            let answer = try fixture.log(container)
            #expect(answer["Errors"]?.stringValue?.contains(mentions) == true, "\(mentions)")
        }
        let notJSON = try fixture.call("IM_LogOrUpdateIncident", ["incidentParamsJSON": ["IncidentContainerJson": "{broken"]])
        #expect(notJSON.json?["Errors"]?.stringValue?.isEmpty == false)
        #expect(fixture.sim.tickets.isEmpty)
    }

    @Test("updates and reopens are recorded in the change history")
    func updatesReopensAndRecordsChangeHistory() throws {
        let fixture = try SummitFixture()
        let number = try #require(
            try fixture.log(SummitFixture.container(["Symptom": "failed", "Priority_Name": "P3"]))["TicketNo"]?.intValue)
        let update = try fixture.log(
            SummitFixture.container(["Ticket_No": .string(String(number)), "Priority_Name": "P2"], information: "again"))
        #expect(update["Errors"] == "")
        #expect(update["TicketNo"]?.intValue == number)
        #expect(fixture.sim.ticket(number)?.workLog == ["again"])
        #expect(fixture.sim.ticket(number)?.changeHistory.map(\.column) == ["Priority_Name"])

        try fixture.sim.setStatus("Resolved", of: number)
        _ = try fixture.log(SummitFixture.container(["Ticket_No": .int(number), "Status": "In-Progress"], information: "third failure"))
        let ticket = try #require(fixture.sim.ticket(number))
        #expect(ticket.status == "In-Progress")
        #expect(ticket.reopened)
        #expect(
            ticket.changeHistory.last
                == SummitChange(column: "Status", oldValue: "Resolved", newValue: "In-Progress", date: ticket.updatedAt))
        #expect(fixture.sim.tickets.count == 1)
    }

    @Test("a closed ticket refuses updates unless that is switched off")
    func closedTicketsRefuseUpdatesUnlessSwitchedOff() throws {
        let strict = try SummitFixture()
        let number = try #require(try strict.log(SummitFixture.container(["Symptom": "x"]))["TicketNo"]?.intValue)
        try strict.sim.setStatus("Closed", of: number)
        let refused = try strict.log(SummitFixture.container(["Ticket_No": .int(number)], information: "late"))
        #expect(refused["Errors"]?.stringValue?.contains("Closed") == true)
        #expect(strict.sim.ticket(number)?.workLog == [])

        let lenient = try SummitFixture { $0.refusesUpdatesWhenClosed = false }
        let other = try lenient.sim.createTicket(symptom: "y", status: "Cancelled")
        #expect(try lenient.log(SummitFixture.container(["Ticket_No": .int(other.number)], information: "late"))["Errors"] == "")
    }

    @Test("master values are checked only when asked to")
    func masterValuesAreCheckedOnlyWhenAskedTo() throws {
        let lenient = try SummitFixture()
        #expect(try lenient.log(SummitFixture.container(["Symptom": "x", "Priority_Name": "Whatever"]))["Errors"] == "")
        let strict = try SummitFixture { $0.validatesMasterValues = true }
        let answer = try strict.log(SummitFixture.container(["Symptom": "x", "Priority_Name": "Whatever"]))
        #expect(answer["Errors"]?.stringValue?.contains("Priority_Name") == true)
        #expect(try strict.log(SummitFixture.container(["Symptom": "x", "Priority_Name": "p3"]))["Errors"] == "")
    }

    @Test("details come in Summit's nested shape")
    func detailsComeInTheNestedShape() throws {
        let fixture = try SummitFixture()
        let created = try fixture.log(
            SummitFixture.container(
                ["Symptom": "OpCon job failed", "Description": "long text", "Priority_Name": "P3", "Assigned_WorkGroup_Name": "DevOps"],
                custom: [["GroupName": "Other Details", "Name": "Job Name", "Value": "GL"]]))
        let number = try #require(created["TicketNo"]?.intValue)
        try fixture.sim.setStatus("In-Progress", of: number)

        let answer = try fixture.details(.int(number))
        #expect(answer["Errors"] == "")
        let row = try #require(answer["OutputObject"]?["IncidentDetails"]?["TicketDetails"]?[0])
        #expect(row["Ticket_No"] == .string(String(number)))
        #expect(row["Status"] == "In-Progress")
        #expect(row["Subject"] == "OpCon job failed")
        #expect(row["Description"] == "long text")
        #expect(row["PriorityName"] == "P3")
        #expect(row["WG_Name"] == "DevOps")
        #expect(row["Reopen_Ticket"] == false)
        let history = try #require(answer["OutputObject"]?["IncidentDetails"]?["ChangeHistory"]?[0])
        #expect(history["column_name"] == "Status" && history["OldValue"] == "New" && history["new_Value"] == "In-Progress")
        #expect(answer["OutputObject"]?["IncidentDetails"]?["CustomAttributes"]?[0]?["AttributeText"] == "GL")

        #expect(try fixture.details(.string(String(number)))["Errors"] == "")
        #expect(try fixture.details(0)["Errors"]?.stringValue?.isEmpty == false)
        let wrongKey = try fixture.call("IM_GetIncidentDetailsAndChangeHistory", ["TicketNo": .int(number)], key: "nope")
        #expect(wrongKey.json?["Errors"]?.stringValue?.isEmpty == false)
        #expect(wrongKey.json?["OutputObject"] == .null)
    }

    @Test("requests are routed by path, ignoring case and any virtual directory")
    func routesByPathWithoutCaseAndAnyVirtualDirectory() throws {
        let fixture = try SummitFixture()
        let variants = [
            "/api_integration/REST/Summit_RESTWCF.svc/RESTService/CommonWS_JsonObjCall",
            "/API/rest/summit_restwcf.svc/RESTService/CommonWS_JsonObjCall_json",
            "/REST/Summit_RESTWCF.svc/RESTService/commonws_jsonobjcall_JSON",
        ]
        for path in variants {
            let response = try fixture.call("IM_GetIncidentDetailsAndChangeHistory", ["TicketNo": 1], url: fixture.sim.baseURL + path)
            #expect(response.status == 200, "\(path)")
            #expect(response.json?["Errors"] != nil, "\(path)")
        }
        let bare = try call(
            "POST", fixture.sim.baseURL + "/api_integration/REST/Summit_RESTWCF.svc", json: ["ServiceName": "IM_LogOrUpdateIncident"])
        #expect(bare.status == 415)
        #expect(try call("GET", fixture.endpoint).status == 405)
        #expect(
            try call("POST", fixture.sim.baseURL + "/api_integration/REST/Summit_RESTWCF.svc/RESTService/Nope", json: [:]).status == 404)
    }

    @Test("an unknown service gets an empty body")
    func anUnknownServiceGetsAnEmptyBody() throws {
        let fixture = try SummitFixture()
        let response = try fixture.call("IM_DoSomethingElse", [:])
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
    }

    @Test("attachments are stored per ticket")
    func attachmentsAreStoredPerTicket() throws {
        let fixture = try SummitFixture()
        let number = try #require(try fixture.log(SummitFixture.container(["Symptom": "x"]))["TicketNo"]?.intValue)
        let upload = fixture.sim.baseURL + "/api_integration/REST/Summit_RESTWCF.svc/RESTService/Summit_UploadAttachmentBase64Encoded"
        let log = Data("job log line\r\n".utf8)
        func send(_ body: [String: JSONValue]) throws -> JSONValue {
            var all: [String: JSONValue] = [
                "_ProxyDetails": fixture.proxy(), "eModule": "IM", "TicketNo": .int(number),
                "AttachmentFileName": "GL.log", "base64EncodedData": .string(log.base64EncodedString()),
            ]
            all.merge(body) { _, new in new }
            return try #require(try call("POST", upload, json: .object(all)).json)
        }
        #expect(try send([:])["Errors"] == "")
        #expect(fixture.sim.ticket(number)?.attachments == [SummitAttachment(fileName: "GL.log", data: log)])
        #expect(try fixture.details(.int(number))["OutputObject"]?["IncidentDetails"]?["TicketDetails"]?[0]?["attachments"] == true)

        #expect(try send(["_ProxyDetails": fixture.proxy("bad")])["Errors"]?.stringValue?.contains("Invalid API Key") == true)
        #expect(try send(["TicketNo": 999_999])["Errors"]?.stringValue?.contains("999999") == true)
        #expect(try send(["base64EncodedData": "***not base64***"])["Errors"]?.stringValue?.contains("Base64") == true)
        #expect(try send(["eModule": "SR"])["Errors"]?.stringValue?.isEmpty == false)
        #expect(try send(["AttachmentFileName": ""])["Errors"]?.stringValue?.isEmpty == false)
        #expect(fixture.sim.ticket(number)?.attachments.count == 1)
    }

    @Test("analysts read and change tickets over HTTP")
    func analystsReadAndChangeTicketsOverHTTP() throws {
        let fixture = try SummitFixture()
        let ticket = try fixture.sim.createTicket(symptom: "x")
        let base = fixture.sim.baseURL
        let changed = try call("POST", base + "/_sim/tickets/\(ticket.number)/status", json: ["status": "resolved"])
        #expect(changed.json?["Status"] == "Resolved")
        #expect(fixture.sim.ticket(ticket.number)?.status == "Resolved")
        #expect(try call("GET", base + "/_sim/tickets").json?.arrayValue?.count == 1)
        #expect(try call("GET", base + "/_sim/tickets/\(ticket.number)").json?["Ticket"]?["Symptom"] == "x")
        #expect(try call("POST", base + "/_sim/tickets/\(ticket.number)/status", json: ["status": "Escalated"]).status == 400)
        let page = try call("GET", base + "/MDLIncidentMgmt/IM_TicketDetail.aspx?ID=\(ticket.number)")
        #expect(page.status == 200 && page.text.contains("Resolved"))
    }
}
