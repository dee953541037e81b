import Foundation

/// The SMA Notification Manager command line (SPEC §1.1): `-a … -s … -jn … -e … -sd … -si … -sn … -t …`,
/// plus Summit's `-i` and `--tlsType`, and the global `--home`.
///
/// Notification Manager does not quote its tokens, so a value may arrive as several words: every word up
/// to the next *known* flag belongs to the value, joined with single spaces (`-e -1` is termination `-1`).
public struct FailureArguments: Sendable, Equatable {
    /// What the command line asks for.
    public enum Request: Sendable, Equatable {
        /// Handle one failed job.
        case handleFailure(FailureEvent)
        /// Summit compatibility (`-i N -t T`): show one existing incident and exit.
        case showIncident(number: String, template: String)
    }

    public var request: Request
    /// `--tlsType` as canonical names (`["TLSv1.2"]`, `["NONE"]`); accepted for compatibility, no effect.
    public var tlsProtocols: [String]?
    /// `--home DIR`: the install directory, when given.
    public var home: String?

    public init(request: Request, tlsProtocols: [String]? = nil, home: String? = nil) {
        self.request = request
        self.tlsProtocols = tlsProtocols
        self.home = home
    }

    /// Every flag this command line knows, for help text.
    public static var options: [OptionSpec] { Flag.allCases.map(\.spec) }

    /// Parses the words after the executable (and after `run` / `explain`); `failedAt` becomes the
    /// event's failure time. Any problem is a usage error (exit 64) naming the flag by both its names.
    public static func parse(_ words: [String], failedAt: Date) throws(ConnectorError) -> FailureArguments {
        let values = try collectValues(words)
        let template = values[.template]
        if let incident = values[.incident] {
            guard let template else {
                throw .usage("\(Flag.incident.spec.displayName) needs \(Flag.template.spec.displayName) too, naming "
                    + "the Summit template that reaches the incident.")
            }
            return FailureArguments(request: .showIncident(number: incident, template: template),
                                    tlsProtocols: try tlsProtocols(values[.tlsType]), home: values[.home])
        }
        let required: [Flag] = [.agent, .schedule, .job, .termination, .scheduleDate, .scheduleID,
                                .scheduleInstance, .template]
        let absent = required.filter { values[$0] == nil }
        guard absent.isEmpty, let agent = values[.agent], let schedule = values[.schedule], let job = values[.job],
              let termination = values[.termination], let dateText = values[.scheduleDate],
              let idText = values[.scheduleID], let instanceText = values[.scheduleInstance], let template
        else { throw missing(absent) }

        guard let scheduleDate = ScheduleDate.normalise(dateText) else {
            throw .usage("\(Flag.scheduleDate.spec.displayName) must be a date written yyyy-MM-dd (or yyyyMMdd, "
                + "MM/dd/yyyy, dd-MMM-yyyy), found \"\(dateText)\".")
        }
        let event = FailureEvent(
            agent: agent, schedule: schedule, job: job, termination: termination, scheduleDate: scheduleDate,
            scheduleID: try wholeNumber(idText, flag: .scheduleID),
            scheduleInstance: try wholeNumber(instanceText, flag: .scheduleInstance),
            template: template, failedAt: failedAt)
        return FailureArguments(request: .handleFailure(event), tlsProtocols: try tlsProtocols(values[.tlsType]),
                                home: values[.home])
    }

    // MARK: - Flags

    private enum Flag: CaseIterable {
        case agent, schedule, job, termination, scheduleDate, scheduleID, scheduleInstance, template
        case incident, tlsType, home

        var spec: OptionSpec {
            switch self {
            case .agent: return OptionSpec("-a", "--agent", takesValue: true)
            case .schedule: return OptionSpec("-s", "--schedule", takesValue: true)
            case .job: return OptionSpec("-jn", "--job", takesValue: true)
            case .termination: return OptionSpec("-e", "--termination", takesValue: true)
            case .scheduleDate: return OptionSpec("-sd", "--schedule-date", takesValue: true)
            case .scheduleID: return OptionSpec("-si", "--schedule-id", takesValue: true)
            case .scheduleInstance: return OptionSpec("-sn", "--schedule-instance", takesValue: true)
            case .template: return OptionSpec("-t", "--template", takesValue: true)
            case .incident: return OptionSpec("-i", "--incident", takesValue: true)
            case .tlsType: return OptionSpec("--tlsType", takesValue: true)
            case .home: return OptionSpec("--home", takesValue: true)
            }
        }

        init?(word: String) {
            guard let flag = Flag.allCases.first(where: { $0.spec.names.contains(word) }) else { return nil }
            self = flag
        }
    }

    /// Each flag's value: the words after it up to the next known flag, joined with single spaces. A long flag may
    /// carry its value after `=` (`--home=/opt/connector`).
    ///
    /// A word that is a typo of one of the long flags (`--hom`, `--schedul`) is reported as an unknown option with the
    /// guess: it would otherwise vanish into the previous value and surface later as a puzzling error (Connector.config
    /// not found). Every other word — `-1`, `-x`, even `--force` — stays part of a value, because a job name may hold
    /// it and a failure must never be turned away for its name.
    private static func collectValues(_ words: [String]) throws(ConnectorError) -> [Flag: String] {
        var collected: [(flag: Flag, words: [String])] = []
        for word in words {
            var flagWord = word
            var inlineValue: String?
            if word.hasPrefix("--"), let equals = word.firstIndex(of: "=") {
                flagWord = String(word[..<equals])
                inlineValue = String(word[word.index(after: equals)...])
            }
            if let flag = Flag(word: flagWord) {
                guard !collected.contains(where: { $0.flag == flag }) else {
                    throw .usage("\(flag.spec.displayName) is given twice; give it once.")
                }
                collected.append((flag, inlineValue.map { [$0] } ?? []))
            } else if looksLikeLongOption(word), let guess = ClosestName.to(flagWord, among: longFlagNames, prefixes: false) {
                throw .usage("unknown option \(flagWord). Did you mean \(guess)? A failure is described with -a, -s, -jn, -e, -sd, "
                    + "-si, -sn and -t (see connector --help).")
            } else if !collected.isEmpty {
                collected[collected.count - 1].words.append(word)
            } else if word.hasPrefix("-") {
                let hint = ClosestName.hint(for: word, among: Flag.allCases.flatMap(\.spec.names))
                throw .usage("unknown flag \(word).\(hint) A failure is described with -a, -s, -jn, -e, -sd, -si, -sn "
                    + "and -t (see connector --help).")
            } else {
                throw .usage("unexpected \"\(word)\" before the first flag; a failure is described with -a, -s, "
                    + "-jn, -e, -sd, -si, -sn and -t (see connector --help).")
            }
        }
        var values: [Flag: String] = [:]
        for (flag, words) in collected {
            let value = words.filter { !$0.isEmpty }.joined(separator: " ")
            guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw .usage("\(flag.spec.displayName) needs a value.")
            }
            values[flag] = value
        }
        return values
    }

    private static var longFlagNames: [String] {
        Flag.allCases.flatMap(\.spec.names).filter { $0.hasPrefix("--") }
    }

    /// `--name`: two dashes, then a letter.
    private static func looksLikeLongOption(_ word: String) -> Bool {
        guard word.hasPrefix("--"), let third = word.dropFirst(2).first else { return false }
        return third.isLetter
    }

    private static func missing(_ flags: [Flag]) -> ConnectorError {
        let names = flags.map(\.spec.displayName).joined(separator: ", ")
        return .usage("missing \(flags.count == 1 ? "flag" : "flags") \(names); Notification Manager's Run "
            + "Command must pass -a, -s, -jn, -e, -sd, -si, -sn and -t.")
    }

    private static func wholeNumber(_ text: String, flag: Flag) throws(ConnectorError) -> Int {
        guard let number = Int(text), number >= 0 else {
            throw .usage("\(flag.spec.displayName) must be a whole number, found \"\(text)\".")
        }
        return number
    }

    private static let tlsNames = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]

    /// `NONE`, or a list of TLS protocol names (any case) separated by commas or, as an unquoted Run Command splits
    /// them, by spaces; as canonical names.
    private static func tlsProtocols(_ text: String?) throws(ConnectorError) -> [String]? {
        guard let text else { return nil }
        let items = text.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        if items.count == 1 && items[0].uppercased() == "NONE" { return ["NONE"] }
        var names: [String] = []
        for item in items.isEmpty ? [text] : items {
            guard let name = tlsNames.first(where: { $0.caseInsensitiveCompare(item) == .orderedSame }) else {
                throw .usage("\(Flag.tlsType.spec.displayName) accepts NONE or a comma-separated list of "
                    + "\(tlsNames.joined(separator: ", ")), found \"\(item)\".")
            }
            names.append(name)
        }
        return names
    }
}
