#if canImport(Simulators)
    import ConnectorKit
    import Foundation
    import Simulators

    /// `connector demo`: the whole story, told on simulators running in this process. Every run goes through the
    /// real product path (Connector.config, templates, plugins, HTTP over loopback, OpCon write-back); each step
    /// checks the simulators' state and the story fails if any check does.
    struct DemoStory {
        let services: SimulatedServices
        let home: InstallDirectory
        let registry: BackendRegistry
        let console: Console
        private let failures = Counter()

        init(registry: BackendRegistry, console: Console) throws {
            self.registry = registry
            self.console = console
            services = SimulatedServices()
            let install = SimulatedInstall(home: SimulatedInstall.temporaryHome(prefix: "connector-demo"))
            home = install.home
            try install.start(services)
            try install.write("templates/jira.json", services.jiraTemplate())
        }

        /// Tells the story; true when every check held.
        func tell() async -> Bool {
            defer { services.stop() }
            let jobs = services.demoJobs
            guard jobs.count >= 3 else {
                console.print("The simulators seeded no demo jobs.")
                return false
            }
            let gl = jobs[0]
            let payroll = jobs[1]
            let report = jobs[2]
            console.print(
                "connector demo: OpCon at \(services.opcon.baseURL), ServiceNow at \(services.serviceNow.baseURL), Summit at \(services.summit.baseURL), Jira at \(services.jira.baseURL)"
            )
            console.print("install directory: \(home.path)\n")

            await step("1. \(payroll.schedule)/\(payroll.job) fails; its template is summit.json") {
                let outcome = try await run(payroll, template: "summit.json")
                let ticket = services.summit.tickets.first
                return [
                    ("a Summit ticket was created", outcome.decision == "create" && services.summit.tickets.count == 1),
                    ("routed by the WRKGRP_ tag to workgroup Payroll", ticket?.field("Assigned_WorkGroup_Name") == "Payroll"),
                    ("category from the CATNAME_ tag", ticket?.field("Category_Name") == "Batch"),
                    ("job log attached", ticket?.attachments.first?.fileName == "\(payroll.job).log"),
                    (
                        "ticket \(ticket.map { String($0.number) } ?? "?") written back to the OpCon job",
                        ticket.map { String($0.number) } == services.opcon.incidentTicketID(of: payroll.id)
                    ),
                ]
            }

            await step("2. The same job fails again") {
                let outcome = try await run(payroll, template: "summit.json")
                return [
                    ("the ticket was updated, not duplicated", outcome.decision == "update" && services.summit.tickets.count == 1),
                    ("the new failure is in its work log", (services.summit.tickets.first?.workLog.count ?? 0) >= 2),
                ]
            }

            await step("3. \(gl.schedule)/\(gl.job) fails; its template is servicenow.json") {
                let outcome = try await run(gl, template: "servicenow.json")
                let incident = services.serviceNow.incidents.first
                let number = incident?["number"] ?? "?"
                return [
                    ("incident \(number) created", outcome.decision == "create" && services.serviceNow.incidents.count == 1),
                    (
                        "correlation_id names OpCon and the job",
                        incident?["correlation_id"] == "127.0.0.1:\(services.opcon.port ?? 0),\(gl.id)"
                    ),
                    ("routed by the ROUTE1 tag to category software", incident?["category"] == "software"),
                    ("job log attached", !services.serviceNow.attachments(of: number).isEmpty),
                    (
                        "written back as number/sys_id",
                        services.opcon.incidentTicketID(of: gl.id) == "\(number)/\(incident?["sys_id"] ?? "")"
                    ),
                ]
            }

            await step("4. An analyst moves the incident to In Progress, then Resolved") {
                let number = services.serviceNow.incidents.first?["number"] ?? ""
                try services.serviceNow.setState("2", of: number)
                services.serviceNow.waitForCallbacks()
                let underReview = services.opcon.status(of: gl.id)?.description == "Under Review"
                try services.serviceNow.setState("6", of: number)
                services.serviceNow.waitForCallbacks()
                return [
                    ("the business rule marked the job Under Review", underReview),
                    ("the business rule marked the job Fixed", services.opcon.status(of: gl.id)?.description == "Fixed"),
                ]
            }

            await step("5. The incident is closed; the job is restarted and fails again") {
                let old = services.serviceNow.incidents.first?["number"] ?? ""
                try services.serviceNow.setState("7", of: old)
                services.serviceNow.waitForCallbacks()
                services.opcon.setStatus(.failed, of: gl.id)
                let outcome = try await run(gl, template: "servicenow.json")
                let newest = services.serviceNow.incidents.last
                return [
                    ("a new incident replaced \(old)", outcome.decision == "replace" && services.serviceNow.incidents.count == 2),
                    (
                        "its description names the previous ticket",
                        newest?["description"]?.contains("Previous Ticket Number (\(old))") == true
                    ),
                    (
                        "the job documentation names it too",
                        services.opcon.documentation(of: gl.id)?.contains("Previous Ticket Number (\(old))") == true
                    ),
                    (
                        "the job now carries the new incident",
                        services.opcon.incidentTicketID(of: gl.id)?.hasPrefix(newest?["number"] ?? "-") == true
                    ),
                ]
            }

            await step("6. \(report.schedule)/\(report.job) fails; it carries the EXIT tag NOTICKET") {
                let before = services.summit.tickets.count
                let outcome = try await run(report, template: "summit.json")
                return [("no ticket was opened", outcome.decision == "skip" && services.summit.tickets.count == before)]
            }

            // The third backend: a job of its own, so that no ServiceNow or Summit ticket is recorded on it.
            var invoices = gl
            (invoices.schedule, invoices.scheduleID, invoices.job, invoices.agent, invoices.termination) = (
                "BILLING", 47, "INVOICE_EXPORT", "ERP01", "Exit Code 3"
            )
            invoices.id = services.opcon.addJob(
                date: gl.date, scheduleID: 47, schedule: "BILLING", job: "INVOICE_EXPORT", agent: "ERP01",
                termination: "Exit Code 3", logFiles: ["INVOICE_EXPORT.log": "export started\nERROR: SFTP refused\n"])
            await step("7. \(invoices.schedule)/\(invoices.job) fails; its template is jira.json") {
                let outcome = try await run(invoices, template: "jira.json")
                let issue = services.jira.issues.first
                let label = "opcon-" + SHA256.hexDigest(of: "127.0.0.1:\(services.opcon.port ?? 0),\(invoices.id)").prefix(16)
                return [
                    ("Jira issue \(issue?.key ?? "?") created", outcome.decision == "create" && services.jira.issues.count == 1),
                    ("labelled \(label) to be found again", issue?.labels.contains(label) == true),
                    ("job log attached", issue?.attachments.first?.fileName == "INVOICE_EXPORT.log"),
                    (
                        "written back with its /browse/ link",
                        services.opcon.incidentTicketURL(of: invoices.id) == "\(services.jira.baseURL)/browse/\(issue?.key ?? "")"
                    ),
                ]
            }

            await step("8. An analyst resolves the issue; the job fails again") {
                let key = services.jira.issues.first?.key ?? ""
                try services.jira.resolve(key)
                let outcome = try await run(invoices, template: "jira.json")
                let issue = services.jira.issue(key)
                return [
                    ("reopened through the workflow's Reopen transition", outcome.decision == "reopen" && issue?.status.name == "Reopened"),
                    ("the new failure is a comment; no second issue", issue?.comments.count == 1 && services.jira.issues.count == 1),
                ]
            }

            let failed = failures.value
            if failed == 0 {
                try? FileManager.default.removeItem(atPath: home.path)
                console.print("Every step did what it should.")
            } else {
                console.print("\(failed) check(s) failed; the log is in \(home.logDirectory).")
            }
            return failed == 0
        }

        /// One failure through the real product path, as a separate Notification Manager run would do it.
        private func run(_ job: DemoJob, template: String) async throws -> RunOutcome {
            let runtime = try ConnectorRuntime.load(
                home: home, registry: registry, environment: [:],
                transport: PlatformTransport.factory, console: false)
            let event = FailureEvent(
                agent: job.agent, schedule: job.schedule, job: job.job, termination: job.termination,
                scheduleDate: job.date, scheduleID: job.scheduleID, scheduleInstance: job.instance,
                template: template, failedAt: runtime.now())
            let outcome = try await runtime.engine(forTemplate: template).handle(event)
            console.print(
                "   connector -a \(job.agent) -s \(job.schedule) -jn \(job.job) -e \(job.termination) -sd \(job.date) -si \(job.scheduleID) -sn \(job.instance) -t \(template)"
            )
            console.print("   → \(outcome.decision)\(outcome.ticket.map { " ticket \($0.number) (\($0.url))" } ?? "")")
            return outcome
        }

        private func step(_ title: String, _ body: () async throws -> [(String, Bool)]) async {
            console.print(title)
            do {
                for (check, held) in try await body() {
                    console.print("   \(held ? "✓" : "✗") \(check)")
                    if !held { failures.add() }
                }
            } catch {
                console.print("   ✗ \((error as? ConnectorError)?.message ?? String(describing: error))")
                failures.add()
            }
            console.print("")
        }
    }

    /// A failure count shared by the steps.
    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func add() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }
#endif
