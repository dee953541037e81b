import Foundation
import Testing

@testable import ConnectorKit

@Suite("CommandLine: the option parser")
struct CommandLineOptionParserTests {
    static let sync = OptionParser(
        CommandSignature(
            name: "sync", summary: "one pass",
            options: [
                .template("the template"),
                .flag("--once", help: "one pass"),
                .value("--interval", valueName: "SECONDS", help: "a pass every SECONDS"),
                .home,
            ]))
    static let encrypt = OptionParser(
        CommandSignature(
            name: "encrypt", summary: "encode",
            options: [
                .value("-v", "--value", valueName: "VALUE", help: "the value")
            ]))
    static let outbox = OptionParser(
        CommandSignature(
            name: "outbox", summary: "the outbox", options: [.home, .json("a document")],
            argument: .init(name: "action", choices: ["list", "flush"], help: "what to do")))
    static let demo = OptionParser(CommandSignature(name: "demo", summary: "the story"))

    @Test("values, flags and typed reads through any name")
    func typedValues() throws {
        let options = try Self.sync.parse(["--template", "snow.json", "--once", "--interval=30", "--home", "/opt/c"])
        #expect(options.string("-t") == "snow.json")
        #expect(try options.required("--template") == "snow.json")
        #expect(options.has("--once"))
        #expect(try options.seconds("--interval") == 30)
        #expect(try options.integer("--interval", in: 1...3600) == 30)
        #expect(options.string("--home") == "/opt/c")
        #expect(options.home == "/opt/c")
        #expect(options.arguments.isEmpty)
    }

    @Test("absent options read as nil")
    func absent() throws {
        let options = try Self.sync.parse(["-t", "x.json"])
        #expect(try options.seconds("--interval") == nil)
        #expect(options.home == nil)
        #expect(!options.has("--once"))
    }

    @Test("a value may start with a dash unless it is a declared option")
    func dashValue() throws {
        #expect(try Self.encrypt.parse(["-v", "-secret-"]).string("--value") == "-secret-")
        #expect(Self.usageError(Self.sync, ["-t", "--once"]) == "option -t (--template) needs a value.")
    }

    @Test("the argument of a command that has one, and after --")
    func argument() throws {
        let options = try Self.outbox.parse(["list", "--home", "/h", "--json"])
        #expect(options.arguments == ["list"])
        #expect(options.home == "/h")
        // A value is one word there: the next plain word is the argument.
        #expect(try Self.outbox.parse(["--home", "/h", "flush"]).arguments == ["flush"])
        #expect(try Self.outbox.parse(["--", "list"]).arguments == ["list"])
        #expect(Self.usageError(Self.outbox, ["lsit"]) == "give one action, list or flush (found \"lsit\"). Did you mean list?")
        #expect(Self.usageError(Self.outbox, []) == "give one action, list or flush.")
        #expect(Self.usageError(Self.outbox, ["list", "flush"])?.contains("give one action") == true)
    }

    @Test(
        "usage errors name the option",
        arguments: [
            (["--bogus"], "unknown option --bogus. See connector sync --help."),
            (["-t"], "option -t (--template) needs a value."),
            (["-t", "a", "--template", "b"], "option -t (--template) is given twice; give it once."),
            (["-t", "a", "--once", "--once"], "option --once is given twice; give it once."),
            (["-t", "a", "--once=yes"], "option --once takes no value."),
            (["-t", "a", "--interval="], "option --interval needs a value."),
            (["-t", "a", "--once", "stray"], "unexpected argument \"stray\"; see connector sync --help."),
            (["--once"], "option -t (--template) is required."),
        ])
    func errors(words: [String], expected: String) {
        #expect(Self.usageError(Self.sync, words) == expected)
    }

    @Test("a command without options or argument refuses any word")
    func noWords() {
        #expect(Self.usageError(Self.demo, ["x"]) == "unexpected argument \"x\"; see connector demo --help.")
        #expect(Self.usageError(Self.demo, ["--home", "/h"]) == "unknown option --home. See connector demo --help.")
    }

    @Test("typed reads refuse values outside their range")
    func typedReads() throws {
        let interval = try Self.sync.parse(["-t", "a", "--interval", "soon"])
        #expect(
            Self.usageError { () throws(ConnectorError) in _ = try interval.seconds("--interval") }?
                .contains("--interval must be a number of seconds") == true)
        let negative = try Self.sync.parse(["-t", "a", "--interval", "-5"])
        #expect(Self.usageError { () throws(ConnectorError) in _ = try negative.seconds("--interval") } != nil)
        let port = try OptionParser(
            CommandSignature(
                name: "simulate", summary: "",
                options: [
                    .value("--port", valueName: "N", help: "the port")
                ])
        ).parse(["--port", "70000"])
        #expect(
            Self.usageError { () throws(ConnectorError) in _ = try port.integer("--port", in: 0...65535) }?
                .contains("--port must be a whole number from 0 to 65535") == true)
    }

    @Test("without an argument, the words after an option up to the next option are its value, as on the failure line")
    func multiWordValues() throws {
        #expect(try Self.encrypt.parse(["-v", "two", "words"]).string("-v") == "two words")
        #expect(try Self.encrypt.parse(["--value=two", "words", "-1"]).string("-v") == "two words -1")
        let options = try Self.sync.parse(["-t", "my", "template.json", "--once"])
        #expect(options.string("-t") == "my template.json")
        #expect(options.has("--once"))
    }

    @Test("an unknown option gets a guess when one is close; messages leave the command's name to the command line")
    func unknownOptionGuess() {
        #expect(
            Self.usageError(Self.sync, ["-t", "x.json", "--hom", "/opt/c"])
                == "unknown option --hom. Did you mean --home? See connector sync --help.")
        #expect(Self.usageError(Self.sync, ["--intervall", "5"])?.contains("Did you mean --interval?") == true)
        #expect(Self.usageError(Self.sync, ["--zzz"])?.contains("Did you mean") == false)
    }

    @Test("--home before the command counts as one of its options: refused by a command without it, and not twice")
    func leadingHome() throws {
        #expect(try Self.sync.parse(["-t", "x"], leadingHome: "/before").home == "/before")
        #expect(
            Self.usageError(Self.sync, ["-t", "x", "--home", "/after"], leadingHome: "/before")
                == "option --home is given twice (before and after the command); give it once.")
        #expect(
            Self.usageError(Self.encrypt, ["-v", "x"], leadingHome: "/before")
                == "unknown option --home. See connector encrypt --help.")
    }

    @Test("on the Notification Manager line only a declared flag ends a value")
    func notificationManagerLine() throws {
        let parser = OptionParser(FailureArguments.signature(name: "run", summary: "handle a failure"))
        let options = try parser.parse(["-jn", "COPY", "-x", "--force", "--", "-e", "-1", "-t", "a=b", "-x=1"])
        #expect(options.string("-jn") == "COPY -x --force --")
        #expect(options.string("-e") == "-1")
        #expect(options.string("-t") == "a=b -x=1")
        // Required flags are the reader's to check there (-i needs only -t).
        #expect(try parser.parse(["-i", "4507", "-t", "summit.json"]).string("-i") == "4507")
    }

    // MARK: - Helpers

    /// The message of the usage error parsing `words` gives; records an issue when there is none.
    static func usageError(_ parser: OptionParser, _ words: [String], leadingHome: String? = nil) -> String? {
        usageError { () throws(ConnectorError) in _ = try parser.parse(words, leadingHome: leadingHome) }
    }

    /// The message of the usage error `body` throws; records an issue when it throws none or another kind.
    static func usageError(_ body: () throws(ConnectorError) -> Void) -> String? {
        do {
            try body()
            Issue.record("expected a usage error")
            return nil
        } catch {
            #expect(error.exitCode == .usage)
            return error.message
        }
    }
}
