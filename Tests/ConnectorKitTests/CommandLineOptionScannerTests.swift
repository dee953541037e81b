import Foundation
import Testing
@testable import ConnectorKit

@Suite("CommandLine: option scanner")
struct CommandLineOptionScannerTests {
    static let sync = OptionScanner(command: "connector sync", options: [
        OptionSpec("-t", "--template", takesValue: true),
        OptionSpec("--once", takesValue: false),
        OptionSpec("--interval", takesValue: true),
        OptionSpec("--home", takesValue: true),
        OptionSpec("-h", "--help", takesValue: false),
    ])

    @Test("values, flags and typed reads through any name")
    func typedValues() throws {
        let options = try Self.sync.scan(["--template", "snow.json", "--once", "--interval=30", "--home", "/opt/c"])
        #expect(options.string("-t") == "snow.json")
        #expect(try options.required("--template") == "snow.json")
        #expect(options.has("--once"))
        #expect(!options.has("--help"))
        #expect(try options.seconds("--interval") == 30)
        #expect(try options.integer("--interval", in: 1...3600) == 30)
        #expect(options.string("--home") == "/opt/c")
        #expect(options.positionals.isEmpty)
    }

    @Test("absent options read as nil")
    func absent() throws {
        let options = try Self.sync.scan(["-t", "x.json"])
        #expect(try options.seconds("--interval") == nil)
        #expect(options.string("--home") == nil)
        #expect(!options.has("--once"))
    }

    @Test("a value may start with a dash unless it is a declared option")
    func dashValue() throws {
        let encrypt = OptionScanner(command: "connector encrypt", options: [OptionSpec("-v", "--value", takesValue: true)])
        #expect(try encrypt.scan(["-v", "-secret-"]).string("--value") == "-secret-")
        #expect(Self.usageError(Self.sync, ["-t", "--once"])?.message.contains("-t (--template) needs a value") == true)
    }

    @Test("positionals when allowed, and after --")
    func positionals() throws {
        let outbox = OptionScanner(command: "connector outbox", options: [OptionSpec("--home", takesValue: true)],
                                   allowsPositionals: true)
        let options = try outbox.scan(["list", "--home", "/h", "--", "--not-an-option"])
        #expect(options.positionals == ["list", "--not-an-option"])
        #expect(options.string("--home") == "/h")
    }

    @Test("usage errors name the option and the command", arguments: [
        (["--bogus"], "unknown option --bogus"),
        (["-t"], "-t (--template) needs a value"),
        (["-t", "a", "--template", "b"], "-t (--template) is given twice"),
        (["--once=yes"], "--once takes no value"),
        (["--interval="], "--interval needs a value"),
        (["stray"], "unexpected argument \"stray\""),
        (["--interval", "soon"], "--interval must be a number of seconds"),
        (["--interval", "-5"], "--interval must be a number of seconds"),
    ])
    func errors(words: [String], expected: String) {
        let error = Self.usageError(Self.sync, words) { options throws(ConnectorError) in
            _ = try options.seconds("--interval")
        }
        #expect(error?.message.contains(expected) == true, "\(String(describing: error))")
    }

    @Test("a required option that is absent is named")
    func requiredMissing() {
        let error = Self.usageError(Self.sync, ["--once"]) { options throws(ConnectorError) in
            _ = try options.required("-t")
        }
        #expect(error?.message.contains("-t (--template) is required") == true)
    }

    @Test("integers outside their range are refused")
    func integerRange() {
        let simulate = OptionScanner(command: "connector simulate", options: [OptionSpec("--port", takesValue: true)])
        let error = Self.usageError(simulate, ["--port", "70000"]) { options throws(ConnectorError) in
            _ = try options.integer("--port", in: 0...65535)
        }
        #expect(error?.message.contains("--port must be a whole number from 0 to 65535") == true)
    }

    @Test("without positionals, the words after an option up to the next option are its value, as on the failure line")
    func multiWordValues() throws {
        let encrypt = OptionScanner(command: "connector encrypt", options: [OptionSpec("-v", "--value", takesValue: true)])
        #expect(try encrypt.scan(["-v", "two", "words"]).string("-v") == "two words")
        #expect(try encrypt.scan(["--value=two", "words", "-1"]).string("-v") == "two words -1")
        let options = try Self.sync.scan(["-t", "my", "template.json", "--once"])
        #expect(options.string("-t") == "my template.json")
        #expect(options.has("--once"))
        #expect(Self.usageError(Self.sync, ["--once", "stray"])?.message.contains("unexpected argument \"stray\"") == true)
    }

    @Test("an unknown option gets a guess; messages leave the command's name to the command line")
    func unknownOptionGuess() {
        let error = Self.usageError(Self.sync, ["-t", "x.json", "--hom", "/opt/c"])
        #expect(error?.message == "unknown option --hom. Did you mean --home? See connector sync --help.")
        #expect(Self.usageError(Self.sync, ["--intervall", "5"])?.message.contains("Did you mean --interval?") == true)
        #expect(Self.usageError(Self.sync, ["--zzz"])?.message.contains("Did you mean") == false)
    }

    /// The usage error from scanning `words` and then running `read`; records an issue when there is none.
    static func usageError(_ scanner: OptionScanner, _ words: [String],
                           read: (ScannedOptions) throws(ConnectorError) -> Void = { _ in }) -> ConnectorError? {
        do {
            try read(try scanner.scan(words))
            Issue.record("expected a usage error for \(words)")
            return nil
        } catch {
            #expect(error.exitCode == .usage)
            return error
        }
    }
}
