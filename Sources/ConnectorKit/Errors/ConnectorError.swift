import Foundation

/// The process exit codes of SPEC §1.3 (sysexits).
public enum ExitCode: Int32, Sendable, CaseIterable {
    case ok = 0
    case usage = 64
    case dataError = 65
    case unavailable = 69
    case software = 70
    case queued = 75
    case permission = 77
    case configuration = 78
}

/// Every failure the operator can see. Each case carries one human sentence (already free of secrets)
/// and maps to exactly one exit code.
public enum ConnectorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Unknown flag, missing value, missing required flag.
    case usage(String)
    /// Connector.config or a template is missing, malformed or inconsistent.
    case configuration(String)
    /// OpCon or the ITSM answered with something unusable, or the daily job does not exist.
    case data(String)
    /// A service could not be reached (connection refused or reset, timeout, 5xx/429 past the deadline).
    case unavailable(String)
    /// A create was sent and its outcome never learned (5xx, timeout or a dropped connection after it went out), and
    /// nothing could show whether it landed. Exit and outbox as `unavailable`; the outbox does not send it again on a
    /// backend that cannot search for it.
    case unconfirmed(String)
    /// 401/403 from OpCon or the ITSM.
    case permission(String)
    /// A bug: something that should not happen.
    case `internal`(String)

    public var message: String {
        switch self {
        case .usage(let text), .configuration(let text), .data(let text), .unavailable(let text), .unconfirmed(let text),
            .permission(let text), .internal(let text):
            return text
        }
    }

    public var exitCode: ExitCode {
        switch self {
        case .usage: return .usage
        case .configuration: return .configuration
        case .data: return .dataError
        case .unavailable, .unconfirmed: return .unavailable
        case .permission: return .permission
        case .internal: return .software
        }
    }

    public var description: String { message }

    /// True for a create whose outcome is unknown.
    public var isUnconfirmed: Bool {
        if case .unconfirmed = self { return true }
        return false
    }
}

extension ConnectorError {
    /// The same error with every registered secret in its message replaced by `****`.
    public func masked(by masker: SecretMasker) -> ConnectorError {
        let text = masker.mask(message)
        switch self {
        case .usage: return .usage(text)
        case .configuration: return .configuration(text)
        case .data: return .data(text)
        case .unavailable: return .unavailable(text)
        case .unconfirmed: return .unconfirmed(text)
        case .permission: return .permission(text)
        case .internal: return .internal(text)
        }
    }
}

/// A `ConnectorError` that has already been written to the log file; the command line only prints it.
public struct ReportedError: Error, Sendable {
    public let error: ConnectorError
    public init(error: ConnectorError) { self.error = error }
}
