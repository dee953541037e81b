import ConnectorKit
import Foundation
import Testing

@testable import Simulators

/// SPEC §6.2, the round trip through the SMA ServiceNow application: the connector creates the incident with
/// `correlation_display`/`correlation_id`, an analyst moves it, the simulator's business rules split the correlation id
/// and call OpCon's `/api/jobactions`. It only works when the connector wrote the correlation pair exactly.
@Suite("ServiceNow end to end: the business-rule round trip back to OpCon")
struct ServiceNowBusinessRuleTests {
    /// A failed job with a multi-word name (its daily job id has spaces and pipes) and the incident the connector opened.
    func ticketedJob(_ stage: ServiceNowStage) async throws -> (DemoJob, String) {
        let job = stage.addJob("GL LOAD 01", schedule: "FINANCE DAILY")
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        return (job, try #require(stage.onlyIncident()["sys_id"]))
    }

    /// The analyst moves the incident; returns once every business-rule call it caused has finished.
    func move(_ stage: ServiceNowStage, _ sysID: String, to state: String) throws {
        try stage.serviceNow.setState(state, of: sysID)
        #expect(stage.serviceNow.waitForCallbacks(), "a business-rule call did not finish")
    }

    /// The job actions OpCon received for `job`, as `action:applied`.
    func actions(_ stage: ServiceNowStage, _ job: DemoJob) -> [String] {
        stage.opcon.jobActions.filter { $0.jobID == job.id }.map { "\($0.action):\($0.applied)" }
    }

    @Test("In Progress takes the job Under Review, then Resolved takes it to Fixed")
    func acceptedThenResolved() async throws {
        let stage = try ServiceNowStage(businessRules: BusinessRuleSwitches())
        let (job, sysID) = try await ticketedJob(stage)
        #expect(stage.opcon.jobActions.isEmpty, "creating the incident calls nothing back")

        try move(stage, sysID, to: "2")
        #expect(stage.opcon.status(of: job.id) == .underReview)
        #expect(actions(stage, job) == ["markUnderReview:true"])
        let callback = try #require(stage.serviceNow.callbacks.first)
        #expect(callback.rule == "OpConTicketAccepted")
        #expect(callback.address == "127.0.0.1:\(try #require(stage.opcon.port))")
        #expect(callback.jobID == job.id)
        #expect(callback.error == nil)
        #expect((200..<300).contains(callback.status ?? 0), "\(callback)")

        try move(stage, sysID, to: "6")
        #expect(stage.opcon.status(of: job.id) == .fixed)
        #expect(actions(stage, job) == ["markUnderReview:true", "markFixed:true"])
        #expect(stage.serviceNow.callbacks.map(\.rule) == ["OpConTicketAccepted", "OpConTicketResolved"])
    }

    @Test("Canceled cancels the job")
    func cancelled() async throws {
        let stage = try ServiceNowStage(businessRules: BusinessRuleSwitches())
        let (job, sysID) = try await ticketedJob(stage)
        try move(stage, sysID, to: "8")
        #expect(stage.opcon.status(of: job.id) == .cancelled)
        #expect(actions(stage, job) == ["cancel:true"])
        #expect(stage.serviceNow.callbacks.map(\.rule) == ["OpConTicketCancelled"])
    }

    @Test("with OpConTicketRestart on instead of OpConTicketResolved, Resolved restarts the job")
    func restartVariant() async throws {
        let stage = try ServiceNowStage(businessRules: BusinessRuleSwitches(ticketResolved: false, ticketRestart: true))
        let (job, sysID) = try await ticketedJob(stage)
        try move(stage, sysID, to: "6")
        #expect(actions(stage, job) == ["restart:true"])
        #expect(stage.opcon.status(of: job.id) == .waitStartTime)
        #expect(stage.serviceNow.callbacks.map(\.rule) == ["OpConTicketRestart"])
    }

    @Test("a call-back address other than OpCon's (RET_SERVER/RET_PORT) is where the rules call")
    func callbackAddressFromRetSettings() async throws {
        let stage = try ServiceNowStage(businessRules: BusinessRuleSwitches())
        // A second OpCon simulator stands for the address ServiceNow must use (e.g. a DMZ proxy in front of OpCon).
        let relay = OpConSimulator()
        let relayPort = try relay.start()
        defer { relay.stop() }
        try stage.setCallbackAddress(server: "127.0.0.1", port: relayPort)
        let (job, sysID) = try await ticketedJob(stage)
        #expect(stage.serviceNow.incident(sysID)?["correlation_id"] == "127.0.0.1:\(relayPort),\(job.id)")

        try move(stage, sysID, to: "2")
        #expect(relay.journal.count(method: "POST", path: "/api/jobactions") == 1)
        #expect(stage.opcon.journal.count(method: "POST", path: "/api/jobactions") == 0)
        #expect(stage.opcon.status(of: job.id) == .failed)
    }
}
