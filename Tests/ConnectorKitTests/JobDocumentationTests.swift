import Foundation
import Testing

@testable import ConnectorKit

@Suite("Documentation lines")
struct JobDocumentationTests {
    @Test("Last Incident Date is the first line and replaces an earlier one instead of stacking")
    func lastIncidentDate() {
        let once = JobDocumentation.settingLastIncidentDate("2026-11-22", in: "Call GL on-call")
        #expect(once == "Last Incident Date : 2026-11-22\nCall GL on-call")
        let twice = JobDocumentation.settingLastIncidentDate("2026-11-23", in: once)
        #expect(twice == "Last Incident Date : 2026-11-23\nCall GL on-call")
        #expect(JobDocumentation.lastIncidentDate(in: twice) == DateComponents(year: 2026, month: 11, day: 23))
        #expect(JobDocumentation.settingLastIncidentDate("2026-11-23", in: nil) == "Last Incident Date : 2026-11-23")
    }

    @Test("a date line that is not first, or malformed, is not read")
    func notFirst() {
        #expect(JobDocumentation.lastIncidentDate(in: "text\nLast Incident Date : 2026-11-22") == nil)
        #expect(JobDocumentation.lastIncidentDate(in: "Last Incident Date : yesterday") == nil)
        #expect(JobDocumentation.lastIncidentDate(in: "Last Incident Date : 2026-13-01") == nil)
    }

    @Test("Previous Ticket Number goes below the date line and replaces an older one")
    func previousTicket() {
        let first = JobDocumentation.settingPreviousTicket("INC0010024", in: "Last Incident Date : 2026-11-22\nnotes")
        #expect(first == "Last Incident Date : 2026-11-22\nPrevious Ticket Number (INC0010024)\nnotes")
        let second = JobDocumentation.settingPreviousTicket("INC0010030", in: first)
        #expect(second == "Last Incident Date : 2026-11-22\nPrevious Ticket Number (INC0010030)\nnotes")
    }

    @Test("text written with CR LF (OpCon on Windows) keeps CR LF, so the operator's lines come back unchanged")
    func keepsCRLF() {
        let operatorText = "Call GL on-call\r\nRunbook: KB0042"
        #expect(
            JobDocumentation.settingLastIncidentDate("2026-11-23", in: operatorText)
                == "Last Incident Date : 2026-11-23\r\nCall GL on-call\r\nRunbook: KB0042")
        #expect(
            JobDocumentation.settingPreviousTicket("4507", in: "Last Incident Date : 2026-11-22\r\n" + operatorText)
                == "Last Incident Date : 2026-11-22\r\nPrevious Ticket Number (4507)\r\n" + operatorText)
    }
}
