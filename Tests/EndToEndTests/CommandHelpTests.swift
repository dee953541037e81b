import ConnectorKit
import Foundation
import Testing

@testable import connector

/// Help is printed from the commands' declarations; these tests hold the printed text, from the real executable,
/// against those declarations, so neither can drift from the other.
@Suite("Help printed from the declarations")
struct CommandHelpTests {
    static let names = CommandRouter.commands.map { $0.name }

    @Test(
        "connector <command> --help lists every option the command declares, and --help, and nothing else",
        arguments: names)
    func everyOption(name: String) async throws {
        let command = try #require(CommandRouter.command(named: name))
        let run = try await ConnectorProcess.run([name, "--help"], home: nil)
        #expect(run.exitCode == 0 && run.stderr.isEmpty, "\(run)")
        let declared = (command.signature.options + [CommandHelp.helpOption]).map(CommandHelp.label(of:))
        #expect(Self.listedOptions(run.stdout) == declared, "\(run)")
        #expect(run.stdout.hasPrefix("connector \(name): \(command.signature.summary)\n"))
        // The usage line names each option once, in the declared order.
        let usage = run.stdout.components(separatedBy: "Usage:\n")[1].components(separatedBy: "\n\n")[0]
        let usageNames = usage.split(whereSeparator: \.isWhitespace)
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "[]")) }
            .filter { $0.hasPrefix("-") }
        #expect(usageNames == command.signature.options.map { $0.names[0] }, "\(usage)")
        let viaHelp = try await ConnectorProcess.run(["help", name], home: nil)
        #expect(viaHelp.stdout == run.stdout)
    }

    @Test("connector --help lists every command with its summary, and promises --home and --json only where declared")
    func overview() async throws {
        let run = try await ConnectorProcess.run(["--help"], home: nil)
        #expect(run.exitCode == 0, "\(run)")
        for command in CommandRouter.commands {
            #expect(
                run.stdout.contains(
                    "  \(command.name.padding(toLength: 11, withPad: " ", startingAt: 0))"
                        + String(command.signature.summary.prefix(30))), "\(command.name)")
        }
        let flat = run.stdout.replacingOccurrences(of: "\n", with: " ")
        let homeSentence = try #require(
            flat.components(separatedBy: "--home DIR (the install directory)").dropFirst().first?
                .components(separatedBy: ".").first)
        for command in CommandRouter.commands {
            let promised =
                homeSentence.contains(" \(command.name),") || homeSentence.contains(" \(command.name) ")
                || homeSentence.hasSuffix(" \(command.name)")
            #expect(promised == command.signature.acceptsHome, "--home for \(command.name): \(homeSentence)")
        }
        let jsonSentence = try #require(flat.components(separatedBy: "accept --json").first?.components(separatedBy: ". ").last)
        for command in CommandRouter.commands {
            let promised = jsonSentence.split(whereSeparator: { $0 == " " || $0 == "," }).contains { $0 == command.name }
            #expect(promised == (command.signature.option(named: "--json") != nil), "--json for \(command.name): \(jsonSentence)")
        }
    }

    @Test("--home before a command that has no install directory is refused, as after it")
    func homeOnlyWhereDeclared() async throws {
        let before = try await ConnectorProcess.run(["--home", "/tmp", "encrypt", "-v", "x"], home: nil)
        #expect(before.exitCode == 64)
        #expect(before.stderr == "connector encrypt: unknown option --home. See connector encrypt --help.\n", "\(before)")
        let unknown = try await ConnectorProcess.run(["help", "chek"], home: nil)
        #expect(unknown.exitCode == 64 && unknown.stderr.contains("Did you mean check?"), "\(unknown)")
    }

    /// The labels of the Options section: `  -t, --template TEMPLATE  help…`.
    static func listedOptions(_ help: String) -> [String] {
        guard let section = help.components(separatedBy: "Options:\n").dropFirst().first else { return [] }
        return section.split(separator: "\n", omittingEmptySubsequences: false)
            .prefix { !$0.isEmpty }
            .filter { $0.hasPrefix("  -") }
            .map { String($0.dropFirst(2).components(separatedBy: "  ")[0]) }
    }
}
