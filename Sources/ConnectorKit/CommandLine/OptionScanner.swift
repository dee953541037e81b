import Foundation

/// One command-line option: its names (`-t`, `--template`) and whether it takes a value.
public struct OptionSpec: Sendable, Equatable {
    public var names: [String]
    public var takesValue: Bool

    public init(_ names: String..., takesValue: Bool) {
        precondition(!names.isEmpty, "an option needs a name")
        self.names = names
        self.takesValue = takesValue
    }

    /// `-t (--template)` or `--once`: how messages name the option.
    public var displayName: String {
        names.count == 1 ? names[0] : "\(names[0]) (\(names.dropFirst().joined(separator: ", ")))"
    }
}

/// Scans the words of a subcommand (`check -t T`, `sync -t T --once --interval S`, `encrypt -v VALUE`)
/// against declared options. A value is the next word (or `--name=value`); words that are not options
/// are positional arguments when the command allows them; `--` ends the options.
///
/// A command without positional arguments reads values as the failure run reads Notification Manager's line
/// (SPEC §1.1): the words after an option up to the next known option are its value, joined with single spaces
/// (`encrypt -v two words`, `-t my template.json`), and a word like `-1` there is part of the value. A word
/// starting with `--` is always an option, so a misspelt `--hom` is reported rather than swallowed.
///
/// Messages do not name the command: the command line prints them after `connector <command>: `.
public struct OptionScanner: Sendable {
    /// The command, for the `--help` hint in messages (`connector sync`).
    public var command: String
    public var options: [OptionSpec]
    public var allowsPositionals: Bool

    public init(command: String, options: [OptionSpec], allowsPositionals: Bool = false) {
        self.command = command
        self.options = options
        self.allowsPositionals = allowsPositionals
    }

    /// The options found in `words`; a usage error (exit 64) names the option at fault.
    public func scan(_ words: [String]) throws(ConnectorError) -> ScannedOptions {
        var result = ScannedOptions(options: options)
        var index = 0
        var optionsEnded = false
        // The option whose value the following plain words continue.
        var continuing: String?
        while index < words.count {
            let word = words[index]
            index += 1
            if optionsEnded || !word.hasPrefix("-") || word == "-" {
                if let continuing, !allowsPositionals {
                    result.values[continuing, default: ""] += " " + word
                    continue
                }
                guard allowsPositionals else {
                    throw .usage("unexpected argument \"\(word)\"; see \(command) --help.")
                }
                result.positionals.append(word)
                continue
            }
            if word == "--" {
                optionsEnded = true
                continue
            }
            // `--interval=30` carries its value in the same word.
            let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            guard let option = spec(named: name) else {
                if let continuing, !word.hasPrefix("--") {
                    result.values[continuing, default: ""] += " " + word
                    continue
                }
                let hint = ClosestName.hint(for: name, among: options.flatMap(\.names))
                throw .usage("unknown option \(name).\(hint) See \(command) --help.")
            }
            let primary = option.names[0]
            guard result.values[primary] == nil else {
                throw .usage("option \(option.displayName) is given twice; give it once.")
            }
            continuing = nil
            if !option.takesValue {
                guard parts.count == 1 else {
                    throw .usage("option \(option.displayName) takes no value.")
                }
                result.values[primary] = ""
            } else if parts.count == 2 && !parts[1].isEmpty {
                result.values[primary] = String(parts[1])
                continuing = primary
            } else if parts.count == 1 && index < words.count && spec(named: words[index]) == nil
                && !(words[index].hasPrefix("--") && words[index].count > 2) {
                result.values[primary] = words[index]
                index += 1
                continuing = primary
            } else {
                throw .usage("option \(option.displayName) needs a value.")
            }
        }
        return result
    }

    private func spec(named name: String) -> OptionSpec? {
        options.first { $0.names.contains(name) }
    }
}

/// What `OptionScanner.scan` found, read through any of an option's names.
public struct ScannedOptions: Sendable, Equatable {
    let options: [OptionSpec]
    /// Keyed by each option's first name; a flag's value is "".
    var values: [String: String] = [:]
    /// Words that are not options, in order.
    public var positionals: [String] = []

    init(options: [OptionSpec]) {
        self.options = options
    }

    /// Whether the option appeared.
    public func has(_ name: String) -> Bool {
        values[option(name).names[0]] != nil
    }

    /// The option's value as given, or nil when absent.
    public func string(_ name: String) -> String? {
        values[option(name).names[0]]
    }

    /// The option's value as a whole number inside `range`, or nil when absent.
    public func integer(_ name: String, in range: ClosedRange<Int> = Int.min...Int.max) throws(ConnectorError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw .usage("option \(option(name).displayName) must be a whole number"
                + "\(Self.describe(range)), found \"\(text)\".")
        }
        return number
    }

    /// The option's value as a positive number of seconds, or nil when absent.
    public func seconds(_ name: String) throws(ConnectorError) -> Double? {
        guard let text = string(name) else { return nil }
        guard let number = Double(text), number.isFinite, number > 0 else {
            throw .usage("option \(option(name).displayName) must be a number of seconds greater than 0, "
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

    private func option(_ name: String) -> OptionSpec {
        guard let spec = options.first(where: { $0.names.contains(name) }) else {
            preconditionFailure("option \(name) was never declared")  // a typo in the caller: a bug
        }
        return spec
    }

    private static func describe(_ range: ClosedRange<Int>) -> String {
        switch (range.lowerBound, range.upperBound) {
        case (Int.min, Int.max): return ""
        case (let low, Int.max): return " of \(low) or more"
        default: return " from \(range.lowerBound) to \(range.upperBound)"
        }
    }
}
