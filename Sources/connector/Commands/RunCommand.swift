import ConnectorKit
import Foundation

/// Handles one failed job: the SMA Notification Manager command line (SPEC §1.1, §5).
struct RunCommand: ConnectorCommand {
    static let name = "run"
    static let summary = "handle one failed job (the default when the line starts with a flag)"
    static let usage = """
          connector [run] -a AGENT -s SCHEDULE -jn JOB -e TERMINATION -sd DATE -si ID -sn INSTANCE -t TEMPLATE
          connector -i NUMBER -t TEMPLATE        show one Summit incident
        Options: --agent --schedule --job --termination --schedule-date --schedule-id --schedule-instance
                 --template --incident --tlsType (accepted, no effect) --home DIR
        """

    func run(_ context: CommandContext) async throws -> ExitCode {
        let now = try RunClock.now(environment: context.environment)
        let arguments = try FailureArguments.parse(context.words, failedAt: now())
        // Run by Notification Manager, stderr carries only the exit's one sentence (SPEC §1.3); warnings are in the
        // log. A person at a terminal sees them as they happen.
        let runtime = try context.runtime(home: arguments.home, warningsOnConsole: ProcessEnvironment.standardErrorIsTerminal)
        switch arguments.request {
        case .showIncident(let number, let templateName):
            let loaded = try runtime.loadTemplate(templateName)
            let backend = try runtime.backend(for: loaded)
            do {
                context.console.print(try await backend.describeTicket(number: number))
            } catch {
                throw runtime.report(ServiceFailure.map(error, service: loaded.plugin.displayName))
            }
            return .ok
        case .handleFailure(let event):
            return try await handle(event, runtime: runtime, context: context)
        }
    }

    private func handle(_ event: FailureEvent, runtime: ConnectorRuntime, context: CommandContext) async throws -> ExitCode {
        let started = Date()
        let logger = runtime.logger.scoped(job: event.dailyJobID, template: event.template)
        do {
            let engine = try runtime.engine(forTemplate: event.template)
            let delivery = runtime.outboxDelivery()
            let earlier = await delivery.deliver(budget: runtime.outboxBudget, skipping: event)
            if !earlier.delivered.isEmpty { logger.info("Delivered \(earlier.delivered.count) waiting outbox item(s) first.") }

            let outcome = try await engine.handle(event)
            let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
            let ticket = outcome.ticket.map { "ticket \($0.number)" } ?? "no ticket"
            let scrubbed = outcome.scrubbedValues.map { ", \($0) value(s) scrubbed from the job log" } ?? ""
            logger.info("Summary: job \(event.dailyJobID), decision \(outcome.decision), \(ticket), \(seconds) s, \(runtime.requestCount) requests\(scrubbed).")
            switch outcome.status {
            case .handled:
                context.console.print("\(outcome.decision): \(ticket) for \(event.dailyJobID)\(outcome.ticket.map { " (\($0.url))" } ?? "")")
            case .skipped(let reason):
                context.console.print("skip: \(reason)")
            case .queued(let reason):
                context.console.error("connector: \(reason) The event was saved to the outbox; it will be delivered later (exit 75).")
            }
            return outcome.exitCode
        } catch let error as ConnectorError {
            throw runtime.report(error, logger: logger)
        }
    }
}
