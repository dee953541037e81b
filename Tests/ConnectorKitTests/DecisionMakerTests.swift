import Foundation
import Testing

@testable import ConnectorKit

@Suite("The decision (SPEC §5 step 7, §6.1, §6.2)")
struct DecisionMakerTests {
    let calendar = fixedCalendar()
    let now = moment("2026-11-23T08:30")

    func decide(
        _ existing: ExistingTicket?, _ rules: DecisionRules = DecisionRules(), documentation: String? = nil,
        startHour: Int? = 7, at time: Date? = nil
    ) -> Decision {
        DecisionMaker.decide(
            existing: existing, rules: rules, documentation: documentation, dailyStartHour: startHour,
            now: time ?? now, calendar: calendar)
    }

    @Test("no ticket on the job → create")
    func noTicket() { #expect(decide(nil) == .create) }

    @Test("open states → update without a state change", arguments: [TicketStatus.new, .inProgress, .onHold, .other("Assigned")])
    func openStates(status: TicketStatus) {
        let existing = ticket("INC1", status)
        #expect(decide(existing) == .update(existing))
    }

    @Test("resolved → reopen; with allowTicketReopen=false → replace")
    func resolved() {
        let existing = ticket("INC1", .resolved)
        #expect(decide(existing) == .reopen(existing))
        #expect(decide(existing, DecisionRules(allowReopen: false)) == .replace(existing))
    }

    @Test("closed and cancelled → replace", arguments: [TicketStatus.closed, .cancelled])
    func final(status: TicketStatus) {
        let existing = ticket("INC1", status)
        #expect(decide(existing) == .replace(existing))
    }

    @Test("alwaysCreateNewTicket → a new ticket even for an open one, but never a duplicate of one found by search")
    func alwaysCreate() {
        let open = ticket("INC1", .inProgress)
        #expect(decide(open, DecisionRules(alwaysCreateNewTicket: true)) == .replace(open))
        let orphan = ticket("INC2", .new, bySearch: true)
        #expect(decide(orphan, DecisionRules(alwaysCreateNewTicket: true)) == .update(orphan))
    }

    @Test("once per day: before DAILY_START_HOUR on the next day the existing ticket is updated or reopened")
    func insideWindow() {
        let rules = DecisionRules(singleIncidentPerDay: true)
        let documentation = "Last Incident Date : 2026-11-22\nCall GL on-call"
        let open = ticket("4507", .inProgress)
        let resolved = ticket("4507", .resolved)
        // 2026-11-23 06:59 is before 07:00 on the day after 2026-11-22.
        #expect(decide(open, rules, documentation: documentation, at: moment("2026-11-23T06:59")) == .update(open))
        #expect(decide(resolved, rules, documentation: documentation, at: moment("2026-11-23T06:59")) == .reopen(resolved))
    }

    @Test("once per day: a closed ticket inside the window is a skip, never a second ticket")
    func insideWindowClosed() {
        let rules = DecisionRules(singleIncidentPerDay: true)
        let closed = ticket("4507", .closed)
        let decision = decide(closed, rules, documentation: "Last Incident Date : 2026-11-23", at: moment("2026-11-23T22:00"))
        guard case .skip(let reason) = decision else {
            Issue.record("expected a skip, got \(decision)")
            return
        }
        #expect(reason.contains("once-per-day"))
        #expect(reason.contains("2026-11-24 07:00"))
    }

    @Test(
        "once per day: at or after DAILY_START_HOUR on the next day an open or resolved ticket gets a plain new one (no replace)",
        arguments: [TicketStatus.new, .inProgress, .onHold, .resolved, .other("Assigned")])
    func afterWindow(status: TicketStatus) {
        let rules = DecisionRules(singleIncidentPerDay: true)
        let earlier = ticket("4507", status)
        let documentation = "Last Incident Date : 2026-11-22"
        #expect(decide(earlier, rules, documentation: documentation, at: moment("2026-11-23T07:00")) == .create)
        #expect(decide(earlier, rules, documentation: documentation, at: moment("2026-11-30T12:00")) == .create)
    }

    @Test("once per day: after the window a Closed or Cancelled ticket is still replaced", arguments: [TicketStatus.closed, .cancelled])
    func afterWindowFinal(status: TicketStatus) {
        let rules = DecisionRules(singleIncidentPerDay: true)
        let finished = ticket("4507", status)
        #expect(
            decide(finished, rules, documentation: "Last Incident Date : 2026-11-22", at: moment("2026-11-23T07:00")) == .replace(finished))
    }

    @Test("once per day without a date line falls back to the state rules")
    func noDateLine() {
        let rules = DecisionRules(singleIncidentPerDay: true)
        let open = ticket("4507", .new)
        #expect(decide(open, rules, documentation: "just text") == .update(open))
    }

    @Test("the window follows the local zone of the calendar")
    func windowZone() {
        let tokyo = fixedCalendar("Asia/Tokyo")
        let end = DecisionMaker.onceADayWindowEnd(documentation: "Last Incident Date : 2026-11-22", dailyStartHour: 7, calendar: tokyo)
        #expect(end == moment("2026-11-23T07:00", tokyo))
    }
}
