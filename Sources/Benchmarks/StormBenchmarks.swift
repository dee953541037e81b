import Foundation

/// Section 3: failures arriving together, as after an outage or a batch window gone wrong. Every process is started
/// before any is waited for, so they really run at once; the per-job lock must still leave one ticket per job.
enum StormBenchmarks {
    static func run(_ options: BenchOptions, _ report: Report) throws {
        // The quick smoke run storms one backend only: the same-job storm alone takes 8 serialised runs.
        for backend in options.quick ? [Backend.summit] : Backend.allCases {
            let install = try BenchInstall()
            defer { install.close(keepingFiles: !report.failures.isEmpty) }
            manyJobs(backend, install, options, report)
            sameJob(backend, install, options, report)
        }
    }

    /// `stormSize` different jobs, one process each.
    private static func manyJobs(_ backend: Backend, _ install: BenchInstall, _ options: BenchOptions, _ report: Report) {
        let size = options.stormSize
        let runs = (0..<size).map { index -> [String] in
            install.addFailedJob("STORM\(index)", scheduleID: 500 + index)
            return install.failureArguments(job: "STORM\(index)", scheduleID: 500 + index, backend: backend)
        }
        let before = backend.tickets(in: install.services)
        let (results, wall) = together(options.connector, runs, install)
        let made = backend.tickets(in: install.services) - before
        let failed = results.filter { $0.status != 0 }.count
        var figures = Figures("\(backend.label) storm: \(size) jobs, \(size) processes")
        for result in results { figures.add(result) }
        figures.note = String(format: "total %.2f s; %d tickets for %d jobs", wall, made, size)
        report.add(figures)
        report.check(made == size, "\(backend.label) storm: \(made) tickets for \(size) jobs")
        report.check(
            failed == 0, "\(backend.label) storm: \(failed) of \(size) runs exited non-zero; see \(install.home)/log/connector.log")
    }

    /// `sameJobProcesses` processes for one job: one creates the ticket, the others update it in turn.
    private static func sameJob(_ backend: Backend, _ install: BenchInstall, _ options: BenchOptions, _ report: Report) {
        let count = options.sameJobProcesses
        install.addFailedJob("SAME", scheduleID: 999)
        let arguments = install.failureArguments(job: "SAME", scheduleID: 999, backend: backend)
        let before = backend.tickets(in: install.services)
        let (results, wall) = together(options.connector, Array(repeating: arguments, count: count), install)
        let made = backend.tickets(in: install.services) - before
        let failed = results.filter { $0.status != 0 }.count
        var figures = Figures("\(backend.label) storm: \(count) processes, 1 job")
        for result in results { figures.add(result) }
        figures.note = String(format: "total %.2f s; %d ticket(s) for 1 job", wall, made)
        report.add(figures)
        report.check(made == 1, "\(backend.label): \(count) processes for one job made \(made) tickets")
        report.check(
            failed == 0, "\(backend.label): \(failed) of \(count) runs for one job exited non-zero; see \(install.home)/log/connector.log")
    }

    /// Runs the connector once per argument list, all at once; the results and the wall time of the whole storm.
    private static func together(_ connector: String, _ runs: [[String]], _ install: BenchInstall) -> ([ChildResult], Double) {
        let started = DispatchTime.now().uptimeNanoseconds
        let results = ChildProcess.runTogether(connector, runs, environment: install.environment)
        return (results, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
    }
}
