import ConnectorKit
import Foundation

/// ITSM → OpCon for one template without anything installed in the ITSM (SPEC §6.3).
struct SyncCommand: ConnectorCommand {
    static let name = "sync"
    static let summary = "apply ticket states to today's failed and under-review jobs (once, or every S seconds)"
    static let usage = "  connector sync -t TEMPLATE [--once] [--interval SECONDS] [--home DIR]"

    func run(_ context: CommandContext) async throws -> ExitCode {
        let options = try OptionScanner(command: "connector sync", options: [
            OptionSpec("-t", "--template", takesValue: true), OptionSpec("--once", takesValue: false),
            OptionSpec("--interval", takesValue: true), OptionSpec("--home", takesValue: true),
        ]).scan(context.words)
        let templateName = try options.required("-t")
        let interval = try options.seconds("--interval")
        if options.has("--once"), interval != nil {
            throw ConnectorError.usage("connector sync: use either --once or --interval, not both.")
        }
        let runtime = try context.runtime(home: options.string("--home"))
        do {
            let engine = try runtime.syncEngine(forTemplate: templateName)
            repeat {
                let report = try await engine.runOnce()
                for action in report.actions {
                    let result = action.refusal.map { "refused: \($0)" } ?? "applied"
                    context.console.print("\(action.action.rawValue) \(action.jobID) (ticket \(action.ticket)): \(result)")
                }
                for problem in report.problems { context.console.error("connector: \(problem)") }
                context.console.print("sync: \(report.examined) job(s) with tickets examined, \(report.actions.count) action(s).")
                if let interval { try await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000)) }
            } while interval != nil
            return .ok
        } catch let error as ConnectorError {
            throw runtime.report(error)
        }
    }
}
