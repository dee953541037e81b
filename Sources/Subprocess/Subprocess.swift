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
public final class Subprocess: @unchecked Sendable {
    public let pid: pid_t
    private let lock = NSLock()
    private var exitStatus: Int32?
    private let readers = DispatchGroup()
    private let output = Captured()
    private let errors = Captured()

    /// Why a child could not be started.
    public struct LaunchError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Starts `path` with `arguments` and exactly `environment`; standard input is /dev/null. With `captureOutput`
    /// false, standard output and error go to /dev/null too.
    public init(_ path: String, _ arguments: [String], environment: [String: String], captureOutput: Bool = true) throws {
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

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, path, &actions, nil, argv, envp)
        for ends in pipes { close(ends.write) }
        guard result == 0 else {
            for ends in pipes { close(ends.read) }
            throw LaunchError(description: "cannot start \(path): \(String(cString: strerror(result)))")
        }
        pid = child
        for (ends, sink) in zip(pipes, [output, errors]) {
            readers.enter()
            DispatchQueue.global().async { [readers] in
                Self.drain(ends.read, into: sink)
                close(ends.read)
                readers.leave()
            }
        }
    }

    /// True until the child has exited (reaps it then).
    public var isRunning: Bool {
        lock.withLock {
            if exitStatus != nil { return false }
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { exitStatus = Self.code(status) }
            return reaped == 0
        }
    }

    /// Waits for the child and its output; the exit code, or 128 + the signal that ended it.
    @discardableResult
    public func wait() -> Int32 {
        let code: Int32 = lock.withLock {
            if let exitStatus { return exitStatus }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            exitStatus = Self.code(status)
            return exitStatus!
        }
        readers.wait()
        return code
    }

    public func send(_ signal: Int32) { kill(pid, signal) }

    /// Captured standard output and error so far (complete after `wait()`).
    public var standardOutput: String { output.text }
    public var standardError: String { errors.text }

    // MARK: Plumbing

    private static func code(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
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
