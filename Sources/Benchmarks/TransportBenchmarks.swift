import Foundation
import Simulators

/// Section 5: the HTTP client where it matters (SPEC §7.4), libcurl and URLSession side by side. Each transport runs
/// one failure per child process (`TransportChild`), so CPU and peak memory are each run's own; the release
/// executable, which uses libcurl on Linux, gets a row of its own for the slow ITSM.
enum TransportBenchmarks {
    static func run(_ options: BenchOptions, _ report: Report) throws {
        let me = Bundle.main.executablePath ?? CommandLine.arguments[0]
        try slowITSM(me, options, report)
        try storm(me, options, report)
        try bigLogs(me, options, report)
    }

    /// One ServiceNow failure while every ServiceNow answer takes 1 s: the CPU a run burns while it waits.
    private static func slowITSM(_ me: String, _ options: BenchOptions, _ report: Report) throws {
        let install = try BenchInstall(jorsPolls: 0)
        defer { install.close(keepingFiles: !report.failures.isEmpty) }
        install.services.serviceNow.faults.addLatency(1)
        let runs = options.quick ? 2 : 5
        for kind in TransportChild.Kind.allCases {
            var figures = Figures("\(kind.label): ServiceNow answers after 1 s")
            for index in 0..<runs {
                let job = "SLOW\(kind.rawValue)\(index)"
                let scheduleID = 600 + index
                install.addFailedJob(job, scheduleID: scheduleID)
                let result = ChildProcess.run(
                    me,
                    [TransportChild.flag, kind.rawValue] + install.failureArguments(job: job, scheduleID: scheduleID, backend: .serviceNow),
                    environment: install.environment)
                report.check(result.status == 0, "\(kind.label) slow-ITSM run of \(job) exited \(result.status)")
                figures.add(result)
            }
            figures.note = "CPU is what the run used while ServiceNow thought (goal for the product: <= 50 ms)"
            report.add(figures)
        }
        var binary = Figures("connector binary: ServiceNow answers after 1 s")
        for index in 0..<runs {
            let job = "SLOWBIN\(index)"
            let scheduleID = 650 + index
            install.addFailedJob(job, scheduleID: scheduleID)
            let result = ChildProcess.run(
                options.connector, install.failureArguments(job: job, scheduleID: scheduleID, backend: .serviceNow),
                environment: install.environment)
            report.check(result.status == 0, "connector slow-ITSM run of \(job) exited \(result.status)")
            binary.add(result)
        }
        binary.note = "the release executable (libcurl on Linux)"
        report.add(binary)
    }

    /// Distinct failures, a fixed number in flight at a time, every service adding 50 ms to each answer.
    private static func storm(_ me: String, _ options: BenchOptions, _ report: Report) throws {
        let total = options.quick ? 24 : 100
        let width = options.quick ? 8 : 16
        for kind in TransportChild.Kind.allCases {
            let install = try BenchInstall(jorsPolls: 0)
            defer { install.close(keepingFiles: !report.failures.isEmpty) }
            for service in [install.services.opcon.faults, install.services.serviceNow.faults] { service.addLatency(0.05) }
            let runs = (0..<total).map { index -> [String] in
                install.addFailedJob("STORM\(index)", scheduleID: 700 + index)
                return [TransportChild.flag, kind.rawValue]
                    + install.failureArguments(job: "STORM\(index)", scheduleID: 700 + index, backend: .serviceNow)
            }
            let started = Date()
            let results = rolling(me, runs, width: width, environment: install.environment)
            let wall = Date().timeIntervalSince(started)
            let made = Backend.serviceNow.tickets(in: install.services)
            report.check(
                results.allSatisfy { $0.status == 0 }, "\(kind.label) storm: \(results.filter { $0.status != 0 }.count) run(s) failed")
            report.check(made == total, "\(kind.label) storm made \(made) tickets for \(total) jobs")
            var figures = Figures("\(kind.label): storm \(total) jobs, \(width) at a time, +50 ms")
            for result in results { figures.add(result) }
            let cpu = results.reduce(0) { $0 + $1.cpuSeconds }
            figures.note = String(
                format: "%.1f events/s; %.0f ms CPU per event; total %.1f s", Double(total) / wall, cpu / Double(total) * 1000, wall)
            report.add(figures)
        }
    }

    /// Peak memory of a run whose job log is 30 MiB, then 120 MiB (MAX_JOBLOG_BYTES keeps the attachment at 10 MiB).
    private static func bigLogs(_ me: String, _ options: BenchOptions, _ report: Report) throws {
        for mebibytes in [30, 120] {
            let install = try BenchInstall(jorsPolls: 0)
            defer { install.close(keepingFiles: !report.failures.isEmpty) }
            let line = "2026-12-06 02:14:07 step 0042 processed record batch \"GL\" path C:\\data\\in\\ledger.csv\r\n"
            let log = String(repeating: line, count: mebibytes * 1024 * 1024 / line.utf8.count)
            let programs: [(String, String, [String])] =
                TransportChild.Kind.allCases.map { kind in
                    (kind.label, me, [TransportChild.flag, kind.rawValue])
                } + [("connector binary", options.connector, [])]
            for (index, (label, program, prefix)) in programs.enumerated() {
                let job = "BIGLOG\(index)"
                let scheduleID = 800 + index
                install.services.opcon.addJob(
                    date: BenchInstall.today, scheduleID: scheduleID, schedule: "BENCHMARK", job: job,
                    agent: "BENCH01", termination: "Exit Code 2", logFiles: ["\(job).log": log])
                let result = ChildProcess.run(
                    program, prefix + install.failureArguments(job: job, scheduleID: scheduleID, backend: .serviceNow),
                    environment: install.environment)
                report.check(result.status == 0, "\(label) run with a \(mebibytes) MiB log exited \(result.status)")
                let attached =
                    install.services.serviceNow.incidents.last.flatMap { $0["sys_id"] }
                    .map { install.services.serviceNow.attachments(of: $0).first?.data.count ?? 0 } ?? 0
                report.check(attached > 10_000_000, "\(label) run with a \(mebibytes) MiB log attached \(attached) bytes")
                var figures = Figures("\(label): \(mebibytes) MiB job log")
                figures.add(result)
                figures.note = "peak RSS is the point (goal for the product: <= 48 MiB); \(attached / 1_048_576) MiB attached"
                report.add(figures)
            }
        }
    }

    /// Runs every argument list, at most `width` children at once, each started as soon as a slot frees up.
    private static func rolling(_ program: String, _ runs: [[String]], width: Int, environment: [String: String]) -> [ChildResult] {
        let queue = RunQueue(count: runs.count)
        let group = DispatchGroup()
        for _ in 0..<min(width, runs.count) {
            group.enter()
            // Threads of their own: each blocks in wait4 for its child.
            Thread.detachNewThread {
                while let index = queue.take() {
                    queue.record(ChildProcess.run(program, runs[index], environment: environment), at: index)
                }
                group.leave()
            }
        }
        group.wait()
        return queue.results
    }
}

/// Hands out run indexes to the storm's threads and collects their results.
private final class RunQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var collected: [ChildResult?]

    init(count: Int) { collected = Array(repeating: nil, count: count) }

    func take() -> Int? {
        lock.withLock {
            guard next < collected.count else { return nil }
            defer { next += 1 }
            return next
        }
    }

    func record(_ result: ChildResult, at index: Int) { lock.withLock { collected[index] = result } }

    var results: [ChildResult] {
        lock.withLock { collected.map { $0 ?? ChildResult(status: -1, seconds: 0, cpuSeconds: 0, peakKilobytes: 0) } }
    }
}
