import Foundation

/// Remembers every secret value the run has resolved and replaces it with `****` wherever it appears
/// in text bound for a log, a message or `explain` output. Shared by reference across the run.
public final class SecretMasker: @unchecked Sendable {
    private let lock = NSLock()
    private var secrets: Set<String> = []

    public init() {}

    /// Registers a secret (and the forms it travels in: base64 for basic auth, the SMA encoding).
    public func register(_ secret: String) {
        // Very short values would mask ordinary words; a 1-3 character secret is not worth hiding that way.
        guard secret.count >= 4 else { return }
        lock.lock()
        defer { lock.unlock() }
        secrets.insert(secret)
    }

    /// Every secret registered so far, for scrubbing job logs, which are bytes rather than text.
    public var registeredSecrets: [String] {
        lock.lock()
        defer { lock.unlock() }
        return Array(secrets)
    }

    public func mask(_ text: String) -> String {
        lock.lock()
        let known = secrets.sorted { $0.count > $1.count }
        lock.unlock()
        guard !known.isEmpty else { return text }
        var result = text
        for secret in known where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: "****")
        }
        return result
    }
}
