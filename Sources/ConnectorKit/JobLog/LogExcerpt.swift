import Foundation

/// The job-log excerpt a ticket's text ends with (SPEC §5 step 7), built from a log's lines as they stream past: only
/// the last `lastLines` non-empty lines and the 10 error lines before them are ever kept, each cut at 300 characters.
///
/// The block reads:
/// ```
/// --- job log excerpt (<file name>) ---
/// <up to 10 earlier lines with ERROR, FAIL, EXCEPTION, FATAL or ABORT, any case>
/// <the last `lastLines` non-empty lines>
/// ```
/// in log order, at most 4,000 characters: earlier error lines are dropped first (the oldest first), then the oldest
/// of the last lines; the log's last line always stays.
public struct LogExcerpt: Sendable {
    /// The template rule that turns the excerpt off (`"includeLogExcerpt": false`); on by default on every backend.
    public static let ruleName = "includeLogExcerpt"
    public static let maxEarlierErrorLines = 10
    public static let maxLineCharacters = 300
    public static let maxBlockCharacters = 4_000
    static let errorWords: [[UInt8]] = ["error", "fail", "exception", "fatal", "abort"].map { Array($0.utf8) }

    public let lastLines: Int
    /// How many lines of the whole log carry an error word (picks the file to show when a job has several).
    public private(set) var errorLineCount = 0
    /// The last non-empty lines seen, oldest first once `ordered` is read: a ring of `lastLines` entries.
    private var tail: [Line] = []
    private var tailStart = 0
    /// Error lines that fell out of the tail, the newest 10.
    private var earlierErrors: [[UInt8]] = []

    /// A kept line as bytes: decoding and cutting happen only for the lines that end up in the block, not for every
    /// line of a 10 MiB log.
    private struct Line: Sendable {
        var bytes: [UInt8]
        var isError: Bool
    }

    public init(lastLines: Int) {
        self.lastLines = max(1, lastLines)
    }

    /// Feeds the next line of the log (with or without its terminator).
    public mutating func add(_ line: [UInt8]) { add(line[...]) }

    /// Feeds the next line of the log (with or without its terminator).
    public mutating func add(_ line: ArraySlice<UInt8>) {
        var bytes = line
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard bytes.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) else { return }
        let isError = bytes.withUnsafeBufferPointer(Self.containsErrorWord)
        if isError { errorLineCount += 1 }
        // Nothing past 4 bytes per shown character can be shown: only that much of a line is kept.
        let kept = bytes.prefix(Self.maxLineCharacters * 4 + 4)
        if tail.count < lastLines {
            tail.append(Line(bytes: Array(kept), isError: isError))
            return
        }
        if tail[tailStart].isError {
            earlierErrors.append(tail[tailStart].bytes)
            if earlierErrors.count > Self.maxEarlierErrorLines { earlierErrors.removeFirst() }
        }
        // The slot's storage is reused: a long log costs no allocation per line.
        tail[tailStart].bytes.removeAll(keepingCapacity: true)
        tail[tailStart].bytes.append(contentsOf: kept)
        tail[tailStart].isError = isError
        tailStart = (tailStart + 1) % tail.count
    }

    /// The block for the ticket's text.
    public func block(fileName: String) -> String {
        var name = fileName.isEmpty ? "joblog.txt" : fileName
        if name.count > 200 { name = String(name.prefix(200)) + "…" }
        let header = "--- job log excerpt (\(name)) ---"
        var earlier = earlierErrors.map(Self.cut)
        var last = Array(tail[tailStart...] + tail[..<tailStart]).map { Self.cut($0.bytes) }
        if last.isEmpty { last = ["(the log has no lines)"] }
        func length() -> Int { ([header] + earlier + last).reduce(0) { $0 + $1.count + 1 } - 1 }
        var total = length()
        while total > Self.maxBlockCharacters {
            if !earlier.isEmpty {
                total -= earlier.removeFirst().count + 1
            } else if last.count > 1 {
                total -= last.removeFirst().count + 1
            } else {
                break
            }
        }
        return ([header] + earlier + last).joined(separator: "\n")
    }

    /// The one line the text ends with instead of the block when there is no log to quote.
    public static func unavailableLine(_ reason: String) -> String { "--- no job log excerpt: \(reason) ---" }

    /// The line as text (bytes that are not UTF-8 become U+FFFD), at most 300 characters: a cut line ends in `…`.
    static func cut(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.count > maxLineCharacters else { return text }
        return String(text.prefix(maxLineCharacters - 1)) + "…"
    }

    static func containsErrorWord(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index] | 0x20  // ASCII lower case; other bytes never match the words' first letters
            if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "f") || byte == UInt8(ascii: "a") {
                for word in errorWords where matches(word, at: index, in: bytes) { return true }
            }
            index += 1
        }
        return false
    }

    private static func matches(_ word: [UInt8], at start: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count - start >= word.count else { return false }
        for offset in 0..<word.count {
            let byte = bytes[start + offset]
            let lower = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
            if lower != word[offset] { return false }
        }
        return true
    }
}
