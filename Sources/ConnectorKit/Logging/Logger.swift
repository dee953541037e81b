import Foundation

/// Severity of a log line.
public enum LogLevel: String, Sendable, Comparable, Codable {
    case debug, info, warning, error

    private var rank: Int {
        switch self {
        case .debug: return 0
        case .info: return 1
        case .warning: return 2
        case .error: return 3
        }
    }
    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rank < rhs.rank }
}

/// One log event: time, level, job, template, message (SPEC §8).
public struct LogEntry: Sendable, Equatable {
    public var time: Date
    public var level: LogLevel
    public var job: String?
    public var template: String?
    public var message: String

    public init(time: Date, level: LogLevel, job: String?, template: String?, message: String) {
        self.time = time
        self.level = level
        self.job = job
        self.template = template
        self.message = message
    }
}

/// Where log entries go; backends plug in at start-up, in the manner of swift-log's `LogHandler`.
public protocol LogSink: Sendable {
    func write(_ entry: LogEntry)
}

/// The logger every part of the connector writes through. It masks registered secrets in every message,
/// so no caller can leak one by accident.
public struct Logger: Sendable {
    public var sinks: [any LogSink]
    public var minimumLevel: LogLevel
    public var job: String?
    public var template: String?
    public let masker: SecretMasker

    public init(
        sinks: [any LogSink] = [], minimumLevel: LogLevel = .info, masker: SecretMasker = SecretMasker(),
        job: String? = nil, template: String? = nil
    ) {
        self.sinks = sinks
        self.minimumLevel = minimumLevel
        self.masker = masker
        self.job = job
        self.template = template
    }

    /// A logger that writes nowhere (tests, dry runs).
    public static let silent = Logger()

    /// A copy that stamps every entry with this job and template.
    public func scoped(job: String?, template: String?) -> Logger {
        var copy = self
        copy.job = job ?? self.job
        copy.template = template ?? self.template
        return copy
    }

    public var isDebugEnabled: Bool { minimumLevel <= .debug }

    public func log(_ level: LogLevel, _ message: @autoclosure () -> String) {
        guard level >= minimumLevel, !sinks.isEmpty else { return }
        let entry = LogEntry(time: Date(), level: level, job: job, template: template, message: masker.mask(message()))
        for sink in sinks { sink.write(entry) }
    }

    public func debug(_ message: @autoclosure () -> String) { log(.debug, message()) }
    public func info(_ message: @autoclosure () -> String) { log(.info, message()) }
    public func warning(_ message: @autoclosure () -> String) { log(.warning, message()) }
    public func error(_ message: @autoclosure () -> String) { log(.error, message()) }
}
