import Testing

@testable import ConnectorKit

@Suite("CommandLine: schedule dates")
struct CommandLineScheduleDateTests {
    @Test(
        "leap days follow the Gregorian rules",
        arguments: [
            ("2024-02-29", "2024-02-29"), ("2000-02-29", "2000-02-29"), ("1900-02-29", nil), ("2025-02-29", nil),
            ("29-Feb-2028", "2028-02-29"), ("02/29/2027", nil),
        ] as [(String, String?)])
    func leapDays(text: String, expected: String?) {
        #expect(ScheduleDate.normalise(text) == expected)
    }

    @Test(
        "month and day bounds are checked in every format",
        arguments: [
            "2026-04-31", "2026-00-10", "2026-12-00", "20260431", "04/31/2026", "31-Apr-2026", "0000-01-01", "",
        ])
    func bounds(text: String) {
        #expect(ScheduleDate.normalise(text) == nil)
    }

    @Test("single-digit month and day are padded")
    func padding() {
        #expect(ScheduleDate.normalise("2026-1-5") == "2026-01-05")
        #expect(ScheduleDate.normalise("1/5/2026") == "2026-01-05")
        #expect(ScheduleDate.normalise("5-jan-2026") == "2026-01-05")
    }
}
