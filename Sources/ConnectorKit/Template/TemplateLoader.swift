import Foundation

/// A template read from disk, with the warnings an operator should see (unknown keys, plain http).
public struct LoadedTemplate: Sendable {
    public var template: Template
    public var plugin: BackendPlugin
    /// The plugin's reading of the template: field conventions and the backend factory.
    public var setup: BackendSetup
    public var warnings: [String]

    /// Whether this run attaches the job log: the template's `includeJobLogAttachment`, else the backend's default.
    public var attachesJobLog: Bool { template.rule("includeJobLogAttachment", default: setup.fields.attachesJobLogByDefault) }
}

/// Finds, parses and validates template files (SPEC §3): resolves `-t`, picks the backend, parses the parts every
/// SMA format shares, and lets the backend plugin validate the rest. Every error names the file and the JSON path.
public struct TemplateLoader: Sendable {
    public let registry: BackendRegistry
    /// The templates directory (absolute).
    public let directory: String

    /// Top-level keys ConnectorKit itself reads (`resolvedAction` by `connector sync`, SPEC §6.3).
    static let commonKeys: Set<String> = [
        "connector", "address", "rules", "credentials", "urls", "attributes", "workingHours",
        "workingHoursAttributes", "nonWorkingHoursAttributes", "tags", "variables", "resolvedAction",
    ]

    public init(registry: BackendRegistry, directory: String) {
        self.registry = registry
        self.directory = directory
    }

    /// The file a `-t` value names: a name inside the templates directory (`basic` finds `basic.json`, and, as on
    /// Windows where SMA's connectors run, `Basic.json` finds `basic.json` when no other file differs only in case),
    /// or a path when it contains a separator (`\` too): absolute, or relative to the install directory (the templates
    /// directory's parent), then to the templates directory, then to the working directory. The first existing file
    /// wins; when none exists, the first candidate is reported missing.
    public func path(for nameOrPath: String) -> String {
        let native = NativePath.from(nameOrPath)
        let folders: [String]
        if native.hasPrefix("/") {
            folders = [""]
        } else if native.contains("/") {
            folders = [(directory as NSString).deletingLastPathComponent, directory, FileManager.default.currentDirectoryPath]
        } else {
            folders = [directory]
        }
        let candidates = folders.map { $0.isEmpty ? native : ($0 as NSString).appendingPathComponent(native) }
        for candidate in candidates {
            if let found = Self.existing(candidate) { return found }
        }
        if folders == [directory], let found = Self.differingOnlyInCase(native, in: directory) { return found }
        return candidates[0]
    }

    /// The file itself, or with `.json` added, when it exists.
    private static func existing(_ candidate: String) -> String? {
        if FileManager.default.fileExists(atPath: candidate) { return candidate }
        if !candidate.lowercased().hasSuffix(".json"), FileManager.default.fileExists(atPath: candidate + ".json") {
            return candidate + ".json"
        }
        return nil
    }

    /// The one file in `folder` whose name is `name` (or `name.json`) ignoring case.
    private static func differingOnlyInCase(_ name: String, in folder: String) -> String? {
        let wanted = [name.lowercased(), name.lowercased() + ".json"]
        let matches = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { wanted.contains($0.lowercased()) }
        guard matches.count == 1 else { return nil }
        return (folder as NSString).appendingPathComponent(matches[0])
    }

    /// Loads and validates one template against `config`.
    public func load(_ nameOrPath: String, config: ConnectorConfig) throws(ConnectorError) -> LoadedTemplate {
        let file = path(for: nameOrPath)
        guard let data = FileManager.default.contents(atPath: file) else {
            let exists = FileManager.default.fileExists(atPath: file)
            throw .configuration(
                exists
                    ? "Template \(file) cannot be read: check its permissions."
                    : "Template \(file) does not exist: check -t and TEMPLATES_DIRECTORY in Connector.config.")
        }
        let raw: JSONValue
        var issues: [TemplateIssue] = []
        do {
            raw = try JSONValue.parse(data)
        } catch {
            // The one documented mistake of SMA's own sample (`"submitSingleIncidentPerDay": day`) still loads;
            // anything else reports where the parse stopped.
            switch BareDayRuleRepair.parse(data, after: error) {
            case .failure(let failure):
                throw .configuration("Template \(file) is not valid JSON: \(failure.description).")
            case .success(let repaired):
                raw = repaired.value
                for rule in repaired.rules {
                    issues.append(
                        TemplateIssue(
                            .warning, path: "rules.\(rule)",
                            "the bare word day is not JSON (a mistake copied from the 2024 SMA Summit sample); it is read as true, write true instead"
                        ))
                }
            }
        }
        guard raw.objectValue != nil else {
            throw .configuration("Template \(file) must be a JSON object, found \(raw.typeName).")
        }
        guard let plugin = registry.plugin(for: raw) else {
            let known = registry.ids.joined(separator: ", ")
            if let named = raw["connector"]?.scalarText {
                throw .configuration("Template \(file): \"connector\": \"\(named)\" names no installed backend; known backends: \(known).")
            }
            throw .configuration(
                "Template \(file) matches no backend: add \"connector\": \"<id>\" with one of: \(known).")
        }

        let template = Self.parseCommon(raw, name: nameOrPath, path: file, backendID: plugin.id, issues: &issues)
        let known = Self.commonKeys.union(plugin.templateKeys)
        for key in (raw.objectValue ?? [:]).keys.sorted() where !known.contains(key) {
            issues.append(TemplateIssue(.warning, path: key, "unknown key, ignored"))
        }
        issues += Self.credentialIssues(raw, required: plugin.requiredCredentials)
        issues += Self.resolvedActionIssues(raw)
        // The once-per-day window starts at DAILY_START_HOUR, on every backend.
        if template.rule("submitSingleIncidentPerDay", default: false), config.general.dailyStartHour == nil {
            let file = config.path.isEmpty ? "Connector.config" : config.path
            issues.error("rules.submitSingleIncidentPerDay", "needs DAILY_START_HOUR (0-23) in the [GENERAL] section of \(file)")
        }
        let setup = plugin.configure(template, config)
        issues += setup.issues
        if let name = plugin.attachmentURLName, template.rule("includeJobLogAttachment", default: setup.fields.attachesJobLogByDefault),
            (template.url(named: name) ?? "").isEmpty
        {
            issues.append(
                TemplateIssue(
                    .error, path: "urls",
                    "job logs are attached (rules.includeJobLogAttachment) but no entry is named \(name); add one, or set the rule to false"
                ))
        }

        let errors = issues.filter { $0.severity == .error }
        if !errors.isEmpty {
            let list = errors.map(\.description).joined(separator: "; ")
            throw .configuration("Template \(file) is not valid (\(plugin.displayName)): \(list).")
        }
        var warnings = issues.filter { $0.severity == .warning }.map { "Template \(file): \($0.description)." }
        if let address = template.address, ServiceAddress(address)?.isPlainHTTP == true {
            warnings.append("Template \(file): address.value uses plain http; use https outside simulators and labs.")
        }
        return LoadedTemplate(template: template, plugin: plugin, setup: setup, warnings: warnings)
    }

    /// Every `credentials` member the backend needs must be a non-empty string (how it is resolved is checked when the
    /// backend is made: an environment variable may be set only for the service account).
    static func credentialIssues(_ raw: JSONValue, required: [String]) -> [TemplateIssue] {
        required.compactMap { key in
            let value = raw["credentials"]?[key]
            if let text = value?.stringValue, !text.trimmingCharacters(in: .whitespaces).isEmpty { return nil }
            return TemplateIssue(
                .error, path: "credentials.\(key)",
                value == nil
                    ? "is required (env:NAME, file:PATH, the EncryptValue form or the value)"
                    : "must be a non-empty string (env:NAME, file:PATH, the EncryptValue form or the value)")
        }
    }

    /// `resolvedAction` (SPEC §6.3): what `sync` does with a job whose ticket is resolved.
    static func resolvedActionIssues(_ raw: JSONValue) -> [TemplateIssue] {
        guard let value = raw["resolvedAction"] else { return [] }
        guard let text = value.stringValue, ["markfixed", "restart"].contains(text.lowercased()) else {
            return [TemplateIssue(.error, path: "resolvedAction", "must be \"markFixed\" or \"restart\", found \(value.serialized())")]
        }
        return []
    }

    /// Parses the parts all SMA formats share, recording problems with their JSON paths.
    static func parseCommon(_ raw: JSONValue, name: String, path: String, backendID: String, issues: inout [TemplateIssue]) -> Template {
        var template = Template(name: name, path: path, raw: raw, backendID: backendID)

        if let address = raw["address"] {
            if let value = address["value"]?.stringValue {
                if ServiceAddress(value) == nil {
                    issues.error("address.value", "expected host[:port] or an http(s):// base URL, found \"\(value)\"")
                }
                template.address = value
            } else {
                issues.error("address.value", "expected a string")
            }
        }

        if let rules = raw["rules"] {
            if let members = rules.objectValue {
                for (key, value) in members {
                    if let flag = ruleValue(value, rule: key, issues: &issues) {
                        template.rules[key.lowercased()] = flag
                    }
                }
            } else {
                issues.append(TemplateIssue(.error, path: "rules", "expected an object, found \(raw["rules"]!.typeName)"))
            }
        }

        if let urls = raw["urls"] {
            if let entries = urls.arrayValue {
                for (index, entry) in entries.enumerated() {
                    guard let entryName = entry["name"]?.stringValue else {
                        issues.append(TemplateIssue(.error, path: "urls[\(index)].name", "expected a string"))
                        continue
                    }
                    guard let value = entry["value"]?.stringValue else {
                        issues.append(TemplateIssue(.error, path: "urls[\(index)].value", "expected a string"))
                        continue
                    }
                    template.urls[entryName.lowercased()] = value
                }
            } else {
                issues.append(TemplateIssue(.error, path: "urls", "expected an array of {name, value}"))
            }
        }

        template.attributes = parseFields(raw["attributes"], key: "attributes", issues: &issues)
        template.workingHoursAttributes = parseFields(raw["workingHoursAttributes"], key: "workingHoursAttributes", issues: &issues)
        template.nonWorkingHoursAttributes = parseFields(
            raw["nonWorkingHoursAttributes"], key: "nonWorkingHoursAttributes", issues: &issues)
        template.workingHours = parseWorkingHours(raw["workingHours"], issues: &issues)
        template.tags = parseTags(raw["tags"], issues: &issues)

        if let variables = raw["variables"] {
            if let members = variables.objectValue {
                template.variables = members
            } else {
                issues.append(TemplateIssue(.error, path: "variables", "expected an object"))
            }
        }
        return template
    }

    static func parseFields(_ value: JSONValue?, key: String, issues: inout [TemplateIssue]) -> [TicketField] {
        guard let value, !value.isNull else { return [] }
        guard let entries = value.arrayValue else {
            issues.append(TemplateIssue(.error, path: key, "expected an array of {name, value}"))
            return []
        }
        var fields: [TicketField] = []
        for (index, entry) in entries.enumerated() {
            guard let name = entry["name"]?.stringValue, !name.isEmpty else {
                issues.append(TemplateIssue(.error, path: "\(key)[\(index)].name", "expected a non-empty string"))
                continue
            }
            guard let text = entry["value"]?.scalarText ?? (entry["value"]?.isNull == true ? "" : nil) else {
                issues.append(TemplateIssue(.error, path: "\(key)[\(index)].value", "expected a string"))
                continue
            }
            fields.append(TicketField(name: name, value: text))
        }
        return fields
    }

    static let weekdays: [(String, Int)] = [
        ("sunday", 1), ("monday", 2), ("tuesday", 3), ("wednesday", 4), ("thursday", 5), ("friday", 6), ("saturday", 7),
    ]

    static func parseWorkingHours(_ value: JSONValue?, issues: inout [TemplateIssue]) -> [Int: WorkingWindow]? {
        guard let value, !value.isNull else { return nil }
        guard let days = value.objectValue else {
            issues.append(TemplateIssue(.error, path: "workingHours", "expected an object with one entry per weekday"))
            return nil
        }
        var windows: [Int: WorkingWindow] = [:]
        for (key, window) in days {
            guard let weekday = weekdays.first(where: { $0.0 == key.lowercased() })?.1 else {
                issues.append(TemplateIssue(.warning, path: "workingHours.\(key)", "not a weekday name, ignored"))
                continue
            }
            let start = minutes(window["start"])
            let stop = minutes(window["stop"])
            if start == nil {
                issues.append(TemplateIssue(.error, path: "workingHours.\(key).start", "expected HHmm such as \"0800\""))
            }
            if stop == nil {
                issues.append(TemplateIssue(.error, path: "workingHours.\(key).stop", "expected HHmm such as \"1900\""))
            }
            if let start, let stop { windows[weekday] = WorkingWindow(start: start, stop: stop) }
        }
        return windows
    }

    /// `"0800"` → 480. `"2400"` is accepted as the end of the day.
    static func minutes(_ value: JSONValue?) -> Int? {
        guard let text = value?.scalarText?.trimmingCharacters(in: .whitespaces),
            text.count == 4, let number = Int(text), number >= 0
        else { return nil }
        let hours = number / 100
        let minutes = number % 100
        guard minutes < 60, hours < 24 || (hours == 24 && minutes == 0) else { return nil }
        return hours * 60 + minutes
    }

    static func parseTags(_ value: JSONValue?, issues: inout [TemplateIssue]) -> [TagRule] {
        guard let value, !value.isNull else { return [] }
        guard let entries = value.arrayValue else {
            issues.append(TemplateIssue(.error, path: "tags", "expected an array of {indicator, indicatorValue, attribute, value}"))
            return []
        }
        var rules: [TagRule] = []
        for (index, entry) in entries.enumerated() {
            guard let indicator = entry["indicator"]?.stringValue, !indicator.isEmpty else {
                issues.append(
                    TemplateIssue(
                        .error, path: "tags[\(index)].indicator", "expected TAG_START, TAG_END, DEFAULT, EXIT or a backend indicator"))
                continue
            }
            rules.append(
                TagRule(
                    indicator: indicator.uppercased(),
                    indicatorValue: entry["indicatorValue"]?.scalarText ?? "",
                    attribute: entry["attribute"]?.scalarText ?? "",
                    value: entry["value"]?.scalarText ?? ""))
        }
        return rules
    }
}
