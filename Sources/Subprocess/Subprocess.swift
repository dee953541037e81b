import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child process started with posix_spawn, for the end-to-end tests and the benchmarks (never the product).
///
/// Foundation's `Process` is avoided on purpose: on Linux, concurrent `Process.run()` calls from parallel tests can
/// crash inside Foundation, and `FileHandle.readDataToEndOfFile()` traps when a read is interrupted by a signal.
/// Pipes are created close-on-exec, so a child started by a parallel test never inherits another child's pipe.
///
/// A thread of its own reaps the child the moment it ends, so `duration` and `cpuSeconds` are the child's own
/// figures however busy the caller's threads are.
public final class Subprocess: @unchecked Sendable {
    public let pid: pid_t
    /// When the child was started (monotonic clock, nanoseconds).
    public let startedAt: UInt64
    private let lock = NSLock()
    private var ending: Ending?
    private let reaped = DispatchGroup()
    private let readers = DispatchGroup()
    private let output = Captured()
    private let errors = Captured()

    /// Why a child could not be started.
    public struct LaunchError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Starts `path` with `arguments` and exactly `environment`, in `workingDirectory` when given; standard input is
    /// /dev/null. With `captureOutput` false, standard output and error go to /dev/null too.
    public init(
        _ path: String, _ arguments: [String], environment: [String: String], workingDirectory: String? = nil,
        captureOutput: Bool = true
    ) throws {
        Self.launchLock.lock()
        defer { Self.launchLock.unlock() }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)

        var pipes: [(read: Int32, write: Int32)] = []
        if captureOutput {
            for target in [Int32(1), Int32(2)] {
                let ends = try Self.closeOnExecPipe()
                pipes.append(ends)
                posix_spawn_file_actions_adddup2(&actions, ends.write, target)
            }
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }

        Self.closeOtherDescriptors(in: &actions)
        if let workingDirectory { try Self.changeDirectory(to: workingDirectory, in: &actions) }

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var child: pid_t = 0
        startedAt = DispatchTime.now().uptimeNanoseconds
        let result = posix_spawn(&child, path, &actions, nil, argv, envp)
        for ends in pipes { close(ends.write) }
        guard result == 0 else {
            for ends in pipes { close(ends.read) }
            throw LaunchError(description: "cannot start \(path): \(String(cString: strerror(result)))")
        }
        pid = child
        reaped.enter()
        Thread.detachNewThread { [self, child] in
            let ending = Self.reap(child)
            lock.withLock { self.ending = ending }
            reaped.leave()
        }
        // Each pipe is drained by a thread of its own. A blocking read on a Dispatch queue would hold one of the
        // threads Swift concurrency also runs on (on Linux they share the global pool): a few running children
        // then stalled every test's `Task.sleep` for 15-25 s.
        for (ends, sink) in zip(pipes, [output, errors]) {
            readers.enter()
            Thread.detachNewThread { [readers] in
                Self.drain(ends.read, into: sink)
                close(ends.read)
                readers.leave()
            }
        }
    }

    /// How a child ended: its exit code (128 + the signal that ended it), when, and the CPU time it used.
    private struct Ending {
        var code: Int32
        var endedAt: UInt64
        var cpuSeconds: Double
    }

    /// True until the child has exited.
    public var isRunning: Bool { lock.withLock { ending == nil } }

    /// Waits for the child and its output; the exit code, or 128 + the signal that ended it.
    @discardableResult
    public func wait() -> Int32 {
        reaped.wait()
        readers.wait()
        return lock.withLock { ending!.code }
    }

    /// Seconds from the start to the end of the child (nil while it runs).
    public var duration: Double? {
        lock.withLock { ending.map { Double($0.endedAt - startedAt) / 1e9 } }
    }

    /// User + system CPU seconds the child used, including its own reaped children (nil while it runs).
    public var cpuSeconds: Double? { lock.withLock { ending?.cpuSeconds } }

    /// Sends `signal` unless the child was already reaped (its pid may belong to another process by then).
    public func send(_ signal: Int32) {
        lock.withLock { if ending == nil { kill(pid, signal) } }
    }

    /// Captured standard output and error so far (complete after `wait()`).
    public var standardOutput: String { output.text }
    public var standardError: String { errors.text }

    // MARK: Plumbing

    private static func reap(_ pid: pid_t) -> Ending {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        return Ending(
            code: signal == 0 ? (status >> 8) & 0xff : 128 + signal, endedAt: DispatchTime.now().uptimeNanoseconds, cpuSeconds: cpu)
    }

    /// Called with `launchLock` held, so no other launch can start a child between `pipe` and `FD_CLOEXEC`.
    private static func closeOnExecPipe() throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw LaunchError(description: "pipe: \(String(cString: strerror(errno)))") }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return (ends[0], ends[1])
    }

    /// Closes every descriptor above standard error in the child. A test process also holds the simulators' sockets,
    /// which are not close-on-exec: a child inheriting a listening socket keeps a stopped service's port listening
    /// (connections then wait in a backlog nobody accepts instead of being refused), and one inheriting an accepted
    /// connection keeps it open after the simulator closed it to drop it.
    private static func closeOtherDescriptors(in actions: inout posix_spawn_file_actions_t) {
        #if canImport(Glibc)
            // glibc 2.34+ has posix_spawn_file_actions_addclosefrom_np, but the Glibc module does not export GNU extensions.
            typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
            guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") else { return }
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        #endif
    }

    /// Makes the child start in `directory` (posix_spawn_file_actions_addchdir_np: glibc 2.29+, macOS 10.15+).
    private static func changeDirectory(to directory: String, in actions: inout posix_spawn_file_actions_t) throws {
        typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addchdir_np") else {
            throw LaunchError(description: "this system cannot start a child in another working directory")
        }
        let result = directory.withCString { unsafeBitCast(symbol, to: AddChdir.self)(&actions, $0) }
        guard result == 0 else { throw LaunchError(description: "cannot start in \(directory): \(String(cString: strerror(result)))") }
    }

    /// Serialises launches: a child spawned while another launch's pipe is still open on both ends would inherit it.
    private static let launchLock = NSLock()

    /// Reads until end of file, retrying reads a signal interrupted.
    private static func drain(_ descriptor: Int32, into sink: Captured) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                sink.append(buffer[..<count])
            } else if count == 0 || errno != EINTR {
                return
            }
        }
    }

    private final class Captured: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        func append(_ bytes: ArraySlice<UInt8>) { lock.withLock { data.append(contentsOf: bytes) } }
        var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
    }
}
