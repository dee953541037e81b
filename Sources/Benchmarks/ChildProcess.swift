import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One finished child process: exit status, wall time, and its own peak resident memory (from `wait4`).
struct ChildResult: Sendable {
    var status: Int32
    var seconds: Double
    var peakKilobytes: Int
}

/// Starts a program with posix_spawn and waits for it with wait4.
///
/// A spawned child's `ru_maxrss` starts from its parent's memory (the child shares the parent's pages until it
/// executes), so this benchmark's own size would hide the connector's. When GNU `time` is installed the child runs
/// under it, a small parent whose report is the child's true peak.
enum ChildProcess {
    static let gnuTime = FileManager.default.isExecutableFile(atPath: "/usr/bin/time") ? "/usr/bin/time" : nil

    static func run(_ path: String, _ arguments: [String], environment: [String: String]) -> ChildResult {
        guard let gnuTime else { return spawn(path, arguments, environment: environment) }
        let report = NSTemporaryDirectory() + "bench-rss-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: report) }
        var result = spawn(gnuTime, ["-f", "%M", "-o", report, path] + arguments, environment: environment)
        let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
        result.peakKilobytes = text.split(whereSeparator: \.isNewline).last.flatMap { Int($0) } ?? 0
        return result
    }

    private static func spawn(_ path: String, _ arguments: [String], environment: [String: String]) -> ChildResult {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        let started = DispatchTime.now().uptimeNanoseconds
        var pid: pid_t = 0
        guard posix_spawn(&pid, path, &actions, nil, argv, envp) == 0 else {
            return ChildResult(status: -1, seconds: 0, peakKilobytes: 0)
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        #if canImport(Darwin)
        let kilobytes = Int(usage.ru_maxrss) / 1024  // bytes on macOS
        #else
        let kilobytes = Int(usage.ru_maxrss)  // kilobytes on Linux
        #endif
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return ChildResult(status: exit, seconds: seconds, peakKilobytes: kilobytes)
    }

    /// `which`: the first executable named `name` on PATH.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
