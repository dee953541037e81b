#if canImport(Simulators)
    import ConnectorKit
    import Foundation

    /// Runs the whole story end to end on embedded simulators: no setup, no network beyond loopback.
    struct DemoCommand: ConnectorCommand {
        static let signature = CommandSignature(
            name: "demo", summary: "run the whole story on embedded simulators and narrate it (exit 0 only if every step held)")

        func run(_ context: CommandContext) async throws -> ExitCode {
            guard context.words.isEmpty else {
                throw ConnectorError.usage("connector demo takes no arguments, found \"\(context.words.joined(separator: " "))\".")
            }
            let story: DemoStory
            do {
                story = try DemoStory(registry: context.registry, console: context.console)
            } catch {
                throw ConnectorError.unavailable("The simulators could not start: \(error).")
            }
            return await story.tell() ? .ok : .software
        }
    }
#endif
