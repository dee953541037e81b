import ConnectorKit
import Foundation

/// Dry run (SPEC §1.2): reads what a real run reads, changes nothing, prints the decision and the payload.
struct ExplainCommand: ConnectorCommand {
    static let signature = FailureArguments.signature(
        name: "explain", summary: "dry run: print the decision and the exact payload, change nothing")

    func run(_ context: CommandContext) async throws -> ExitCode {
        let now = try RunClock.now(environment: context.environment)
        let arguments = try FailureArguments(context.options, failedAt: now())
        guard case .handleFailure(let event) = arguments.request else {
            throw ConnectorError.usage("a dry run needs the failure flags (-a -s -jn -e -sd -si -sn -t), not -i.")
        }
        let runtime = try context.runtime()
        // The backend's writes are recorded instead of sent: whatever the backend, nothing changes in the ITSM.
        let engine = try runtime.engine(forTemplate: event.template, preview: WriteCapture())
        let plan = try await engine.plan(event)
        let console = context.console
        console.print("job:       \(event.dailyJobID)")
        console.print("template:  \(engine.template.path) (\(engine.template.backendID))")
        console.print(
            "decision:  \(plan.decision.verb)\(plan.decision.existing.map { " (existing ticket \($0.reference.number), state \($0.rawState))" } ?? "")"
        )
        if case .skip(let reason) = plan.decision { console.print("reason:    \(reason)") }
        console.print("fields:")
        for field in plan.draft.fields { console.print("  \(field.name) = \(runtime.masker.mask(field.value))") }
        if let excerpt = plan.draft.logExcerpt {
            console.print("job log excerpt (the end of the ticket's text):")
            console.print(runtime.masker.mask(excerpt))
        }
        for write in plan.writes {
            console.print("payload: \(write.method.rawValue) \(runtime.masker.mask(write.url.absoluteString))")
            console.print(runtime.masker.mask(Self.readable(write)))
        }
        console.print("(nothing was changed in OpCon or \(engine.template.backendID))")
        return .ok
    }

    /// A request body as people read it: JSON pretty-printed, a streamed body by its size.
    static func readable(_ request: HTTPRequest) -> String {
        if let body = request.body {
            if let json = try? JSONValue.parse(body) { return json.serialized(pretty: true) }
            return String(decoding: body, as: UTF8.self)
        }
        return request.streamedBody.map { "(\($0.count) bytes streamed)" } ?? "(no body)"
    }
}
