import ConnectorKit
import ConnectorTesting
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
        let settings = try makeSettings(raw)
        #expect(settings.viewLink.url(forTicket: "1") == "https://summit.example.com/MDLIncidentMgmt/IM_TicketDetail.aspx?ID=1")
    }

    @Test func referenceCarriesTheLinkOpConShows() throws {
        let backend = try makeBackend(transport: stubTransport([]))
        #expect(
            backend.reference(recordedID: "4507")
                == TicketReference(
                    recordedID: "4507", number: "4507", url: "https://itsm.example.com/MDLIncidentMgmt/IM_TicketDetail.aspx?ID=4507"))
    }

    /// `owns` is ConnectorKit's: a Summit number whose recorded link is on the host this template's links point to.
    /// (It compares scheme, host and port only; the SDK dropped the check that the link names the same number.)
    @Test func ownsTicketsOnTheHostItsLinksPointTo() throws {
        let backend = try makeBackend(transport: stubTransport([]))
        #expect(
            backend.owns(
                recordedID: "4507", ticketURL: "https://itsm.example.com/MDLIncidentMgmt/IM_TicketDetail.aspx?ID=4507",
                claimsUnlinked: false))
        #expect(
            backend.owns(
                recordedID: " 4507 ", ticketURL: "HTTPS://ITSM.example.com:443/MDLIncidentMgmt/IM_TicketDetail.aspx?ID=4507",
                claimsUnlinked: false))
        #expect(
            !backend.owns(
                recordedID: "4507", ticketURL: "https://other.example.com/MDLIncidentMgmt/IM_TicketDetail.aspx?ID=4507",
                claimsUnlinked: false))
        #expect(
            !backend.owns(
                recordedID: "4507", ticketURL: "https://itsm.example.com:8443/MDLIncidentMgmt/IM_TicketDetail.aspx?ID=4507",
                claimsUnlinked: false))
        #expect(
            !backend.owns(
                recordedID: "INC0010042", ticketURL: "https://itsm.example.com/MDLIncidentMgmt/IM_TicketDetail.aspx?ID=4507",
                claimsUnlinked: true))
    }

    /// Whether this is the only Summit template is ConnectorKit's judgement (`PluginTests`); `owns` is told.
    @Test func ticketWithoutLinkBelongsToTheOnlySummitTemplate() throws {
        let backend = try makeBackend(transport: stubTransport([]))
        #expect(backend.owns(recordedID: "4507", ticketURL: nil, claimsUnlinked: true))
        #expect(backend.owns(recordedID: "4507", ticketURL: "", claimsUnlinked: true))
        #expect(!backend.owns(recordedID: "4507", ticketURL: nil, claimsUnlinked: false))
        #expect(!backend.owns(recordedID: "INC0010042/abc123", ticketURL: nil, claimsUnlinked: true))
    }
}
