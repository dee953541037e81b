import ConnectorKit
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Applies `[PROXY CONNECTION]` to URLSession.
///
/// Apple's URLSession honours `connectionProxyDictionary`. swift-corelibs-foundation (Linux) ignores it: its
/// libcurl handle never sets CURLOPT_PROXY (swift-corelibs-foundation issue #5199, verified with Swift 6.3 against
/// a loopback proxy), but libcurl reads the `http_proxy` and `https_proxy` environment variables, so there the
/// configured proxy is exported, which libcurl consults for every new connection.
enum URLSessionProxy {
    /// The keys Apple's URLSession reads (`kCFNetworkProxiesHTTP*`/`HTTPS*`, spelled out because the constants
    /// do not exist on Linux).
    static func connectionProxyDictionary(for proxyURL: String?) -> [AnyHashable: Any]? {
        guard let text = proxyURL, let url = URL(string: text), let host = url.host else { return nil }
        let port = url.port ?? 80
        return [
            "HTTPEnable": 1, "HTTPProxy": host, "HTTPPort": port,
            "HTTPSEnable": 1, "HTTPSProxy": host, "HTTPSPort": port,
        ]
    }

    /// The environment variables libcurl reads.
    static func environment(for proxyURL: String?) -> [String: String] {
        guard let proxyURL else { return [:] }
        return ["http_proxy": proxyURL, "https_proxy": proxyURL]
    }

    /// Configures `configuration` for the proxy; where URLSession runs on libcurl, also exports it.
    static func apply(_ proxyURL: String?, to configuration: URLSessionConfiguration) {
        guard let dictionary = connectionProxyDictionary(for: proxyURL) else { return }
        configuration.connectionProxyDictionary = dictionary
        // The configured proxy wins over one inherited from the environment: Connector.config is the operator's intent.
        #if !canImport(Darwin)
            for (name, value) in environment(for: proxyURL) { ProcessEnvironment.set(name, to: value) }
        #endif
    }
}
