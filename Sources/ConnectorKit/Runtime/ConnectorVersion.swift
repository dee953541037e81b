import Foundation

/// The product's version, for `--version` and the User-Agent header.
public enum ConnectorVersion {
    public static let current = "1.0.0"
    public static var userAgent: String { "connector/\(current)" }
}
