import ConnectorKit
import Foundation

/// `outbox list` / `outbox flush` (SPEC §7.1).
struct OutboxCommand: ConnectorCommand {
    static let name = "outbox"
    static let summary = "list or deliver failure events that could not be delivered earlier"
    static let usage = "  connector outbox list [--home DIR]\n  connector outbox flush [--home DIR]"

    func run(_ context: CommandContext) async throws -> ExitCode {
        let options = try OptionScanner(command: "connector outbox", options: [OptionSpec("--home", takesValue: true)],
                                        allowsPositionals: true).scan(context.words)
        guard options.positionals.count == 1, let action = options.positionals.first, ["list", "flush"].contains(action) else {
            throw ConnectorError.usage("connector outbox needs one action: list or flush.")
        }
        let runtime = try context.runtime(home: options.string("--home"))
        let outbox = Outbox(directory: runtime.home.outboxDirectory)
        let console = context.console
        if action == "list" {
            let (items, unreadable) = outbox.pending()
            let dead = outbox.dead()
            console.print("waiting: \(items.count)")
            for item in items { console.print("  \(item.summary)") }
            console.print("dead (failed for more than 7 days): \(dead.count)")
            for item in dead { console.print("  \(item.summary)") }
            for file in unreadable { console.print("unreadable: \(file)") }
            return .ok
        }
        let report = await runtime.outboxDelivery().deliver(budget: runtime.config.general.deadlineSeconds)
        for outcome in report.delivered {
            console.print("delivered \(outcome.jobID): \(outcome.decision) \(outcome.ticket?.number ?? "")")
        }
        for failure in report.failed { console.error("connector: dropped \(failure)") }
        console.print("outbox flush: \(report.delivered.count) delivered, \(report.waiting) still waiting, \(report.movedToDead) moved to dead, \(report.failed.count) dropped.")
        return report.waiting > 0 ? .queued : .ok
    }
}
