import ConnectorKit
import ConnectorTesting
import Foundation
import Testing

@testable import Simulators

/// Summit answers HTTP 200 whatever happened and puts failures in `Errors` (SPEC §6.1): a refused API key is a
/// permission error (exit 77) that never shows the key; any other text is a data error (exit 65) that shows it.
@Suite("Summit end to end: refused API key and in-band errors")
struct SummitErrorTests {
    /// Every form of `key` that must never be printed or logged: as written, its base64, and the SMA encoding.
    static func forms(of key: String) -> [String] {
        [key, Data(key.utf8).base64EncodedString(), SMAEncoding.encode(key)]
    }

    /// Records an issue for every form of `key` found in the run's output or in the install's log.
    static func expectNowhere(_ key: String, _ run: ConnectorRun, _ stage: SummitStage, sourceLocation: SourceLocation = #_sourceLocation) {
        let log = stage.install.read("log/connector.log") ?? ""
        for form in forms(of: key) {
            #expect(!run.stdout.contains(form), "stdout shows \(form)", sourceLocation: sourceLocation)
            #expect(!run.stderr.contains(form), "stderr shows \(form)", sourceLocation: sourceLocation)
            #expect(!log.contains(form), "log/connector.log shows \(form)", sourceLocation: sourceLocation)
        }
    }

    /// The lines of stderr that are not warnings: the one sentence a failed run owes the operator.
    static func failureLines(_ run: ConnectorRun) -> [Substring] {
        run.stderr.split(separator: "\n").filter { !$0.hasPrefix("warning:") }
    }

    static func debugOn(_ stage: SummitStage) throws {
        try stage.editConfig { $0.replacingOccurrences(of: "DEBUG=OFF", with: "DEBUG=ON") }
    }

    @Test("a wrong API key (EncryptValue form): exit 77, one clear sentence, and no form of the key anywhere, even with DEBUG=ON")
    func wrongEncodedKey() async throws {
        let stage = try SummitStage()
        try Self.debugOn(stage)
        let wrong = "wrong-Key-7f3a9c41"
        try stage.editTemplate { $0.setting("credentials", to: ["apiKey": .string(SMAEncoding.encode(wrong))]) }
        let job = stage.addJob("DENIED", logFiles: ["DENIED.log": "x\r\n"])

        let run = try await stage.fail(job)
        #expect(run.exitCode == 77, "\(run)")
        let stderr = run.stderr
        #expect(Self.failureLines(run).count == 1, "\(run)")
        #expect(!stderr.contains("deadline"), "no deadline passed, and no warning may say so: \(run)")
        #expect(stderr.contains("credentials.apiKey"), "\(run)")
        #expect(stderr.contains("summit.json"), "\(run)")
        #expect(stderr.contains("Invalid API Key. Authentication failed. "), "Summit's own words, in one sentence: \(run)")
        Self.expectNowhere(wrong, run, stage)
        let log = stage.install.read("log/connector.log") ?? ""
        #expect(log.contains("request body"), "DEBUG=ON logs the bodies, masked")
        #expect(log.contains("credentials.apiKey"))

        #expect(stage.summit.tickets.isEmpty)
        #expect(stage.serviceNames == ["IM_LogOrUpdateIncident"], "a refused create is not sent again")
        #expect(stage.summit.journal.count(path: SummitStage.uploadPath) == 0)
        #expect(stage.opcon.incidentTicketID(of: job.id) == nil)
        #expect(stage.outboxItems.isEmpty, "retrying would not help: nothing is queued")
    }

    @Test("a wrong API key from env: on the read of a recorded ticket: exit 77 and the key nowhere")
    func wrongEnvironmentKey() async throws {
        let stage = try SummitStage()
        try Self.debugOn(stage)
        try stage.editTemplate { $0.setting("credentials", to: ["apiKey": "env:SUMMIT_TEST_KEY"]) }
        let open = try stage.summit.createTicket(symptom: "open")
        let job = stage.addJob("DENIED", ticket: open.number)
        let wrong = "Zq81-expired-summit-key"

        let run = try await stage.fail(job, environment: ["SUMMIT_TEST_KEY": wrong])
        #expect(run.exitCode == 77, "\(run)")
        #expect(run.stderr.contains("credentials.apiKey"), "\(run)")
        Self.expectNowhere(wrong, run, stage)
        #expect(
            !stage.serviceNames.isEmpty && stage.serviceNames.allSatisfy { $0 == "IM_GetIncidentDetailsAndChangeHistory" },
            "only the read was sent: \(stage.serviceNames)")
        #expect(stage.summit.ticket(open.number) == open)
    }

    @Test("the right key is never logged either, though DEBUG=ON logs every body")
    func rightKeyMasked() async throws {
        let stage = try SummitStage()
        try Self.debugOn(stage)
        let job = stage.addJob("ALLOWED", logFiles: ["ALLOWED.log": "x\r\n"])
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        Self.expectNowhere(stage.summit.settings.apiKey, run, stage)
        #expect(stage.install.read("log/connector.log")?.contains("IM_LogOrUpdateIncident") == true)
    }

    @Test("a master value Summit does not know: exit 65 with Summit's Errors text, no ticket, nothing written back")
    func unknownPriority() async throws {
        let stage = try SummitStage()
        stage.summit.settings.validatesMasterValues = true
        try stage.editTemplate { $0.setting("attributes", to: SummitStage.attributes(["Priority_Name": "P9", "Urgency_Name": "High"])) }
        let job = stage.addJob("BADPRIO")

        let run = try await stage.fail(job)
        #expect(run.exitCode == 65, "\(run)")
        #expect(run.stderr.contains(": Invalid Priority_Name 'P9'.\n"), "Summit's text, ending the sentence once: \(run)")
        #expect(Self.failureLines(run).count == 1, "\(run)")
        #expect(!run.stderr.contains("deadline"), "no deadline passed, and no warning may say so: \(run)")
        #expect(stage.summit.tickets.isEmpty)
        #expect(stage.opcon.incidentTicketID(of: job.id) == nil)
        #expect(stage.outboxItems.isEmpty)
        #expect(stage.install.read("log/connector.log")?.contains("Invalid Priority_Name 'P9'") == true)

        // The same failure with a known priority goes through: the value was the only fault.
        try stage.editTemplate { $0.setting("attributes", to: SummitStage.attributes(["Priority_Name": "P1", "Urgency_Name": "High"])) }
        #expect(try await stage.fail(job).exitCode == 0)
        #expect(try stage.onlyTicket().field("Priority_Name") == "P1")
    }

    @Test("an analyst closes the ticket while the update is on its way: Summit's refusal, exit 65")
    func closedWhileUpdating() async throws {
        let stage = try SummitStage()
        let job = stage.addJob("RACED")
        _ = try await stage.fail(job)
        let number = try stage.onlyTicket().number
        let before = stage.serviceNames.count

        // The read is answered at once; the update is held long enough for the analyst to close the ticket.
        stage.summit.faults.add(Fault(.latency(0), count: 1, path: SummitStage.incidentPath))
        stage.summit.faults.add(Fault(.latency(3), count: 1, path: SummitStage.incidentPath))
        async let raced = stage.fail(job)
        let updateArrived = try await eventually { stage.serviceNames.count == before + 2 }
        #expect(updateArrived)
        #expect(stage.serviceNames.suffix(2) == ["IM_GetIncidentDetailsAndChangeHistory", "IM_LogOrUpdateIncident"])
        try stage.summit.setStatus("Closed", of: number)

        let run = try await raced
        #expect(run.exitCode == 65, "\(run)")
        #expect(run.stderr.contains("Ticket \(number) is Closed and cannot be updated"), "\(run)")
        #expect(Self.failureLines(run).count == 1, "\(run)")
        #expect(stage.summit.tickets.count == 1)
        #expect(stage.summit.ticket(number)?.workLog.count == 1)
        #expect(stage.outboxItems.isEmpty)

        // The next failure sees the Closed ticket and replaces it.
        let next = try await stage.fail(job)
        #expect(next.stdout.hasPrefix("replace:"), "\(next)")
    }

    @Test("an upload refused in-band: exit 65 with the text, and the ticket already written stays on the job")
    func uploadRefused() async throws {
        let stage = try SummitStage()
        stage.summit.faults.add(
            Fault(
                .status(200, body: #"{"Errors":"File extension .log is not allowed.","Message":""}"#),
                count: 1, path: SummitStage.uploadPath))
        let job = stage.addJob("UPLOAD", logFiles: ["UPLOAD.log": "x\r\n"])
        let run = try await stage.fail(job)
        #expect(run.exitCode == 65, "\(run)")
        #expect(
            run.stderr.contains("attach UPLOAD.log to incident \(try stage.onlyTicket().number): File extension .log is not allowed.\n"),
            "\(run)")
        #expect(Self.failureLines(run).count == 1, "\(run)")
        let ticket = try stage.onlyTicket()
        #expect(stage.opcon.incidentTicketID(of: job.id) == String(ticket.number))
        #expect(ticket.attachments.isEmpty)
        #expect(stage.install.read("log/connector.log")?.contains("Ticket \(ticket.number) was written") == true)
    }
}
