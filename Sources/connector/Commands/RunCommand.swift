import ConnectorKit
import Foundation

/// Handles one failed job: the SMA Notification Manager command line (SPEC §1.1, §5).
struct RunCommand: ConnectorCommand {
    static let signature = FailureArguments.signature(
        name: "run", summary: "handle one failed job (the default when the line starts with a flag)", isDefault: true)

    func run(_ context: CommandContext) async throws -> ExitCode {
        let now = try RunClock.now(environment: context.environment)
        let arguments = try FailureArguments(context.options, failedAt: now())
        // Run by Notification Manager, stderr carries only the exit's one sentence (SPEC §1.3); warnings are in the
        // log. A person at a terminal sees them as they happen.
        let runtime = try context.runtime(warningsOnConsole: ProcessEnvironment.standardErrorIsTerminal)
        switch arguments.request {
        case .showIncident(let number, let templateName):
            let loaded = try runtime.loadTemplate(templateName)
            let backend = try runtime.backend(for: loaded)
            do {
                context.console.print(try await backend.describeTicket(number: number, service: loaded.plugin.displayName))
            } catch {
                throw ServiceFailure.map(error, service: loaded.plugin.displayName)
            }
            return .ok
        case .handleFailure(let event):
            return try await handle(event, runtime: runtime, context: context)
        }
    }

    private func handle(_ event: FailureEvent, runtime: ConnectorRuntime, context: CommandContext) async throws -> ExitCode {
        let started = Date()
        let logger = runtime.logger.scoped(job: event.dailyJobID, template: event.template)
        // A failure from here on is logged with the job and template it concerns.
        context.failures.concern(logger)
        let engine = try runtime.engine(forTemplate: event.template)
        let delivery = runtime.outboxDelivery()
        let earlier = await delivery.deliver(budget: runtime.outboxBudget, skipping: event)
        if !earlier.delivered.isEmpty { logger.info("Delivered \(earlier.delivered.count) waiting outbox item(s) first.") }

        let outcome = try await engine.handle(event)
        let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
        let ticket = outcome.ticket.map { "ticket \($0.number)" } ?? "no ticket"
        let scrubbed = outcome.scrubbedValues.map { ", \($0) value(s) scrubbed from the job log" } ?? ""
        logger.info(
            "Summary: job \(event.dailyJobID), decision \(outcome.decision), \(ticket), \(seconds) s, \(runtime.requestCount) requests\(scrubbed)."
        )
        switch outcome.status {
        case .handled:
            context.console.print("\(outcome.decision): \(ticket) for \(event.dailyJobID)\(outcome.ticket.map { " (\($0.url))" } ?? "")")
        case .skipped(let reason):
            context.console.print("skip: \(reason)")
        case .queued(let reason):
            context.console.error("connector: \(reason) The event was saved to the outbox (exit 75).")
        }
        return outcome.exitCode
    }
}
