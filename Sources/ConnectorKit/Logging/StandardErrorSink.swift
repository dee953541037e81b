import Foundation

/// Shows warnings and errors on the console (stderr), one line each, so an operator running a command by hand
/// sees them without opening the log file.
public struct StandardErrorSink: LogSink {
    /// Entries below this level are left to the log file.
    public let minimumLevel: LogLevel

    public init(minimumLevel: LogLevel = .warning) { self.minimumLevel = minimumLevel }

    public func write(_ entry: LogEntry) {
        guard entry.level >= minimumLevel else { return }
        let line = "\(entry.level.rawValue): \(LogLineFormatter.oneLine(entry.message))\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
