import Foundation

#if os(Windows)
    import WinSDK
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive lock on a file, held until `release()` or until the process ends (the operating system drops it
/// even when the process is killed, so a crash never leaves a job locked).
///
/// This file and `AtomicFile.swift` hold all of the connector's platform-specific code.
public final class FileLock: @unchecked Sendable {
    public let path: String
    #if os(Windows)
        private var handle: HANDLE?
    #else
        private var descriptor: Int32 = -1
    #endif

    private init(path: String) { self.path = path }

    /// Takes the lock if nobody holds it; nil when another process (or another lock in this one) does.
    public static func tryAcquire(path: String) throws(ConnectorError) -> FileLock? {
        let lock = FileLock(path: path)
        #if os(Windows)
            let handle = path.withCString(encodedAs: UTF16.self) {
                CreateFileW(
                    $0, GENERIC_READ | GENERIC_WRITE, DWORD(FILE_SHARE_READ | FILE_SHARE_WRITE), nil,
                    DWORD(OPEN_ALWAYS), DWORD(FILE_ATTRIBUTE_NORMAL), nil)
            }
            guard let handle, handle != INVALID_HANDLE_VALUE else {
                throw .unavailable("Cannot open the lock file \(path) (Windows error \(GetLastError())).")
            }
            var overlapped = OVERLAPPED()
            if !LockFileEx(handle, DWORD(LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY), 0, 1, 0, &overlapped) {
                CloseHandle(handle)
                return nil
            }
            lock.handle = handle
        #else
            let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                throw .unavailable("Cannot open the lock file \(path): \(String(cString: strerror(errno))).")
            }
            if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
                close(descriptor)
                return nil
            }
            lock.descriptor = descriptor
        #endif
        return lock
    }

    /// Waits up to `timeout` seconds for the lock, checking every `interval` seconds; nil when the wait ran out.
    public static func acquire(path: String, timeout: Double, interval: Double = 0.05) async throws -> FileLock? {
        let giveUp = Date().addingTimeInterval(timeout)
        while true {
            if let lock = try tryAcquire(path: path) { return lock }
            if Date() >= giveUp { return nil }
            try await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
        }
    }

    public func release() {
        #if os(Windows)
            if let handle {
                var overlapped = OVERLAPPED()
                UnlockFileEx(handle, 0, 1, 0, &overlapped)
                CloseHandle(handle)
                self.handle = nil
            }
        #else
            if descriptor >= 0 {
                flock(descriptor, LOCK_UN)
                close(descriptor)
                descriptor = -1
            }
        #endif
    }

    deinit { release() }
}
