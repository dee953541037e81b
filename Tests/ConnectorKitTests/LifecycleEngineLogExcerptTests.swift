import ConnectorTesting
import Foundation
import Testing

@testable import ConnectorKit

/// SPEC §5 steps 7, 8 and 11 in the engine: the log is read before the write, the draft carries the excerpt, the write
/// waits for the log only so long, and the attachment is the scrubbed log.
@Suite("Lifecycle engine: job-log excerpt and scrubbing")
struct LifecycleEngineLogExcerptTests {
    static let runSecret = "opcon-token-5d0f3c2e"
    static let log = "start\r\nuser=etl password=Hunter2!\r\nERROR calling OpCon with \(runSecret)\r\ndone"

    struct Rig {
        let engine: LifecycleEngine
        let backend: FakeBackend
        let opcon: FakeOpCon
    }

    func rig(
        templateRules: [String: Bool] = [:], scrub: Bool = true, logDelay: Double = 0, wait: Double = 15,
        deadline: Deadline? = nil
    ) -> Rig {
        let home = NSTemporaryDirectory() + "engine-excerpt-\(UUID().uuidString)"
        let backend = FakeBackend()
        let opcon = FakeOpCon(jobs: [sampleJob()])
        opcon.state.update {
            $0.logs = [JobLogFile(name: "GL.log", data: Data(Self.log.utf8))]
            $0.logDelay = logDelay
        }
        var config = ConnectorConfig()
        config.general.dailyStartHour = 7
        config.general.scrubJobLogs = scrub
        config.general.logExcerptLines = 3
        config.opcon.server = "opcon.example"
        let masker = SecretMasker()
        masker.register(Self.runSecret)
        let template = Template(
            name: "t.json", path: "/t.json", raw: [:], backendID: "fake", rules: templateRules,
            attributes: [TicketField(name: "description", value: "job {1} failed")])
        var engine = LifecycleEngine(
            template: template, backend: backend, opcon: opcon, config: config,
            outbox: Outbox(directory: home + "/outbox"), locks: JobLocks(directory: home + "/locks"),
            logger: Logger(masker: masker), calendar: fixedCalendar(), now: { moment("2026-11-23T08:30") }, lockTimeout: 1,
            deadline: deadline)
        engine.logExcerptWait = wait
        return Rig(engine: engine, backend: backend, opcon: opcon)
    }

    @Test("the created ticket's draft carries the excerpt of the scrubbed log; the attachment is the scrubbed log")
    func excerptInDraft() async throws {
        let rig = rig()
        let outcome = try await rig.engine.handle(sampleEvent())
        #expect(outcome.scrubbedValues == 2)
        let draft = try #require(rig.backend.state.current.created.first)
        #expect(draft.logExcerpt == "--- job log excerpt (GL.log) ---\nuser=etl password=****\nERROR calling OpCon with ****\ndone")
        #expect(draft.endingWithLogExcerpt("job failed") == "job failed\n\n" + (draft.logExcerpt ?? ""))
        let attached = try #require(rig.backend.state.current.attachments.first?.1)
        #expect(attached.data == Data("start\r\nuser=etl password=****\r\nERROR calling OpCon with ****\r\ndone".utf8))
    }

    @Test("SCRUB_JOBLOGS=False: the log is attached and quoted as it is")
    func scrubbingOff() async throws {
        let rig = rig(scrub: false)
        let outcome = try await rig.engine.handle(sampleEvent())
        #expect(outcome.scrubbedValues == 0)
        #expect(rig.backend.state.current.created.first?.logExcerpt?.contains("password=Hunter2!") == true)
        #expect(rig.backend.state.current.attachments.first?.1.data == Data(Self.log.utf8))
    }

    @Test("includeLogExcerpt false: no excerpt in the draft, the log still attached scrubbed")
    func excerptOff() async throws {
        let rig = rig(templateRules: ["includelogexcerpt": false])
        _ = try await rig.engine.handle(sampleEvent())
        #expect(rig.backend.state.current.created.first?.logExcerpt == nil)
        #expect(rig.backend.state.current.attachments.first?.1.data.contains(Data("Hunter2!".utf8)) == false)
    }

    @Test("a log slower than the wait: the ticket is written at once with the one-line note, the log attached when it comes")
    func slowLog() async throws {
        let rig = rig(wait: 0.1)
        // The log comes only once the ticket exists (or after 10 s, when the write waited for it: a failure).
        let backend = rig.backend
        rig.opcon.state.update {
            $0.logGate = {
                for _ in 0..<1_000 where backend.state.current.created.isEmpty { try? await Task.sleep(nanoseconds: 10_000_000) }
            }
        }
        _ = try await rig.engine.handle(sampleEvent())
        let state = rig.backend.state.current
        #expect(state.created.first?.logExcerpt == "--- no job log excerpt: the job log could not be read from OpCon within 0.1 s ---")
        let created = try #require(state.createdAt.first)
        let delivered = try #require(rig.opcon.state.read { $0.logDeliveredAt })
        #expect(created < delivered, "the write did not wait for the log")
        #expect(state.attachments.count == 1, "the attachment still came")
    }

    @Test("without the attachment a late log is not waited for after the write")
    func lateLogWithoutAttachment() async throws {
        // A run that waited for this log would take 30 s and find it delivered.
        let rig = rig(templateRules: ["includejoblogattachment": false], logDelay: 30, wait: 0.1)
        let outcome = try await rig.engine.handle(sampleEvent())
        #expect(rig.opcon.state.read { $0.logDeliveredAt } == nil, "the run ended without the log")
        #expect(outcome.status == .handled)
        #expect(rig.backend.state.current.created.first?.logExcerpt?.hasPrefix("--- no job log excerpt: ") == true)
        #expect(rig.backend.state.current.attachments.isEmpty)
    }

    @Test("plan (explain) shows the excerpt, and within the same wait the one-line note")
    func plan() async throws {
        let plan = try await rig().engine.plan(sampleEvent())
        #expect(plan.draft.logExcerpt?.hasPrefix("--- job log excerpt (GL.log) ---\nuser=etl password=****") == true)
        let late = try await rig(logDelay: 30, wait: 0.1).engine.plan(sampleEvent())
        #expect(late.draft.logExcerpt == "--- no job log excerpt: the job log could not be read from OpCon within 0.1 s ---")
        let off = try await rig(templateRules: ["includelogexcerpt": false]).engine.plan(sampleEvent())
        #expect(off.draft.logExcerpt == nil)
    }

    @Test("the wait is at most half of the run's remaining budget")
    func waitBoundedByDeadline() async throws {
        let rig = rig(
            templateRules: ["includejoblogattachment": false], logDelay: 30, wait: 15, deadline: Deadline(seconds: 0.4, clock: { 0 }))
        _ = try await rig.engine.handle(sampleEvent())
        #expect(
            rig.backend.state.current.created.first?.logExcerpt
                == "--- no job log excerpt: the job log could not be read from OpCon within 0.2 s ---")
    }

    @Test("a log OpCon cannot give: one line with OpCon's reason, no attachment")
    func failedLog() async throws {
        let rig = rig()
        rig.opcon.state.update { $0.logFailure = .data("OpCon could not list the log files of job number 90412: No job output was found.") }
        _ = try await rig.engine.handle(sampleEvent())
        let note = try #require(rig.backend.state.current.created.first?.logExcerpt)
        #expect(note.hasPrefix("--- no job log excerpt: the job log could not be read from OpCon. "))
        #expect(note.contains("No job output was found"))
        #expect(!note.contains("\n"))
        #expect(rig.backend.state.current.attachments.isEmpty)
    }
}
