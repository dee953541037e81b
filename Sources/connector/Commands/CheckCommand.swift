import ConnectorKit
import Foundation

/// Preflight for one template (SPEC §1.2): each precondition printed as ok or failed with its reason.
struct CheckCommand: ConnectorCommand {
    static let name = "check"
    static let summary = "preflight: config, template, secrets, OpCon and the ITSM, each ok or failed"
    static let usage = "  connector check -t TEMPLATE [--home DIR]"

    func run(_ context: CommandContext) async throws -> ExitCode {
        let options = try OptionScanner(command: "connector check", options: [
            OptionSpec("-t", "--template", takesValue: true), OptionSpec("--home", takesValue: true),
        ]).scan(context.words)
        let templateName = try options.required("-t")
        let console = context.console
        var failures: [ConnectorError] = []

        func report(_ label: String, _ body: () async throws -> String?) async {
            do {
                let detail = try await body()
                console.print("ok      \(label)\(detail.map { ": \($0)" } ?? "")")
            } catch {
                let failure = (error as? ConnectorError) ?? ServiceFailure.map(error, service: label)
                failures.append(failure)
                console.print("failed  \(label): \(failure.message)")
            }
        }

        var runtime: ConnectorRuntime?
        await report("Connector.config") {
            runtime = try context.runtime(home: options.string("--home"))
            return runtime?.home.configFile
        }
        guard let runtime else { return failures.first?.exitCode ?? .configuration }
        for warning in runtime.config.warnings { console.print("warning \(warning)") }

        var loaded: LoadedTemplate?
        await report("template \(templateName)") {
            loaded = try runtime.loadTemplate(templateName)
            return loaded.map { "\($0.template.path), backend \($0.plugin.id)" }
        }
        var opcon: OpConClient?
        await report("OpCon token") {
            opcon = try runtime.opconClient()
            return "resolved"
        }
        if let opcon {
            await report("OpCon API \(runtime.opconBaseURL)") { "version \(try await opcon.version())" }
            await report("OpCon authenticated call") {
                try await opcon.verifyToken()
                return nil
            }
        }
        if let loaded {
            var backend: (any ITSMBackend)?
            await report("\(loaded.plugin.displayName) credentials") {
                backend = try runtime.backend(for: loaded)
                return "resolved"
            }
            if let backend {
                await report("\(loaded.plugin.displayName) authenticated read") {
                    try await backend.verifyAccess()
                    return loaded.template.address
                }
            }
        }
        if let first = failures.first {
            console.error("connector: \(failures.count) check(s) failed; the first: \(first.message)")
            return first.exitCode
        }
        return .ok
    }
}
