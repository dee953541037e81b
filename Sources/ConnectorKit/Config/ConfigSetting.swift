import Foundation

/// One `KEY=value` line of Connector.config with typed readers whose errors name the file, the
/// section, the key and what was expected. An empty value means "not set": the reader returns nil
/// and the built-in default stays (the SMA samples ship lines such as `PORT=`).
struct ConfigSetting {
    let entry: IniFile.Entry
    let path: String

    /// `/opt/connector/Connector.config: [OPCON API] PORT`, the prefix of every message.
    var place: String { "\(path): [\(entry.section)] \(entry.key)" }

    /// The value, or nil when empty.
    var text: String? { entry.value.isEmpty ? nil : entry.value }

    /// `True/False`, `ON/OFF`, `yes/no`, `1/0`, in any case.
    func boolean() throws(ConnectorError) -> Bool? {
        guard let text else { return nil }
        switch text.lowercased() {
        case "true", "on", "yes", "1", "y", "t": return true
        case "false", "off", "no", "0", "n", "f": return false
        default:
            throw .configuration("\(place) must be True or False (also ON/OFF, yes/no, Y/N, 1/0), found \"\(text)\".")
        }
    }

    /// A whole number inside `range`; `07` reads as 7.
    func integer(in range: ClosedRange<Int>) throws(ConnectorError) -> Int? {
        guard let text else { return nil }
        guard let number = Int(text), range.contains(number) else {
            let bound = range.upperBound == Int.max ? "\(range.lowerBound) or more" : "from \(range.lowerBound) to \(range.upperBound)"
            throw .configuration("\(place) must be a whole number \(bound), found \"\(text)\".")
        }
        return number
    }

    /// A TCP port, 1–65535.
    func port() throws(ConnectorError) -> Int? {
        try integer(in: 1...65535)
    }

    /// A positive, finite number of seconds (fractions allowed).
    func seconds() throws(ConnectorError) -> Double? {
        guard let text else { return nil }
        guard let number = Double(text), number.isFinite, number > 0 else {
            throw .configuration("\(place) must be a number of seconds greater than 0, found \"\(text)\".")
        }
        return number
    }
}
