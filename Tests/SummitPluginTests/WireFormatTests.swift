import ConnectorKit
import ConnectorTesting
import Foundation
import Testing

@testable import SummitPlugin

@Suite("What the backend sends")
struct WireFormatTests {
    let endpoint = "https://summit.example.com/api_integration/REST/Summit_RESTWCF.svc/RESTService/CommonWS_JsonObjCall_JSON"
    let description = "OpCon Task Failure ( date 2024-09-21 schedule NIGHTLY job PAYROLL01 server WIN01 error code 0000000005 )"
    let fields = [
        TicketField(name: "Priority_Name", value: "P3"), TicketField(name: "Impact_Name", value: "Low"),
        TicketField(name: "Assigned_WorkGroup_Name", value: "DevOps"),
    ]
    let created = answer(["Errors": "", "Message": "Ticket 4507 logged successfully", "TicketNo": 4507, "TicketID_Internal": 31844])

    func envelope(_ service: String, _ parameters: [String: JSONValue]) -> JSONValue {
        var common = parameters
        common["_ProxyDetails"] = expectedProxy
        common["RequestType"] = "RemoteCall"
        return ["ServiceName": .string(service), "objCommonParameters": .object(common)]
    }

    func incident(_ container: JSONValue) -> JSONValue {
        envelope("IM_LogOrUpdateIncident", ["incidentParamsJSON": ["IncidentContainerJsonObj": container]])
    }

    var expectedCreate: JSONValue {
        incident([
            "Updater": "Executive",
            "Ticket": [
                "IsFromWebService": true, "Status": "New", "Symptom": "OpCon job PAYROLL01 failed (schedule NIGHTLY)",
                "Description": .string(description), "Priority_Name": "P3", "Impact_Name": "Low", "Assigned_WorkGroup_Name": "DevOps",
            ],
            "TicketInformation": ["Information": "Failure of PAYROLL01 reported by OpCon"],
            "CustomFields": [
                ["GroupName": "Other Details", "Name": "Job Name", "Value": "PAYROLL01"],
                ["GroupName": "Other Details", "Name": "Abend", "Value": "Yes"],
            ],
        ])
    }

    @Test func createSendsTheWholeIncident() async throws {
        let transport = stubTransport([created])
        let backend = try makeBackend(transport: transport)
        let ticket = try await backend.create(makeDraft(fields: fields))

        #expect(
            ticket
                == TicketReference(
                    recordedID: "4507", number: "4507",
                    url: "https://itsm.example.com/MDLIncidentMgmt/IM_TicketDetail.aspx?ID=4507", internalID: "31844"))
        let request = try #require(transport.requests.first)
        #expect(request.method == .post)
        #expect(request.url.absoluteString == endpoint)
        #expect(request.header("content-type")?.hasPrefix("application/json") == true)
        #expect(request.header("accept") == "application/json")
        #expect(!request.isRetrySafe)
        #expect(transport.jsonBodies.first == expectedCreate)
    }

    @Test func symptomAttributeAndPreviousTicketShapeTheTexts() async throws {
        let transport = stubTransport([created])
        let backend = try makeBackend(transport: transport)
        let previous = TicketReference(recordedID: "4400", number: "4400", url: "")
        let draft = makeDraft(fields: [TicketField(name: "Symptom", value: "Payroll batch down")], previous: previous)
        _ = try await backend.create(draft)
        let ticket = try #require(
            transport.jsonBodies.first?.value(atPath: "objCommonParameters.incidentParamsJSON.IncidentContainerJsonObj.Ticket"))
        #expect(ticket["Symptom"] == "Payroll batch down")
        #expect(ticket["Description"]?.stringValue == description + "\nPrevious Ticket Number (4400)")
    }

    @Test func ticketNumberFallsBackToInternalIDThenMessage() async throws {
        let internalOnly = answer(["Errors": "", "Message": "done", "TicketNo": 0, "TicketID_Internal": 31844])
        let messageOnly = answer(["Errors": "", "Message": "Ticket 318417 logged successfully", "TicketNo": .null])
        let none = answer(["Errors": "", "Message": "New ticket has been logged successfully"])
        let backend = try makeBackend(transport: stubTransport([internalOnly, messageOnly, none]))
        #expect(try await backend.create(makeDraft()).number == "31844")
        #expect(try await backend.create(makeDraft()).number == "318417")
        let error = await connectorError { _ = try await backend.create(makeDraft()) }
        #expect(error?.exitCode == .dataError)
        #expect(error?.message.contains("New ticket has been logged successfully") == true)
    }

    @Test(
        "a plain update carries the number and the failure text, and no Status whatever the ticket's status",
        arguments: [
            ("Pending", TicketStatus.onHold), ("Pending Approval", .onHold), ("In-Progress", .inProgress),
            ("New", .new), ("Assigned", .other("Assigned")),
        ])
    func updateAddsTheFailureWithoutAStatus(raw: String, status: TicketStatus) async throws {
        let transport = stubTransport([answer(["Errors": "", "Message": "Ticket details are updated successfully"])])
        let backend = try makeBackend(transport: transport)
        let ticket = existing("4507", status: status, raw: raw)
        try await backend.update(ticket, with: makeDraft(fields: fields), reopening: false)
        let expected = incident([
            "Updater": "Executive",
            "Ticket": ["IsFromWebService": true, "Ticket_No": "4507"],
            "TicketInformation": ["Information": .string(description)],
        ])
        #expect(transport.jsonBodies.first == expected)
        #expect(transport.requests.first?.url.absoluteString == endpoint)
        #expect(transport.requests.first?.isRetrySafe == false)
    }

    @Test func reopenSendsTheReopenStatus() async throws {
        let transport = stubTransport([answer(["Errors": ""]), answer(["Errors": ""])])
        let standard = try makeBackend(transport: transport)
        try await standard.update(existing("4507", status: .resolved, raw: "Resolved"), with: makeDraft(), reopening: true)
        let custom = try makeBackend(sampleRaw(extra: ["variables": ["reopenStatus": "Assigned"]]), transport: transport)
        try await custom.update(existing("4507", status: .resolved, raw: "Resolved"), with: makeDraft(), reopening: true)
        let statuses = transport.jsonBodies.map {
            $0.value(atPath: "objCommonParameters.incidentParamsJSON.IncidentContainerJsonObj.Ticket.Status")
        }
        #expect(statuses == ["In-Progress", "Assigned"])
    }

    @Test func attachUploadsBase64WithoutTheEnvelope() async throws {
        let transport = stubTransport([answer(["Errors": "", "Message": "Attachment uploaded"])])
        let backend = try makeBackend(transport: transport)
        let file = JobLogFile(name: "PAYROLL01.log", data: Data("Hello, job log\n".utf8))
        try await backend.attach(file, to: TicketReference(recordedID: "4507", number: "4507", url: ""))
        let request = try #require(transport.requests.first)
        #expect(
            request.url.absoluteString
                == "https://summit.example.com/api_integration/REST/Summit_RESTWCF.svc/RESTService/Summit_UploadAttachmentBase64Encoded")
        #expect(
            transport.jsonBodies.first == [
                "_ProxyDetails": expectedProxy, "eModule": "IM", "TicketNo": 4507,
                "AttachmentFileName": "PAYROLL01.log", "base64EncodedData": "SGVsbG8sIGpvYiBsb2cK",
            ])
    }

    @Test func attachAcceptsABodyThatIsNotJSONButNotAnInBandError() async throws {
        let transport = stubTransport([answer(text: "OK"), answer(["Errors": "File type not allowed"])])
        let backend = try makeBackend(transport: transport)
        let file = JobLogFile(name: "a.log", data: Data("x".utf8))
        let ticket = TicketReference(recordedID: "1", number: "1", url: "")
        try await backend.attach(file, to: ticket)
        let error = await connectorError { try await backend.attach(file, to: ticket) }
        #expect(error == .data("Symphony Summit could not attach a.log to incident 1: File type not allowed."))
    }

    @Test(
        "the number in Message is the first run of 4 or more digits",
        arguments: [
            ("Org 1: Ticket 4507 logged", "4507"),
            ("Ticket 318417 logged successfully", "318417"),
            ("Org 12, request 7: ticket 0000 pending, ticket 4508 logged", "4508"),
        ])
    func ticketNumberInMessage(_ message: String, _ number: String) async throws {
        let backend = try makeBackend(transport: stubTransport([answer(["Errors": "", "Message": .string(message)])]))
        #expect(try await backend.create(makeDraft()).number == number)
    }

    @Test func messageWithOnlyShortNumbersNamesNoTicket() async throws {
        let backend = try makeBackend(transport: stubTransport([answer(["Errors": "", "Message": "Org 1: 3 tickets logged"])]))
        let error = await connectorError { _ = try await backend.create(makeDraft()) }
        #expect(error?.exitCode == .dataError)
        #expect(error?.message.contains("Org 1: 3 tickets logged") == true)
    }

    /// `explain` puts a `WriteCapture` under the backend: reads still go to Summit, every write is held back and
    /// recorded exactly as a run would send it.
    @Test func explainCapturesExactlyWhatEachWriteSends() async throws {
        let draft = makeDraft(fields: fields, previous: TicketReference(recordedID: "4400", number: "4400", url: ""))
        let open = existing("4507", status: .inProgress, raw: "In-Progress")
        let resolved = existing("4507", status: .resolved, raw: "Resolved")
        let sent = stubTransport([created, answer(["Errors": ""]), answer(["Errors": ""])])
        let backend = try makeBackend(transport: sent)
        _ = try await backend.create(draft)
        try await backend.update(open, with: draft, reopening: false)
        try await backend.update(resolved, with: draft, reopening: true)

        let capture = WriteCapture()
        let read = stubTransport([detailsAnswer(number: 4507, status: "Resolved")])
        let explained = try makeBackend(transport: read, capture: capture)
        #expect(try await explained.ticketStatus(recordedID: "4507")?.status == .resolved)
        // The capture answers `{}`, which names no ticket: the engine keeps what was captured before the error.
        #expect(await connectorError { _ = try await explained.create(draft) }?.exitCode == .dataError)
        try await explained.update(open, with: draft, reopening: false)
        try await explained.update(resolved, with: draft, reopening: true)
        #expect(read.requests.count == 1)
        #expect(capture.captured.compactMap { (try? $0.bodyBytes())?.flatMap { try? JSONValue.parse($0) } } == sent.jsonBodies)
        #expect(capture.captured.map(\.url) == sent.requests.map(\.url))
        #expect(capture.captured.map(\.headers) == sent.requests.map(\.headers))
    }

    @Test func detailsReadIsARetrySafePostWithTheNumber() async throws {
        let transport = stubTransport([detailsAnswer(number: 4507, status: "New")])
        let backend = try makeBackend(transport: transport)
        _ = try await findTicket(backend, recordedID: " 4507 ")
        let request = try #require(transport.requests.first)
        #expect(request.isRetrySafe)
        #expect(transport.jsonBodies.first == envelope("IM_GetIncidentDetailsAndChangeHistory", ["TicketNo": 4507]))
    }

    @Test func withoutTicketInformationTheWorkLogGetsTheSummary() async throws {
        var members = sampleRaw().objectValue!
        members.removeValue(forKey: "ticketInformation")
        let transport = stubTransport([created])
        _ = try await makeBackend(.object(members), transport: transport).create(makeDraft())
        #expect(
            transport.jsonBodies.first?.value(
                atPath: "objCommonParameters.incidentParamsJSON.IncidentContainerJsonObj.TicketInformation.Information")
                == "OpCon job PAYROLL01 failed (schedule NIGHTLY)")
    }
}
