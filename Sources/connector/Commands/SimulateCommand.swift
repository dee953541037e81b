#if canImport(Simulators)
    import ConnectorKit
    import Foundation
    import Simulators

    /// Serves the four simulators on loopback for manual trials. With `--write DIR` it writes a matching install
    /// directory and prints the paths and the command lines to paste; without, it prints the Connector.config and
    /// templates to copy.
    struct SimulateCommand: ConnectorCommand {
        static let signature = CommandSignature(
            name: "simulate", summary: "serve the OpCon, ServiceNow, Summit and Jira simulators on loopback until interrupted",
            options: [
                .value("--port", valueName: "N", help: "OpCon on N, ServiceNow on N+1, Summit on N+2, Jira on N+3 (default: free ports)"),
                .value(
                    "--write", valueName: "DIR",
                    help: "write Connector.config and templates/ into DIR, and print commands for --home DIR"),
                .flag(
                    "--no-business-rules",
                    help: "the simulated ServiceNow does not run the SMA application's business rules, so a ticket moved "
                        + "by hand reaches OpCon only through `connector sync`"),
            ],
            discussion: """
                Analyst endpoints (see README, "Try it by hand"): POST <ServiceNow>/_sim/incidents/<number>/state             {"state":"6"}, GET <ServiceNow>/_sim/incidents, POST <ServiceNow>/_sim/rules {"ticketResolved":false},             POST <Summit>/_sim/tickets/<number>/status {"status":"Resolved"}, GET <Summit>/_sim/tickets,             POST <Jira>/_sim/issues/<key>/transition {"name":"Resolve"}, GET <Jira>/_sim/issues
                """)

        func run(_ context: CommandContext) async throws -> ExitCode {
            let options = context.options
            let port = try options.integer("--port", in: 1...65532)
            let services = SimulatedServices()
            if options.has("--no-business-rules") { services.serviceNow.settings.businessRules = .allOff }
            do {
                try services.start(basePort: port)
            } catch {
                throw ConnectorError.unavailable(
                    "The simulators could not listen\(port.map { " on ports \($0)-\($0 + 3)" } ?? ""): \(error).")
            }
            let console = context.console
            let rulesOn = services.serviceNow.settings.businessRules != .allOff
            console.print(
                """
                Simulators on loopback, until Ctrl+C:
                  OpCon       \(services.opcon.baseURL)   (token \(services.opcon.token))
                  ServiceNow  \(services.serviceNow.baseURL)   (user \(services.serviceNow.settings.user); SMA business rules \(rulesOn ? "on" : "off"))
                  Summit      \(services.summit.baseURL)
                  Jira        \(services.jira.baseURL)   (Cloud, user \(services.jira.settings.email))
                """)
            if let folder = options.string("--write") {
                let home = try write(services, into: folder)
                console.print(
                    Self.instructions(services, home: home, executable: Self.commandName(context.executablePath), rulesOn: rulesOn))
            } else {
                console.print(
                    "\nFailed jobs you can hand to the connector (with Connector.config and templates below in its install directory):")
                for job in services.demoJobs { console.print("  connector \(Self.failureLine(job, template: "servicenow.json"))") }
                console.print("\n----- Connector.config -----\n\(services.connectorConfig())")
                console.print("----- templates/servicenow.json -----\n\(services.serviceNowTemplate())")
                console.print("----- templates/summit.json -----\n\(services.summitTemplate())")
                console.print("----- templates/jira.json -----\n\(services.jiraTemplate())")
                console.print("(`connector simulate --write DIR` writes these files and prints ready-to-paste commands.)")
            }
            console.print("Serving until interrupted (Ctrl+C).")
            while true { try await Task.sleep(nanoseconds: 3_600_000_000_000) }
        }

        /// Writes Connector.config and the three templates; returns the install directory.
        private func write(_ services: SimulatedServices, into folder: String) throws -> InstallDirectory {
            let home = InstallDirectory.resolve(option: folder, environment: [:], executablePath: "")
            do {
                let files = SimulatedInstall(home: home)
                try files.write(for: services)
                // Jira's template is written here rather than by every SimulatedInstall, whose two templates the tests count.
                try files.write("templates/jira.json", services.jiraTemplate())
            } catch {
                throw ConnectorError.configuration("Cannot write the simulator files into \(home.path): \(error.localizedDescription).")
            }
            return home
        }

        /// The paths written and the command lines to paste in another shell, in the order a first trial takes.
        static func instructions(_ services: SimulatedServices, home: InstallDirectory, executable: String, rulesOn: Bool) -> String {
            let connector = "\(executable) --home \(shellWord(home.path))"
            let snow = services.serviceNow.baseURL
            var lines = [
                "", "Wrote:",
                "  \(home.configFile)", "  \(home.file("templates/servicenow.json"))", "  \(home.file("templates/summit.json"))",
                "  \(home.file("templates/jira.json"))", "", "In another shell:", "  \(connector) check -t servicenow.json",
            ]
            lines += services.demoJobs.map { "  \(connector) \(failureLine($0, template: "servicenow.json"))" }
            lines += [
                "", "Then move the first incident as an analyst would (6 Resolved, 2 In Progress, 8 Canceled) and sync:",
                "  curl -s -X POST \(snow)/_sim/incidents/INC0010001/state -H 'Content-Type: application/json' -d '{\"state\":\"6\"}' \(curlStatusOnly)",
                "  \(connector) sync -t servicenow.json --once",
            ]
            if rulesOn {
                lines.append(
                    "  (The SMA business rules are on: they already tell OpCon, so sync finds nothing left to do. Start with "
                        + "--no-business-rules, or switch them off: curl -s -X POST \(snow)/_sim/rules -d '{\"ticketAccepted\":false,"
                        + "\"ticketResolved\":false,\"ticketCancelled\":false}')")
            }
            lines += [
                "  \(connector) sync -t servicenow.json --interval 10     (a service: stop it with Ctrl+C)",
                "", "Summit: the same failure lines with -t summit.json; move a ticket with",
                "  curl -s -X POST \(services.summit.baseURL)/_sim/tickets/<number>/status -H 'Content-Type: application/json' -d '{\"status\":\"Resolved\"}' \(curlStatusOnly)",
                "", "Jira: the same failure lines with -t jira.json; move an issue with (Resolve, Start Progress, Close, Cancel)",
                "  curl -s -X POST \(services.jira.baseURL)/_sim/issues/<key>/transition -H 'Content-Type: application/json' -d '{\"name\":\"Resolve\"}' \(curlStatusOnly)",
                "",
            ]
            return lines.joined(separator: "\n")
        }

        /// curl prints only the HTTP status (200): the simulator answers with the whole record, which would fill the screen.
        static let curlStatusOnly = "-o /dev/null -w '%{http_code}\\n'"

        static func failureLine(_ job: DemoJob, template: String) -> String {
            "-a \(job.agent) -s \(job.schedule) -jn \(job.job) -e \(job.termination) -sd \(job.date) -si \(job.scheduleID) -sn \(job.instance) -t \(template)"
        }

        /// How to call this executable from another shell: its absolute path when it was started by path (`swift run`,
        /// `.build/debug/connector`), its bare name when it was found on PATH.
        static func commandName(_ invoked: String) -> String {
            guard invoked.contains("/") else { return invoked.isEmpty ? "connector" : invoked }
            let absolute = invoked.hasPrefix("/") ? invoked : FileManager.default.currentDirectoryPath + "/" + invoked
            return shellWord((absolute as NSString).standardizingPath)
        }

        /// A path as one shell word: as is when it holds only safe characters, else in single quotes.
        static func shellWord(_ text: String) -> String {
            let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+:@")
            if !text.isEmpty, text.unicodeScalars.allSatisfy(safe.contains) { return text }
            return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
    }
#endif
