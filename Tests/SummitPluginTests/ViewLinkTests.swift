import ConnectorKit
import Foundation
import Testing
@testable import SummitPlugin

@Suite("Incident links and ticket ownership")
struct ViewLinkTests {
    let pattern = "https://{0}/MDLIncidentMgmt/IM_TicketDetail.aspx?ID={1}"

    @Test func hostAddressFillsThePattern() {
        let link = SummitViewLink(pattern: pattern, addressValue: "itsm.example.com:8443")
        #expect(link?.url(forTicket: "4507") == "https://itsm.example.com:8443/MDLIncidentMgmt/IM_TicketDetail.aspx?ID=4507")
    }

    @Test func fullURLAddressReplacesTheSchemeWithoutDoublingIt() {
        let link = SummitViewLink(pattern: pattern, addressValue: "http://127.0.0.1:8123/")
        #expect(link?.url(forTicket: "7") == "http://127.0.0.1:8123/MDLIncidentMgmt/IM_TicketDetail.aspx?ID=7")
    }

    @Test func patternStartingWithTheAddressGetsTheBaseURL() {
        let link = SummitViewLink(pattern: "{0}/IM_TicketDetail.aspx?ID={1}", addressValue: "itsm.example.com")
        #expect(link?.url(forTicket: "7") == "https://itsm.example.com/IM_TicketDetail.aspx?ID=7")
    }

    @Test func viewAddressFallsBackToTheAPIAddress() throws {
        let raw = sampleRaw(extra: ["viewAddress": .null])
        let settings = try SummitSettings(template: makeTemplate(raw))
        #expect(settings.viewLink.url(forTicket: "1") == "https://summit.example.com/MDLIncidentMgmt/IM_TicketDetail.aspx?ID=1")
    }

    @Test func ownsTicketsWhoseLinkItBuilds() throws {
        let backend = try makeBackend(transport: StubTransport([]), sole: false)
        #expect(backend.owns(recordedID: "4507", ticketURL: "https://itsm.example.com/MDLIncidentMgmt/IM_TicketDetail.aspx?ID=4507"))
        #expect(!backend.owns(recordedID: "4507", ticketURL: "https://other.example.com/MDLIncidentMgmt/IM_TicketDetail.aspx?ID=4507"))
        #expect(!backend.owns(recordedID: "4507", ticketURL: "https://itsm.example.com/MDLIncidentMgmt/IM_TicketDetail.aspx?ID=4508"))
    }

    @Test func ticketWithoutLinkBelongsToTheOnlySummitTemplate() throws {
        let sole = try makeBackend(transport: StubTransport([]), sole: true)
        let oneOfTwo = try makeBackend(transport: StubTransport([]), sole: false)
        #expect(sole.owns(recordedID: "4507", ticketURL: nil))
        #expect(sole.owns(recordedID: "4507", ticketURL: ""))
        #expect(!oneOfTwo.owns(recordedID: "4507", ticketURL: nil))
        #expect(!sole.owns(recordedID: "INC0010042/abc123", ticketURL: nil))
    }
}
