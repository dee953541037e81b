import ConnectorKit
import ConnectorTesting
import Foundation
import Testing

@testable import ServiceNowPlugin

@Suite("Finding and reading incidents")
struct TicketReadingTests {
    @Test func aRecordedNumberAndSysIDIsReadBySysID() async throws {
        let transport = ScriptedTransport([Fixture.list([("INC0010042", Fixture.sysID, "2")])])
        let backend = Fixture.backend(transport, settings: try Fixture.settings())

        let ticket = try #require(try await Fixture.find(backend, recordedID: "INC0010042/\(Fixture.sysID)", draft: Fixture.draft()))

        #expect(transport.requests.count == 1)
        let request = try #require(transport.requests.first)
        #expect(request.method == .get)
        #expect(
            request.url.absoluteString
                == "https://acme.service-now.com/api/now/table/incident?sysparm_query=sys_id%3D\(Fixture.sysID)&sysparm_limit=1")
        #expect(request.body == nil)
        #expect(ticket == ExistingTicket(reference: Fixture.reference(), status: .inProgress, rawState: "2", foundBySearch: false))
    }

    @Test func aBareNumberIsReadByNumber() async throws {
        let transport = ScriptedTransport([Fixture.list([("INC0010042", Fixture.sysID, "1")])])
        let backend = Fixture.backend(transport, settings: try Fixture.settings())
        let ticket = try await Fixture.find(backend, recordedID: "INC0010042", draft: Fixture.draft())

        #expect(transport.requests.first?.url.query == "sysparm_query=number%3DINC0010042&sysparm_limit=1")
        #expect(ticket?.reference.recordedID == "INC0010042/\(Fixture.sysID)")
        #expect(ticket?.status == .new)
    }

    @Test(arguments: [
        ("1", TicketStatus.new), ("2", .inProgress), ("3", .onHold), ("6", .resolved), ("7", .closed), ("8", .cancelled),
        ("9", .other("9")),
    ])
    func everyStateMapsToItsStatus(state: String, status: TicketStatus) async throws {
        let transport = ScriptedTransport([Fixture.list([("INC0010042", Fixture.sysID, state)])])
        // alwaysCreateNewTicket keeps the replacement search out of this test.
        let backend = Fixture.backend(transport, settings: try Fixture.settings(rules: ["alwaysCreateNewTicket": true]))
        let ticket = try await backend.ticketStatus(recordedID: "INC0010042/\(Fixture.sysID)")
        #expect(ticket?.status == status)
        #expect(ticket?.rawState == state)
    }

    @Test func displayValueStatesAndReferenceShapedValuesAreUnderstood() async throws {
        let body =
            #"{"result":[{"number":{"display_value":"INC0010042","value":"INC0010042"},"sys_id":"\#(Fixture.sysID)","state":{"display_value":"In Progress","value":"2"}}]}"#
        let backend = Fixture.backend(ScriptedTransport([.json(200, body)]), settings: try Fixture.settings())
        let ticket = try await backend.ticketStatus(recordedID: "INC0010042")
        #expect(ticket?.status == .inProgress)
        #expect(ticket?.reference.number == "INC0010042")
    }

    @Test func aRecordedTicketServiceNowNoLongerHasIsNil() async throws {
        let transport = ScriptedTransport([.json(200, #"{"result":[]}"#)])
        let backend = Fixture.backend(transport, settings: try Fixture.settings())
        #expect(try await Fixture.find(backend, recordedID: "INC0010042/\(Fixture.sysID)", draft: Fixture.draft()) == nil)
        #expect(transport.requests.count == 1)
    }

    @Test func tableAPIv1NoRecordFoundMeansNone() async throws {
        let noRecord = ScriptedTransport.Answer.json(
            404,
            #"{"error":{"message":"No Record found","detail":"Record doesn't exist or ACL restricts the record retrieval"},"status":"failure"}"#
        )
        let backend = Fixture.backend(ScriptedTransport([noRecord, noRecord]), settings: try Fixture.settings())
        #expect(try await backend.ticketStatus(recordedID: "INC0010042") == nil)
        try await backend.verifyAccess()
    }

    @Test func anyOther404OnAQueryIsADataError() async throws {
        let backend = Fixture.backend(
            ScriptedTransport([.json(404, #"{"error":{"message":"Invalid table u_opcon_import","detail":null},"status":"failure"}"#)]),
            settings: try Fixture.settings())
        await #expect(
            throws: ConnectorError.data(
                "ServiceNow (acme.service-now.com) could not read incident INC0010042 (HTTP 404: Invalid table u_opcon_import).")
        ) {
            _ = try await backend.ticketStatus(recordedID: "INC0010042")
        }
    }

    @Test func withoutARecordedTicketTheOpenIncidentWithThisCorrelationIDIsAdopted() async throws {
        let transport = ScriptedTransport([Fixture.list([("INC0010042", Fixture.sysID, "1")])])
        let backend = Fixture.backend(transport, settings: try Fixture.settings())

        let ticket = try #require(try await Fixture.find(backend, recordedID: nil, draft: Fixture.draft()))

        #expect(ticket.foundBySearch)
        #expect(ticket.reference == Fixture.reference())
        let query = try #require(transport.requests.first?.url.query)
        #expect(
            query
                == "sysparm_query=correlation_id%3Dopcon.example%3A9010%2C20240921%7C123%7C1%7CPAYROLL%2001%5Eactive%3Dtrue%5EstateNOT%20IN6%2C7%2C8%5EORDERBYDESCsys_created_on&sysparm_limit=100"
        )
        #expect(
            query.removingPercentEncoding
                == "sysparm_query=correlation_id=opcon.example:9010,20240921|123|1|PAYROLL 01^active=true^stateNOT IN6,7,8^ORDERBYDESCsys_created_on&sysparm_limit=100"
        )
    }

    @Test func withoutCorrelationNothingIsSearched() async throws {
        let transport = ScriptedTransport([])
        let backend = Fixture.backend(transport, settings: try Fixture.settings(rules: ["includeCorrelationId": false]))
        #expect(try await Fixture.find(backend, recordedID: nil, draft: Fixture.draft()) == nil)
        #expect(transport.requests.isEmpty)
    }

    @Test func anEmptyCorrelationIDIsNeverSearched() async throws {
        let transport = ScriptedTransport([Fixture.list([("INC0000001", Fixture.otherSysID, "1")])])
        let backend = Fixture.backend(transport, settings: try Fixture.settings())
        // An empty id would match every incident without one; the create that follows refuses it loudly.
        #expect(try await Fixture.find(backend, recordedID: nil, draft: Fixture.draft(correlationID: "")) == nil)
        #expect(transport.requests.isEmpty)
        #expect(transport.requests.isEmpty)
        #expect(throws: ConnectorError.self) { try IncidentQuery.openByCorrelation("  ") }
    }

    @Test func aCorrelationIDThatCannotBeQueriedIsNotSearchedAndSaysSo() async throws {
        let transport = ScriptedTransport([])
        let sink = MemoryLogSink()
        let backend = Fixture.backend(transport, settings: try Fixture.settings(), logger: Logger(sinks: [sink]))
        let ticket = try await Fixture.find(
            backend, recordedID: nil, draft: Fixture.draft(correlationID: "opcon.example:9010,20240921|1|1|A^B"))
        #expect(ticket == nil)
        #expect(transport.requests.isEmpty)
        #expect(sink.entries.contains { $0.level == .warning && $0.message.contains("cannot be used in a ServiceNow query") })
    }

    @Test func aClosedRecordedTicketGivesWayToTheReplacementAnInterruptedRunOpened() async throws {
        let transport = ScriptedTransport([
            Fixture.list([("INC0010024", Fixture.otherSysID, "7")]),
            Fixture.list([("INC0010042", Fixture.sysID, "1")]),
        ])
        let backend = Fixture.backend(transport, settings: try Fixture.settings())
        let ticket = try await Fixture.find(backend, recordedID: "INC0010024/\(Fixture.otherSysID)", draft: Fixture.draft())

        #expect(ticket?.reference.number == "INC0010042")
        #expect(ticket?.foundBySearch == true)
        #expect(transport.requests.last?.url.query?.contains("sysparm_limit=100") == true)
    }

    @Test func aClosedRecordedTicketIsReturnedWhenNothingReplacedIt() async throws {
        let transport = ScriptedTransport([Fixture.list([("INC0010024", Fixture.otherSysID, "7")]), .json(200, #"{"result":[]}"#)])
        let backend = Fixture.backend(transport, settings: try Fixture.settings())
        let ticket = try await Fixture.find(backend, recordedID: "INC0010024/\(Fixture.otherSysID)", draft: Fixture.draft())
        #expect(ticket?.reference.number == "INC0010024")
        #expect(ticket?.status == .closed)
        #expect(ticket?.foundBySearch == false)
    }

    @Test func anOpenRecordedTicketNeedsNoSearch() async throws {
        let transport = ScriptedTransport([Fixture.list([("INC0010042", Fixture.sysID, "6")])])
        let backend = Fixture.backend(transport, settings: try Fixture.settings())
        let ticket = try await Fixture.find(backend, recordedID: "INC0010042/\(Fixture.sysID)", draft: Fixture.draft())
        #expect(ticket?.status == .resolved)
        #expect(transport.requests.count == 1)
    }

    @Test func anAnswerWithoutTheListIsADataError() async throws {
        let backend = Fixture.backend(ScriptedTransport([.json(200, #"{"records":[]}"#)]), settings: try Fixture.settings())
        await #expect(
            throws: ConnectorError.data(
                "ServiceNow (acme.service-now.com) answered the request to read incident INC0010042 without a list at result; check parseNotations getincidentsysid."
            )
        ) {
            _ = try await backend.ticketStatus(recordedID: "INC0010042")
        }
    }

    @Test func describeTicketShowsTheStateAndTheLink() async throws {
        let body =
            #"{"result":[{"number":"INC0010042","sys_id":"\#(Fixture.sysID)","state":"6","short_description":"OpCon Task Failure","priority":"3","assignment_group":{"link":"x","value":"abc"}}]}"#
        let transport = ScriptedTransport([.json(200, body)])
        let backend = Fixture.backend(transport, settings: try Fixture.settings())
        let text = try await backend.describeTicket(number: "INC0010042", service: "ServiceNow")
        #expect(text.contains("Ticket:            INC0010042"))
        #expect(text.contains("State:             Resolved (6)"))
        #expect(text.contains("Short description: OpCon Task Failure"))
        #expect(text.contains("Link:              https://acme.service-now.com/nav_to.do?uri=incident.do?sys_id=\(Fixture.sysID)"))
        #expect(transport.requests.first?.url.query == "sysparm_query=number%3DINC0010042&sysparm_limit=1")
    }

    @Test func describingAnUnknownNumberSaysSo() async throws {
        let backend = Fixture.backend(ScriptedTransport([.json(200, #"{"result":[]}"#)]), settings: try Fixture.settings())
        await #expect(throws: ConnectorError.data("ServiceNow has no ticket INC0099999.")) {
            _ = try await backend.describeTicket(number: "INC0099999", service: "ServiceNow")
        }
    }

    @Test func verifyAccessReadsOneIncident() async throws {
        let transport = ScriptedTransport([.json(200, #"{"result":[]}"#)])
        let backend = Fixture.backend(transport, settings: try Fixture.settings())
        try await backend.verifyAccess()
        #expect(
            transport.requests.first?.url.absoluteString
                == "https://acme.service-now.com/api/now/table/incident?sysparm_query=number%3D0&sysparm_limit=1")
        #expect(transport.requests.first?.header("Authorization")?.hasPrefix("Basic ") == true)
    }
}

@Suite("Which tickets this template owns")
struct OwnershipTests {
    @Test func recordedIDsInTheShapesThisBackendWritesAreOwned() throws {
        let backend = Fixture.backend(ScriptedTransport([]), settings: try Fixture.settings())
        #expect(backend.owns(recordedID: "INC0010042/\(Fixture.sysID)", ticketURL: nil, claimsUnlinked: true))
        #expect(backend.owns(recordedID: "INC0010042", ticketURL: "", claimsUnlinked: true))
        #expect(
            backend.owns(
                recordedID: "INC0010042/\(Fixture.sysID)",
                ticketURL: "https://ACME.service-now.com/nav_to.do?uri=incident.do?sys_id=\(Fixture.sysID)", claimsUnlinked: true))
        #expect(
            !backend.owns(
                recordedID: "INC0010042/\(Fixture.sysID)",
                ticketURL: "https://other.service-now.com/nav_to.do?uri=incident.do?sys_id=\(Fixture.sysID)", claimsUnlinked: true))
        #expect(!backend.owns(recordedID: "4507", ticketURL: nil, claimsUnlinked: true))
        #expect(!backend.owns(recordedID: "INC0010042/not-a-sys-id", ticketURL: nil, claimsUnlinked: true))
    }

    @Test func recordedValuesAreSplitAtTheSlash() {
        #expect(RecordedIncident("INC0010042/\(Fixture.sysID)").map { [$0.number, $0.sysID] } == ["INC0010042", Fixture.sysID])
        #expect(RecordedIncident(" INC0010042 ").map { [$0.number, $0.sysID] } == ["INC0010042", nil])
        #expect(RecordedIncident("INC0010042/").map { [$0.number, $0.sysID] } == ["INC0010042", nil])
        #expect(RecordedIncident("") == nil)
        #expect(RecordedIncident("/\(Fixture.sysID)") == nil)
    }
}
