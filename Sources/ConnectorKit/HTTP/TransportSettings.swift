import Foundation

/// What every transport needs to know from Connector.config, whichever HTTP library it drives.
public struct TransportSettings: Sendable, Equatable {
    /// `TIMEOUT_SECONDS`: the most one request may take when the deadline middleware gives it no smaller limit.
    public var timeoutSeconds: Double
    /// `http://host:port` from `[PROXY CONNECTION]`, or nil for direct connections. Connector.config is the only
    /// source: proxy environment variables are not consulted (docs/decisions.md).
    public var proxyURL: String?
    /// Sent with every request, so an ITSM admin can tell the connector's traffic apart in their logs.
    public var userAgent: String

    public init(timeoutSeconds: Double = 30, proxyURL: String? = nil, userAgent: String = ConnectorVersion.userAgent) {
        self.timeoutSeconds = timeoutSeconds
        self.proxyURL = proxyURL
        self.userAgent = userAgent
    }

    public init(config: ConnectorConfig) {
        self.init(timeoutSeconds: config.opcon.timeoutSeconds, proxyURL: Self.proxyURL(for: config.proxy))
    }

    /// The proxy as `http://host:port`, or nil when none is configured or it is switched off.
    public static func proxyURL(for proxy: ConnectorConfig.Proxy) -> String? {
        let host = proxy.host.trimmingCharacters(in: .whitespaces)
        guard proxy.enabled, !host.isEmpty else { return nil }
        let base = host.contains("://") ? host : "http://\(host)"
        guard let port = proxy.port, URL(string: base)?.port == nil else { return base }
        return "\(base):\(port)"
    }
}

/// Makes the process's transport from the settings. The executable picks one per platform (libcurl on Linux,
/// URLSession elsewhere); it throws `.unavailable` when the HTTP library cannot be loaded.
public typealias TransportFactory = @Sendable (TransportSettings) throws(ConnectorError) -> any ClientTransport
