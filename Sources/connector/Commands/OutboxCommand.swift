import ConnectorKit
import Foundation

/// `outbox list` / `outbox flush` (SPEC §7.1).
struct OutboxCommand: ConnectorCommand {
    static let signature = CommandSignature(
        name: "outbox", summary: "list or deliver failure events that could not be delivered earlier",
        options: [.home, .json("with list: one JSON document on stdout")],
        argument: .init(
            name: "action", choices: ["list", "flush"],
            help: "list shows the waiting (and dead) events; flush delivers them now"))

    func run(_ context: CommandContext) async throws -> ExitCode {
        let options = context.options
        // The parser let through exactly one of the declared actions.
        let action = options.arguments[0]
        let json = options.has("--json")
        if json && action != "list" {
            throw ConnectorError.usage("--json goes with outbox list.")
        }
        let runtime: ConnectorRuntime
        do {
            runtime = try context.runtime()
        } catch {
            if json {
                let document: JSONValue = [
                    "command": "outbox list", "ok": false, "exitCode": .int(Int(error.exitCode.rawValue)),
                    "error": .string(error.message),
                ]
                context.console.print(document.serialized(pretty: true))
            }
            throw error
        }
        let outbox = Outbox(directory: runtime.home.outboxDirectory)
        let console = context.console
        if action == "list" {
            let (items, unreadable) = outbox.pending()
            let dead = outbox.dead()
            if json {
                let document: JSONValue = [
                    "command": "outbox list", "ok": true, "exitCode": 0, "directory": .string(runtime.home.outboxDirectory),
                    "waiting": .array(items.map { Self.document($0, masker: runtime.masker) }),
                    "dead": .array(dead.map { Self.document($0, masker: runtime.masker) }),
                    "unreadable": .array(unreadable.map(JSONValue.string)),
                ]
                console.print(document.serialized(pretty: true))
                return .ok
            }
            console.print("waiting: \(items.count)")
            for item in items { console.print("  \(runtime.masker.mask(item.summary))") }
            console.print("dead (failed for more than 7 days, or a create to check by hand): \(dead.count)")
            for item in dead { console.print("  \(runtime.masker.mask(item.summary))") }
            for file in unreadable { console.print("unreadable: \(file)") }
            return .ok
        }
        let report = await runtime.outboxDelivery().deliver(budget: runtime.config.general.deadlineSeconds)
        for outcome in report.delivered {
            console.print("delivered \(outcome.jobID): \(outcome.decision) \(outcome.ticket?.number ?? "")")
        }
        for failure in report.failed { console.error("connector outbox: dropped \(failure)") }
        console.print(
            "outbox flush: \(report.delivered.count) delivered, \(report.waiting) still waiting, \(report.movedToDead) moved to dead, \(report.failed.count) dropped."
        )
        if report.waiting > 0 {
            console.error(
                "connector outbox: \(report.waiting) event(s) still wait for a service that cannot be reached; they are delivered by the next run or flush."
            )
            return .queued
        }
        return .ok
    }

    /// One outbox item for `outbox list --json`: what it is for and how far it got.
    static func document(_ item: OutboxItem, masker: SecretMasker) -> JSONValue {
        let formatter = ISO8601DateFormatter()
        let progress = item.progress
        var fields: [String: JSONValue] = [
            "id": .string(item.id), "job": .string(item.event.dailyJobID), "template": .string(item.event.template),
            "createdAt": .string(formatter.string(from: item.createdAt)), "updatedAt": .string(formatter.string(from: item.updatedAt)),
            "attempts": .int(item.attempts),
            "done": [
                "ticket": .bool(progress.ticketDone), "writeBack": .bool(progress.ticketWrittenBack),
                "documentation": .bool(progress.documentationUpdated), "jobLog": .bool(progress.jobLogDone),
            ],
        ]
        if let ticket = progress.ticket { fields["ticket"] = .string(ticket.number) }
        if let decision = progress.decision { fields["decision"] = .string(decision) }
        if let error = item.lastError { fields["lastError"] = .string(masker.mask(error)) }
        return .object(fields)
    }
}
