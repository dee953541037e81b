import Foundation
import Testing

@testable import ConnectorKit

@Suite("CommandLine: help printed from the declarations")
struct CommandLineHelpTests {
    static let sync = CommandSignature(
        name: "sync", summary: "apply ticket states",
        options: [
            .template("the template"),
            .flag("--once", help: "one pass"),
            .value(
                "--interval", valueName: "SECONDS", help: "a pass every SECONDS until stopped, " + String(repeating: "and on ", count: 20)),
            .home,
            .json("one document"),
        ])

    @Test("the usage line shows required options bare and the others in brackets, each with its value's name")
    func usageLine() {
        #expect(
            CommandHelp.usage(of: Self.sync, indent: 0, hanging: 0)
                == "connector sync -t TEMPLATE [--once] [--interval SECONDS] [--home DIR] [--json]")
        let run = FailureArguments.signature(name: "run", summary: "handle", isDefault: true)
        let line = CommandHelp.usage(of: run, indent: 0, hanging: 0).replacingOccurrences(of: "\n", with: " ")
        #expect(line.hasPrefix("connector [run] -a AGENT -s SCHEDULE -jn JOB -e TERMINATION -sd DATE -si ID -sn INSTANCE -t TEMPLATE"))
        #expect(line.hasSuffix("[-i NUMBER] [--tlsType PROTOCOLS] [--home DIR]"))
    }

    @Test("help lists every declared option with its names, value and help, then --help, and nothing else")
    func everyOption() {
        let text = CommandHelp.text(for: Self.sync)
        #expect(text.hasPrefix("connector sync: apply ticket states\n"))
        #expect(
            Self.listedOptions(text) == [
                "-t, --template TEMPLATE", "--once", "--interval SECONDS", "--home DIR", "--json",
                "-h, --help",
            ])
        #expect(text.contains("  --json                   one document"))
    }

    @Test("no line is wider than the help's width, and a long help goes on under its option")
    func wrapped() {
        let text = CommandHelp.text(for: Self.sync)
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= CommandHelp.width }, "\(text)")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let interval = lines.firstIndex { $0.hasPrefix("  --interval SECONDS") }!
        #expect(lines[interval + 1].hasPrefix(String(repeating: " ", count: 27)) && lines[interval + 1].contains("and on"))
    }

    @Test("a command with an argument shows its choices; one without values says nothing of several words")
    func argumentAndNotes() {
        let outbox = CommandSignature(
            name: "outbox", summary: "the outbox", options: [.home],
            argument: .init(name: "action", choices: ["list", "flush"], help: "what to do"))
        let text = CommandHelp.text(for: outbox)
        #expect(text.contains("connector outbox list|flush [--home DIR]"))
        #expect(text.contains("Arguments:\n  list|flush  what to do"))
        #expect(!text.contains("needs no quotes"))
        let demo = CommandHelp.text(for: CommandSignature(name: "demo", summary: "the story"))
        #expect(Self.listedOptions(demo) == ["-h, --help"])
        #expect(!demo.contains("needs no quotes"))
    }

    /// The labels of the Options section: every line indented by two, where the label is followed by two spaces or
    /// ends the line.
    static func listedOptions(_ help: String) -> [String] {
        guard let section = help.components(separatedBy: "Options:\n").dropFirst().first else { return [] }
        return section.split(separator: "\n", omittingEmptySubsequences: false)
            .prefix { !$0.isEmpty }
            .filter { $0.hasPrefix("  -") }
            .map { line in String(line.dropFirst(2).components(separatedBy: "  ")[0]) }
    }
}
