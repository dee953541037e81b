import ConnectorKit
import Foundation

/// Lists the templates, the backend each selects, whether it validates, and its warnings.
struct TemplatesCommand: ConnectorCommand {
    static let signature = CommandSignature(
        name: "templates", summary: "list the templates, the backend each selects, whether it validates, and its warnings",
        options: [.home, .json("one JSON document on stdout")])

    func run(_ context: CommandContext) async throws -> ExitCode {
        let json = context.options.has("--json")
        let runtime: ConnectorRuntime
        do {
            runtime = try context.runtime()
        } catch {
            if json { context.console.print(Self.failureDocument(error).serialized(pretty: true)) }
            throw error
        }
        let directory = runtime.templatesDirectory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            let error = ConnectorError.configuration(
                "The templates folder \(directory) cannot be read: check TEMPLATES_DIRECTORY in \(runtime.home.configFile).")
            if json { context.console.print(Self.failureDocument(error).serialized(pretty: true)) }
            throw error
        }
        var listed: [JSONValue] = []
        var invalid = 0
        for name in names.sorted() where name.lowercased().hasSuffix(".json") {
            do {
                let loaded = try runtime.loader.load(name, config: runtime.config)
                let warnings = loaded.warnings.map(runtime.masker.mask)
                listed.append([
                    "file": .string(name), "backend": .string(loaded.plugin.id), "valid": true,
                    "warnings": .array(warnings.map(JSONValue.string)),
                ])
                guard !json else { continue }
                context.console.print("\(name)  \(loaded.plugin.id)  valid\(warnings.isEmpty ? "" : " (\(warnings.count) warning(s))")")
                for warning in warnings { context.console.print("    warning: \(warning)") }
            } catch {
                invalid += 1
                let message = runtime.masker.mask(error.message)
                listed.append(["file": .string(name), "backend": nil, "valid": false, "error": .string(message), "warnings": []])
                if !json { context.console.print("\(name)  -  invalid: \(message)") }
            }
        }
        let code: ExitCode = invalid == 0 ? .ok : .configuration
        if json {
            let document: JSONValue = [
                "command": "templates", "directory": .string(directory), "ok": .bool(code == .ok),
                "exitCode": .int(Int(code.rawValue)), "templates": .array(listed),
            ]
            context.console.print(document.serialized(pretty: true))
        }
        if invalid > 0 {
            throw ConnectorError.configuration("\(invalid) template(s) in \(directory) do not validate; each is listed with the reason.")
        }
        return code
    }

    static func failureDocument(_ error: ConnectorError) -> JSONValue {
        ["command": "templates", "ok": false, "exitCode": .int(Int(error.exitCode.rawValue)), "error": .string(error.message)]
    }
}
