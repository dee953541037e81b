import Foundation
import Testing

@testable import ConnectorKit

@Suite("Logging")
struct LoggingTests {
    let newYork = TimeZone(identifier: "America/New_York")!
    let time = Date(timeIntervalSince1970: 1_718_427_881.125)  // 2024-06-15 05:04:41.125 UTC, exact in binary

    func entry(
        _ message: String, level: LogLevel = .error, job: String? = "20240615|16|1|GL LOAD", template: String? = "basic.json"
    ) -> LogEntry {
        LogEntry(time: time, level: level, job: job, template: template, message: message)
    }

    /// A fresh folder under the temporary directory, removed by the caller.
    func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("connector-log-\(UUID().uuidString)")
    }

    func lines(in path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test("a text line has the time with its offset, the level, the job, the template and the message")
    func textLine() {
        let formatter = LogLineFormatter(format: .text, timeZone: newYork)
        #expect(
            formatter.line(for: entry("Ticket INC0010042 created"))
                == "2024-06-15T01:04:41.125-04:00 ERROR   [20240615|16|1|GL LOAD] [basic.json] Ticket INC0010042 created")
        #expect(
            formatter.line(for: entry("started", level: .info, job: nil, template: nil))
                == "2024-06-15T01:04:41.125-04:00 INFO    [-] [-] started")
    }

    @Test("a message with line breaks stays on one line")
    func oneLine() {
        let line = LogLineFormatter(format: .text, timeZone: newYork).line(for: entry("first\r\nsecond\nthird"))
        #expect(!line.contains("\n"))
        #expect(line.hasSuffix("first\\nsecond\\nthird"))
    }

    @Test("a JSON line is one object with time, level, job, template and message")
    func jsonLine() throws {
        let line = LogLineFormatter(format: .json, timeZone: newYork).line(for: entry("quote \" and\nbreak", job: nil))
        #expect(!line.contains("\n"))
        let object = try JSONValue.parse(line)
        #expect(
            object == [
                "time": "2024-06-15T01:04:41.125-04:00", "level": "error", "job": nil,
                "template": "basic.json", "message": "quote \" and\nbreak",
            ])
    }

    @Test("the sink creates the log folder and appends lines to connector.log")
    func appends() throws {
        let folder = temporaryFolder().appendingPathComponent("log")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let sink = FileLogSink(directory: folder.path, format: .json, timeZone: newYork)
        sink.write(entry("one"))
        sink.write(entry("two"))
        let written = try lines(in: folder.appendingPathComponent("connector.log").path)
        #expect(try written.map { try JSONValue.parse($0)["message"] } == ["one", "two"])
    }

    @Test("the log rotates at the size limit and keeps LOG_KEEP_FILES old files, newest first")
    func rotates() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let formatter = LogLineFormatter(format: .text, timeZone: newYork)
        let lineLength = formatter.line(for: entry("message 00")).utf8.count + 1
        // Three lines per file.
        let sink = FileLogSink(directory: folder.path, format: .text, maxBytes: lineLength * 3, keepFiles: 2, timeZone: newYork)
        for index in 0..<14 { sink.write(entry(String(format: "message %02d", index))) }

        let path = folder.appendingPathComponent("connector.log").path
        let messages = { (file: String) in try self.lines(in: file).map { String($0.suffix(10)) } }
        #expect(try messages(path) == ["message 12", "message 13"])
        #expect(try messages(path + ".1") == ["message 09", "message 10", "message 11"])
        #expect(try messages(path + ".2") == ["message 06", "message 07", "message 08"])
        #expect(!FileManager.default.fileExists(atPath: path + ".3"))
    }

    @Test("with LOG_KEEP_FILES=0 a full log is started afresh")
    func keepsNothing() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sink = FileLogSink(directory: folder.path, maxBytes: 150, keepFiles: 0, timeZone: newYork)
        for index in 0..<5 { sink.write(entry("message \(index)")) }
        let path = folder.appendingPathComponent("connector.log").path
        #expect(try lines(in: path).count == 1)
        #expect(!FileManager.default.fileExists(atPath: path + ".1"))
    }

    @Test("several writers appending and rotating at once lose no line and tear none")
    func concurrentWriters() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Separate sinks stand for separate processes: they share nothing but the files.
        let sinks = (0..<3).map { _ in
            FileLogSink(directory: folder.path, format: .json, maxBytes: 4096, keepFiles: 1000, timeZone: newYork)
        }
        let perWriter = 150
        DispatchQueue.concurrentPerform(iterations: sinks.count * 2) { writer in
            for index in 0..<perWriter {
                sinks[writer % sinks.count].write(entry("writer \(writer) line \(index) " + String(repeating: "x", count: 40)))
            }
        }

        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
            $0.hasPrefix("connector.log") && !$0.hasSuffix(".lock")
        }
        #expect(names.count > 2)
        var messages: [String] = []
        for name in names {
            for line in try lines(in: folder.appendingPathComponent(name).path) {
                let object = try JSONValue.parse(line)
                messages.append(try #require(object["message"]?.stringValue))
            }
        }
        #expect(messages.count == sinks.count * 2 * perWriter)
        #expect(Set(messages).count == messages.count)
    }

    @Test("the logger masks secrets before any sink sees them")
    func masking() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let masker = SecretMasker()
        masker.register("s3cr3t-token")
        let logger = Logger(sinks: [FileLogSink(directory: folder.path, timeZone: newYork)], masker: masker)
            .scoped(job: "20240615|16|1|GL LOAD", template: "basic.json")
        logger.info("calling with s3cr3t-token")
        let written = try lines(in: folder.appendingPathComponent("connector.log").path)
        #expect(written.count == 1)
        #expect(written[0].hasSuffix("INFO    [20240615|16|1|GL LOAD] [basic.json] calling with ****"))
    }
}
