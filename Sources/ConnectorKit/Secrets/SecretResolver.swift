import Foundation

/// Turns a secret as written in Connector.config or a template into its value (SPEC §3.3) and registers
/// the value with the masker: `env:NAME`, `file:PATH`, the SMA `EncryptValue` encoding, else plain text.
public struct SecretResolver: Sendable {
    public let masker: SecretMasker
    public let environment: [String: String]
    /// Folder a relative `file:` path is read from (the install directory); nil means the working directory.
    public var baseDirectory: String?

    public init(masker: SecretMasker, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.masker = masker
        self.environment = environment
    }

    /// Resolves `value` for the setting named `field` (e.g. `Connector.config [OPCON API] TOKEN`, or
    /// `templates/basic.json credentials.password`); `field` is used in error messages and warnings.
    public func resolve(_ value: String, field: String) throws(ConnectorError) -> ResolvedSecret {
        let resolved: ResolvedSecret
        if value.hasPrefix("env:") {
            resolved = ResolvedSecret(
                value: try fromEnvironment(String(value.dropFirst(4)), field: field),
                source: .environment)
        } else if value.hasPrefix("file:") {
            resolved = ResolvedSecret(value: try fromFile(String(value.dropFirst(5)), field: field), source: .file)
        } else if let decoded = SMAEncoding.decode(value) {
            resolved = ResolvedSecret(value: decoded, source: .smaEncoded)
            masker.register(value)  // the encoded form is as good as the value to anyone who reads it
        } else if value.isEmpty {
            throw .configuration("\(field) is empty; set it, preferably as env:NAME or file:PATH.")
        } else {
            resolved = ResolvedSecret(
                value: value, source: .plainText,
                warning: "\(field) is written in plain "
                    + "text; store it as env:NAME (an environment variable) or file:PATH (a file only this account "
                    + "can read) instead.")
        }
        masker.register(resolved.value)
        return resolved
    }

    private func fromEnvironment(_ name: String, field: String) throws(ConnectorError) -> String {
        guard !name.isEmpty else {
            throw .configuration("\(field) says env: but names no variable; write it as env:NAME.")
        }
        guard let text = environment[name] else {
            throw .configuration(
                "\(field) reads the environment variable \(name), which is not set; set it "
                    + "for the account the connector runs as.")
        }
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else {
            throw .configuration("\(field) reads the environment variable \(name), which is empty.")
        }
        return value
    }

    private func fromFile(_ rawPath: String, field: String) throws(ConnectorError) -> String {
        guard !rawPath.isEmpty else {
            throw .configuration("\(field) says file: but names no file; write it as file:PATH.")
        }
        let path = absolutePath(rawPath)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .configuration("\(field) reads the secret file \(path), which does not exist.")
        }
        guard !isDirectory.boolValue else {
            throw .configuration("\(field) reads the secret file \(path), which is a directory.")
        }
        if let mode = exposedPermissions(ofSecretFile: path) {
            throw .configuration(
                "\(field) reads the secret file \(path), which other accounts may read (mode "
                    + "\(String(mode, radix: 8))); run `chmod 600 \(path)` so only the connector's account can.")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .configuration(
                "\(field) reads the secret file \(path), which cannot be read; give the "
                    + "connector's account read access to it.")
        }
        let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else {
            throw .configuration("\(field) reads the secret file \(path), which is empty.")
        }
        return value
    }

    private func absolutePath(_ path: String) -> String {
        guard let baseDirectory, !path.hasPrefix("/"), !isWindowsAbsolute(path) else { return path }
        return URL(fileURLWithPath: baseDirectory, isDirectory: true).appendingPathComponent(path).path
    }

    /// `C:\…`, `C:/…` or `\\server\…`.
    private func isWindowsAbsolute(_ path: String) -> Bool {
        let characters = Array(path)
        if path.hasPrefix("\\\\") { return true }
        return characters.count >= 3 && characters[0].isLetter && characters[1] == ":"
            && (characters[2] == "\\" || characters[2] == "/")
    }
}

/// A resolved secret and how it was written.
public struct ResolvedSecret: Sendable, Equatable {
    public enum Source: Sendable, Equatable { case environment, file, smaEncoded, plainText }
    public var value: String
    public var source: Source
    /// Set for plain text: the warning to log on every run.
    public var warning: String?

    public init(value: String, source: Source, warning: String? = nil) {
        self.value = value
        self.source = source
        self.warning = warning
    }
}
