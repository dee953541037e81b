import ConnectorKit
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Turns a URLSession failure into a `TransportError` (or a `CancellationError` when we cancelled the task).
enum URLErrorMapping {
    static func map(_ error: any Error, host: String, timeout: Double) -> any Error {
        guard let urlError = error as? URLError else {
            return TransportError.connectionFailed(host: host, reason: String(describing: error))
        }
        let detail = urlError.localizedDescription
        switch urlError.code {
        case .cancelled:
            return CancellationError()
        case .timedOut:
            return TransportError.timedOut(host: host, seconds: timeout)
        case .secureConnectionFailed, .serverCertificateHasBadDate, .serverCertificateUntrusted,
            .serverCertificateHasUnknownRoot, .serverCertificateNotYetValid, .clientCertificateRejected,
            .clientCertificateRequired:
            return TransportError.tlsFailure(host: host, reason: detail)
        case .cannotFindHost, .dnsLookupFailed:
            return TransportError.notConnected(host: host, reason: "the host name could not be resolved")
        case .cannotConnectToHost:
            return TransportError.notConnected(host: host, reason: "the connection was refused")
        case .networkConnectionLost:
            return TransportError.connectionFailed(host: host, reason: "the connection was closed before the answer arrived")
        case .notConnectedToInternet:
            return TransportError.notConnected(host: host, reason: "this machine has no network connection")
        default:
            // swift-corelibs-foundation reports libcurl's certificate errors as NSURLErrorUnknown with curl's text
            // ("SSL certificate problem: self-signed certificate"), so the text is the only clue on Linux.
            if isTLSText(detail) { return TransportError.tlsFailure(host: host, reason: detail) }
            return TransportError.connectionFailed(host: host, reason: detail)
        }
    }

    private static func isTLSText(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return ["ssl", "tls", "certificate"].contains { lowered.contains($0) }
    }
}
