import Testing

@testable import ConnectorKit

@Suite("CommandLine: did you mean")
struct CommandLineClosestNameTests {
    static let commands = ["run", "explain", "check", "sync", "outbox", "templates", "encrypt", "demo", "simulate"]

    @Test(
        "a typo, a swap, a missing or extra letter, or a prefix finds the name",
        arguments: [
            ("chek", "check"), ("tempaltes", "templates"), ("synch", "sync"), ("simulat", "simulate"), ("outbx", "outbox"),
            ("Check", "check"), ("temp", "templates"),
        ])
    func guesses(typed: String, expected: String) {
        #expect(ClosestName.to(typed, among: Self.commands) == expected)
    }

    @Test("nothing close enough gives no guess", arguments: ["frobnicate", "x", "status", ""])
    func noGuess(typed: String) {
        #expect(ClosestName.to(typed, among: Self.commands) == nil)
    }

    @Test("options are matched with their dashes")
    func options() {
        #expect(ClosestName.to("--hom", among: ["-t", "--template", "--home", "--once"]) == "--home")
        #expect(ClosestName.to("--tempalte", among: ["-t", "--template", "--home"]) == "--template")
        #expect(ClosestName.hint(for: "--zzz", among: ["--home"]) == "")
    }
}
