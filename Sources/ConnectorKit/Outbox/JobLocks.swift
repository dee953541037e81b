import Foundation

/// The `locks/` folder: one exclusive lock file per daily job (SPEC §7.2). Two runs for the same job serialise;
/// runs for different jobs never wait for each other.
public struct JobLocks: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public func path(forJob jobID: String) -> String {
        let safe = jobID.map { $0.isLetter || $0.isNumber || $0 == "-" ? String($0) : "_" }.joined()
        // Different ids could fold to the same safe name; a short hash keeps them apart.
        var hash: UInt64 = 1_469_598_103_934_665_603
        for byte in jobID.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        return (directory as NSString).appendingPathComponent("\(safe.prefix(80))-\(String(hash, radix: 16)).lock")
    }

    /// Waits up to `timeout` seconds for the job's lock; nil when another run kept it longer.
    public func acquire(jobID: String, timeout: Double) async throws(ConnectorError) -> FileLock? {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .unavailable("The locks folder \(directory) cannot be created (\(Outbox.reason(error))).")
        }
        do {
            return try await FileLock.acquire(path: path(forJob: jobID), timeout: timeout)
        } catch let error as ConnectorError {
            throw error
        } catch {
            throw .unavailable("Waiting for the lock of job \(jobID) was interrupted.")
        }
    }

    /// Takes the job's lock only if it is free.
    public func tryAcquire(jobID: String) throws(ConnectorError) -> FileLock? {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return try FileLock.tryAcquire(path: path(forJob: jobID))
    }
}
