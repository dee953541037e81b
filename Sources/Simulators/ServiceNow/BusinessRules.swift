import ConnectorKit
import Foundation

/// Which of the SMA OpCon application's business rules are active (its update set ships the
/// Restart rule inactive, as the alternative to Resolved).
public struct BusinessRuleSwitches: Sendable, Equatable {
    /// `OpConTicketAccepted`: state 2 → `markUnderReview`.
    public var ticketAccepted = true
    /// `OpConTicketResolved`: state 6 → `markFixed`.
    public var ticketResolved = true
    /// `OpConTicketRestart`: state 6 → `restart`.
    public var ticketRestart = false
    /// `OpConTicketCancelled`: incident_state 8 → `cancel`.
    public var ticketCancelled = true

    public init(ticketAccepted: Bool = true, ticketResolved: Bool = true, ticketRestart: Bool = false, ticketCancelled: Bool = true) {
        self.ticketAccepted = ticketAccepted
        self.ticketResolved = ticketResolved
        self.ticketRestart = ticketRestart
        self.ticketCancelled = ticketCancelled
    }

    /// Every rule off: nothing calls OpCon back (for `connector sync` tests).
    public static let allOff = BusinessRuleSwitches(
        ticketAccepted: false, ticketResolved: false, ticketRestart: false, ticketCancelled: false)

    /// The rules that fire for `record`, by name, with the OpCon action each sends. Conditions test
    /// the current value (not a change), as the shipped rules do: every update while Resolved re-sends.
    func firing(for record: ServiceNowRecord) -> [(rule: String, action: String)] {
        var fired: [(String, String)] = []
        if ticketAccepted && record["state"] == "2" { fired.append(("OpConTicketAccepted", "markUnderReview")) }
        if ticketResolved && record["state"] == "6" { fired.append(("OpConTicketResolved", "markFixed")) }
        if ticketRestart && record["state"] == "6" { fired.append(("OpConTicketRestart", "restart")) }
        if ticketCancelled && record["incident_state"] == "8" { fired.append(("OpConTicketCancelled", "cancel")) }
        return fired
    }
}

/// One outbound call a business rule made (or tried to make) to OpCon.
public struct BusinessRuleCallback: Sendable, Equatable {
    public var rule: String
    public var action: String
    public var incidentNumber: String
    /// `host:port` from `correlation_id`, before the first comma.
    public var address: String
    /// The daily job id from `correlation_id`, after the first comma.
    public var jobID: String
    /// OpCon's HTTP status, when it answered.
    public var status: Int?
    /// Why the call failed, when it did (the rule itself swallows it).
    public var error: String?
}

/// Runs business-rule callbacks in the background, fire-and-forget, and keeps a log for tests.
final class BusinessRuleRunner: Sendable {
    private let group = DispatchGroup()
    private let log = Locked<[BusinessRuleCallback]>([])

    var callbacks: [BusinessRuleCallback] { log.current }

    func reset() { log.withLock { $0.removeAll() } }

    /// Evaluates the active rules against an updated incident and sends the OpCon job actions.
    func fire(for record: ServiceNowRecord, switches: BusinessRuleSwitches, opconToken: String) {
        // The shipped scripts guard on the display value and ignore incidents of other origins.
        guard record["correlation_display"] == "SMA_OPCON" else { return }
        for (rule, action) in switches.firing(for: record) {
            let correlation = record["correlation_id"] ?? ""
            let parts = correlation.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            var callback = BusinessRuleCallback(
                rule: rule, action: action, incidentNumber: record["number"] ?? "", address: parts.first ?? "",
                jobID: parts.count > 1 ? parts[1] : "", status: nil, error: nil)
            guard parts.count == 2, !callback.address.isEmpty else {
                callback.error = "correlation_id '\(correlation)' has no ',' between the OpCon address and the job id"
                log.withLock { $0.append(callback) }
                continue
            }
            group.enter()
            // A thread per callback, not a Dispatch queue: the call blocks on a socket for up to 5 s, and on Linux
            // Dispatch's global threads are the ones Swift concurrency runs tests on.
            Thread.detachNewThread { [self, callback] in
                var callback = callback
                defer { group.leave() }
                let body: JSONValue = ["action": .string(action), "jobs": [["id": .string(callback.jobID)]], "reason": "ticket accepted"]
                var headers = HTTPHeaders()
                headers.set("Authorization", "Token \(opconToken)")
                headers.set("Content-Type", "application/json")
                do {
                    let response = try SimHTTPClient.send(
                        "POST", "http://\(callback.address)/api/jobactions", headers: headers,
                        body: body.data(), timeout: 5)
                    callback.status = response.status
                } catch {
                    callback.error = String(describing: error)
                }
                log.withLock { $0.append(callback) }
            }
        }
    }

    /// Waits until every callback started so far has finished; false when `timeout` passed first.
    func waitForPending(timeout: Double) -> Bool {
        group.wait(timeout: .now() + timeout) == .success
    }
}
