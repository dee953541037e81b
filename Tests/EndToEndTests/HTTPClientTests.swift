import ConnectorKit
import ConnectorTesting
import Foundation
import Subprocess
import Testing

@testable import Simulators

/// SPEC §7.4 through the executable: refusals are refusals, job logs stream through files, and libcurl is a
/// run-time library the binary names when it is missing.
@Suite("HTTP client end to end: refused passwords, streamed job logs, libcurl at run time")
struct HTTPClientTests {
    @Test("a wrong ServiceNow password (401 with a Basic challenge): exit 77 at once, nothing queued, the password nowhere")
    func wrongPassword() async throws {
        let stage = try ServiceNowStage()
        let wrong = "Wr0ng-Pa55-4711"
        try stage.editTemplate { template in
            template.setting("credentials", to: ["user": template["credentials"]?["user"] ?? "admin", "password": .string(wrong)])
        }
        let job = stage.addJob("REFUSED", logFiles: ["REFUSED.log": "x\r\n"])
        let run = try await stage.fail(job)
        #expect(run.exitCode == 77, "\(run)")
        #expect(run.seconds < 2, "the refusal took \(run.seconds) s")
        #expect(run.stderr.contains("ServiceNow"))
        #expect(stage.serviceNow.incidents.isEmpty)
        let outbox = (try? FileManager.default.contentsOfDirectory(atPath: stage.install.home + "/outbox")) ?? []
        #expect(outbox.filter { $0.hasSuffix(".json") }.isEmpty, "the refused event was queued: \(outbox)")
        let log = stage.install.read("log/connector.log") ?? ""
        #expect(!run.stdout.contains(wrong) && !run.stderr.contains(wrong) && !log.contains(wrong))
    }

    @Test("a 600 KB job log with escapes and CR LF reaches ServiceNow and Summit byte for byte; the job-log folder is empty afterwards")
    func bigLogs() async throws {
        var log = ""
        for line in 0..<12_000 { log += "step \(line): \"quoted\" \\path\\ é € 😀\tvalue=\(line * 7)\r\n" }
        log += "ERROR: ledger locked"
        #expect(log.utf8.count > 600_000)  // many read chunks and upload buffers

        let stage = try ServiceNowStage()
        let job = stage.addJob("BIG LOG", logFiles: ["BIG LOG.log": log])
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        let incident = try stage.onlyIncident()
        #expect(stage.serviceNow.attachments(of: try #require(incident["sys_id"])).first?.data == Data(log.utf8))
        let left = (try? FileManager.default.contentsOfDirectory(atPath: stage.install.home + "/joblogs")) ?? []
        #expect(left.isEmpty, "left in joblogs/: \(left)")

        let install = try InstallUnderTest(seedDemoJobs: false)
        let summitJob = install.addFailedJob(job: "BIG SUMMIT LOG", logFiles: ["BIG SUMMIT LOG.log": log])
        let summitRun = try await install.run(install.failureWords(summitJob, template: "summit.json"))
        #expect(summitRun.exitCode == 0, "\(summitRun)")
        let ticket = try #require(install.summit.tickets.last)
        #expect(ticket.attachments.first?.data == Data(log.utf8))
    }

    @Test("proxy environment variables are ignored: Connector.config alone routes the requests")
    func environmentProxyIgnored() async throws {
        let proxyRequests = Recorder(0)
        let proxy = HTTPServer { _ in
            proxyRequests.update { $0 += 1 }
            return .text("proxy", status: 502)
        }
        let port = try proxy.start()
        defer { proxy.stop() }
        let install = try InstallUnderTest(seedDemoJobs: false)
        let job = install.addFailedJob(job: "NO PROXY")
        let url = "http://127.0.0.1:\(port)"
        let run = try await install.run(
            install.failureWords(job, template: "servicenow.json"),
            environment: ["http_proxy": url, "https_proxy": url, "HTTP_PROXY": url, "ALL_PROXY": url])
        #expect(run.exitCode == 0, "\(run)")
        #expect(proxyRequests.current == 0, "a request went through the environment's proxy")
        #expect(install.serviceNow.incidents.count == 1)
    }

    @Test("without libcurl: exit 69 with one sentence naming the library and the package to install")
    func missingLibcurl() async throws {
        let install = try InstallUnderTest(seedDemoJobs: false)
        let job = install.addFailedJob(job: "NO CURL")
        let run = try await install.run(
            install.failureWords(job, template: "servicenow.json"),
            environment: ["CONNECTOR_LIBCURL": "/nonexistent/libcurl.so.4"])
        #expect(run.exitCode == 69, "\(run)")
        #expect(run.stderr.contains("libcurl"))
        #expect(run.stderr.contains("libcurl4"))
        // Commands that make no request still work.
        let templates = try await install.run(["templates"], environment: ["CONNECTOR_LIBCURL": "/nonexistent/libcurl.so.4"])
        #expect(templates.exitCode == 0, "\(templates)")
    }

    @Test("the Linux executable does not link FoundationNetworking or libcurl: libcurl is loaded when the first request needs it")
    func noNetworkingLibrariesLinked() async throws {
        #if os(Linux)
            let ldd = try Subprocess("/usr/bin/ldd", [ConnectorProcess.executable], environment: ["PATH": "/usr/bin:/bin"])
            // wait() blocks: keep it off Swift concurrency's few threads.
            let status = await Task.detached { ldd.wait() }.value
            #expect(status == 0)
            #expect(ldd.standardOutput.contains("libc.so"), "\(ldd.standardOutput)")
            #expect(!ldd.standardOutput.contains("FoundationNetworking"), "\(ldd.standardOutput)")
            #expect(!ldd.standardOutput.contains("libcurl"), "\(ldd.standardOutput)")
        #endif
    }
}
