import Foundation
import Testing

@testable import ConnectorKit

@Suite("Working hours (SPEC §5 step 5)")
struct WorkingHoursTests {
    let calendar = fixedCalendar()
    // Monday 0800-1900, Friday 2200-0200 (spans midnight), Sunday 0000-0000 (non-working), Saturday missing.
    let windows: [Int: WorkingWindow] = [
        2: WorkingWindow(start: 480, stop: 1140),
        6: WorkingWindow(start: 1320, stop: 120),
        1: WorkingWindow(start: 0, stop: 0),
    ]

    func working(_ text: String) -> Bool? { WorkingHours.isWorkingTime(moment(text), windows: windows, calendar: calendar) }

    @Test("inside and at the edges of a plain window")
    func plainWindow() {
        #expect(working("2026-11-23T08:00") == true)
        #expect(working("2026-11-23T18:59") == true)
        #expect(working("2026-11-23T19:00") == false)
        #expect(working("2026-11-23T07:59") == false)
    }

    @Test("a window whose stop is earlier than its start spans midnight into the next day")
    func spansMidnight() {
        #expect(working("2026-11-27T23:30") == true)  // Friday evening
        #expect(working("2026-11-28T01:30") == true)  // Saturday, tail of Friday's window
        #expect(working("2026-11-28T02:00") == false)
        #expect(working("2026-11-27T21:59") == false)
    }

    @Test("0000-0000 and missing days are non-working; no workingHours at all is nil")
    func nonWorking() {
        #expect(working("2026-11-29T12:00") == false)  // Sunday 0000-0000
        #expect(working("2026-11-24T12:00") == false)  // Tuesday missing
        #expect(WorkingHours.isWorkingTime(moment("2026-11-23T12:00"), windows: nil, calendar: calendar) == nil)
    }
}
