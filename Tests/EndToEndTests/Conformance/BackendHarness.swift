import ConnectorKit
import Foundation
import Testing

@testable import Simulators

/// Every backend the conformance suite runs against. A new backend adds its harness here and passes the same cases.
let conformanceHarnesses: [any BackendHarness] = [ServiceNowHarness(), SummitHarness(), JiraHarness()]

/// What the conformance suite needs to know about one backend and its simulator: which template drives it, what it
/// can do, and how to read and move its tickets as an analyst would. The suite drives the real executable; a harness
/// only looks at, and stands in for people in front of, the simulator.
///
/// Every method gets the running `SimulatedServices` of one test case, so a harness holds no state of its own.
protocol BackendHarness: Sendable, CustomTestStringConvertible {
    /// How test names and messages call the backend (`ServiceNow`).
    var name: String { get }
    /// The file under `templates/` the suite writes and passes with `-t`.
    var templateName: String { get }
    /// What the backend declares beyond the five verbs, as its template sets it up; the cases adapt to it.
    var capabilities: BackendCapabilities { get }
    /// The states of a recorded ticket that make the next failure open a new ticket naming it (SPEC §5 step 7).
    var replacedStates: [AnalystState] { get }
    /// The request that opens a ticket, for planting faults on it. For a job without a recorded ticket the first
    /// request matching it is the create (Summit's one endpoint also serves reads, which only follow a recorded ticket).
    var createRequest: (method: String, path: PathPattern) { get }

    /// The template, as text, for the simulator of `services`.
    func template(for services: SimulatedServices) -> String
    /// Settings of the simulator that keep it from acting on its own during a case (ServiceNow's business rules).
    func prepare(_ services: SimulatedServices)
    /// The backend's simulator among `services` (for its fault plan and journal).
    func simulator(in services: SimulatedServices) -> any SimulatedService

    /// Every ticket of the instance, oldest first.
    func tickets(in services: SimulatedServices) -> [ObservedTicket]
    /// How many creates the backend sent (a create turned away or failed still counts).
    func createsSent(in services: SimulatedServices) -> Int
    /// How many requests could have changed something in the ITSM (for Summit, whose reads are POSTs, not every POST).
    func writesSent(in services: SimulatedServices) -> Int

    /// Moves a ticket to `state` as an analyst would.
    func set(_ state: AnalystState, ticket: ObservedTicket, in services: SimulatedServices) throws
    /// A ticket an analyst opened by hand, In Progress, that a job can record.
    func openTicketByHand(in services: SimulatedServices) throws -> ObservedTicket
    /// An open ticket carrying `job`'s correlation key that no job records: what a run leaves behind when it dies after
    /// the create and before the write-back. Only called when `capabilities` has `.correlationSearch`.
    func openOrphanTicket(for job: DemoJob, in services: SimulatedServices) throws -> ObservedTicket
    /// A recorded ticket id (and its link) of this backend's form that the instance does not know.
    func unknownTicket(in services: SimulatedServices) -> (recordedID: String, link: String)

    /// Every form of the credentials the template holds that must never be printed or logged.
    func secrets(in services: SimulatedServices) -> [String]
    /// Makes the simulator refuse the credentials the template holds (as after a rotated password or key).
    func refuseCredentials(in services: SimulatedServices)
}

extension BackendHarness {
    var testDescription: String { name }
    var replacedStates: [AnalystState] { [.closed, .cancelled] }
    func prepare(_ services: SimulatedServices) {}

    /// Every request the backend's simulator received.
    func journal(in services: SimulatedServices) -> RequestJournal { simulator(in: services).journal }

    func openOrphanTicket(for job: DemoJob, in services: SimulatedServices) throws -> ObservedTicket {
        throw HarnessError.unsupported("\(name) declares no correlation search, so it has no orphan tickets to adopt")
    }

    /// The ticket OpCon records as `recordedID`, if the instance has it.
    func ticket(recordedID: String, in services: SimulatedServices) -> ObservedTicket? {
        tickets(in: services).first { $0.recordedID == recordedID }
    }
}

enum HarnessError: Error, CustomStringConvertible {
    case unsupported(String)
    var description: String {
        switch self {
        case .unsupported(let what): return what
        }
    }
}

/// A ticket state as an analyst sets it, named alike for every backend; each harness maps it to its ITSM's own.
enum AnalystState: String, Sendable, CustomTestStringConvertible {
    case new, inProgress, resolved, closed, cancelled
    var testDescription: String { rawValue }
}

/// A ticket as the suite reads it from a simulator, the same shape for every backend.
struct ObservedTicket: Sendable, Equatable, CustomStringConvertible {
    /// What OpCon's Incident Ticket ID holds for it (`INC0010001/<sys_id>`, `1001`, `OPS-17`).
    var recordedID: String
    /// The number people read, and what `Previous Ticket Number (…)` names.
    var number: String
    /// The link the connector writes into the job.
    var link: String
    /// The state in the suite's terms; nil for a state the suite has no name for.
    var state: AnalystState?
    /// Every text the connector can have written to it, in order: description, then work notes, work log or comments.
    var texts: [String]
    /// File name and bytes of each attachment, in the order they arrived.
    var attachments: [(name: String, bytes: Data)]

    static func == (left: ObservedTicket, right: ObservedTicket) -> Bool {
        left.recordedID == right.recordedID && left.state == right.state && left.texts == right.texts
            && left.attachments.map(\.name) == right.attachments.map(\.name)
            && left.attachments.map(\.bytes) == right.attachments.map(\.bytes)
    }

    var description: String {
        "\(number) (\(state?.rawValue ?? "other state"), \(texts.count) text(s), \(attachments.count) attachment(s))"
    }

    /// Whether any text the connector wrote contains `fragment`.
    func mentions(_ fragment: String) -> Bool { texts.contains { $0.contains(fragment) } }
}
