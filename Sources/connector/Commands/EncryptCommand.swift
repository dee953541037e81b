import ConnectorKit
import Foundation

/// Prints a value in the encoding the SMA `EncryptValue` tool produces (SPEC §3.3). It is an encoding, not
/// encryption: prefer `env:` or `file:` secrets.
struct EncryptCommand: ConnectorCommand {
    static let name = "encrypt"
    static let summary = "print VALUE in the SMA EncryptValue encoding (reversible; prefer env: or file:)"
    static let usage = "  connector encrypt -v VALUE     (unquoted words after -v are one value, joined with single spaces)"

    func run(_ context: CommandContext) async throws -> ExitCode {
        let options = try OptionScanner(command: "connector encrypt", options: [OptionSpec("-v", "--value", takesValue: true)]).scan(context.words)
        context.console.print(SMAEncoding.encode(try options.required("-v")))
        return .ok
    }
}
