import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Applies `[PROXY CONNECTION]` to URLSession.
///
/// Apple's URLSession honours `connectionProxyDictionary`. swift-corelibs-foundation (Linux) ignores it: its
/// libcurl handle never sets CURLOPT_PROXY (swift-corelibs-foundation issue #5199, verified with Swift 6.3 against
/// a loopback proxy). libcurl does read the `http_proxy` and `https_proxy` environment variables, so on Linux the
/// configured proxy is exported there, which libcurl consults for every new connection.
enum ProxySettings {
    /// The proxy as `http://host:port`, or nil when none is configured.
    static func proxyURL(for proxy: ConnectorConfig.Proxy) -> String? {
        let host = proxy.host.trimmingCharacters(in: .whitespaces)
        guard proxy.enabled, !host.isEmpty else { return nil }
        let base = host.contains("://") ? host : "http://\(host)"
        guard let port = proxy.port, URL(string: base)?.port == nil else { return base }
        return "\(base):\(port)"
    }

    /// The keys Apple's URLSession reads (`kCFNetworkProxiesHTTP*`/`HTTPS*`, spelled out because the constants
    /// do not exist on Linux).
    static func connectionProxyDictionary(for proxy: ConnectorConfig.Proxy) -> [AnyHashable: Any]? {
        guard let text = proxyURL(for: proxy), let url = URL(string: text), let host = url.host else { return nil }
        let port = url.port ?? 80
        return [
            "HTTPEnable": 1, "HTTPProxy": host, "HTTPPort": port,
            "HTTPSEnable": 1, "HTTPSProxy": host, "HTTPSPort": port,
        ]
    }

    /// The environment variables libcurl reads.
    static func environment(for proxy: ConnectorConfig.Proxy) -> [String: String] {
        guard let url = proxyURL(for: proxy) else { return [:] }
        return ["http_proxy": url, "https_proxy": url]
    }

    /// Configures `configuration` for the proxy; on Linux also exports it for libcurl.
    static func apply(_ proxy: ConnectorConfig.Proxy, to configuration: URLSessionConfiguration) {
        guard let dictionary = connectionProxyDictionary(for: proxy) else { return }
        configuration.connectionProxyDictionary = dictionary
        // The configured proxy wins over one inherited from the environment: Connector.config is the operator's intent.
        #if !canImport(Darwin)
        for (name, value) in environment(for: proxy) { ProcessEnvironment.set(name, to: value) }
        #endif
    }
}
