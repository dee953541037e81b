import Foundation
import Testing

@testable import ConnectorKit

/// The one pass over each fetched log: lines read in chunks, scrubbed into a file next to the log, fed to the excerpt.
@Suite("Job-log preparation")
struct JobLogPreparationTests {
    static let log = "start\r\nconnect password=Hunter2! to db\r\nERROR login failed\r\napi_key: abc123\r\n\u{E9}t\u{E9} done"
    static let scrubbedLog = "start\r\nconnect password=**** to db\r\nERROR login failed\r\napi_key: ****\r\n\u{E9}t\u{E9} done"

    /// A temporary folder, removed by the caller.
    static func folder() throws -> String {
        let path = NSTemporaryDirectory() + "excerpt-prep-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("lines come out whole, with their terminators, whatever the chunk size", arguments: [1, 2, 3, 7, 4096])
    func lineReader(chunkSize: Int) throws {
        let text = "a\r\n\nbb\rcc\nlast"
        var reader = try LogLineReader(
            StreamedBody([.bytes(Data(text.prefix(5).utf8)), .bytes(Data(text.dropFirst(5).utf8))]), chunkSize: chunkSize)
        var lines: [String] = []
        while let line = reader.next() { lines.append(String(decoding: line, as: UTF8.self)) }
        #expect(lines == ["a\r\n", "\n", "bb\rcc\n", "last"])
    }

    @Test("a line longer than the limit comes out in pieces split after a blank, and nothing is lost")
    func longLinePieces() throws {
        let text = String(repeating: "word ", count: 50) + "password=x\n"
        var reader = try LogLineReader(StreamedBody([.bytes(Data(text.utf8))]), chunkSize: 16, maxLineBytes: 64)
        var pieces: [[UInt8]] = []
        while let line = reader.next() { pieces.append(Array(line)) }
        #expect(pieces.count > 1)
        #expect(pieces.allSatisfy { $0.count <= 64 })
        #expect(pieces.dropLast().allSatisfy { $0.last == UInt8(ascii: " ") })
        #expect(pieces.flatMap { $0 } == Array(text.utf8))
    }

    @Test("with 1-byte and 3-byte reads, patterns split across reads are scrubbed; every other byte is kept", arguments: [1, 3, 5])
    func splitAcrossChunks(chunkSize: Int) throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let original = JobLogFile(name: "job.log", data: Data(Self.log.utf8))
        let preparation = JobLogPreparation(scrubber: JobLogScrubber(secrets: []), excerptLines: 20, chunkSize: chunkSize)
        let prepared = try preparation.prepare([original], directory: folder)
        #expect(prepared.scrubbedValues == 2)
        let file = try #require(prepared.files.first)
        #expect(file.name == "job.log")
        #expect(file.content.sourceFile?.hasPrefix(folder) == true, "the scrubbed copy is a file in the event's folder")
        #expect(file.data == Data(Self.scrubbedLog.utf8))
        let excerpt = try #require(prepared.excerpt)
        #expect(excerpt.contains("connect password=**** to db"))
        #expect(!excerpt.contains("Hunter2!") && !excerpt.contains("abc123"))
    }

    @Test("a secret of the run is scrubbed from the attachment and the excerpt; bytes that are not UTF-8 survive")
    func runSecretAndRawBytes() throws {
        let raw = Data("token in use: ".utf8) + Data([0xFF, 0xFE]) + Data(" Bearer s3cr3t-T0KEN\r\n".utf8)
        let preparation = JobLogPreparation(scrubber: JobLogScrubber(secrets: ["s3cr3t-T0KEN"]), excerptLines: 5, chunkSize: 4)
        let prepared = try preparation.prepare([JobLogFile(name: "a.log", data: raw)], directory: nil)
        // "token in use:" is no key=value ("in" follows the key), so only the run's secret goes.
        #expect(prepared.files.first?.data == Data("token in use: ".utf8) + Data([0xFF, 0xFE]) + Data(" Bearer ****\r\n".utf8))
        #expect(prepared.scrubbedValues == 1)
        #expect(prepared.excerpt?.contains("Bearer ****") == true)
    }

    @Test("SCRUB_JOBLOGS=False: the files are attached as fetched, the excerpt shows the values")
    func scrubbingOff() throws {
        let original = JobLogFile(name: "job.log", data: Data(Self.log.utf8))
        let prepared = try JobLogPreparation(scrubber: nil, excerptLines: 20).prepare([original], directory: nil)
        #expect(prepared.files == [original])
        #expect(prepared.files.first?.content == original.content, "the very same body, not a copy")
        #expect(prepared.scrubbedValues == 0)
        #expect(prepared.excerpt?.contains("password=Hunter2!") == true)
    }

    @Test("without an excerpt only the scrubbing is done")
    func noExcerpt() throws {
        let prepared = try JobLogPreparation(scrubber: JobLogScrubber(secrets: []), excerptLines: nil)
            .prepare([JobLogFile(name: "job.log", data: Data(Self.log.utf8))], directory: nil)
        #expect(prepared.excerpt == nil)
        #expect(prepared.files.first?.data == Data(Self.scrubbedLog.utf8))
    }

    @Test("several files: the excerpt is the one with the most error lines, named in its header; ties go to the first")
    func severalFiles() throws {
        let out = JobLogFile(name: "job.out", data: Data("ok\nERROR once\nend\n".utf8))
        let err = JobLogFile(name: "job.err", data: Data("FAIL 1\nFAIL 2\nfatal\n".utf8))
        let preparation = JobLogPreparation(scrubber: nil, excerptLines: 20)
        #expect(
            try preparation.prepare([out, err], directory: nil).excerpt?.hasPrefix("--- job log excerpt (job.err) ---\nFAIL 1") == true)
        let calm = JobLogFile(name: "calm.log", data: Data("fine\n".utf8))
        let quiet = JobLogFile(name: "quiet.log", data: Data("also fine\n".utf8))
        #expect(try preparation.prepare([calm, quiet], directory: nil).excerpt?.hasPrefix("--- job log excerpt (calm.log) ---") == true)
    }

    @Test("a cut log (notice line, then a file slice) is read through all its parts")
    func cutLog() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/log-1-1"
        #expect(FileManager.default.createFile(atPath: path, contents: Data((1...50).map { "line \($0) pwd=p\($0)\n" }.joined().utf8)))
        let cut = try JobLogCut.cut(file: path, maxBytes: 100)
        let prepared = try JobLogPreparation(scrubber: JobLogScrubber(secrets: []), excerptLines: 3, chunkSize: 8)
            .prepare([JobLogFile(name: "big.log", content: cut)], directory: folder)
        let text = String(decoding: try #require(prepared.files.first).data, as: UTF8.self)
        #expect(text.hasPrefix("[connector: the first "))
        #expect(text.hasSuffix("line 50 pwd=****\n"))
        #expect(!text.contains("pwd=p"))
        #expect(prepared.excerpt?.hasSuffix("line 48 pwd=****\nline 49 pwd=****\nline 50 pwd=****") == true)
    }
}
