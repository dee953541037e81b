import ConnectorKit
import Foundation

/// Builds the incident link OpCon shows, from the template's `urls.viewIncident` pattern:
/// `{0}` is the view address (`viewAddress.value`, else `address.value`) and `{1}` the ticket number.
struct SummitViewLink: Sendable, Equatable {
    var pattern: String
    var base: ServiceAddress
    /// True when the address was written as a full `http(s)://` URL rather than `host[:port]`.
    var baseIsFullURL: Bool

    /// Nil when `addressValue` is not a usable address.
    init?(pattern: String, addressValue: String) {
        guard let base = ServiceAddress(addressValue) else { return nil }
        self.pattern = pattern.trimmingCharacters(in: .whitespaces)
        self.base = base
        let lowered = addressValue.trimmingCharacters(in: .whitespaces).lowercased()
        baseIsFullURL = lowered.hasPrefix("http://") || lowered.hasPrefix("https://")
    }

    /// The link for one ticket number.
    ///
    /// SMA patterns read `https://{0}/…` and expect a bare host in `{0}`. An address written as a full URL
    /// (a simulator on `http://127.0.0.1:port`) replaces the pattern's `scheme://{0}` whole, so the scheme is never
    /// doubled and the address's own scheme and path are kept. A pattern starting with `{0}` gets the full base URL.
    func url(forTicket number: String) -> String {
        let lowered = pattern.lowercased()
        let result: String
        if let schemeEnd = ["https://{0}", "http://{0}"].first(where: { lowered.hasPrefix($0) }) {
            let rest = String(pattern.dropFirst(schemeEnd.count))
            result = baseIsFullURL ? base.baseURL + rest : String(pattern.prefix(schemeEnd.count - 3)) + base.authority + rest
        } else if lowered.hasPrefix("{0}") {
            result = base.baseURL + String(pattern.dropFirst(3))
        } else {
            result = pattern.replacingOccurrences(of: "{0}", with: base.authority)
        }
        return result.replacingOccurrences(of: "{1}", with: number)
    }
}
