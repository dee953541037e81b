import Foundation
import Testing

@testable import ConnectorKit

@Suite("Secrets: resolver")
struct SecretResolverTests {
    static let field = "Connector.config [OPCON API] TOKEN"

    @Test("env:NAME reads the variable, trimmed, and registers it with the masker")
    func environment() throws {
        let masker = SecretMasker()
        let resolver = SecretResolver(masker: masker, environment: ["OPCON_TOKEN": " tok-from-env-123\n"])
        let secret = try resolver.resolve("env:OPCON_TOKEN", field: Self.field)
        #expect(secret == ResolvedSecret(value: "tok-from-env-123", source: .environment))
        #expect(masker.mask("Token tok-from-env-123") == "Token ****")
    }

    @Test("a missing variable names the field and the variable")
    func missingVariable() {
        let resolver = SecretResolver(masker: SecretMasker(), environment: [:])
        let error = thrownError { try resolver.resolve("env:OPCON_TOKEN", field: Self.field) }
        #expect(error?.exitCode == .configuration)
        #expect(error?.message.contains(Self.field) == true)
        #expect(error?.message.contains("OPCON_TOKEN") == true)
        #expect(thrownError { try resolver.resolve("env:", field: Self.field) }?.exitCode == .configuration)
    }

    @Test("file:PATH reads a private file, trimmed")
    func privateFile() throws {
        let path = try Self.secretFile("  file-secret-456 \n", mode: 0o600)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let masker = SecretMasker()
        let secret = try SecretResolver(masker: masker, environment: [:]).resolve("file:\(path)", field: Self.field)
        #expect(secret == ResolvedSecret(value: "file-secret-456", source: .file))
        #expect(masker.mask("x file-secret-456 y") == "x **** y")
    }

    #if !os(Windows)
        @Test("a group-readable secret file is refused with a chmod 600 hint, and its content stays out of the message")
        func groupReadableFile() throws {
            let path = try Self.secretFile("file-secret-789", mode: 0o640)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let error = thrownError {
                try SecretResolver(masker: SecretMasker(), environment: [:]).resolve("file:\(path)", field: Self.field)
            }
            #expect(error?.exitCode == .configuration)
            #expect(error?.message.contains(Self.field) == true)
            #expect(error?.message.contains(path) == true)
            #expect(error?.message.contains("chmod 600") == true)
            #expect(error?.message.contains("640") == true)
            #expect(error?.message.contains("file-secret-789") == false)
        }
    #endif

    @Test("a relative file: path is read from the base directory")
    func relativeFile() throws {
        let path = try Self.secretFile("relative-secret", mode: 0o600)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let url = URL(fileURLWithPath: path)
        var resolver = SecretResolver(masker: SecretMasker(), environment: [:])
        resolver.baseDirectory = url.deletingLastPathComponent().path
        #expect(try resolver.resolve("file:\(url.lastPathComponent)", field: Self.field).value == "relative-secret")
    }

    @Test("a missing or empty secret file is an error naming the field and the path")
    func missingFile() throws {
        let resolver = SecretResolver(masker: SecretMasker(), environment: [:])
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("absent-\(UUID())").path
        let error = thrownError { try resolver.resolve("file:\(missing)", field: Self.field) }
        #expect(error?.exitCode == .configuration)
        #expect(error?.message.contains(missing) == true)
        #expect(error?.message.contains(Self.field) == true)

        let empty = try Self.secretFile(" \n", mode: 0o600)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(thrownError { try resolver.resolve("file:\(empty)", field: Self.field) }?.message.contains("empty") == true)
    }

    @Test("the SMA encoded form is decoded; both forms are masked")
    func smaEncoded() throws {
        let masker = SecretMasker()
        let secret = try SecretResolver(masker: masker, environment: [:])
            .resolve("55335268636c6468636e4e534f574e7263773d3d", field: "basic.json credentials.password")
        #expect(secret == ResolvedSecret(value: "StarWarsR9cks", source: .smaEncoded))
        #expect(masker.mask("p=StarWarsR9cks e=55335268636c6468636e4e534f574e7263773d3d") == "p=**** e=****")
    }

    @Test("plain text resolves with a warning that names the field and not the value")
    func plainText() throws {
        let masker = SecretMasker()
        let guid = "fc0520dc-1b2c-4d5e-8f90-a1b2c3d4e5f6"
        let secret = try SecretResolver(masker: masker, environment: [:]).resolve(guid, field: Self.field)
        #expect(secret.value == guid)
        #expect(secret.source == .plainText)
        let warning = try #require(secret.warning)
        #expect(warning.contains(Self.field))
        #expect(warning.contains("env:"))
        #expect(warning.contains("file:"))
        #expect(!warning.contains(guid))
        #expect(masker.mask("Token \(guid)") == "Token ****")
    }

    @Test("hex that does not spell base64 text is plain text", arguments: ["41414141", "deadbeef", "abc"])
    func hexLookingPlainText(value: String) throws {
        let secret = try SecretResolver(masker: SecretMasker(), environment: [:]).resolve(value, field: Self.field)
        #expect(secret.source == .plainText)
        #expect(secret.value == value)
    }

    @Test("an empty secret is a configuration error")
    func emptyValue() {
        let error = thrownError { try SecretResolver(masker: SecretMasker(), environment: [:]).resolve("", field: Self.field) }
        #expect(error?.exitCode == .configuration)
        #expect(error?.message.contains(Self.field) == true)
    }

    // MARK: - Helpers

    private static func secretFile(_ content: String, mode: Int) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID())").path
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }
}
