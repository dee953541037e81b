import ConnectorKit

/// A log sink that keeps every entry in memory, so a test can check what was logged and what was not (a secret).
public final class MemoryLogSink: LogSink, Sendable {
    private let stored = Recorder<[LogEntry]>()

    public init() {}

    public func write(_ entry: LogEntry) { stored.record(entry) }

    public var entries: [LogEntry] { stored.current }
    public var messages: [String] { entries.map(\.message) }
}
