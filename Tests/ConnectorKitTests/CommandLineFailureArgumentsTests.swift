import Foundation
import Testing

@testable import ConnectorKit

@Suite("CommandLine: Notification Manager flags")
struct CommandLineFailureArgumentsTests {
    static let failedAt = Date(timeIntervalSince1970: 1_795_000_000)

    @Test("the documented Run Command line, short flags")
    func shortFlags() throws {
        let words = [
            "-a", "FINAPP01", "-s", "FINANCE", "-jn", "GL_LOAD", "-e", "0000000005", "-sd", "2026-11-23",
            "-si", "16", "-sn", "1", "-t", "basic.json",
        ]
        #expect(
            try Self.event(words)
                == FailureEvent(
                    agent: "FINAPP01", schedule: "FINANCE", job: "GL_LOAD", termination: "0000000005", scheduleDate: "2026-11-23",
                    scheduleID: 16, scheduleInstance: 1, template: "basic.json", failedAt: Self.failedAt))
    }

    @Test("long flags, in another order, give the same event")
    func longFlags() throws {
        let short = [
            "-a", "N/A", "-s", "S", "-jn", "J", "-e", "-1", "-sd", "2026-11-23", "-si", "3", "-sn", "2",
            "-t", "t.json",
        ]
        let long = [
            "--template", "t.json", "--schedule-instance", "2", "--schedule-id", "3",
            "--schedule-date", "2026-11-23", "--termination", "-1", "--job", "J", "--schedule", "S",
            "--agent", "N/A",
        ]
        #expect(try Self.event(long) == Self.event(short))
        #expect(try Self.event(long).termination == "-1")
    }

    @Test("unquoted multi-word values are joined up to the next known flag")
    func splitValues() throws {
        let words = [
            "-s", "FINANCE", "DAILY", "-jn", "GL", "LOAD", "01", "-e", "Exit", "Code", "2", "-a", "FIN",
            "APP", "-sd", "2026-11-23", "-si", "16", "-sn", "1", "-t", "my", "template.json",
        ]
        let event = try Self.event(words)
        #expect(event.schedule == "FINANCE DAILY")
        #expect(event.job == "GL LOAD 01")
        #expect(event.termination == "Exit Code 2")
        #expect(event.agent == "FIN APP")
        #expect(event.template == "my template.json")
        #expect(event.dailyJobID == "20261123|16|1|GL LOAD 01")
    }

    @Test("a word like -1 or -x that is not a known flag is part of a value")
    func dashWordsInValues() throws {
        let event = try Self.event(Self.base(replacing: "-e", with: ["-1"]))
        #expect(event.termination == "-1")
        let job = try Self.event(Self.base(replacing: "-jn", with: ["COPY", "-x", "--force"]))
        #expect(job.job == "COPY -x --force")
    }

    @Test("-i with -t asks to show an incident; the failure flags are then optional")
    func showIncident() throws {
        let parsed = try FailureArguments.parse(["--incident", "4507", "-t", "summit.json"], failedAt: Self.failedAt)
        #expect(parsed.request == .showIncident(number: "4507", template: "summit.json"))
        let short = try FailureArguments.parse(["-t", "summit.json", "-i", "4507"], failedAt: Self.failedAt)
        #expect(short.request == parsed.request)
    }

    @Test("--tlsType accepts NONE or TLS names, and --home is kept")
    func compatibilityFlags() throws {
        let parsed = try FailureArguments.parse(
            Self.base() + [
                "--tlsType", "TLSv1,", "tlsv1.1,TLSv1.2,TLSv1.3",
                "--home", "/opt/my connector",
            ], failedAt: Self.failedAt)
        #expect(parsed.tlsProtocols == ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"])
        #expect(parsed.home == "/opt/my connector")
        let none = try FailureArguments.parse(Self.base() + ["--tlsType", "none"], failedAt: Self.failedAt)
        #expect(none.tlsProtocols == ["NONE"])
        #expect(try FailureArguments.parse(Self.base(), failedAt: Self.failedAt).tlsProtocols == nil)
        // An unquoted list split by spaces on the Run Command line.
        let spaced = try FailureArguments.parse(Self.base() + ["--tlsType", "TLSv1.2", "TLSv1.3"], failedAt: Self.failedAt)
        #expect(spaced.tlsProtocols == ["TLSv1.2", "TLSv1.3"])
    }

    @Test(
        "every schedule-date format normalises to yyyy-MM-dd",
        arguments: [
            "2026-11-03", "20261103", "11/03/2026", "03-Nov-2026", "3-NOV-2026", "03-nov-2026",
        ])
    func dateFormats(text: String) throws {
        #expect(try Self.event(Self.base(replacing: "-sd", with: [text])).scheduleDate == "2026-11-03")
    }

    // MARK: - Usage errors (exit 64, naming the flag by both names)

    @Test(
        "a missing required flag is named",
        arguments: [
            ("-a", "--agent"), ("-s", "--schedule"), ("-jn", "--job"), ("-e", "--termination"),
            ("-sd", "--schedule-date"), ("-si", "--schedule-id"), ("-sn", "--schedule-instance"), ("-t", "--template"),
        ])
    func missingFlag(short: String, long: String) {
        let error = Self.usageError(Self.base(removing: short))
        #expect(error?.message.contains("\(short) (\(long))") == true, "\(String(describing: error))")
    }

    @Test("-i without -t names -t")
    func incidentWithoutTemplate() {
        let error = Self.usageError(["-i", "4507"])
        #expect(error?.message.contains("-t (--template)") == true)
        #expect(error?.message.contains("-i (--incident)") == true)
    }

    @Test("a flag with no value is named")
    func flagWithoutValue() {
        let error = Self.usageError(Self.base(replacing: "-s", with: []))
        #expect(error?.message.contains("-s (--schedule)") == true)
        #expect(error?.message.contains("needs a value") == true)
        #expect(Self.usageError(Self.base() + ["--tlsType"])?.message.contains("--tlsType") == true)
    }

    @Test("a flag given twice is named, whichever name was used")
    func flagTwice() {
        let error = Self.usageError(Self.base() + ["--job", "OTHER"])
        #expect(error?.message.contains("-jn (--job)") == true)
        #expect(error?.message.contains("twice") == true)
    }

    @Test("an unknown flag or a stray word at the start is refused")
    func unknownStart() {
        #expect(Self.usageError(["-x"] + Self.base())?.message.contains("-x") == true)
        #expect(Self.usageError(["--verbose"] + Self.base())?.message.contains("--verbose") == true)
        #expect(Self.usageError(["stray"] + Self.base())?.message.contains("stray") == true)
    }

    @Test("a misspelt long option is reported with a guess, not swallowed into the previous value")
    func misspeltLongOption() {
        let error = Self.usageError(Self.base() + ["--hom", "/opt/connector"])
        #expect(error?.message.hasPrefix("unknown option --hom. Did you mean --home?") == true, "\(String(describing: error))")
        #expect(
            Self.usageError(["-a", "X", "--schedul", "FINANCE"] + Self.base().dropFirst(2))?.message
                .contains("Did you mean --schedule?") == true)
    }

    @Test("a long flag may carry its value after =")
    func inlineValue() throws {
        let parsed = try FailureArguments.parse(Self.base() + ["--home=/opt/connector"], failedAt: Self.failedAt)
        #expect(parsed.home == "/opt/connector")
    }

    @Test(
        "-si and -sn must be whole numbers",
        arguments: [
            ("-si", "--schedule-id", "abc"), ("-si", "--schedule-id", "1.5"), ("-sn", "--schedule-instance", "-1"),
            ("-sn", "--schedule-instance", "one two"),
        ])
    func nonInteger(short: String, long: String, value: String) {
        let words = value.split(separator: " ").map(String.init)
        let error = Self.usageError(Self.base(replacing: short, with: words))
        #expect(error?.message.contains("\(short) (\(long))") == true)
        #expect(error?.message.contains(value) == true)
    }

    @Test(
        "an unparseable or impossible date is refused",
        arguments: [
            "2026-02-30", "2026-13-01", "20261332", "31/12/2026", "03-Foo-2026", "yesterday", "2026-11-3x",
        ])
    func badDate(text: String) {
        let error = Self.usageError(Self.base(replacing: "-sd", with: [text]))
        #expect(error?.message.contains("-sd (--schedule-date)") == true)
        #expect(error?.message.contains(text) == true)
    }

    @Test("--tlsType refuses names it does not know")
    func badTLS() {
        let error = Self.usageError(Self.base() + ["--tlsType", "SSLv3"])
        #expect(error?.message.contains("--tlsType") == true)
        #expect(error?.message.contains("SSLv3") == true)
        #expect(Self.usageError(Self.base() + ["--tlsType", "NONE,TLSv1.2"]) != nil)
    }

    // MARK: - Helpers

    /// A complete failure command line.
    static func base() -> [String] {
        [
            "-a", "AGENT", "-s", "SCHED", "-jn", "JOB", "-e", "5", "-sd", "2026-11-23", "-si", "16", "-sn", "1",
            "-t", "basic.json",
        ]
    }

    /// `base()` with `flag`'s value replaced by `words`.
    static func base(replacing flag: String, with words: [String]) -> [String] {
        var result = base()
        let index = result.firstIndex(of: flag)!
        result.replaceSubrange(index + 1...index + 1, with: words)
        return result
    }

    /// `base()` without `flag` and its value.
    static func base(removing flag: String) -> [String] {
        var result = base()
        let index = result.firstIndex(of: flag)!
        result.removeSubrange(index...index + 1)
        return result
    }

    static func event(_ words: [String]) throws -> FailureEvent {
        let parsed = try FailureArguments.parse(words, failedAt: failedAt)
        guard case .handleFailure(let event) = parsed.request else {
            Issue.record("expected a failure, got \(parsed.request)")
            throw ConnectorError.internal("not a failure")
        }
        return event
    }

    /// The usage error `words` produce; records an issue when there is none or the exit code is not 64.
    static func usageError(_ words: [String]) -> ConnectorError? {
        do {
            let parsed = try FailureArguments.parse(words, failedAt: failedAt)
            Issue.record("expected a usage error, parsed \(parsed)")
            return nil
        } catch {
            #expect(error.exitCode == .usage)
            return error
        }
    }
}
