import ConnectorKit
import Foundation
import Testing

@testable import Simulators

/// SPEC §1.2 `check`: each service's checks within their own limit (at most 15 s), lines printed as they are known,
/// refused credentials named as such.
@Suite("connector check: the right service blamed, in time")
struct CheckCommandTests {
    @Test("a silent OpCon: check ends within 20 s naming OpCon; the ServiceNow check is neither held up nor blamed")
    func silentOpCon() async throws {
        let install = try InstallUnderTest(seedDemoJobs: false)
        install.opcon.isSilent = true
        let run = try await install.run(["check", "-t", "servicenow.json"], timeout: 60)
        #expect(run.exitCode == 69, "\(run)")
        #expect(run.seconds < 20, "check took \(run.seconds) s")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        let opconFailed = try #require(lines.firstIndex { $0.hasPrefix("failed  OpCon API") }, "\(run)")
        let serviceNowOK = try #require(lines.firstIndex { $0.hasPrefix("ok      ServiceNow authenticated read") }, "\(run)")
        #expect(serviceNowOK < opconFailed, "the ServiceNow line waited for OpCon:\n\(run.stdout)")
        #expect(lines[opconFailed].contains("OpCon is unreachable") && lines[opconFailed].contains("15.0 s"), "\(run)")
        #expect(lines.contains { $0.hasPrefix("skipped OpCon authenticated call") }, "\(run)")
        #expect(!run.stdout.contains("failed  ServiceNow"), "\(run)")
        #expect(run.stderr.contains("the first: OpCon is unreachable"), "\(run)")
    }

    @Test("a refused ServiceNow password: exit 77 within 5 s, naming credentials.password, OpCon still ok, no secret shown")
    func refusedPassword() async throws {
        let install = try InstallUnderTest(seedDemoJobs: false)
        let template = try JSONValue.parse(install.read("templates/servicenow.json") ?? "")
        try install.write(
            "templates/servicenow.json",
            template.setting(
                "credentials",
                to: [
                    "user": .string(install.serviceNow.settings.user), "password": "env:CHECK_SNOW_PASSWORD",
                ]
            ).serialized())
        let secret = "wrong-password-0815"
        let run = try await install.run(["check", "-t", "servicenow.json"], environment: ["CHECK_SNOW_PASSWORD": secret])
        #expect(run.exitCode == 77, "\(run)")
        #expect(run.seconds < 5, "\(run.seconds) s")
        let failed = try #require(
            run.stdout.split(separator: "\n").first { $0.hasPrefix("failed  ServiceNow authenticated read") }, "\(run)")
        #expect(failed.contains("refused the credentials") && failed.contains("credentials.password"), "\(failed)")
        #expect(!failed.contains("unreachable"))
        #expect(run.stdout.contains("ok      OpCon authenticated call"), "\(run)")
        #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret))
    }

    @Test("a 401 carrying a Basic challenge, as ServiceNow sends it, is refused credentials too, not an outage")
    func refusedWithChallenge() async throws {
        let stage = try OutboxStage(general: ["DEADLINE_SECONDS=3"])
        let challenge: HTTPHeaders = ["WWW-Authenticate": "Basic realm=\"Service-now\""]
        stage.serviceNow.faults.add(Fault(.status(401, headers: challenge), count: nil))
        let run = try await stage.install.run(["check", "-t", "servicenow.json"])
        #expect(run.stdout.contains("ok      OpCon authenticated call"), "\(run)")
        // A 401 is handed back whatever challenge it carries (SPEC §7.4), so the check names refused credentials.
        #expect(run.exitCode == 77, "\(run)")
        #expect(run.stdout.contains("refused the credentials"), "\(run)")
    }

    @Test("--json: one document with every check in order, its status, and the exit code")
    func json() async throws {
        let install = try InstallUnderTest(seedDemoJobs: false)
        let good = try await install.run(["check", "-t", "summit.json", "--json"])
        #expect(good.exitCode == 0, "\(good)")
        let document = try JSONValue.parse(good.stdout)
        let checks = try #require(document["checks"]?.arrayValue)
        #expect(
            checks.compactMap { $0["name"]?.stringValue } == [
                "Connector.config", "template summit.json", "OpCon token", "OpCon API \(install.opcon.baseURL)", "OpCon authenticated call",
                "Symphony Summit credentials", "Symphony Summit authenticated read",
            ])
        #expect(checks.allSatisfy { $0["status"]?.stringValue == "ok" })
        #expect(document["exitCode"]?.intValue == 0 && document["ok"]?.boolValue == true)
        #expect(document["warnings"]?.arrayValue?.isEmpty == false, "the simulator's plain http is a warning")

        install.opcon.faults.add(
            Fault(.status(401, body: "[{\"code\":401,\"message\":\"Invalid token specified\"}]"), count: nil, path: "/api/tokens"))
        let refused = try await install.run(["check", "-t", "summit.json", "--json"])
        #expect(refused.exitCode == 77, "\(refused)")
        let failed = try #require(JSONValue.parse(refused.stdout)["checks"]?.arrayValue?.first { $0["status"]?.stringValue == "failed" })
        #expect(failed["name"]?.stringValue == "OpCon authenticated call")
        #expect(failed["exitCode"]?.intValue == 77)
        #expect(failed["error"]?.stringValue?.contains("TOKEN") == true, "\(refused)")
    }
}
