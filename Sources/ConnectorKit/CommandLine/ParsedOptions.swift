/// What `OptionParser` found, read through any of an option's names. Reading an option the command never declared
/// is a bug in the command, not a usage error.
public struct ParsedOptions: Sendable, Equatable {
    /// The command's declarations, to read a value through any name and to name the option in messages.
    let options: [CommandOption]
    /// Keyed by each option's first name; a flag's value is "".
    var values: [String: String] = [:]
    /// The plain words that are not values: the command's argument (`list`), when it has one.
    public internal(set) var arguments: [String] = []

    init(signature: CommandSignature) {
        options = signature.options
    }

    /// Whether the option appeared.
    public func has(_ name: String) -> Bool {
        values[option(name).key] != nil
    }

    /// The option's value as given, or nil when absent.
    public func string(_ name: String) -> String? {
        values[option(name).key]
    }

    /// `--home`, given before the command or among its options; nil when absent or not an option of the command.
    public var home: String? {
        values[CommandOption.home.key]
    }

    /// The option's value as a whole number inside `range`, or nil when absent.
    public func integer(_ name: String, in range: ClosedRange<Int> = Int.min...Int.max) throws(ConnectorError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw .usage(
                "option \(option(name).displayName) must be a whole number"
                    + "\(Self.describe(range)), found \"\(text)\".")
        }
        return number
    }

    /// The option's value as a positive number of seconds, or nil when absent.
    public func seconds(_ name: String) throws(ConnectorError) -> Double? {
        guard let text = string(name) else { return nil }
        guard let number = Double(text), number.isFinite, number > 0 else {
            throw .usage(
                "option \(option(name).displayName) must be a number of seconds greater than 0, "
                    + "found \"\(text)\".")
        }
        return number
    }

    /// The option's value, or a usage error naming it when absent.
    public func required(_ name: String) throws(ConnectorError) -> String {
        guard let text = string(name) else {
            throw .usage("option \(option(name).displayName) is required.")
        }
        return text
    }

    private func option(_ name: String) -> CommandOption {
        guard let option = options.first(where: { $0.names.contains(name) }) else {
            preconditionFailure("option \(name) was never declared")  // a typo in the command: a bug
        }
        return option
    }

    private static func describe(_ range: ClosedRange<Int>) -> String {
        switch (range.lowerBound, range.upperBound) {
        case (Int.min, Int.max): return ""
        case (let low, Int.max): return " of \(low) or more"
        default: return " from \(range.lowerBound) to \(range.upperBound)"
        }
    }
}
