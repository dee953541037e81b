import Foundation

/// Renders a log entry as one line (SPEC §8): time with its UTC offset, level, job, template, message; or, for
/// `LOG_FORMAT=json`, one JSON object with the keys `time`, `level`, `job`, `template`, `message`.
public struct LogLineFormatter: Sendable {
    /// `text` or `json` (`LOG_FORMAT`).
    public let format: ConnectorConfig.LogFormat
    /// The zone whose offset the timestamps carry (the machine's own by default).
    public let timeZone: TimeZone

    public init(format: ConnectorConfig.LogFormat = .text, timeZone: TimeZone = .current) {
        self.format = format
        self.timeZone = timeZone
    }

    /// The line, without its line break.
    public func line(for entry: LogEntry) -> String {
        let time = timestamp(entry.time)
        switch format {
        case .json:
            let object: JSONValue = [
                "time": .string(time), "level": .string(entry.level.rawValue),
                "job": entry.job.map { .string($0) } ?? .null,
                "template": entry.template.map { .string($0) } ?? .null,
                "message": .string(entry.message),
            ]
            return object.serialized()
        case .text:
            let level = entry.level.rawValue.uppercased().padding(toLength: 7, withPad: " ", startingAt: 0)
            return "\(time) \(level) [\(entry.job ?? "-")] [\(entry.template ?? "-")] \(Self.oneLine(entry.message))"
        }
    }

    /// ISO 8601 with milliseconds and the offset, e.g. `2024-06-15T01:04:41.123-04:00`.
    public func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZoneSeparator: .colon, includingFractionalSeconds: true, timeZone: timeZone))
    }

    /// Keeps one event on one line: line breaks inside a message are written as `\n`.
    static func oneLine(_ message: String) -> String {
        guard message.contains(where: \.isNewline) else { return message }
        return message.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).joined(separator: "\\n")
    }
}
