import Foundation

@testable import ConnectorKit

/// A Gregorian calendar in a fixed zone, so working hours and once-a-day windows do not depend on the machine.
func fixedCalendar(_ zone: String = "UTC") -> Calendar {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: zone)!
    return calendar
}

/// `2026-11-23T08:30` in the calendar's zone (2026-11-23 is a Monday).
func moment(_ text: String, _ calendar: Calendar = fixedCalendar()) -> Date {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = calendar.timeZone
    formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
    return formatter.date(from: text)!
}

func sampleEvent(job: String = "GL LOAD", failedAt: Date = moment("2026-11-23T08:30")) -> FailureEvent {
    FailureEvent(
        agent: "FINAPP01", schedule: "FINANCE", job: job, termination: "Exit Code 2", scheduleDate: "2026-11-23",
        scheduleID: 16, scheduleInstance: 1, template: "test.json", failedAt: failedAt)
}

func sampleJob(tags: [String] = [], documentation: String? = nil, ticket: String? = nil) -> DailyJob {
    var raw: JSONValue = [
        "id": "20261123|16|1|GL LOAD", "uid": 48213, "jobNumber": 90412, "uniqueJobId": "0000090412", "name": "GL LOAD",
        "tags": .array(tags.map { .string($0) }),
        "documentation": ["id": 1, "job": documentation.map { .string($0) } ?? .null],
        "status": ["description": "Failed", "category": "Failed"],
        "someFutureField": ["nested": [1, 2, 3]],
    ]
    if let ticket {
        raw = raw.setting("incidentTicketId", to: .string(ticket)).setting("incidentTicketURL", to: .string("https://itsm/\(ticket)"))
    }
    return DailyJob(raw: raw)
}

func ticket(_ number: String, _ status: TicketStatus, bySearch: Bool = false) -> ExistingTicket {
    ExistingTicket(
        reference: TicketReference(recordedID: number, number: number, url: "https://itsm/\(number)"),
        status: status, rawState: "\(status)", foundBySearch: bySearch)
}

/// The ConnectorError `body` throws, or nil when it succeeds.
func thrownError<T>(_ body: () throws -> T) -> ConnectorError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error as? ConnectorError
    }
}
