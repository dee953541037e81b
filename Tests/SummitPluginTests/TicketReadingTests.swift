import ConnectorKit
import ConnectorTesting
import Foundation
import Testing

@testable import SummitPlugin

@Suite("Finding, describing and checking access")
struct TicketReadingTests {
    @Test(arguments: [
        ("New", TicketStatus.new), ("Assigned", .other("Assigned")), ("In-Progress", .inProgress), ("In Progress", .inProgress),
        ("Pending", .onHold), ("Resolved", .resolved), ("Closed", .closed), ("Cancelled", .cancelled), ("Canceled", .cancelled),
        ("Reopened", .other("Reopened")),
    ])
    func statusesAreNormalised(_ raw: String, _ expected: TicketStatus) {
        #expect(SummitStatus.normalized(raw) == expected)
    }

    @Test func recordedNumberIsReadWithItsStatus() async throws {
        let backend = try makeBackend(transport: stubTransport([detailsAnswer(number: 4507, status: "Resolved")]))
        let ticket = try await findTicket(backend, recordedID: "4507")
        #expect(
            ticket
                == ExistingTicket(
                    reference: TicketReference(
                        recordedID: "4507", number: "4507",
                        url: "https://itsm.example.com/MDLIncidentMgmt/IM_TicketDetail.aspx?ID=4507", internalID: "31844"),
                    status: .resolved, rawState: "Resolved",
                    details: [
                        TicketField(name: "Subject", value: "OpCon job PAYROLL01 failed (schedule NIGHTLY)"),
                        TicketField(name: "Workgroup", value: "DevOps"), TicketField(name: "Engineer", value: ""),
                        TicketField(name: "Updated", value: "2024-09-21 07:30:00"),
                    ]))
    }

    @Test func noRecordedNumberMeansNoTicketAndNoRequest() async throws {
        let transport = stubTransport([])
        let backend = try makeBackend(transport: transport)
        #expect(try await findTicket(backend, recordedID: nil) == nil)
        #expect(try await findTicket(backend, recordedID: "  ") == nil)
        #expect(try await findTicket(backend, recordedID: "INC0010042/abc") == nil)
        #expect(backend.reference(recordedID: "INC0010042/abc") == nil)
        #expect(backend.reference(recordedID: "-12") == nil)
        #expect(transport.requests.isEmpty)
    }

    @Test(
        "an answer without details means no such ticket",
        arguments: [
            ("empty TicketDetails", ["Errors": "", "OutputObject": ["IncidentDetails": ["TicketDetails": []]]]),
            ("null OutputObject", ["Errors": "", "OutputObject": .null]),
            ("no OutputObject", ["Errors": "", "Message": ""]),
            ("empty OutputObject", ["Errors": "", "OutputObject": [:]]),
            ("OutputObject without IncidentDetails", ["Errors": "", "OutputObject": ["Something": 1]]),
            ("null IncidentDetails", ["Errors": "", "OutputObject": ["IncidentDetails": .null]]),
            ("business error", ["Errors": "Ticket 9999 does not exist", "OutputObject": .null]),
        ] as [(String, JSONValue)])
    func numberSummitDoesNotKnowMeansNoTicket(_ label: String, _ body: JSONValue) async throws {
        let backend = try makeBackend(transport: stubTransport([answer(body)]))
        #expect(try await findTicket(backend, recordedID: "9999") == nil, "\(label)")
    }

    @Test(
        "an in-band error naming the ticket as invalid, not found or not existing means no such ticket",
        arguments: [
            "TicketNo 999 is invalid", "Invalid Ticket_No 999", "INCIDENT 999 NOT FOUND", "Ticket 999 does not exist",
            "The incident number 999 is not valid", "ticketno: invalid value", "No record found",
        ])
    func unknownTicketWording(_ text: String) async throws {
        #expect(SummitAnswer.isUnknownTicket(text))
        let backend = try makeBackend(transport: stubTransport([answer(["Errors": .string(text), "OutputObject": .null])]))
        #expect(try await findTicket(backend, recordedID: "999") == nil)
    }

    @Test(
        "a refused key stays a permission error even when its text names the ticket as invalid",
        arguments: [
            "Invalid API key", "API key is invalid for ticket 999", "Authentication failed: TicketNo 999 is invalid",
            "Incident access denied: invalid key",
        ])
    func authErrorsAreNotUnknownTickets(_ text: String) async throws {
        #expect(!SummitAnswer.isUnknownTicket(text))
        let backend = try makeBackend(transport: stubTransport([answer(["Errors": .string(text)])]))
        let error = await connectorError { _ = try await findTicket(backend, recordedID: "999") }
        #expect(error?.exitCode == .permission)
    }

    @Test func otherReadErrorsAreNotMistakenForAMissingTicket() async throws {
        let backend = try makeBackend(
            transport: stubTransport([
                answer(["Errors": "Service IM_GetIncidentDetailsAndChangeHistory is disabled"]),
                answer(["Errors": "Invalid Sup_Function 'HR'"]),
                answer(["Errors": "", "OutputObject": "IncidentDetails"]),
                answer(["Errors": "", "OutputObject": [["IncidentDetails": [:]]]]),
            ]))
        for _ in 0..<4 {
            #expect(await connectorError { _ = try await findTicket(backend, recordedID: "1") }?.exitCode == .dataError)
        }
    }

    @Test func ticketStatusServesSync() async throws {
        let backend = try makeBackend(transport: stubTransport([detailsAnswer(number: 12, status: "Cancelled")]))
        let ticket = try await backend.ticketStatus(recordedID: "12")
        #expect(ticket?.status == .cancelled)
        #expect(ticket?.rawState == "Cancelled")
    }

    /// `-i <number>`: the backend reads the essentials, ConnectorKit prints them (an empty detail is left out).
    @Test func describeTicketPrintsTheEssentials() async throws {
        let backend = try makeBackend(transport: stubTransport([detailsAnswer(number: 4507, status: "In-Progress")]))
        let text = try await backend.describeTicket(number: " 4507 ", service: "Symphony Summit")
        #expect(
            text == """
                Ticket:    4507
                State:     In Progress (In-Progress)
                Subject:   OpCon job PAYROLL01 failed (schedule NIGHTLY)
                Workgroup: DevOps
                Updated:   2024-09-21 07:30:00
                Link:      https://itsm.example.com/MDLIncidentMgmt/IM_TicketDetail.aspx?ID=4507
                """)
    }

    @Test func describeUnknownTicketIsADataError() async throws {
        let backend = try makeBackend(transport: stubTransport([answer(["Errors": "", "OutputObject": .null])]))
        let error = await connectorError { _ = try await backend.describeTicket(number: "77", service: "Symphony Summit") }
        #expect(error == .data("Symphony Summit has no ticket 77."))
    }

    @Test func describeSomethingThatIsNoNumberIsAUsageErrorWithoutARequest() async throws {
        let transport = stubTransport([])
        let backend = try makeBackend(transport: transport)
        let error = await connectorError { _ = try await backend.describeTicket(number: "INC001", service: "Symphony Summit") }
        #expect(error?.exitCode == .usage)
        #expect(transport.requests.isEmpty)
    }

    @Test func ticketWithoutAStatusIsADataError() async throws {
        let body: JSONValue = ["Errors": "", "OutputObject": ["IncidentDetails": ["TicketDetails": [["Ticket_No": "5"]]]]]
        let backend = try makeBackend(transport: stubTransport([answer(body)]))
        let error = await connectorError { _ = try await backend.ticketStatus(recordedID: "5") }
        #expect(error == .data("Symphony Summit returned incident 5 without a Status."))
    }

    @Test func verifyAccessAcceptsABusinessErrorForTicketZero() async throws {
        let transport = stubTransport([answer(["Errors": "Ticket 0 not found"])])
        let backend = try makeBackend(transport: transport)
        try await backend.verifyAccess()
        #expect(transport.jsonBodies.first?.value(atPath: "objCommonParameters.TicketNo") == 0)
        #expect(transport.jsonBodies.first?["ServiceName"] == "IM_GetIncidentDetailsAndChangeHistory")
    }

    @Test func verifyAccessReportsARefusedKey() async throws {
        let backend = try makeBackend(transport: stubTransport([answer(["Errors": "Invalid API Key"])]))
        let error = await connectorError { try await backend.verifyAccess() }
        #expect(error?.exitCode == .permission)
        #expect(error?.message.contains("summit.json") == true)
    }

    @Test func verifyAccessReportsAnEmptyBody() async throws {
        let backend = try makeBackend(transport: stubTransport([answer(text: "")]))
        #expect(await connectorError { try await backend.verifyAccess() }?.exitCode == .dataError)
    }
}
