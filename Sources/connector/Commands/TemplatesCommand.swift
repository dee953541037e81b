import ConnectorKit
import Foundation

/// Lists the templates, the backend each selects, and whether it validates.
struct TemplatesCommand: ConnectorCommand {
    static let name = "templates"
    static let summary = "list the templates, the backend each selects, and whether it validates"
    static let usage = "  connector templates [--home DIR]"

    func run(_ context: CommandContext) async throws -> ExitCode {
        let options = try OptionScanner(command: "connector templates", options: [OptionSpec("--home", takesValue: true)]).scan(context.words)
        let runtime = try context.runtime(home: options.string("--home"))
        let directory = runtime.templatesDirectory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw ConnectorError.configuration("The templates folder \(directory) cannot be read: check TEMPLATES_DIRECTORY in \(runtime.home.configFile).")
        }
        var invalid = 0
        for name in names.sorted() where name.lowercased().hasSuffix(".json") {
            do {
                let loaded = try runtime.loader.load(name, config: runtime.config)
                let warnings = loaded.warnings.isEmpty ? "" : " (\(loaded.warnings.count) warning(s))"
                context.console.print("\(name)  \(loaded.plugin.id)  valid\(warnings)")
            } catch {
                invalid += 1
                context.console.print("\(name)  -  invalid: \(error.message)")
            }
        }
        return invalid == 0 ? .ok : .configuration
    }
}
