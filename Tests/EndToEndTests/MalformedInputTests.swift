import ConnectorKit
import Foundation
import Testing

@testable import Simulators

/// One bad input: how to break a fresh install, the exit code it must produce, and the text that names the culprit.
struct BadInput: Sendable, CustomTestStringConvertible {
    let name: String
    let exitCode: Int32
    let culprit: String
    /// Breaks the install and returns the argv (and environment) of the run.
    let setup: @Sendable (InstallUnderTest, DemoJob) throws -> (words: [String], environment: [String: String])

    var testDescription: String { name }

    init(
        _ name: String, exit: Int32, culprit: String,
        _ setup: @escaping @Sendable (InstallUnderTest, DemoJob) throws -> (words: [String], environment: [String: String])
    ) {
        self.name = name
        exitCode = exit
        self.culprit = culprit
        self.setup = setup
    }

    /// A case that only changes the argv of a ServiceNow failure.
    static func argv(_ name: String, culprit: String, _ edit: @escaping @Sendable ([String]) -> [String]) -> BadInput {
        BadInput(name, exit: 64, culprit: culprit) { install, job in (edit(install.failureWords(job, template: "servicenow.json")), [:]) }
    }

    /// A case that rewrites Connector.config.
    static func config(_ name: String, culprit: String, exit: Int32 = 78, _ edit: @escaping @Sendable (String) -> String) -> BadInput {
        BadInput(name, exit: exit, culprit: culprit) { install, job in
            try install.write("Connector.config", edit(install.services.connectorConfig()))
            return (install.failureWords(job, template: "servicenow.json"), [:])
        }
    }

    /// A case that rewrites one template.
    static func template(
        _ name: String, _ file: String, culprit: String, exit: Int32 = 78,
        _ edit: @escaping @Sendable (JSONValue) -> JSONValue
    ) -> BadInput {
        BadInput(name, exit: exit, culprit: culprit) { install, job in
            let original = try JSONValue.parse(install.read("templates/\(file)") ?? "")
            try install.write("templates/\(file)", edit(original).serialized(pretty: true))
            return (install.failureWords(job, template: file), [:])
        }
    }

    /// A case where a simulator misbehaves.
    static func answer(
        _ name: String, template: String = "servicenow.json", exit: Int32, culprit: String,
        _ break: @escaping @Sendable (InstallUnderTest) -> Void
    ) -> BadInput {
        BadInput(name, exit: exit, culprit: culprit) { install, job in
            `break`(install)
            return (install.failureWords(job, template: template), [:])
        }
    }
}

extension JSONValue {
    /// The template with `urls[name].value` replaced, or the entry removed when `value` is nil.
    func settingURL(_ name: String, to value: JSONValue?) -> JSONValue {
        let urls = (self["urls"]?.arrayValue ?? []).compactMap { entry -> JSONValue? in
            guard entry["name"]?.stringValue == name else { return entry }
            return value.map { entry.setting("value", to: $0) }
        }
        return setting("urls", to: .array(urls))
    }
}

@Suite("Bad input everywhere: the right exit code, the culprit named, no secret shown")
struct MalformedInputTests {
    static let cases: [BadInput] = [
        // The command line (exit 64).
        .argv("missing -jn", culprit: "-jn") { words in
            let at = words.firstIndex(of: "-jn")!
            return Array(words[..<at]) + Array(words[(at + 2)...])
        },
        .argv("unknown flag before the others", culprit: "--frobnicate") { ["--frobnicate"] + $0 },
        .argv("impossible schedule date", culprit: "-sd") { $0.map { $0.hasPrefix("20") && $0.count == 10 ? "2026-13-45" : $0 } },
        .argv("non-numeric schedule id", culprit: "-si") { words in
            var copy = words
            copy[copy.firstIndex(of: "-si")! + 1] = "abc"
            return copy
        },
        .argv("-t without a value", culprit: "-t") { Array($0.dropLast()) },
        .argv("unknown TLS protocol", culprit: "--tlsType") { $0 + ["--tlsType", "SSLv3"] },
        BadInput("sync with both --once and --interval", exit: 64, culprit: "--once") { _, _ in
            (["sync", "-t", "servicenow.json", "--once", "--interval", "5"], [:])
        },
        BadInput("CONNECTOR_NOW that is not a date", exit: 64, culprit: "CONNECTOR_NOW") { install, job in
            (install.failureWords(job, template: "servicenow.json"), ["CONNECTOR_NOW": "yesterday"])
        },
        // Connector.config (exit 78).
        BadInput("no Connector.config", exit: 78, culprit: "Connector.config") { install, job in
            try FileManager.default.removeItem(atPath: install.home + "/Connector.config")
            return (install.failureWords(job, template: "servicenow.json"), [:])
        },
        .config("a line that is neither section nor setting", culprit: "line") { $0 + "\nthis is not ini\n" },
        .config("non-numeric PORT", culprit: "PORT") { $0.replacingOccurrences(of: "\nPORT=", with: "\nPORT=abc") },
        .config("a boolean that is not one", culprit: "USES_TLS") { $0.replacingOccurrences(of: "USES_TLS=False", with: "USES_TLS=maybe") },
        .config("TOKEN missing", culprit: "TOKEN") { text in
            text.split(separator: "\n").filter { !$0.hasPrefix("TOKEN=") }.joined(separator: "\n")
        },
        .config("TOKEN from an unset variable", culprit: "CONNECTOR_TEST_UNSET_TOKEN") { text in
            text.split(separator: "\n").map { $0.hasPrefix("TOKEN=") ? "TOKEN=env:CONNECTOR_TEST_UNSET_TOKEN" : String($0) }.joined(
                separator: "\n")
        },
        BadInput("TOKEN from a group-readable file", exit: 78, culprit: "chmod 600") { install, job in
            try install.write("token.txt", install.opcon.token)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: install.home + "/token.txt")
            let text = install.services.connectorConfig().split(separator: "\n")
                .map { $0.hasPrefix("TOKEN=") ? "TOKEN=file:token.txt" : String($0) }.joined(separator: "\n")
            try install.write("Connector.config", text)
            return (install.failureWords(job, template: "servicenow.json"), [:])
        },
        .config("DAILY_START_HOUR out of range", culprit: "DAILY_START_HOUR") {
            $0.replacingOccurrences(of: "DAILY_START_HOUR=07", with: "DAILY_START_HOUR=25")
        },
        // Templates (exit 78).
        BadInput("a template that does not exist", exit: 78, culprit: "nothere.json") { install, job in
            (install.failureWords(job, template: "nothere.json"), [:])
        },
        BadInput("a template that is not JSON", exit: 78, culprit: "line 1 column") { install, job in
            // Not the bare `day` of the 2024 Summit sample: that one is tolerated (sma-connectors.md §14.8).
            try install.write("templates/servicenow.json", "{ \"rules\": { \"includeJobLogAttachment\": yes } }")
            return (install.failureWords(job, template: "servicenow.json"), [:])
        },
        BadInput("a template naming an unknown backend", exit: 78, culprit: "zendesk") { install, job in
            try install.write("templates/servicenow.json", "{\"connector\": \"zendesk\"}")
            return (install.failureWords(job, template: "servicenow.json"), [:])
        },
        .template("a url that is a number", "servicenow.json", culprit: "urls[0].value") { template in
            template.setting("urls", to: .array([["name": "incident", "value": 42]]))
        },
        .template("ServiceNow credentials without a password", "servicenow.json", culprit: "credentials.password") { template in
            template.setting("credentials", to: ["user": "svc"])
        },
        .template("a Summit template without viewIncident", "summit.json", culprit: "viewIncident") {
            $0.settingURL("viewIncident", to: nil)
        },
        .template("a rule that is not a boolean", "summit.json", culprit: "rules.includeJobLogAttachment") { template in
            template.setting("rules", to: (template["rules"] ?? [:]).setting("includeJobLogAttachment", to: "yes"))
        },
        .template("once per day without DAILY_START_HOUR", "summit.json", culprit: "DAILY_START_HOUR") { template in
            template.setting("rules", to: (template["rules"] ?? [:]).setting("submitSingleIncidentPerDay", to: true))
        }.withConfig { $0.replacingOccurrences(of: "DAILY_START_HOUR=07\n", with: "") },
        // What the services answer.
        BadInput("a job OpCon does not have", exit: 65, culprit: "OpCon") { install, job in
            var words = install.failureWords(job, template: "servicenow.json")
            words[words.firstIndex(of: "-jn")! + 1] = "NO_SUCH_JOB"
            return (words, [:])
        },
        .config("a token OpCon refuses", culprit: "TOKEN", exit: 77) { text in
            text.split(separator: "\n").map { $0.hasPrefix("TOKEN=") ? "TOKEN=env:CONNECTOR_TEST_WRONG_TOKEN" : String($0) }.joined(
                separator: "\n")
        }.withEnvironment(["CONNECTOR_TEST_WRONG_TOKEN": "00000000-dead-beef-0000-000000000000"]),
        .template("a ServiceNow password the instance refuses", "servicenow.json", culprit: "ServiceNow", exit: 77) { template in
            template.setting("credentials", to: ["user": "svc_opcon", "password": "env:CONNECTOR_TEST_SN_PASSWORD"])
        }.withEnvironment(["CONNECTOR_TEST_SN_PASSWORD": "not-the-password"]),
        .template("a Summit API key Summit refuses", "summit.json", culprit: "apiKey", exit: 77) { template in
            template.setting("credentials", to: ["apiKey": "env:CONNECTOR_TEST_SUMMIT_KEY"])
        }.withEnvironment(["CONNECTOR_TEST_SUMMIT_KEY": "wrong-summit-key"]),
        .answer("OpCon answers an HTML error page", exit: 65, culprit: "OpCon") {
            $0.opcon.faults.add(Fault(.htmlError(400), count: nil, method: "GET", path: "/api/dailyjobs"))
        },
        .answer("OpCon answers truncated JSON for the job", exit: 65, culprit: "OpCon") {
            $0.opcon.faults.add(Fault(.status(200, body: "{\"id\": \"2026"), count: nil, method: "GET", path: "/api/dailyjobs"))
        },
        .answer("OpCon answers the wrong JSON type for the job", exit: 65, culprit: "OpCon") {
            $0.opcon.faults.add(Fault(.status(200, body: "[1, 2, 3]"), count: nil, method: "GET", path: "/api/dailyjobs"))
        },
        .answer("ServiceNow answers the create with an HTML page", exit: 65, culprit: "ServiceNow") {
            $0.serviceNow.faults.add(Fault(.htmlError(400), count: nil, method: "POST", path: "/api/now/table/incident"))
        },
        .answer("ServiceNow answers the create with an empty body", exit: 65, culprit: "ServiceNow") {
            $0.serviceNow.faults.add(Fault(.status(201, body: ""), count: nil, method: "POST", path: "/api/now/table/incident"))
        },
        .answer("ServiceNow answers the create with truncated JSON", exit: 65, culprit: "ServiceNow") {
            $0.serviceNow.faults.add(
                Fault(.status(201, body: "{\"result\": {\"number\": \"INC"), count: nil, method: "POST", path: "/api/now/table/incident"))
        },
        .answer("ServiceNow answers the create with the wrong types", exit: 65, culprit: "ServiceNow") {
            $0.serviceNow.faults.add(
                Fault(.status(201, body: "{\"result\": [true]}"), count: nil, method: "POST", path: "/api/now/table/incident"))
        },
        .answer("Summit answers with an in-band error", template: "summit.json", exit: 65, culprit: "Priority_Name") { install in
            install.summit.settings.validatesMasterValues = true
            install.summit.settings.masterValues["Priority_Name"] = ["P1"]
        },
        .answer("Summit answers with an empty body", template: "summit.json", exit: 65, culprit: "Summit") {
            $0.summit.faults.add(Fault(.status(200, body: ""), count: nil, method: "POST"))
        },
    ]

    @Test("each bad input", arguments: cases)
    func badInput(_ input: BadInput) async throws {
        let install = try InstallUnderTest(seedDemoJobs: false)
        let job = install.addFailedJob(schedule: "FINANCE DAILY", job: "GL_LOAD", logFiles: ["GL_LOAD.log": "ERROR\r\n"])
        let (words, environment) = try input.setup(install, job)
        let run = try await install.run(words, environment: environment)

        #expect(run.exitCode == input.exitCode, "\(input.name): \(run)")
        #expect(run.stderr.contains(input.culprit), "\(input.name): stderr does not name \(input.culprit): \(run.stderr)")
        let lines = run.stderr.split(separator: "\n").filter { !$0.hasPrefix("warning:") }
        #expect(lines.count == 1, "\(input.name): expected one sentence, got \(run.stderr)")
        #expect(!run.stderr.contains("Fatal error") && !run.stderr.contains("Stack dump"))

        let log = install.read("log/connector.log") ?? ""
        for secret in Self.secrets(install) {
            #expect(
                !run.stdout.contains(secret) && !run.stderr.contains(secret) && !log.contains(secret),
                "\(input.name): a secret was shown")
        }
    }

    /// Every secret of the simulated install, plain and SMA-encoded.
    static func secrets(_ install: InstallUnderTest) -> [String] {
        let plain = [
            install.opcon.token, install.serviceNow.settings.password, install.summit.settings.apiKey,
            "not-the-password", "wrong-summit-key", "00000000-dead-beef-0000-000000000000",
        ]
        return plain + plain.map(SMAEncoding.encode)
    }

    @Test("there are at least 30 cases")
    func enough() { #expect(Self.cases.count >= 30) }

    @Test("an unknown ticket state, a huge job log: handled, exit 0")
    func oddButValid() async throws {
        let install = try InstallUnderTest(seedDemoJobs: false)
        try install.write(
            "Connector.config",
            install.services.connectorConfig().replacingOccurrences(
                of: "[GENERAL]\n", with: "[GENERAL]\nMAX_JOBLOG_BYTES=1000\n"))
        let huge = String(repeating: "line of output ü\r\n", count: 100_000)
        let job = install.addFailedJob(job: "HUGE_LOG", logFiles: ["HUGE_LOG.log": huge])
        let first = try await install.run(install.failureWords(job, template: "servicenow.json"))
        #expect(first.exitCode == 0, "\(first)")
        let number = try #require(install.serviceNow.incidents.first?["number"])
        let attachment = try #require(install.serviceNow.attachments(of: number).first)
        let text = String(decoding: attachment.data, as: UTF8.self)
        #expect(attachment.data.count < 1200)
        #expect(text.split(separator: "\n").first?.contains("cut") == true)
        #expect(text.hasSuffix("line of output ü\r\n"))

        _ = try install.serviceNow.updateIncident(number, ["state": "42"])
        let second = try await install.run(install.failureWords(job, template: "servicenow.json"))
        #expect(second.exitCode == 0, "\(second)")
        #expect(second.stdout.hasPrefix("update:"))
        #expect(install.serviceNow.incidents.count == 1)
    }
}

extension BadInput {
    /// The same case with Connector.config rewritten too.
    func withConfig(_ edit: @escaping @Sendable (String) -> String) -> BadInput {
        BadInput(name, exit: exitCode, culprit: culprit) { install, job in
            try install.write("Connector.config", edit(install.services.connectorConfig()))
            return try setup(install, job)
        }
    }

    /// The same case run with extra environment variables.
    func withEnvironment(_ extra: [String: String]) -> BadInput {
        BadInput(name, exit: exitCode, culprit: culprit) { install, job in
            let (words, environment) = try setup(install, job)
            return (words, environment.merging(extra) { $1 })
        }
    }
}
