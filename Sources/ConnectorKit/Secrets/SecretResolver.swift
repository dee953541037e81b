import Foundation

/// Turns a secret as written in Connector.config or a template into its value (SPEC §3.3) and registers
/// the value with the masker. (Implementation: see the Secrets issue.)
public struct SecretResolver: Sendable {
    public let masker: SecretMasker
    public let environment: [String: String]

    public init(masker: SecretMasker, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.masker = masker
        self.environment = environment
    }

    /// Resolves `value` for the setting named `field` (e.g. `Connector.config [OPCON API] TOKEN`, or
    /// `templates/basic.json credentials.password`); `field` is used in error messages and warnings.
    public func resolve(_ value: String, field: String) throws(ConnectorError) -> ResolvedSecret {
        fatalError("not built yet")
    }
}

/// A resolved secret and how it was written.
public struct ResolvedSecret: Sendable, Equatable {
    public enum Source: Sendable, Equatable { case environment, file, smaEncoded, plainText }
    public var value: String
    public var source: Source
    /// Set for plain text: the warning to log on every run.
    public var warning: String?
}
