import ConnectorKit
import Foundation
import Testing

@testable import Simulators

/// What the robustness suites (outbox, concurrency, deadline, bad input, check/explain) share: a fresh install,
/// runs of the real executable, outages that keep their port, and readers of `outbox/` and of the simulators.
final class OutboxStage: Sendable {
    let install: InstallUnderTest

    /// A fresh install without the demo jobs; `general` lines are added to `[GENERAL]` of Connector.config.
    init(general: [String] = []) throws {
        install = try InstallUnderTest(seedDemoJobs: false)
        if !general.isEmpty { try writeConfig(general: general) }
    }

    var opcon: OpConSimulator { install.opcon }
    var serviceNow: ServiceNowSimulator { install.serviceNow }
    var summit: SummitSimulator { install.summit }

    /// Rewrites Connector.config as the simulators render it, with `general` lines added to `[GENERAL]`.
    func writeConfig(general: [String]) throws {
        let base = install.services.connectorConfig()
        #expect(base.contains("[GENERAL]\n"))
        try install.write(
            "Connector.config",
            base.replacingOccurrences(
                of: "[GENERAL]\n", with: "[GENERAL]\n" + general.map { $0 + "\n" }.joined()))
    }

    // MARK: Runs

    /// Adds a failed job with one log file named after it.
    func addJob(_ name: String, scheduleID: Int = 77, log: String? = nil) -> DemoJob {
        install.addFailedJob(scheduleID: scheduleID, job: name, logFiles: [name + ".log": log ?? "\(name) started\r\nERROR 42\r\n"])
    }

    /// The Notification Manager line for `job` with `template`.
    func words(_ job: DemoJob, _ template: Backend) -> [String] { install.failureWords(job, template: template.file) }

    func fail(_ job: DemoJob, _ template: Backend, environment: [String: String] = [:], timeout: Double = 120) async throws -> ConnectorRun
    {
        try await install.run(words(job, template), environment: environment, timeout: timeout)
    }

    func flush(environment: [String: String] = [:]) async throws -> ConnectorRun {
        try await install.run(["outbox", "flush"], environment: environment)
    }

    func list() async throws -> ConnectorRun { try await install.run(["outbox", "list"]) }

    // MARK: The outbox folder

    private func jsonFiles(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: install.home + "/" + folder)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted()
    }

    /// Items waiting in `outbox/` (file names).
    var waiting: [String] { jsonFiles("outbox") }

    /// Items in `outbox/dead/` (file names).
    var dead: [String] { jsonFiles("outbox/dead") }

    /// The waiting items, parsed.
    func waitingItems() throws -> [JSONValue] {
        try waiting.map { try JSONValue.parse(install.read("outbox/" + $0) ?? "") }
    }

    // MARK: The ITSMs

    /// Tickets the backend's simulator holds.
    func tickets(_ backend: Backend) -> Int {
        backend == .summit ? summit.tickets.count : serviceNow.incidents.count
    }

    /// What OpCon's Incident Ticket ID of the job must hold for the backend's only ticket, or nil when there is none.
    func recordedID(_ backend: Backend) -> String? {
        switch backend {
        case .summit: return summit.tickets.first.map { String($0.number) }
        case .serviceNow: return serviceNow.incidents.first.map { "\($0["number"] ?? "")/\($0["sys_id"] ?? "")" }
        }
    }

    /// Attachments of every ticket of the backend, as bytes.
    func attachments(_ backend: Backend) -> [Data] {
        switch backend {
        case .summit: return summit.tickets.flatMap(\.attachments).map(\.data)
        case .serviceNow: return serviceNow.incidents.flatMap { serviceNow.attachments(of: $0["number"] ?? "") }.map(\.data)
        }
    }

    /// Requests that could change state, per simulator.
    var writeCounts: [Int] { [opcon.journal.writeCount, serviceNow.journal.writeCount, summit.journal.writeCount] }

    /// The simulator of a service.
    func simulator(_ service: Service) -> any SimulatedService {
        switch service {
        case .opcon: return opcon
        case .serviceNow: return serviceNow
        case .summit: return summit
        }
    }

    // MARK: Secrets

    /// Every secret of the install and of `extra`, plain, SMA-encoded, and as the ServiceNow Basic credentials.
    func secrets(extra: [String] = []) -> [String] {
        let settings = serviceNow.settings
        let plain = [opcon.token, settings.user, settings.password, summit.settings.apiKey] + extra
        let basic = Data("\(settings.user):\(settings.password)".utf8).base64EncodedString()
        return plain + plain.map(SMAEncoding.encode) + [basic]
    }

    /// The secrets found in a run's output or in the install's log (empty when none leaked).
    func leaked(in run: ConnectorRun, extra: [String] = []) -> [String] {
        let log = install.read("log/connector.log") ?? ""
        return secrets(extra: extra).filter { run.stdout.contains($0) || run.stderr.contains($0) || log.contains($0) }
    }
}

/// The two built-in backends, by the template each simulator's install carries.
enum Backend: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case serviceNow = "servicenow.json"
    case summit = "summit.json"

    var file: String { rawValue }
    var testDescription: String { self == .summit ? "Summit" : "ServiceNow" }
    /// How stderr names the service.
    var serviceName: String { self == .summit ? "Summit" : "ServiceNow" }
}

/// The three simulated services.
enum Service: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case opcon = "OpCon"
    case serviceNow = "ServiceNow"
    case summit = "Summit"

    var testDescription: String { rawValue }
}

/// A service taken down by stopping its listener; `end()` starts it again on the same port. While it is down the
/// server holds its port with a socket that does not listen, so clients are refused exactly as by a stopped service
/// and nothing else can be given the port meanwhile (see `HTTPServer`).
struct Outage {
    let service: any SimulatedService
    let port: Int

    init(_ service: any SimulatedService) throws {
        port = try #require(service.port, "the service is not running")
        self.service = service
        service.stop()
    }

    func end() throws {
        try service.start(port: port)
        #expect(service.port == port)
    }
}
