import Foundation
import Subprocess

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One finished child process: exit status, wall time, CPU time (user + system) and its own peak resident memory.
struct ChildResult: Sendable {
    var status: Int32
    var seconds: Double
    var cpuSeconds: Double
    var peakKilobytes: Int
}

/// Starts programs (through `Subprocess`) and reaps them with wait4 as they end.
///
/// A spawned child's `ru_maxrss` starts from its parent's memory (the child shares the parent's pages until it
/// executes), so this benchmark's own size would hide the connector's. When GNU `time` is installed each child runs
/// under it, a small parent whose report is the child's true peak. CPU time comes from `wait4`, whose usage
/// includes the children GNU `time` reaped (its own share is the harness-floor row's).
enum ChildProcess {
    static let gnuTime = FileManager.default.isExecutableFile(atPath: "/usr/bin/time") ? "/usr/bin/time" : nil

    /// A started child: its pid, when it started, and where GNU `time` writes its peak memory.
    struct Launch {
        var pid: pid_t
        var started: UInt64
        var report: String?
    }

    /// Runs one child to its end.
    static func run(_ path: String, _ arguments: [String], environment: [String: String]) -> ChildResult {
        waitAll([launch(path, arguments, environment: environment)])[0]
    }

    /// Runs all children at the same time (they are started before any is waited for) and returns their results
    /// in the order given.
    static func runTogether(_ path: String, _ runs: [[String]], environment: [String: String]) -> [ChildResult] {
        waitAll(runs.map { launch(path, $0, environment: environment) })
    }

    static func launch(_ path: String, _ arguments: [String], environment: [String: String]) -> Launch {
        var program = path
        var words = arguments
        var report: String?
        if let gnuTime {
            let file = NSTemporaryDirectory() + "bench-rss-\(UUID().uuidString)"
            report = file
            program = gnuTime
            words = ["-f", "%M", "-o", file, path] + arguments
        }
        let started = DispatchTime.now().uptimeNanoseconds
        let pid = (try? Subprocess(program, words, environment: environment, captureOutput: false))?.pid ?? -1
        return Launch(pid: pid, started: started, report: report)
    }

    /// Reaps the children as they end, so each one's wall time stops when it exits.
    static func waitAll(_ launches: [Launch]) -> [ChildResult] {
        var results = [pid_t: ChildResult]()
        var remaining = Set(launches.map(\.pid).filter { $0 > 0 })
        while !remaining.isEmpty {
            var status: Int32 = 0
            var usage = rusage()
            let pid = wait4(-1, &status, 0, &usage)
            if pid < 0 {
                if errno == EINTR { continue }
                break
            }
            guard remaining.remove(pid) != nil, let launch = launches.first(where: { $0.pid == pid }) else { continue }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - launch.started) / 1e9
            let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
                + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
            let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            var peak = 0
            if let report = launch.report {
                let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
                peak = text.split(whereSeparator: \.isNewline).last.flatMap { Int($0) } ?? 0
                try? FileManager.default.removeItem(atPath: report)
            }
            results[pid] = ChildResult(status: exit, seconds: seconds, cpuSeconds: cpu, peakKilobytes: peak)
        }
        return launches.map { results[$0.pid] ?? ChildResult(status: -1, seconds: 0, cpuSeconds: 0, peakKilobytes: 0) }
    }

    /// `which`: the first executable named `name` on PATH.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
