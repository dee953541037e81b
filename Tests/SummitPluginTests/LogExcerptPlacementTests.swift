import ConnectorKit
import ConnectorTesting
import Foundation
import Testing

@testable import SummitPlugin

/// The plugin only places the engine's excerpt: at the end of a new incident's Description and of an update's or
/// reopen's work-log entry (`TicketInformation.Information`), after a blank line.
@Suite("Summit: where the job-log excerpt goes")
struct LogExcerptPlacementTests {
    static let block = "--- job log excerpt (PAYROLL01.log) ---\nFATAL: out of memory"

    func draft(previous: TicketReference? = nil) -> TicketDraft {
        var draft = makeDraft(previous: previous)
        draft.logExcerpt = Self.block
        return draft
    }

    static let created = answer(["Errors": "", "TicketNo": 4508])

    static func container(_ body: JSONValue?) -> JSONValue? {
        body?["objCommonParameters"]?["incidentParamsJSON"]?["IncidentContainerJsonObj"]
    }

    @Test("create: Description ends with the excerpt, after Previous Ticket Number; the new incident's work log does not carry it")
    func create() async throws {
        let transport = stubTransport([Self.created, Self.created])
        let backend = try makeBackend(transport: transport)
        _ = try await backend.create(draft())
        _ = try await backend.create(draft(previous: TicketReference(recordedID: "4400", number: "4400", url: "", internalID: "")))
        let incident = Self.container(transport.jsonBodies.first)
        let description = try #require(incident?["Ticket"]?["Description"]?.stringValue)
        #expect(description.hasSuffix("\n\n" + Self.block))
        #expect(incident?["TicketInformation"]?["Information"]?.stringValue?.contains("job log excerpt") == false)

        let replaced = Self.container(transport.jsonBodies.last)?["Ticket"]?["Description"]?.stringValue
        #expect(transport.jsonBodies.count == 2)
        #expect(replaced?.hasSuffix("\nPrevious Ticket Number (4400)\n\n" + Self.block) == true, "\(replaced ?? "")")
    }

    @Test("update and reopen: the work-log entry ends with the excerpt", arguments: [false, true])
    func workLog(reopen: Bool) async throws {
        let transport = stubTransport([answer(["Errors": ""])])
        let backend = try makeBackend(transport: transport)
        let ticket =
            reopen ? existing("4507", status: .resolved, raw: "Resolved") : existing("4507", status: .inProgress, raw: "In-Progress")
        try await backend.update(ticket, with: draft(), reopening: reopen)
        let information = Self.container(transport.jsonBodies.first)?["TicketInformation"]?["Information"]?.stringValue
        #expect(information?.hasSuffix("\n\n" + Self.block) == true, "\(information ?? "")")
    }
}
