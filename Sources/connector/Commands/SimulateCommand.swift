#if canImport(Simulators)
import ConnectorKit
import Foundation
import Simulators

/// Serves the three simulators on loopback for manual trials and prints a matching Connector.config and templates.
struct SimulateCommand: ConnectorCommand {
    static let name = "simulate"
    static let summary = "serve the OpCon, ServiceNow and Summit simulators on loopback until interrupted"
    static let usage = """
          connector simulate [--port N] [--write DIR]
        --port N     OpCon on N, ServiceNow on N+1, Summit on N+2 (default: free ports)
        --write DIR  also write Connector.config and templates/ into DIR, ready for --home DIR
        """

    func run(_ context: CommandContext) async throws -> ExitCode {
        let options = try OptionScanner(command: "connector simulate", options: [
            OptionSpec("--port", takesValue: true), OptionSpec("--write", takesValue: true),
        ]).scan(context.words)
        let port = try options.integer("--port", in: 1...65533)
        let services = SimulatedServices()
        do {
            try services.start(basePort: port)
        } catch {
            throw ConnectorError.unavailable("The simulators could not listen\(port.map { " on ports \($0)-\($0 + 2)" } ?? ""): \(error).")
        }
        let console = context.console
        if let folder = options.string("--write") {
            let home = InstallDirectory.resolve(option: folder, environment: [:], executablePath: "")
            do {
                try FileManager.default.createDirectory(atPath: home.file("templates"), withIntermediateDirectories: true)
                try services.connectorConfig().write(toFile: home.configFile, atomically: true, encoding: .utf8)
                try services.serviceNowTemplate().write(toFile: home.file("templates/servicenow.json"), atomically: true, encoding: .utf8)
                try services.summitTemplate().write(toFile: home.file("templates/summit.json"), atomically: true, encoding: .utf8)
            } catch {
                throw ConnectorError.configuration("Cannot write the simulator files into \(home.path): \(error).")
            }
            console.print("Wrote \(home.configFile) and templates/servicenow.json, templates/summit.json.")
        }
        console.print("""
            OpCon      \(services.opcon.baseURL)   (token \(services.opcon.token))
            ServiceNow \(services.serviceNow.baseURL)   (user \(services.serviceNow.settings.user))
            Summit     \(services.summit.baseURL)

            Failed jobs you can hand to the connector:
            """)
        for job in services.demoJobs {
            console.print("  connector -a \(job.agent) -s \(job.schedule) -jn \(job.job) -e \(job.termination) -sd \(job.date) -si \(job.scheduleID) -sn \(job.instance) -t servicenow.json")
        }
        console.print("\n----- Connector.config -----\n\(services.connectorConfig())")
        console.print("----- templates/servicenow.json -----\n\(services.serviceNowTemplate())")
        console.print("----- templates/summit.json -----\n\(services.summitTemplate())")
        console.print("Serving until interrupted (Ctrl-C).")
        while true { try await Task.sleep(nanoseconds: 3_600_000_000_000) }
    }
}
#endif
