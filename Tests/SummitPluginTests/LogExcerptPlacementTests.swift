import ConnectorKit
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

    @Test("create: Description ends with the excerpt, after Previous Ticket Number; the new incident's work log does not carry it")
    func create() throws {
        let backend = try makeBackend(transport: StubTransport([]))
        let body = backend.previewPayload(for: .create, draft: draft())
        let incident = body["objCommonParameters"]?["incidentParamsJSON"]?["IncidentContainerJsonObj"]
        let description = try #require(incident?["Ticket"]?["Description"]?.stringValue)
        #expect(description.hasSuffix("\n\n" + Self.block))
        #expect(incident?["TicketInformation"]?["Information"]?.stringValue?.contains("job log excerpt") == false)

        let replacing = backend.previewPayload(for: .replace(existing("4400", status: .closed, raw: "Closed")),
                                               draft: draft(previous: TicketReference(recordedID: "4400", number: "4400", url: "", internalID: "")))
        let replaced = replacing["objCommonParameters"]?["incidentParamsJSON"]?["IncidentContainerJsonObj"]?["Ticket"]?["Description"]?.stringValue
        #expect(replaced?.hasSuffix("\nPrevious Ticket Number (4400)\n\n" + Self.block) == true, "\(replaced ?? "")")
    }

    @Test("update and reopen: the work-log entry ends with the excerpt", arguments: [false, true])
    func workLog(reopen: Bool) throws {
        let backend = try makeBackend(transport: StubTransport([]))
        let decision: Decision = reopen ? .reopen(existing("4507", status: .resolved, raw: "Resolved"))
            : .update(existing("4507", status: .inProgress, raw: "In-Progress"))
        let body = backend.previewPayload(for: decision, draft: draft())
        let information = body["objCommonParameters"]?["incidentParamsJSON"]?["IncidentContainerJsonObj"]?["TicketInformation"]?["Information"]?.stringValue
        #expect(information?.hasSuffix("\n\n" + Self.block) == true, "\(information ?? "")")
    }
}
