import Foundation

/// A request body read piece by piece while it is sent, so a job log goes from its file to the ITSM without ever
/// being held in memory whole. Parts are bytes in memory, ranges of files, or the base64 encoding of other parts
/// (Summit takes attachments as base64 inside JSON).
public struct StreamedBody: Sendable, Equatable {
    public indirect enum Part: Sendable, Equatable {
        case bytes(Data)
        case file(FileSlice)
        /// The standard base64 encoding (with padding) of the parts' bytes taken together.
        case base64([Part])
    }

    public var parts: [Part]

    public init(_ parts: [Part]) { self.parts = parts }

    /// The number of bytes the body sends.
    public var count: Int64 { parts.reduce(0) { $0 + $1.count } }

    /// Opens a reader positioned at the first byte.
    public func makeReader() throws -> StreamedBodyReader { try StreamedBodyReader(parts) }

    /// Every byte at once: for transports that need the body in memory (URLSession), stubs and tests.
    public func readAll() throws -> Data {
        let reader = try makeReader()
        var data = Data()
        data.reserveCapacity(Int(count))
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let read = buffer.withUnsafeMutableBytes { reader.read(into: $0) }
            if read == 0 { return data }
            data.append(contentsOf: buffer[0..<read])
        }
    }
}

/// A byte range of a file on disk.
public struct FileSlice: Sendable, Equatable {
    public var path: String
    public var offset: Int64
    public var length: Int64

    public init(path: String, offset: Int64 = 0, length: Int64) {
        self.path = path
        self.offset = offset
        self.length = length
    }

    /// The whole file as it is now.
    public static func whole(_ path: String) throws -> FileSlice {
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber
        return FileSlice(path: path, length: size?.int64Value ?? 0)
    }
}

extension StreamedBody.Part {
    public var count: Int64 {
        switch self {
        case .bytes(let data): return Int64(data.count)
        case .file(let slice): return slice.length
        case .base64(let parts):
            let raw = parts.reduce(Int64(0)) { $0 + $1.count }
            return (raw + 2) / 3 * 4
        }
    }
}

/// Reads a `StreamedBody` sequentially; `rewind()` starts over (libcurl asks for that when it must resend a body
/// on a new connection). Not thread-safe: one transfer reads it at a time.
public final class StreamedBodyReader: @unchecked Sendable {
    private let sources: [any ByteSource]
    private var current = 0

    init(_ parts: [StreamedBody.Part]) throws {
        sources = try parts.map(Self.source(for:))
    }

    private static func source(for part: StreamedBody.Part) throws -> any ByteSource {
        switch part {
        case .bytes(let data): return MemorySource(data)
        case .file(let slice): return try FileSliceSource(slice)
        case .base64(let parts): return Base64Source(try StreamedBodyReader(parts))
        }
    }

    /// Fills `buffer` as far as it can; 0 means the end of the body. A file that shrank or cannot be read ends it
    /// early, which the server sees as a body shorter than announced and refuses.
    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        var filled = 0
        while filled < buffer.count, current < sources.count {
            let read = sources[current].read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if read == 0 { current += 1 } else { filled += read }
        }
        return filled
    }

    /// Back to the first byte.
    public func rewind() -> Bool {
        current = 0
        return sources.allSatisfy { $0.rewind() }
    }
}

private protocol ByteSource: AnyObject {
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int
    func rewind() -> Bool
}

private final class MemorySource: ByteSource {
    private let data: Data
    private var position = 0

    init(_ data: Data) { self.data = data }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, data.count - position)
        guard count > 0 else { return 0 }
        let start = data.startIndex + position
        data.copyBytes(to: buffer.bindMemory(to: UInt8.self), from: start..<(start + count))
        position += count
        return count
    }

    func rewind() -> Bool {
        position = 0
        return true
    }
}

private final class FileSliceSource: ByteSource {
    private let slice: FileSlice
    private let handle: FileHandle
    private var remaining: Int64

    init(_ slice: FileSlice) throws {
        self.slice = slice
        guard let handle = FileHandle(forReadingAtPath: slice.path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: slice.path])
        }
        self.handle = handle
        remaining = slice.length
        try handle.seek(toOffset: UInt64(slice.offset))
    }

    deinit { try? handle.close() }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let wanted = Int(min(Int64(buffer.count), remaining))
        guard wanted > 0, let chunk = try? handle.read(upToCount: wanted), !chunk.isEmpty else { return 0 }
        chunk.copyBytes(to: buffer.bindMemory(to: UInt8.self), count: chunk.count)
        remaining -= Int64(chunk.count)
        return chunk.count
    }

    func rewind() -> Bool {
        remaining = slice.length
        return (try? handle.seek(toOffset: UInt64(slice.offset))) != nil
    }
}

/// Encodes another reader's bytes as base64 on the fly, in groups of 3 input bytes.
private final class Base64Source: ByteSource {
    private let input: StreamedBodyReader
    /// Encoded bytes not handed out yet.
    private var pending: [UInt8] = []
    private var pendingStart = 0
    private var finished = false
    private static let chunk = 48 * 1024  // a multiple of 3, so only the last chunk is padded

    init(_ input: StreamedBodyReader) { self.input = input }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        if pendingStart == pending.count {
            guard !finished else { return 0 }
            refill()
            if pending.isEmpty { return 0 }
        }
        let count = min(buffer.count, pending.count - pendingStart)
        pending.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + pendingStart, byteCount: count)
        }
        pendingStart += count
        return count
    }

    private func refill() {
        var raw = [UInt8](repeating: 0, count: Self.chunk)
        var filled = 0
        // Fill the whole chunk (inputs may return short reads) so that padding appears only at the very end.
        while filled < raw.count {
            let read = raw.withUnsafeMutableBytes { input.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...])) }
            if read == 0 {
                finished = true
                break
            }
            filled += read
        }
        pending = Array(Data(raw[0..<filled]).base64EncodedData())
        pendingStart = 0
    }

    func rewind() -> Bool {
        pending = []
        pendingStart = 0
        finished = false
        return input.rewind()
    }
}
