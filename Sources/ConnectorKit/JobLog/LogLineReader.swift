import Foundation

/// Reads a job log's bytes line by line from a `StreamedBody`, a chunk at a time, so no pass over a log ever holds more
/// than one chunk and one line. A line keeps its terminator (`\n`, `\r\n`) so that writing the lines back gives the
/// same bytes; a last line without a terminator is returned as it is.
///
/// A line longer than `maxLineBytes` (a log with no line breaks at all) comes out in pieces, split after the last
/// blank, `;` or `,` near the limit when there is one, so that a `key=value` pair is rarely cut in two.
public struct LogLineReader {
    private let reader: StreamedBodyReader
    private let chunkSize: Int
    private let maxLineBytes: Int
    /// Bytes read and not yet returned start at `start`; `buffer[start..<scanned]` is known to hold no `\n`.
    private var buffer: [UInt8] = []
    private var start = 0
    private var scanned = 0
    private var ended = false

    public static let defaultChunkSize = 64 * 1024
    public static let defaultMaxLineBytes = 64 * 1024

    /// - Parameter chunkSize: bytes read from the body at a time (tests use tiny chunks to split patterns).
    public init(
        _ body: StreamedBody, chunkSize: Int = LogLineReader.defaultChunkSize,
        maxLineBytes: Int = LogLineReader.defaultMaxLineBytes
    ) throws {
        reader = try body.makeReader()
        self.chunkSize = max(1, chunkSize)
        self.maxLineBytes = max(2, maxLineBytes)
    }

    /// The next line with its terminator, or nil at the end of the log.
    public mutating func next() -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                return take(upTo: newline + 1)
            }
            scanned = buffer.count
            if buffer.count - start >= maxLineBytes { return take(upTo: pieceEnd()) }
            if ended {
                guard start < buffer.count else { return nil }
                return take(upTo: buffer.count)
            }
            refill()
        }
    }

    private mutating func take(upTo end: Int) -> ArraySlice<UInt8> {
        let line = buffer[start..<end]
        start = end
        scanned = max(scanned, end)
        return line
    }

    /// Where a piece of an over-long line ends: after the last separator in its final 4 KiB, else at the limit.
    private func pieceEnd() -> Int {
        let limit = start + maxLineBytes
        let floor = max(start + 1, limit - 4096)
        var index = limit - 1
        while index >= floor {
            switch buffer[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: ";"), UInt8(ascii: ","): return index + 1
            default: index -= 1
            }
        }
        return limit
    }

    /// Drops the bytes already returned and reads the next chunk.
    private mutating func refill() {
        if start > 0 {
            buffer.removeFirst(start)
            scanned -= start
            start = 0
        }
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: chunkSize))
        let read = buffer.withUnsafeMutableBytes { reader.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[old...])) }
        buffer.removeLast(chunkSize - read)
        if read == 0 { ended = true }
    }
}
