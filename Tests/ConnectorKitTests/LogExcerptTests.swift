import Foundation
import Testing

@testable import ConnectorKit

/// SPEC §5 step 7: the excerpt block a ticket's text ends with.
@Suite("Job-log excerpt")
struct LogExcerptTests {
    /// The block of `text` fed line by line as the preparation pass feeds it.
    func block(_ text: String, lastLines: Int = 20, name: String = "job.log") throws -> String {
        try block(Data(text.utf8), lastLines: lastLines, name: name)
    }

    func block(_ data: Data, lastLines: Int = 20, name: String = "job.log") throws -> String {
        var excerpt = LogExcerpt(lastLines: lastLines)
        var lines = try LogLineReader(StreamedBody([.bytes(data)]), chunkSize: 7)
        while let line = lines.next() { excerpt.add(line) }
        return excerpt.block(fileName: name)
    }

    @Test("the header, then the last non-empty lines in log order")
    func lastLines() throws {
        let log = (1...30).map { "line \($0)" }.joined(separator: "\n") + "\n\n   \n"
        let lines = try block(log, lastLines: 3).components(separatedBy: "\n")
        #expect(lines == ["--- job log excerpt (job.log) ---", "line 28", "line 29", "line 30"])
    }

    @Test("up to 10 earlier error lines (any case, each word) before the last lines; the newest 10 are kept")
    func errorLines() throws {
        var log = ["start", "an Error here", "step FAILED", "Exception in thread main", "fatal: disk", "job aborted", "all fine"]
        log += (1...8).map { "error \($0)" }
        log += ["tail 1", "tail 2 with error", "tail 3"]
        let lines = try block(log.joined(separator: "\n") + "\n", lastLines: 3).components(separatedBy: "\n")
        let earlier = ["step FAILED", "Exception in thread main", "fatal: disk", "job aborted"] + (1...8).map { "error \($0)" }
        #expect(lines == ["--- job log excerpt (job.log) ---"] + earlier.suffix(10) + ["tail 1", "tail 2 with error", "tail 3"])
    }

    @Test("CR LF is not part of a line; a log without a final newline keeps its last line")
    func lineEndings() throws {
        let lines = try block("one\r\ntwo\r\n\r\nthree without newline", lastLines: 5).components(separatedBy: "\n")
        #expect(lines == ["--- job log excerpt (job.log) ---", "one", "two", "three without newline"])
    }

    @Test("bytes that are not UTF-8 become U+FFFD, the rest of the line stays")
    func nonUTF8() throws {
        let data = Data("before\n".utf8) + Data([0x63, 0x61, 0x66, 0xE9, 0x20, 0x6F, 0x6B, 0x0D, 0x0A])
        let lines = try block(data).components(separatedBy: "\n")
        #expect(lines == ["--- job log excerpt (job.log) ---", "before", "caf\u{FFFD} ok"])
    }

    @Test("a line is cut at 300 characters")
    func longLine() throws {
        let long = String(repeating: "é", count: 1_000)
        let lines = try block("short\n\(long)\n").components(separatedBy: "\n")
        #expect(lines.count == 3)
        #expect(lines[2].count == 300)
        #expect(lines[2].hasSuffix("…"))
        #expect(lines[2].hasPrefix(String(repeating: "é", count: 299)))
    }

    @Test("the block stays within 4,000 characters: earlier error lines go first, then the oldest last lines; the last line stays")
    func blockCap() throws {
        let wide = { (label: String) in label + String(repeating: "x", count: 290) }
        var log = (1...10).map { wide("ERROR \($0) ") }
        log += (1...20).map { wide("line \($0) ") }
        let text = try block(log.joined(separator: "\n"), lastLines: 20)
        #expect(text.count <= 4_000)
        let lines = text.components(separatedBy: "\n")
        #expect(!lines.contains { $0.hasPrefix("ERROR") }, "the earlier error lines were dropped first")
        #expect(lines.last?.hasPrefix("line 20 ") == true)
        #expect(lines[1].hasPrefix("line 8 "), "the oldest last lines went next: \(lines[1].prefix(10))")

        // Only the header and the last line are left when even one more would not fit.
        var tiny = LogExcerpt(lastLines: 20)
        for index in 1...20 { tiny.add(Array(wide("line \(index) ").utf8)) }
        #expect(tiny.block(fileName: "x").components(separatedBy: "\n").count == 14)

        // With fewer lines than the cap, error lines stay.
        let small = try block("ERROR early\n" + (1...25).map { "line \($0)" }.joined(separator: "\n"))
        #expect(small.components(separatedBy: "\n")[1] == "ERROR early")
    }

    @Test("an empty log still has a block that says so")
    func emptyLog() throws {
        #expect(try block("\n\n") == "--- job log excerpt (job.log) ---\n(the log has no lines)")
    }
}
