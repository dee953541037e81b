import Foundation

/// The SMA Notification Manager command line (SPEC §1.1): `-a … -s … -jn … -e … -sd … -si … -sn … -t …`,
/// plus `-i` (from SMA's Summit connector; every backend answers it), `--tlsType`, and the `--home` every command with an install directory shares.
///
/// Notification Manager does not quote its tokens, so a value may arrive as several words: every word up
/// to the next *known* flag belongs to the value, joined with single spaces (`-e -1` is termination `-1`).
public struct FailureArguments: Sendable, Equatable {
    /// What the command line asks for.
    public enum Request: Sendable, Equatable {
        /// Handle one failed job.
        case handleFailure(FailureEvent)
        /// `-i N -t T` (from SMA's Summit connector, on every backend): show one existing ticket and exit.
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

    // MARK: - The flags, declared once for parsing, help and messages

    static let agent = CommandOption.value(
        "-a", "--agent", valueName: "AGENT", required: true,
        help: "the machine the job ran on (N/A possible)")
    static let schedule = CommandOption.value(
        "-s", "--schedule", valueName: "SCHEDULE", required: true,
        help: "the schedule (workflow) name")
    static let job = CommandOption.value("-jn", "--job", valueName: "JOB", required: true, help: "the daily job's name")
    static let termination = CommandOption.value(
        "-e", "--termination", valueName: "TERMINATION", required: true,
        help: "the termination code or exit description (0000000005, -1, Exit Code 2)")
    static let scheduleDate = CommandOption.value(
        "-sd", "--schedule-date", valueName: "DATE", required: true,
        help: "the schedule date: yyyy-MM-dd, yyyyMMdd, MM/dd/yyyy or dd-MMM-yyyy")
    static let scheduleID = CommandOption.value(
        "-si", "--schedule-id", valueName: "ID", required: true,
        help: "the schedule id (a whole number)")
    static let scheduleInstance = CommandOption.value(
        "-sn", "--schedule-instance", valueName: "INSTANCE", required: true,
        help: "the schedule instance (a whole number), not its name")
    static let template = CommandOption.value(
        "-t", "--template", valueName: "TEMPLATE", required: true,
        help: "the template: a file in the templates folder, or a path")
    static let incident = CommandOption.value(
        "-i", "--incident", valueName: "NUMBER",
        help: "with -t, in place of the failure flags: show one ticket of the template's "
            + "ITSM and exit (from SMA's Summit connector; any backend; run only)")
    static let tlsType = CommandOption.value(
        "--tlsType", valueName: "PROTOCOLS",
        help: "NONE or TLS names such as TLSv1.2; accepted for compatibility, no effect")

    /// Every flag of the line, in the order help lists them.
    public static let options: [CommandOption] = [
        agent, schedule, job, termination, scheduleDate, scheduleID, scheduleInstance, template, incident, tlsType, .home,
    ]

    private static let required = options.filter(\.isRequired)

    /// `-a, -s, -jn, -e, -sd, -si, -sn and -t`: the flags every failure needs, as messages list them.
    private static let requiredNames =
        required.dropLast().map(\.names[0]).joined(separator: ", ")
        + " and " + (required.last?.names[0] ?? "")

    /// The declaration of a command that reads this line (`run`, `explain`); `isDefault` for the one a line starting
    /// with a flag means.
    public static func signature(name: String, summary: String, isDefault: Bool = false) -> CommandSignature {
        CommandSignature(
            name: name, summary: summary, options: options, valueWords: .upToNextKnownFlag, isDefault: isDefault,
            guidance: "A failure is described with \(requiredNames) (see connector --help).")
    }

    private static let parser = OptionParser(signature(name: "run", summary: "handle one failed job"))

    /// Parses the words after the executable (and after `run` / `explain`); `failedAt` becomes the
    /// event's failure time. Any problem is a usage error (exit 64) naming the flag by both its names.
    public static func parse(_ words: [String], failedAt: Date) throws(ConnectorError) -> FailureArguments {
        try FailureArguments(try parser.parse(words), failedAt: failedAt)
    }

    /// Reads the values the parser found: a failure to handle, or (`-i`) an incident to show.
    public init(_ values: ParsedOptions, failedAt: Date) throws(ConnectorError) {
        let home = values.home
        let template = values.string("-t")
        if let incident = values.string("-i") {
            guard let template else {
                throw .usage(
                    "\(Self.incident.displayName) needs \(Self.template.displayName) too, naming "
                        + "the template whose ITSM holds the ticket.")
            }
            self.init(
                request: .showIncident(number: incident, template: template),
                tlsProtocols: try Self.tlsProtocols(values.string("--tlsType")), home: home)
            return
        }
        let absent = Self.required.filter { !values.has($0.key) }
        guard absent.isEmpty, let agent = values.string("-a"), let schedule = values.string("-s"),
            let job = values.string("-jn"), let termination = values.string("-e"), let dateText = values.string("-sd"),
            let idText = values.string("-si"), let instanceText = values.string("-sn"), let template
        else { throw Self.missing(absent) }

        guard let scheduleDate = ScheduleDate.normalise(dateText) else {
            throw .usage(
                "\(Self.scheduleDate.displayName) must be a date written yyyy-MM-dd (or yyyyMMdd, "
                    + "MM/dd/yyyy, dd-MMM-yyyy), found \"\(dateText)\".")
        }
        let event = FailureEvent(
            agent: agent, schedule: schedule, job: job, termination: termination, scheduleDate: scheduleDate,
            scheduleID: try Self.wholeNumber(idText, flag: Self.scheduleID),
            scheduleInstance: try Self.wholeNumber(instanceText, flag: Self.scheduleInstance),
            template: template, failedAt: failedAt)
        self.init(request: .handleFailure(event), tlsProtocols: try Self.tlsProtocols(values.string("--tlsType")), home: home)
    }

    private static func missing(_ flags: [CommandOption]) -> ConnectorError {
        let names = flags.map(\.displayName).joined(separator: ", ")
        return .usage(
            "missing \(flags.count == 1 ? "flag" : "flags") \(names); Notification Manager's Run "
                + "Command must pass \(requiredNames).")
    }

    private static func wholeNumber(_ text: String, flag: CommandOption) throws(ConnectorError) -> Int {
        guard let number = Int(text), number >= 0 else {
            throw .usage("\(flag.displayName) must be a whole number, found \"\(text)\".")
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
                throw .usage(
                    "\(Self.tlsType.displayName) accepts NONE or a comma-separated list of "
                        + "\(tlsNames.joined(separator: ", ")), found \"\(item)\".")
            }
            names.append(name)
        }
        return names
    }
}
