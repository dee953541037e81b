import ConnectorKit
import ConnectorTesting
import Foundation
import Testing

@testable import ServiceNowPlugin

/// The plugin only places the engine's excerpt: at the end of the create's and the update's description and of the
/// reopen's work note, after a blank line.
@Suite("ServiceNow: where the job-log excerpt goes")
struct LogExcerptPlacementTests {
    static let block = "--- job log excerpt (PAYROLL.log) ---\nERROR 7: ledger locked\nstep 3 aborted"

    func draft(previous: TicketReference? = nil, excerpt: String? = Self.block) -> TicketDraft {
        var draft = Fixture.draft(previous: previous)
        draft.logExcerpt = excerpt
        return draft
    }

    @Test("create: the description, then Previous Ticket Number, then the excerpt")
    func create() throws {
        let payloads = IncidentPayloads(settings: try Fixture.settings())
        let description = try #require(Fixture.draft().field("description"))
        #expect(payloads.create(draft())["description"]?.stringValue == description + "\n\n" + Self.block)
        let replacing = payloads.create(draft(previous: Fixture.reference(number: "INC0000001")))
        #expect(replacing["description"]?.stringValue == description + "\nPrevious Ticket Number (INC0000001)\n\n" + Self.block)
        #expect(payloads.create(draft(excerpt: nil))["description"]?.stringValue == description, "no excerpt, no change")
    }

    @Test("update: the description ends with the excerpt; reopen: the work note does, the description is not sent")
    func updateAndReopen() throws {
        let payloads = IncidentPayloads(settings: try Fixture.settings())
        #expect(payloads.update(draft())["description"]?.stringValue?.hasSuffix("\n\n" + Self.block) == true)
        let reopen = payloads.reopen(draft())
        #expect(reopen["work_notes"]?.stringValue == draft().failureLine + "\n\n" + Self.block)
        #expect(reopen["description"] == nil)
    }
}
