import Foundation

/// What a sync pass or the service did, for the console (the log gets the same lines from `SyncService` itself).
public enum SyncServiceEvent: Sendable {
    /// A pass that worked, its duration, and the one-line summary the log got.
    case passed(SyncEngine.Report, seconds: Double, summary: String)
    /// A pass that could not finish because a service could not be reached (or answered nonsense); the service waits.
    case failed(ConnectorError, seconds: Double, nextPassIn: Double, firstOfOutage: Bool)
    /// Passes work again after an outage.
    case recovered(failedPasses: Int, afterSeconds: Double)
    /// The service stopped on request.
    case stopped(reason: String, passes: Int)
}

/// `connector sync --interval S` as a long-running service (SPEC §6.3): a pass every S seconds until a stop is
/// requested (SIGINT, SIGTERM, a Windows console control event), then it finishes the pass it is in and returns.
///
/// - Each pass has the whole `DEADLINE_SECONDS`: the runtime's deadline is measured on `passClock`, restarted here.
/// - A pass that cannot reach OpCon or the ITSM logs one warning for the outage and the service waits (`OutageBackoff`);
///   one line says when the outage ended. Only a refusal of the credentials (77) or a configuration error (78) ends the
///   service: `run()` throws it.
/// - Everything that would repeat every pass (a ticket the ITSM no longer has, an action OpCon refuses, one job's
///   unusable answer) is reported once per service run (`SyncNotices`).
public struct SyncService: Sendable {
    public var engine: SyncEngine
    public var interval: Double
    public var stop: StopRequest
    public var logger: Logger
    /// Restarted at the start of every pass, so the runtime's deadline (measured on it) is per pass.
    public var passClock: PassClock?
    /// Receives every event, e.g. to print it with a time stamp.
    public var observe: @Sendable (SyncServiceEvent) -> Void
    /// Waits between passes; true when the wait ended because a stop was requested. Injected by tests.
    public var pause: @Sendable (Double) async -> Bool
    /// Measures passes and outages.
    public var clock: Deadline.Clock

    public init(
        engine: SyncEngine, interval: Double, stop: StopRequest, logger: Logger, passClock: PassClock? = nil,
        observe: @escaping @Sendable (SyncServiceEvent) -> Void = { _ in },
        pause: (@Sendable (Double) async -> Bool)? = nil, clock: @escaping Deadline.Clock = Deadline.monotonicSeconds
    ) {
        self.engine = engine
        self.interval = interval
        self.stop = stop
        self.logger = logger
        self.passClock = passClock
        self.observe = observe
        self.pause = pause ?? { [stop] seconds in await stop.pause(seconds: seconds) }
        self.clock = clock
    }

    /// Runs passes until a stop is requested. Throws only what must end the service (exit 77 or 78).
    public func run() async throws(ConnectorError) {
        logger.info(
            "sync service started for \(engine.template.name): a pass every \(Self.seconds(interval)), each within DEADLINE_SECONDS.")
        var backoff = OutageBackoff(interval: interval)
        var notices = SyncNotices()
        var accessProven = false
        var passes = 0
        while !stop.isRequested {
            passClock?.restart()
            let started = clock()
            passes += 1
            do {
                let report = try await engine.runOnce(verifyingAccess: !accessProven)
                accessProven = accessProven || report.accessProven
                let seconds = clock() - started
                if let ended = backoff.passSucceeded() {
                    let outage = clock() - ended.startedAt
                    logger.info(
                        "sync: the outage is over; passes work again after \(Self.seconds(outage)) and \(ended.failedPasses) failed pass(es)."
                    )
                    observe(.recovered(failedPasses: ended.failedPasses, afterSeconds: outage))
                }
                for notice in notices.fresh(in: report, template: engine.template.name) { logger.warning(notice) }
                let summary = Self.summary(of: report, seconds: seconds)
                logger.info(summary)
                observe(.passed(report, seconds: seconds, summary: summary))
            } catch  where !Self.endsService(error) {
                let seconds = clock() - started
                let first = backoff.passFailed(startedAt: started)
                let wait = backoff.nextWait
                if first {
                    logger.warning(
                        "sync: \(error.message) The service keeps running and tries again in \(Self.seconds(wait)); "
                            + "the wait doubles while the outage lasts, up to 5 minutes.")
                } else {
                    logger.info("sync pass failed (\(backoff.failedPasses) in a row): \(error.message) Next pass in \(Self.seconds(wait)).")
                }
                observe(.failed(error, seconds: seconds, nextPassIn: wait, firstOfOutage: first))
            }
            if stop.isRequested { break }
            if await pause(backoff.nextWait) { break }
        }
        let reason = stop.reason ?? "stop requested"
        logger.info("sync service stopped (\(reason)) after \(passes) pass(es).")
        observe(.stopped(reason: reason, passes: passes))
    }

    /// Refused credentials and configuration errors: waiting would not help, the operator must act.
    public static func endsService(_ error: ConnectorError) -> Bool {
        error.exitCode == .permission || error.exitCode == .configuration
    }

    /// The one line each pass logs (SPEC §6.3: tickets read, actions applied, duration; the log adds the time).
    public static func summary(of report: SyncEngine.Report, seconds: Double) -> String {
        var parts = ["\(report.ticketsRead) ticket(s) read", "\(report.applied.count) action(s) applied"]
        if !report.refused.isEmpty { parts.append("\(report.refused.count) refused by OpCon") }
        if !report.missing.isEmpty { parts.append("\(report.missing.count) ticket(s) missing") }
        if !report.problems.isEmpty { parts.append("\(report.problems.count) job(s) with a problem") }
        return "sync pass: " + parts.joined(separator: ", ") + ", " + String(format: "%.2f s", seconds)
    }

    /// `10 s`, `2.5 s`, `5 min`, `1 min 30 s`.
    static func seconds(_ value: Double) -> String {
        if value < 60 {
            return value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value)
        }
        let whole = Int(value.rounded())
        return whole % 60 == 0 ? "\(whole / 60) min" : "\(whole / 60) min \(whole % 60) s"
    }
}

/// The parts of a pass report that would otherwise repeat every pass — a ticket the ITSM no longer has, an action
/// OpCon refuses, one job's unusable answer — each worded once. A service keeps one for its whole run, so each is
/// logged once (SPEC §6.3: a missing ticket is reported once); `sync --once` starts with an empty one.
public struct SyncNotices: Sendable {
    private var seen: Set<String> = []

    public init() {}

    /// The messages of `report` not returned before, in report order.
    public mutating func fresh(in report: SyncEngine.Report, template: String) -> [String] {
        var messages: [String] = []
        func add(_ key: String, _ message: String) {
            if seen.insert(key).inserted { messages.append(message) }
        }
        for missing in report.missing {
            add(
                "missing|\(missing.jobID)|\(missing.ticket)",
                "sync: \(template) has no ticket \(missing.ticket) (recorded on job \(missing.jobID)); the job is left alone.")
        }
        for action in report.refused {
            add(
                "refused|\(action.jobID)|\(action.action.rawValue)|\(action.refusal ?? "")",
                "sync: OpCon refused \(action.action.rawValue) for \(action.jobID) (ticket \(action.ticket)): \(action.refusal ?? "no reason given")."
            )
        }
        for problem in report.problems {
            add(
                "problem|\(problem.jobID)|\(problem.message)",
                "sync: job \(problem.jobID) (ticket \(problem.ticket)) is left alone this pass: \(problem.message)")
        }
        return messages
    }
}
