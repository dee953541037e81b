import ConnectorTesting
import Foundation
import Testing

@testable import ConnectorKit

/// A scripted JORS: LIST answers two files, FILE answers their content; every action is `submitted` on the
/// POST and on the first poll, then `success`.
final class ScriptedJORS: @unchecked Sendable {
    static let windowsFile = "C:\\ProgramData\\OpConxps\\MSLSAM\\JOBLOG\\GL_LOAD_0000090412.log"
    static let unixFile = "/var/opt/sma/joblogs/gl_load.err"

    let contents: [String: String]
    private let lock = NSLock()
    private var polls: [Int: Int] = [:]
    private var actions: [Int: JSONValue] = [:]

    init(contents: [String: String]) { self.contents = contents }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        lock.withLock {
            if request.method == .post, let body = request.jsonBody {
                let id = 100 + actions.count
                actions[id] = body
                return .json(200, ["id": .int(id), "action": body["action"] ?? .null, "result": "submitted"])
            }
            let id = Int(request.url.lastPathComponent)!
            polls[id, default: 0] += 1
            guard polls[id]! > 1, let body = actions[id] else { return .json(200, ["id": .int(id), "result": "submitted"]) }
            return .json(200, finished(id: id, body: body))
        }
    }

    private func finished(id: Int, body: JSONValue) -> JSONValue {
        let item = body["jobInstanceActionItems"]?[0] ?? [:]
        if body["action"] == "LIST" {
            return [
                "id": .int(id), "action": "LIST", "result": "success",
                "jobInstanceActionItems": [
                    [
                        "id": item["id"] ?? .null, "result": "success",
                        "files": [.string(Self.windowsFile), .string(Self.unixFile)],
                    ]
                ],
            ]
        }
        let file = item["jorsRequestParameters"]?.stringValue ?? ""
        guard let data = contents[file] else {
            return [
                "id": .int(id), "action": "FILE", "result": "failed",
                "jobInstanceActionItems": [["id": item["id"] ?? .null, "result": "failed", "message": "Output not found"]],
            ]
        }
        return [
            "id": .int(id), "action": "FILE", "result": "success",
            "jobInstanceActionItems": [["id": item["id"] ?? .null, "result": "success", "data": .string(data)]],
        ]
    }
}

@Suite("OpCon client: job logs and job actions")
struct OpConJobLogTests {
    @Test("LIST then FILE per file, each polled from submitted to success; names from the path")
    func fetchesLogs() async throws {
        let jors = ScriptedJORS(contents: [
            ScriptedJORS.windowsFile: "Starting GL load...\r\nERROR: ledger locked\r\n",
            ScriptedJORS.unixFile: "stderr line\n",
        ])
        let transport = ScriptedTransport { jors.handle($0) }
        let sleeper = SleepRecorder()
        let files = try await OpConFixture.client(transport, sleeper: sleeper).jobLogs(jobNumber: 90412, maxBytes: 1_000_000)

        #expect(
            files == [
                JobLogFile(name: "GL_LOAD_0000090412.log", data: Data("Starting GL load...\r\nERROR: ledger locked\r\n".utf8)),
                JobLogFile(name: "gl_load.err", data: Data("stderr line\n".utf8)),
            ])
        #expect(
            transport.requests.map(OpConFixture.route) == [
                "POST /api/jobinstanceactions", "GET /api/jobinstanceactions/100", "GET /api/jobinstanceactions/100",
                "POST /api/jobinstanceactions", "GET /api/jobinstanceactions/101", "GET /api/jobinstanceactions/101",
                "POST /api/jobinstanceactions", "GET /api/jobinstanceactions/102", "GET /api/jobinstanceactions/102",
            ])
        let posts = transport.requests.filter { $0.method == .post }
        #expect(posts[0].jsonBody == ["action": "LIST", "jobInstanceActionItems": [["id": 90412]]])
        #expect(
            posts[1].jsonBody == [
                "action": "FILE", "jobInstanceActionItems": [["id": 90412, "jorsRequestParameters": .string(ScriptedJORS.windowsFile)]],
            ])
        #expect(posts.allSatisfy { $0.isRetrySafe })
        // Each action's first GET goes at once; the waits before the next start at 25 ms and double.
        #expect(sleeper.delays == [0.025, 0.025, 0.025])
    }

    @Test("with a directory, each FILE answer's log is decoded into a file as it arrives and read from there")
    func streamsLogsToFiles() async throws {
        let folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("joblogs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let log = String(repeating: "Starting GL load...\r\n", count: 5000) + "ERROR: ledger locked\r\n"
        let jors = ScriptedJORS(contents: [ScriptedJORS.windowsFile: log, ScriptedJORS.unixFile: "stderr line\n"])
        // A transport that hands a 2xx answer to the request's sink, as the real ones do.
        let transport = ScriptedTransport { request in
            var response = jors.handle(request)
            if let sink = request.responseSink?.sink, response.isSuccess {
                sink.begin()
                response.body.withUnsafeBytes { sink.receive($0) }
                response.body = Data()
                response.bodyWentToSink = true
            }
            return response
        }
        let files = try await OpConFixture.client(transport).jobLogs(jobNumber: 90412, maxBytes: 1_000_000, directory: folder)

        #expect(files.map(\.name) == ["GL_LOAD_0000090412.log", "gl_load.err"])
        #expect(files.map(\.data) == [Data(log.utf8), Data("stderr line\n".utf8)])
        for file in files {
            guard case .file(let slice) = file.content.parts.last else {
                Issue.record("\(file.name) was kept in memory")
                continue
            }
            #expect(slice.path.hasPrefix(folder))
        }
        // Only the decoded logs are on disk: the answers themselves were never written.
        let left = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(left == ["log-1-1", "log-2-1"])
    }

    @Test("a log over the limit keeps its last bytes, whole characters only, after a line saying how much was cut")
    func capsLogs() async throws {
        // "€" is three bytes; a 10-byte tail of "€€€€€" would start in the middle of one.
        let log = "HEADER " + String(repeating: "€", count: 5)
        let jors = ScriptedJORS(contents: [ScriptedJORS.windowsFile: log, ScriptedJORS.unixFile: "short"])
        let files = try await OpConFixture.client(ScriptedTransport { jors.handle($0) }).jobLogs(jobNumber: 1, maxBytes: 10)

        let text = try #require(String(data: files[0].data, encoding: .utf8))
        #expect(text == "[connector: the first 13 bytes of this log were cut to respect MAX_JOBLOG_BYTES]\n€€€")
        #expect(files[1].data == Data("short".utf8))
    }

    @Test("the cut is exact for ASCII and leaves small logs alone")
    func cutUnit() {
        let data = Data("0123456789".utf8)
        #expect(JobLogCut.cut(data, maxBytes: 10) == data)
        #expect(
            String(decoding: JobLogCut.cut(data, maxBytes: 4), as: UTF8.self)
                == "[connector: the first 6 bytes of this log were cut to respect MAX_JOBLOG_BYTES]\n6789")
        for limit in 0...20 {
            let cut = JobLogCut.cut(Data("aé€😀bé€😀".utf8), maxBytes: limit)
            #expect(String(data: cut, encoding: .utf8) != nil, "limit \(limit) produced invalid UTF-8")
        }
    }

    @Test("file names come after the last \\ or /, with a fallback")
    func fileNames() {
        #expect(JobLogCut.fileName(fromRequestParameters: "C:\\logs\\a.log") == "a.log")
        #expect(JobLogCut.fileName(fromRequestParameters: "/tmp/x/b.txt") == "b.txt")
        #expect(JobLogCut.fileName(fromRequestParameters: "plain.log") == "plain.log")
        #expect(JobLogCut.fileName(fromRequestParameters: "C:\\logs\\") == "joblog.txt")
        #expect(JobLogCut.fileName(fromRequestParameters: "") == "joblog.txt")
    }

    @Test("a file that cannot be fetched is skipped with a warning; the others are returned")
    func skipsFailedFile() async throws {
        let jors = ScriptedJORS(contents: [ScriptedJORS.unixFile: "only this one"])
        let sink = MemoryLogSink()
        let logger = Logger(sinks: [sink], minimumLevel: .info)
        let files = try await OpConFixture.client(ScriptedTransport { jors.handle($0) }, logger: logger).jobLogs(
            jobNumber: 1, maxBytes: 100)
        #expect(files.map(\.name) == ["gl_load.err"])
        #expect(sink.entries.contains { $0.level == .warning && $0.message.contains("Output not found") })
    }

    @Test("a failed listing is a data error with OpCon's reason")
    func failedListing() async throws {
        let transport = ScriptedTransport { request in
            .json(
                200,
                [
                    "id": 7, "action": "LIST", "result": "failed",
                    "jobInstanceActionItems": [["id": 1, "result": "failed", "message": "Agent does not support JORS"]],
                ])
        }
        let error = await connectorError { _ = try await OpConFixture.client(transport).jobLogs(jobNumber: 1, maxBytes: 100) }
        #expect(error?.exitCode == .dataError)
        #expect(error?.message.contains("Agent does not support JORS") == true)
    }

    @Test("polling stops before a wait would end past the deadline")
    func pollingStopsAtDeadline() async throws {
        let clock = ManualClock()
        let deadline = Deadline(seconds: 3, clock: clock.now)
        let transport = ScriptedTransport { request in .json(200, ["id": 5, "result": "submitted"]) }
        let sleeper = SleepRecorder(advancing: clock)
        let error = await connectorError {
            _ = try await OpConFixture.client(transport, deadline: deadline, sleeper: sleeper).jobLogs(jobNumber: 1, maxBytes: 100)
        }
        #expect(error?.exitCode == .unavailable)
        #expect(error?.message.contains("deadline") == true)
        // 0.025 + 0.05 + 0.1 + 0.2 + 0.4 + 0.8 = 1.575 s slept; the next 1.6 s wait would pass the 3 s budget.
        #expect(sleeper.delays == [0.025, 0.05, 0.1, 0.2, 0.4, 0.8])
    }

    @Test("the poll backoff is capped at 2 s")
    func pollCap() async throws {
        let polls = Recorder(0)
        let transport = ScriptedTransport { request in
            if request.method == .post { return .json(200, ["id": 9, "result": "submitted"]) }
            return .json(
                200,
                polls.next() < 9
                    ? ["id": 9, "result": "submitted"] : ["id": 9, "result": "success", "jobs": [["id": "j", "result": "success"]]])
        }
        let sleeper = SleepRecorder()
        _ = try await OpConFixture.client(transport, sleeper: sleeper).performJobAction(.markFixed, jobID: "j", reason: "r")
        #expect(transport.requests.filter { $0.method == .get }.count == 10)
        #expect(sleeper.delays == [0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 2, 2])
    }

    @Test("a job action is posted once and polled until OpCon reports the job's result")
    func jobAction() async throws {
        let jobID = "20261123|16|1|GL LOAD"
        let polls = Recorder(0)
        let transport = ScriptedTransport { request in
            if request.method == .post { return .json(200, ["id": 31, "action": "markUnderReview", "result": "submitted"]) }
            if polls.next() == 0 { return .json(200, ["id": 31, "result": "submitted"]) }
            return .json(
                200,
                [
                    "id": 31, "result": "success",
                    "jobs": [
                        [
                            "id": .string(jobID), "result": "success", "message": .null,
                            "status": ["description": "Under Review", "category": "Under Review"],
                        ]
                    ],
                ])
        }
        let outcome = try await OpConFixture.client(transport).performJobAction(
            .markUnderReview, jobID: jobID, reason: "INC0010042 accepted")
        #expect(
            outcome == JobActionOutcome(action: .markUnderReview, jobID: jobID, result: "success", message: nil, jobStatus: "Under Review"))
        #expect(transport.requests.map(OpConFixture.route) == ["POST /api/jobactions", "GET /api/jobactions/31", "GET /api/jobactions/31"])
        #expect(
            transport.requests[0].jsonBody == [
                "action": "markUnderReview", "jobs": [["id": .string(jobID)]], "reason": "INC0010042 accepted",
            ])
        #expect(!transport.requests[0].isRetrySafe)
    }

    @Test("a refused job action returns OpCon's reason; a plain POST is not repeated on 503")
    func refusedJobAction() async throws {
        let transport = ScriptedTransport { request in
            .json(
                200, ["id": 32, "result": "failed", "jobs": [["id": "j", "result": "failed", "message": "Job is not in a Failed state"]]])
        }
        let reason = try await OpConFixture.client(transport).applyJobAction(.markUnderReview, jobID: "j", reason: "r")
        #expect(reason == "Job is not in a Failed state")

        // Refused with a 400 and an ApiError instead: still a refusal of this job, with OpCon's words.
        let rejected = ScriptedTransport { _ in
            .json(400, "[{\"code\":2002,\"message\":\"Action not allowed for job status Finished OK\"}]")
        }
        let refusal = try await OpConFixture.client(rejected).applyJobAction(.markFixed, jobID: "j", reason: "r")
        #expect(refusal?.contains("Action not allowed for job status Finished OK") == true)

        // An action already final in the POST's answer needs no id to follow.
        let immediate = ScriptedTransport { _ in .json(200, ["result": "success", "jobs": [["id": "j", "result": "success"]]]) }
        #expect(try await OpConFixture.client(immediate).applyJobAction(.cancel, jobID: "j", reason: "r") == nil)
        #expect(immediate.requests.count == 1)

        let busy = ScriptedTransport { _ in .json(503, "") }
        let unavailable = await connectorError {
            _ = try await OpConFixture.client(ScriptedTransport { _ in .json(503, "") }).applyJobAction(.restart, jobID: "j", reason: "r")
        }
        #expect(unavailable?.exitCode == .unavailable, "an outage is not a refusal")
        let error = await connectorError { _ = try await OpConFixture.client(busy).performJobAction(.restart, jobID: "j", reason: "r") }
        #expect(error?.exitCode == .unavailable)
        #expect(busy.requests.count == 1)
    }

    @Test("an action answer without a usable id or result is a data error")
    func unusableActionAnswers() async throws {
        let noID = ScriptedTransport { _ in .json(200, ["result": "submitted"]) }
        let error = await connectorError { _ = try await OpConFixture.client(noID).performJobAction(.cancel, jobID: "j", reason: "r") }
        #expect(error?.exitCode == .dataError)

        let noResult = ScriptedTransport { _ in .json(200, ["id": 4, "state": "queued"]) }
        let second = await connectorError { _ = try await OpConFixture.client(noResult).performJobAction(.cancel, jobID: "j", reason: "r") }
        #expect(second?.exitCode == .dataError)
    }
}
