import ConnectorKit
import Foundation

// The one executable: registers the backend plugins, then hands the command line to the router.
let router = CommandRouter(
    registry: InstalledPlugins.registry, environment: ProcessInfo.processInfo.environment,
    executablePath: CommandLine.arguments.first ?? "connector")
let code = await router.run(Array(CommandLine.arguments.dropFirst()))
exit(code.rawValue)
