import Foundation

/// The job logs as they go into a ticket: scrubbed (when `SCRUB_JOBLOGS` is on) and summed up in an excerpt.
public struct PreparedJobLog: Sendable {
    /// The files to attach: the scrubbed copies, or the logs as fetched when scrubbing is off.
    public var files: [JobLogFile]
    /// The excerpt block of the file with the most error lines; nil when no excerpt was asked for.
    public var excerpt: String?
    /// How many values were replaced by `****`, over every file.
    public var scrubbedValues: Int
}

/// One pass over each fetched log, line by line: the scrubbed lines are written to a file next to the log (or kept in
/// memory without a folder, for tests) and fed to the excerpt. Memory stays at one read chunk and one line.
public struct JobLogPreparation: Sendable {
    /// Nil when `SCRUB_JOBLOGS=False`.
    public var scrubber: JobLogScrubber?
    /// `LOG_EXCERPT_LINES`; nil when the template's `includeLogExcerpt` is off.
    public var excerptLines: Int?
    /// Bytes read at a time; tests make it tiny to split patterns across reads.
    public var chunkSize: Int

    public init(scrubber: JobLogScrubber?, excerptLines: Int?, chunkSize: Int = LogLineReader.defaultChunkSize) {
        self.scrubber = scrubber
        self.excerptLines = excerptLines
        self.chunkSize = chunkSize
    }

    /// Why a log could not be prepared.
    public enum Failure: Error, Sendable {
        case unreadable(file: String, reason: String)
        case unwritable(path: String, reason: String)

        public var message: String {
            switch self {
            case .unreadable(let file, let reason): return "the job log \(file) cannot be read (\(reason))"
            case .unwritable(let path, let reason): return "the scrubbed job log \(path) cannot be written (\(reason))"
            }
        }
    }

    /// Prepares `files`; scrubbed copies go to `directory` as `scrubbed-<n>` (in memory when nil).
    public func prepare(_ files: [JobLogFile], directory: String?) throws(Failure) -> PreparedJobLog {
        guard scrubber != nil || excerptLines != nil else {
            return PreparedJobLog(files: files, excerpt: nil, scrubbedValues: 0)
        }
        var prepared: [JobLogFile] = []
        var scrubbed = 0
        var chosen: (name: String, excerpt: LogExcerpt)?
        for (index, file) in files.enumerated() {
            let output = try scrubber == nil ? nil : ScrubbedOutput(directory: directory, name: "scrubbed-\(index + 1)")
            var excerpt = excerptLines.map(LogExcerpt.init(lastLines:))
            do {
                var lines = try LogLineReader(file.content, chunkSize: chunkSize)
                while let line = lines.next() {
                    if let scrubber, let output {
                        if let (bytes, count) = scrubber.scrubbedIfNeeded(line) {
                            scrubbed += count
                            try output.write(bytes[...])
                            excerpt?.add(bytes)
                        } else {
                            try output.write(line)
                            excerpt?.add(line)
                        }
                    } else {
                        excerpt?.add(line)
                    }
                }
            } catch let failure as Failure {
                output?.abandon()
                throw failure
            } catch {
                output?.abandon()
                throw .unreadable(file: file.name, reason: error.localizedDescription)
            }
            prepared.append(JobLogFile(name: file.name, content: try output?.finish() ?? file.content))
            // Ties go to the earlier file: OpCon lists the job's main output first.
            if let excerpt, chosen == nil || excerpt.errorLineCount > chosen!.excerpt.errorLineCount {
                chosen = (file.name, excerpt)
            }
        }
        return PreparedJobLog(files: prepared, excerpt: chosen.map { $0.excerpt.block(fileName: $0.name) }, scrubbedValues: scrubbed)
    }
}

/// Where scrubbed lines go: a file, written in large blocks, or memory.
private final class ScrubbedOutput {
    private let path: String?
    private let handle: FileHandle?
    private var buffer: [UInt8] = []
    private static let flushSize = 256 * 1024

    init(directory: String?, name: String) throws(JobLogPreparation.Failure) {
        guard let directory else {
            path = nil
            handle = nil
            return
        }
        let path = (directory as NSString).appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw .unwritable(path: path, reason: "the file cannot be created")
        }
        self.path = path
        self.handle = handle
    }

    func write(_ bytes: ArraySlice<UInt8>) throws(JobLogPreparation.Failure) {
        buffer.append(contentsOf: bytes)
        if handle != nil, buffer.count >= Self.flushSize { try flush() }
    }

    private func flush() throws(JobLogPreparation.Failure) {
        guard let handle, let path, !buffer.isEmpty else { return }
        do { try handle.write(contentsOf: buffer) } catch { throw .unwritable(path: path, reason: error.localizedDescription) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// The scrubbed log as a body to attach.
    func finish() throws(JobLogPreparation.Failure) -> StreamedBody {
        guard let handle, let path else { return StreamedBody([.bytes(Data(buffer))]) }
        try flush()
        try? handle.close()
        do { return StreamedBody([.file(try FileSlice.whole(path))]) } catch {
            throw .unwritable(path: path, reason: error.localizedDescription)
        }
    }

    func abandon() {
        try? handle?.close()
        if let path { try? FileManager.default.removeItem(atPath: path) }
    }
}
