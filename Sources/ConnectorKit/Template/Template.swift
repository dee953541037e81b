import Foundation

/// A routing entry of a template's `tags` array.
public struct TagRule: Sendable, Equatable {
    /// `TAG_START`, `TAG_END`, `DEFAULT`, `EXIT`, or a backend's own indicator (Summit `ASSIGNTO`, `CATNAME`).
    public var indicator: String
    public var indicatorValue: String
    public var attribute: String
    public var value: String

    public init(indicator: String, indicatorValue: String, attribute: String, value: String) {
        self.indicator = indicator
        self.indicatorValue = indicatorValue
        self.attribute = attribute
        self.value = value
    }
}

/// One day's working window, `HHmm` strings as in the SMA templates.
public struct WorkingWindow: Sendable, Equatable {
    /// Minutes after midnight.
    public var start: Int
    public var stop: Int

    public init(start: Int, stop: Int) {
        self.start = start
        self.stop = stop
    }

    /// `0000`–`0000` marks a non-working day.
    public var isNonWorkingDay: Bool { start == 0 && stop == 0 }
    /// A stop earlier than the start means the window runs past midnight into the next day.
    public var spansMidnight: Bool { stop < start }
}

/// A template file: the parts every SMA format shares, parsed; the raw JSON for what a backend adds.
public struct Template: Sendable {
    /// File name as given with `-t` (e.g. `basic.json`).
    public var name: String
    /// Full path of the file that was read.
    public var path: String
    public var raw: JSONValue
    /// Id of the backend plugin that serves this template.
    public var backendID: String

    /// `address.value`: `host[:port]` or a full base URL.
    public var address: String?
    /// `rules`: template switches, looked up without regard to case.
    public var rules: [String: Bool]
    /// `urls`: name → value, names lower-cased.
    public var urls: [String: String]
    public var attributes: [TicketField]
    /// Weekday (1 = Sunday ... 7 = Saturday, as `Calendar` numbers them) → window. Nil when the template has none.
    public var workingHours: [Int: WorkingWindow]?
    public var workingHoursAttributes: [TicketField]
    public var nonWorkingHoursAttributes: [TicketField]
    public var tags: [TagRule]
    /// `variables`, as written.
    public var variables: [String: JSONValue]

    public init(
        name: String, path: String, raw: JSONValue, backendID: String, address: String? = nil,
        rules: [String: Bool] = [:], urls: [String: String] = [:], attributes: [TicketField] = [],
        workingHours: [Int: WorkingWindow]? = nil, workingHoursAttributes: [TicketField] = [],
        nonWorkingHoursAttributes: [TicketField] = [], tags: [TagRule] = [], variables: [String: JSONValue] = [:]
    ) {
        self.name = name
        self.path = path
        self.raw = raw
        self.backendID = backendID
        self.address = address
        self.rules = rules
        self.urls = urls
        self.attributes = attributes
        self.workingHours = workingHours
        self.workingHoursAttributes = workingHoursAttributes
        self.nonWorkingHoursAttributes = nonWorkingHoursAttributes
        self.tags = tags
        self.variables = variables
    }

    /// A rule's value, or `defaultValue` when the template does not set it.
    public func rule(_ name: String, default defaultValue: Bool) -> Bool {
        rules[name.lowercased()] ?? defaultValue
    }

    /// A `urls` entry by name (case-insensitive).
    public func url(named name: String) -> String? { urls[name.lowercased()] }
}

extension Template {
    /// The JSON path of a `urls` entry's value (`urls[2].value`), for messages; the first entry's when it is absent.
    public func urlValuePath(named name: String) -> String {
        let index = raw["urls"]?.arrayValue?.firstIndex { $0["name"]?.stringValue?.caseInsensitiveCompare(name) == .orderedSame }
        return "urls[\(index ?? 0)].value"
    }

    /// A `urls` entry checked as every backend needs it: present when `required`, not blank, and forming a URL with
    /// `address.value`. Problems go to `issues` with the entry's JSON path; nil when the entry is absent or unusable.
    public func checkedURL(named name: String, required: Bool, example: String, issues: inout [TemplateIssue]) -> String? {
        guard let value = url(named: name) else {
            if required { issues.error("urls", "needs an entry {\"name\": \"\(name)\", \"value\": \"\(example)\"}") }
            return nil
        }
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
            issues.error(urlValuePath(named: name), "expected a path such as \"\(example)\"")
            return nil
        }
        if let base = address.flatMap(ServiceAddress.init), base.url(forPath: value) == nil {
            issues.error(urlValuePath(named: name), "\"\(value)\" does not form a URL with the address")
            return nil
        }
        return value
    }
}

extension [TemplateIssue] {
    /// Adds an error about the template member at `path` (e.g. `urls[2].value`).
    public mutating func error(_ path: String, _ message: String) { append(TemplateIssue(.error, path: path, message)) }

    /// Adds a warning about the template member at `path`.
    public mutating func warning(_ path: String, _ message: String) { append(TemplateIssue(.warning, path: path, message)) }

    public var hasErrors: Bool { contains { $0.severity == .error } }
}
