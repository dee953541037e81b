import ConnectorKit
import Foundation

/// ITSM → OpCon for one template without anything installed in the ITSM (SPEC §6.3): one pass (`--once`, or no
/// option), or a long-running service (`--interval S`) that stops cleanly on SIGINT/SIGTERM or a Windows console
/// control event.
struct SyncCommand: ConnectorCommand {
    static let signature = CommandSignature(
        name: "sync",
        summary: "apply ticket states to today's failed and under-review jobs (once, or every S seconds as a service)",
        options: [
            .template("the template whose ITSM is read"),
            .flag("--once", help: "one pass, then exit (the default)"),
            .value(
                "--interval", valueName: "SECONDS",
                help: "instead of --once: a pass every SECONDS until SIGINT/SIGTERM (Ctrl+C, a service stop); the pass "
                    + "in progress is finished, then exit 0. An outage waits (SECONDS, doubling, up to 5 minutes); only "
                    + "refused credentials (77) or a configuration error (78) end it"),
            .home,
            .json("with --once: one JSON document on stdout"),
        ])

    func run(_ context: CommandContext) async throws -> ExitCode {
        let options = context.options
        let templateName = try options.required("-t")
        let interval = try options.seconds("--interval")
        if options.has("--once"), interval != nil {
            throw ConnectorError.usage("use either --once or --interval, not both.")
        }
        if let interval {
            if options.has("--json") {
                throw ConnectorError.usage(
                    "--json goes with --once; a service writes one line per pass (LOG_FORMAT=json makes the log JSON lines).")
            }
            return try await serve(templateName, every: interval, context: context)
        }
        return try await once(templateName, json: options.has("--json"), context: context)
    }

    // MARK: One pass

    private func once(_ templateName: String, json: Bool, context: CommandContext) async throws -> ExitCode {
        let console = context.console
        do {
            let runtime = try context.runtime()
            let started = Deadline.monotonicSeconds()
            let engine = try runtime.syncEngine(forTemplate: templateName)
            let report = try await engine.runOnce(verifyingAccess: true)
            let seconds = Deadline.monotonicSeconds() - started
            var notices = SyncNotices()
            for notice in notices.fresh(in: report, template: engine.template.name) { runtime.logger.warning(notice) }
            let summary = SyncService.summary(of: report, seconds: seconds)
            runtime.logger.scoped(job: nil, template: engine.template.name).info(summary)
            if json {
                console.print(Self.document(templateName, report, seconds: seconds, masker: runtime.masker).serialized(pretty: true))
            } else {
                for action in report.actions { console.print(Self.line(for: action)) }
                console.print(summary)
            }
            return .ok
        } catch {
            // With --json the document says what failed too; the command line reports it.
            if json { console.print(Self.failureDocument(templateName, context.failures.masked(error)).serialized(pretty: true)) }
            throw error
        }
    }

    // MARK: The service

    private func serve(_ templateName: String, every interval: Double, context: CommandContext) async throws -> ExitCode {
        let console = context.console
        // Every pass measures DEADLINE_SECONDS from its own start; the clients are built once.
        let passClock = PassClock()
        let runtime = try context.runtime(deadlineClock: passClock.read)
        let engine = try runtime.syncEngine(forTemplate: templateName)
        let logger = runtime.logger.scoped(job: nil, template: engine.template.name)
        let stop = StopRequest { reason, count in
            if count == 1 {
                console.print("\(Self.stamp()) \(reason): stopping after the pass in progress, if any (\(reason) again stops at once).")
            } else {
                logger.info("sync service stopped at once (\(reason) again); the next start repeats what the interrupted pass left undone.")
                console.print("\(Self.stamp()) \(reason) again: stopping at once.")
                exit(ExitCode.ok.rawValue)
            }
        }
        TerminationSignals.route(to: stop)
        console.print(
            "\(Self.stamp()) sync \(engine.template.name): a pass every \(Self.format(interval)) until stopped (Ctrl+C, SIGTERM or a service stop)."
        )
        let service = SyncService(
            engine: engine, interval: interval, stop: stop, logger: logger, passClock: passClock,
            observe: { event in Self.show(event, on: console, masker: runtime.masker) })
        try await service.run()
        return .ok
    }

    /// A service event as console lines, each with the time it happened.
    private static func show(_ event: SyncServiceEvent, on console: Console, masker: SecretMasker) {
        let stamp = stamp()
        switch event {
        case .passed(let report, _, let summary):
            for action in report.actions { console.print("\(stamp) \(line(for: action))") }
            console.print("\(stamp) \(summary)")
        case .failed(let error, let seconds, let wait, _):
            console.print("\(stamp) sync pass failed after \(format(seconds)): \(masker.mask(error.message)) Next pass in \(format(wait)).")
        case .recovered(let failed, let after):
            console.print("\(stamp) sync: the outage is over after \(format(after)) (\(failed) failed pass(es)).")
        case .stopped(let reason, let passes):
            console.print("\(stamp) sync service stopped (\(reason)) after \(passes) pass(es).")
        }
    }

    private static func line(for action: SyncEngine.Action) -> String {
        "\(action.action.rawValue) \(action.jobID) (ticket \(action.ticket)): " + (action.refusal.map { "refused: \($0)" } ?? "applied")
    }

    /// The wall-clock time, local, to the second: what an operator compares with OpCon's and the ITSM's screens.
    private static func stamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = .current
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }

    private static func format(_ seconds: Double) -> String {
        seconds < 10 ? String(format: "%.1f s", seconds) : String(format: "%.0f s", seconds)
    }

    // MARK: --json

    static func document(_ template: String, _ report: SyncEngine.Report, seconds: Double, masker: SecretMasker) -> JSONValue {
        let actions = report.actions.map { action -> JSONValue in
            var fields: [String: JSONValue] = [
                "job": .string(action.jobID), "ticket": .string(action.ticket), "action": .string(action.action.rawValue),
                "applied": .bool(action.refusal == nil),
            ]
            if let refusal = action.refusal { fields["refusal"] = .string(masker.mask(refusal)) }
            return .object(fields)
        }
        return [
            "command": "sync", "template": .string(template), "ok": true, "exitCode": 0,
            "ticketsRead": .int(report.ticketsRead), "seconds": .number(String(format: "%.3f", seconds)),
            "actions": .array(actions),
            "missingTickets": .array(report.missing.map { ["job": .string($0.jobID), "ticket": .string($0.ticket)] }),
            "problems": .array(
                report.problems.map {
                    ["job": .string($0.jobID), "ticket": .string($0.ticket), "message": .string(masker.mask($0.message))]
                }),
        ]
    }

    static func failureDocument(_ template: String, _ error: ConnectorError) -> JSONValue {
        [
            "command": "sync", "template": .string(template), "ok": false, "exitCode": .int(Int(error.exitCode.rawValue)),
            "error": .string(error.message),
        ]
    }
}
