import Foundation

/// Appends log lines to `<install>/log/connector.log` and rotates it at `LOG_MAX_BYTES` to `connector.log.1` …
/// `connector.log.<LOG_KEEP_FILES>` (SPEC §8).
///
/// Several connector processes may log at once (Notification Manager starts one per failed job). Each line is
/// one `write` to a descriptor opened with O_APPEND, which the kernel appends atomically, so lines never
/// interleave. Rotation happens under an exclusive lock file and re-checks the size first, so two processes
/// that both see a full file rotate it only once. Logging never fails the run: a write error is reported once
/// on stderr and the line is dropped.
public final class FileLogSink: LogSink, @unchecked Sendable {
    /// The log folder (created on first write).
    public let directory: String
    /// `<directory>/connector.log`.
    public let path: String
    /// Rotate before a line would take the file past this size (`LOG_MAX_BYTES`).
    public let maxBytes: Int
    /// Rotated files kept (`LOG_KEEP_FILES`).
    public let keepFiles: Int
    private let formatter: LogLineFormatter
    private let lock = NSLock()
    private var reportedFailure = false

    public init(
        directory: String, format: ConnectorConfig.LogFormat = .text, maxBytes: Int = 10_485_760,
        keepFiles: Int = 10, timeZone: TimeZone = .current
    ) {
        self.directory = directory
        self.path = (directory as NSString).appendingPathComponent("connector.log")
        self.maxBytes = maxBytes
        self.keepFiles = max(0, keepFiles)
        self.formatter = LogLineFormatter(format: format, timeZone: timeZone)
    }

    public func write(_ entry: LogEntry) {
        let line = Data((formatter.line(for: entry) + "\n").utf8)
        lock.lock()
        defer { lock.unlock() }
        do {
            try append(line)
        } catch {
            guard !reportedFailure else { return }
            reportedFailure = true
            FileHandle.standardError.write(Data("warning: cannot write the log file \(path): \(error)\n".utf8))
        }
    }

    private func append(_ line: Data) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if let size = fileSize(), size > 0, size + line.count > maxBytes {
            rotate(incoming: line.count)
        }
        try AppendOnlyFile.append(line, to: path)
    }

    private func fileSize() -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
    }

    /// Shifts `connector.log.N` up by one, dropping the oldest, and moves the current file to `.1`.
    private func rotate(incoming: Int) {
        // Another process holding the lock is rotating right now; appending to whatever file is current is fine.
        guard let rotationLock = try? FileLock.tryAcquire(path: path + ".lock") else { return }
        defer { rotationLock.release() }
        // Someone may have rotated between our size check and taking the lock.
        guard let size = fileSize(), size > 0, size + incoming > maxBytes else { return }
        let files = FileManager.default
        if keepFiles == 0 {
            try? files.removeItem(atPath: path)
            return
        }
        try? files.removeItem(atPath: "\(path).\(keepFiles)")
        for index in stride(from: keepFiles - 1, through: 1, by: -1) where files.fileExists(atPath: "\(path).\(index)") {
            try? files.moveItem(atPath: "\(path).\(index)", toPath: "\(path).\(index + 1)")
        }
        try? files.moveItem(atPath: path, toPath: "\(path).1")
    }
}
