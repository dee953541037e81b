import ConnectorKit

// The one place the executable picks its HTTP library (docs/architecture.md, "HTTP"): libcurl loaded at run time on
// Linux, where URLSession would spin a CPU core while a server thinks; URLSession on Windows and macOS.
#if canImport(CurlHTTP)
    import CurlHTTP

    enum PlatformTransport {
        static let factory: TransportFactory = { settings throws(ConnectorError) in try CurlTransport(settings: settings) }
    }
#else
    import URLSessionHTTP

    enum PlatformTransport {
        static let factory: TransportFactory = { settings throws(ConnectorError) in URLSessionTransport(settings: settings) }
    }
#endif
