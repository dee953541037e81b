import ConnectorKit
import Foundation

/// Prints a value in the encoding the SMA `EncryptValue` tool produces (SPEC §3.3). It is an encoding, not
/// encryption: prefer `env:` or `file:` secrets.
struct EncryptCommand: ConnectorCommand {
    static let signature = CommandSignature(
        name: "encrypt", summary: "print VALUE in the SMA EncryptValue encoding (reversible; prefer env: or file:)",
        options: [.value("-v", "--value", valueName: "VALUE", required: true, help: "the value to encode")])

    func run(_ context: CommandContext) async throws -> ExitCode {
        context.console.print(SMAEncoding.encode(try context.options.required("-v")))
        return .ok
    }
}
