import Foundation

/// An ITSM address from a template (`address.value`, `viewAddress.value`): either `host[:port]`, where https is
/// assumed, or a full `http://` / `https://` base URL used as given (plain http is for simulators and lab instances).
public struct ServiceAddress: Sendable, Equatable {
    /// Base URL without a trailing slash, e.g. `https://acme.service-now.com`.
    public let baseURL: String
    /// True for a plain-http address: the loader logs a warning.
    public let isPlainHTTP: Bool

    public init?(_ value: String) {
        var text = value.trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("/") { text.removeLast() }
        guard !text.isEmpty, !text.contains(" ") else { return nil }
        let lowered = text.lowercased()
        if lowered.hasPrefix("https://") || lowered.hasPrefix("http://") {
            guard let url = URL(string: text), url.host != nil else { return nil }
            baseURL = text
            isPlainHTTP = lowered.hasPrefix("http://")
        } else {
            guard URL(string: "https://\(text)")?.host != nil else { return nil }
            baseURL = "https://\(text)"
            isPlainHTTP = false
        }
    }

    /// The host (and port) part, e.g. `acme.service-now.com` or `127.0.0.1:8443`.
    public var authority: String {
        guard let url = URL(string: baseURL), let host = url.host else { return baseURL }
        return url.port.map { "\(host):\($0)" } ?? host
    }

    /// Joins a relative path from the template's `urls` (`api/now/table/incident`) to the base, never doubling
    /// slashes; an entry that is already a full URL is returned as it is.
    public func url(forPath path: String) -> URL? {
        let trimmed = path.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased().hasPrefix("http://") || trimmed.lowercased().hasPrefix("https://") {
            return URL(string: trimmed)
        }
        var relative = Substring(trimmed)
        while relative.hasPrefix("/") { relative = relative.dropFirst() }
        return URL(string: baseURL + "/" + relative)
    }
}
