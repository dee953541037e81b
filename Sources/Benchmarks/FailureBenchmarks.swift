import Foundation

/// Section 2: one failure end to end (create, with the job log), then the same job failing again (update), one run
/// at a time, per backend; once with the simulated agent answering each job-output request `submitted` twice (as a
/// real agent does while it reads the file), once answering at once, which leaves the connector's own cost.
enum FailureBenchmarks {
    static func run(_ options: BenchOptions, _ report: Report) throws {
        for backend in Backend.allCases {
            var slowCreate = 0.0
            var slowUpdate = 0.0
            for polls in [2, 0] {
                var (create, update) = try measure(backend, jorsPolls: polls, options, report)
                if polls == 2 {
                    (slowCreate, slowUpdate) = (create.median, update.median)
                } else {
                    create.note += String(format: "; polls add %.0f ms", (slowCreate - create.median) * 1000)
                    update.note += String(format: "; polls add %.0f ms", (slowUpdate - update.median) * 1000)
                }
                report.add(create)
                report.add(update)
            }
        }
    }

    /// `iterations` jobs, each failing twice: the first run creates the ticket, the second updates it.
    private static func measure(
        _ backend: Backend, jorsPolls: Int, _ options: BenchOptions,
        _ report: Report
    ) throws -> (create: Figures, update: Figures) {
        let install = try BenchInstall(jorsPolls: jorsPolls)
        defer { install.close(keepingFiles: !report.failures.isEmpty) }
        var create = Figures("\(backend.label) create + job log (JORS polls \(jorsPolls))")
        var update = Figures("\(backend.label) update, 2nd failure (polls \(jorsPolls))")
        var createRequests: [(opcon: Int, itsm: Int)] = []
        var updateRequests: [(opcon: Int, itsm: Int)] = []
        for index in 0..<options.iterations {
            let job = "JOB\(index)"
            let scheduleID = 100 + index
            install.addFailedJob(job, scheduleID: scheduleID)
            let arguments = install.failureArguments(job: job, scheduleID: scheduleID, backend: backend)
            for second in [false, true] {
                let tickets = backend.tickets(in: install.services)
                let before = install.requestCounts
                let result = ChildProcess.run(options.connector, arguments, environment: install.environment)
                let after = install.requestCounts
                let requests = (opcon: after.opcon - before.opcon, itsm: after.itsm - before.itsm)
                let made = backend.tickets(in: install.services) - tickets
                let what = "\(backend.label) \(second ? "update" : "create") of \(job) (JORS polls \(jorsPolls))"
                report.check(result.status == 0, "\(what) exited \(result.status); see \(install.home)/log/connector.log")
                report.check(made == (second ? 0 : 1), "\(what) made \(made) ticket(s), expected \(second ? 0 : 1)")
                if second {
                    update.add(result)
                    updateRequests.append(requests)
                } else {
                    create.add(result)
                    createRequests.append(requests)
                }
            }
        }
        create.note = describe(createRequests, backend)
        update.note = describe(updateRequests, backend)
        return (create, update)
    }

    /// "13 HTTP requests (OpCon 9, ServiceNow 4)" when every run made the same calls, else the range of totals.
    private static func describe(_ requests: [(opcon: Int, itsm: Int)], _ backend: Backend) -> String {
        guard let first = requests.first else { return "" }
        if requests.allSatisfy({ $0 == first }) {
            return "\(first.opcon + first.itsm) HTTP requests (OpCon \(first.opcon), \(backend.label) \(first.itsm))"
        }
        let totals = requests.map { $0.opcon + $0.itsm }
        return "\(totals.min() ?? 0)-\(totals.max() ?? 0) HTTP requests per run"
    }
}
