import Foundation
import Subprocess

/// One finished child process: exit status, wall time, CPU time (user + system) and its own peak resident memory.
struct ChildResult: Sendable {
    var status: Int32
    var seconds: Double
    var cpuSeconds: Double
    var peakKilobytes: Int
}

/// Starts programs through `Subprocess`, which reaps each one with wait4 the moment it ends.
///
/// A spawned child's `ru_maxrss` starts from its parent's memory (the child shares the parent's pages until it
/// executes), so this benchmark's own size would hide the connector's. When GNU `time` is installed each child runs
/// under it, a small parent whose report is the child's true peak. CPU time comes from `wait4`, whose usage
/// includes the children GNU `time` reaped (its own share is the harness-floor row's).
enum ChildProcess {
    static let gnuTime = FileManager.default.isExecutableFile(atPath: "/usr/bin/time") ? "/usr/bin/time" : nil

    /// A started child (nil when it could not be started) and where GNU `time` writes its peak memory.
    struct Launch {
        var child: Subprocess?
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
        return Launch(child: try? Subprocess(program, words, environment: environment, captureOutput: false), report: report)
    }

    /// Waits for every child; each one's wall time stopped when it exited.
    static func waitAll(_ launches: [Launch]) -> [ChildResult] {
        launches.map { launch in
            guard let child = launch.child else { return ChildResult(status: -1, seconds: 0, cpuSeconds: 0, peakKilobytes: 0) }
            let status = child.wait()
            var peak = 0
            if let report = launch.report {
                let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
                peak = text.split(whereSeparator: \.isNewline).last.flatMap { Int($0) } ?? 0
                try? FileManager.default.removeItem(atPath: report)
            }
            return ChildResult(status: status, seconds: child.duration ?? 0, cpuSeconds: child.cpuSeconds ?? 0, peakKilobytes: peak)
        }
    }

    /// `which`: the first executable named `name` on PATH.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
