import ConnectorKit
import Foundation
import Testing

@testable import Simulators

/// SPEC §5 step 10 and §6.1 for Summit: each job-log file uploaded byte for byte through
/// `Summit_UploadAttachmentBase64Encoded`, and an over-size log cut to its end with a header line.
@Suite("Summit end to end: job logs")
struct SummitJobLogTests {
    @Test("each log file is one upload named after the file, with its exact bytes (non-ASCII, CRLF, no final newline)")
    func byteIdentical() async throws {
        let stage = try SummitStage()
        let log = "Début du traitement\r\nÉchec : code 2 — “quoted” 日本語 ✓\r\n\tindented\r\n"
        let err = "stderr line without a final newline ü"
        let job = stage.addJob("LOGGED", logFiles: ["LOGGED.log": log, "LOGGED.err": err])
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")

        let ticket = try stage.onlyTicket()
        #expect(ticket.attachments.map(\.fileName).sorted() == ["LOGGED.err", "LOGGED.log"])
        #expect(ticket.attachments.first { $0.fileName == "LOGGED.log" }?.data == Data(log.utf8))
        #expect(ticket.attachments.first { $0.fileName == "LOGGED.err" }?.data == Data(err.utf8))

        // The upload body is not wrapped in the envelope and names the ticket as a number.
        let uploads = stage.summit.journal.matching(method: "POST", path: SummitStage.uploadPath)
        #expect(uploads.count == 2)
        let body = try #require(try uploads.first?.jsonBody())
        #expect(body["eModule"] == "IM")
        #expect(body["TicketNo"] == .int(ticket.number))
        #expect(body["_ProxyDetails"]?["AuthType"] == "APIKEY")
        #expect(body["ServiceName"] == nil)
    }

    @Test("a log over MAX_JOBLOG_BYTES is cut to its last bytes after a first line that says how much was cut")
    func overSize() async throws {
        let stage = try SummitStage()
        try stage.addGeneralSetting("MAX_JOBLOG_BYTES=120")
        let long = (1...40).map { "ligne \($0) — sortie du traitement\r\n" }.joined()
        let small = "short\r\n"
        let job = stage.addJob("BIG", logFiles: ["BIG.log": long, "SMALL.log": small])
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")

        let ticket = try stage.onlyTicket()
        #expect(ticket.attachments.first { $0.fileName == "SMALL.log" }?.data == Data(small.utf8), "a log within the limit is untouched")
        let cut = try #require(ticket.attachments.first { $0.fileName == "BIG.log" }?.data)
        let newline = try #require(cut.firstIndex(of: UInt8(ascii: "\n")))
        let header = String(decoding: cut[..<newline], as: UTF8.self)
        let kept = Data(cut[(newline + 1)...])
        let original = Data(long.utf8)
        #expect(original.count > 120)
        #expect(kept.count <= 120 && kept.count >= 117, "the last bytes, starting on a whole character: \(kept.count)")
        #expect(original.suffix(kept.count) == kept)
        #expect(String(data: kept, encoding: .utf8) != nil)
        #expect(String(decoding: kept, as: UTF8.self).hasSuffix("ligne 40 — sortie du traitement\r\n"))
        #expect(header.contains("\(original.count - kept.count)"), "header: \(header)")
        #expect(header.contains("MAX_JOBLOG_BYTES"), "header: \(header)")
    }

    @Test(
        "with includeJobLogAttachment off nothing is uploaded; with includeLogExcerpt off too the log is not even fetched",
        arguments: [true, false])
    func attachmentOff(excerpt: Bool) async throws {
        let stage = try SummitStage(rules: ["includeJobLogAttachment": false, "includeLogExcerpt": excerpt])
        let job = stage.addJob("QUIET_LOG", logFiles: ["QUIET_LOG.log": "x\r\n"])
        #expect(try await stage.fail(job).exitCode == 0)
        let ticket = try stage.onlyTicket()
        #expect(ticket.attachments.isEmpty)
        #expect(stage.summit.journal.count(path: SummitStage.uploadPath) == 0)
        #expect((stage.opcon.journal.count(path: "/api/jobinstanceactions") > 0) == excerpt)
        #expect(ticket.description.hasSuffix("--- job log excerpt (QUIET_LOG.log) ---\nx") == excerpt)
    }
}
