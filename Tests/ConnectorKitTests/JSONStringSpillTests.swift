import Foundation
import Testing

@testable import ConnectorKit

@Suite("Job logs streamed to files: JSON string spill and the file cut")
struct JSONStringSpillTests {
    let folder: String

    init() throws {
        folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("spill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    /// Feeds `document` to a spill in pieces of `chunkSize` bytes, as a transport hands an answer over.
    private func spill(_ document: Data, chunkSize: Int = 16 * 1024) throws -> (JSONValue, [Data]) {
        let spill = JSONStringSpill(key: "data", directory: folder, namePrefix: "log")
        spill.begin()
        var offset = 0
        while offset < document.count {
            let piece = document[(document.startIndex + offset)..<(document.startIndex + min(document.count, offset + chunkSize))]
            piece.withUnsafeBytes { spill.receive($0) }
            offset += chunkSize
        }
        let outcome = try spill.outcome()
        return (outcome.document, try outcome.files.map { try Data(contentsOf: URL(fileURLWithPath: $0)) })
    }

    @Test("a data string is decoded into its file (every escape, surrogate pairs, CR LF) and the document names the file")
    func decodesEscapes() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let text = "line 1\r\nTab\there \"quoted\" back\\slash / é € 😀 \u{7} end"
        let document: JSONValue = [
            "id": 7, "result": "success", "jobInstanceActionItems": [["id": 1, "data": .string(text), "files": ["a", "b"]]],
        ]
        let (parsed, files) = try spill(document.data())
        #expect(files == [Data(text.utf8)])
        let path = try #require(parsed["jobInstanceActionItems"]?[0]?["data"]?.stringValue)
        #expect(path.hasPrefix(folder))
        #expect(parsed["result"]?.stringValue == "success")
        #expect(parsed["jobInstanceActionItems"]?[0]?["files"] == ["a", "b"])
        // Written with \u escapes, as some servers do, the same text decodes the same.
        let escaped = #"{"data":"\u00e9\u20ac\ud83d\ude00\r\n\u0041"}"#
        #expect(try spill(Data(escaped.utf8)).1 == [Data("é€😀\r\nA".utf8)])
        // A lone surrogate becomes U+FFFD rather than invalid UTF-8.
        #expect(try spill(Data(#"{"data":"a\ud83dz"}"#.utf8)).1 == [Data("a\u{FFFD}z".utf8)])
    }

    @Test("bytes that are not UTF-8 pass through unchanged, and escapes split across the pieces an answer arrives in decode whole")
    func rawBytesAndChunkBoundaries() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var log = Data("plain text ".utf8)
        log.append(contentsOf: [0xFF, 0xFE, 0x0D, 0x0A])
        log.append(Data("é😀 \"q\" \\ end".utf8))
        var body = Data(#"{"result":"success","jobInstanceActionItems":[{"data":""#.utf8)
        for byte in log {
            switch byte {
            case 0x0D: body.append(Data(#"\r"#.utf8))
            case 0x0A: body.append(Data(#"\n"#.utf8))
            case UInt8(ascii: "\""): body.append(Data(#"\""#.utf8))
            case UInt8(ascii: "\\"): body.append(Data(#"\\"#.utf8))
            default: body.append(byte)
            }
        }
        body.append(Data(#""}]}"#.utf8))
        // Every piece size from 1 byte up puts each escape, and each \u digit, across a boundary somewhere.
        for chunkSize in 1...9 {
            let (document, files) = try spill(body, chunkSize: chunkSize)
            #expect(files == [log], "chunks of \(chunkSize)")
            #expect(document["result"]?.stringValue == "success")
            let escaped = try spill(Data(#"{"data":"\u00e9\ud83d\ude00\r\n"}"#.utf8), chunkSize: chunkSize).1
            #expect(escaped == [Data("é😀\r\n".utf8)], "chunks of \(chunkSize)")
        }
    }

    @Test("only object members named data are spilled; an array under data and other keys stay in the document")
    func onlyTheKey() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (document, files) = try spill(
            Data(#"{"metadata":"m","data":["not","spilled"],"items":[{"name":"data","data":null},{"data":"yes"}]}"#.utf8))
        #expect(files == [Data("yes".utf8)])
        #expect(document["metadata"]?.stringValue == "m")
        #expect(document["data"] == ["not", "spilled"])
        #expect(document["items"]?[0]?["name"]?.stringValue == "data")
        #expect(document["items"]?[0]?["data"]?.isNull == true)
    }

    @Test("a retried answer starts over: the files of the first attempt are gone, the second's are whole")
    func beginStartsOver() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let spill = JSONStringSpill(key: "data", directory: folder, namePrefix: "log")
        spill.begin()
        Data(#"{"data":"first attempt, cut of"#.utf8).withUnsafeBytes { spill.receive($0) }
        spill.begin()
        Data(#"{"data":"second"}"#.utf8).withUnsafeBytes { spill.receive($0) }
        let outcome = try spill.outcome()
        #expect(try outcome.files.map { try Data(contentsOf: URL(fileURLWithPath: $0)) } == [Data("second".utf8)])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("log-") } == ["log-1"])
    }

    @Test("a truncated answer is an error and leaves no files behind")
    func truncated() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(throws: JSONStringSpill.Failure.self) { try spill(Data(#"{"items":[{"data":"half a log"#.utf8)) }
        let left = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("log-") }
        #expect(left.isEmpty)
    }

    @Test("a file over MAX_JOBLOG_BYTES is attached from its tail, whole characters only, after the notice; nothing is copied")
    func fileCut() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = (folder as NSString).appendingPathComponent("log")
        try Data(("HEADER " + String(repeating: "€", count: 5)).utf8).write(to: URL(fileURLWithPath: path))
        let cut = try JobLogCut.cut(file: path, maxBytes: 10)
        #expect(
            String(decoding: try cut.readAll(), as: UTF8.self)
                == "[connector: the first 13 bytes of this log were cut to respect MAX_JOBLOG_BYTES]\n€€€")
        #expect(cut.parts.last == .file(FileSlice(path: path, offset: 13, length: 9)))
        let whole = try JobLogCut.cut(file: path, maxBytes: 1000)
        #expect(whole.parts == [.file(FileSlice(path: path, offset: 0, length: 22))])
    }
}
