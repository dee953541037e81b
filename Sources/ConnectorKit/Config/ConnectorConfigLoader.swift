import Foundation

/// Reads Connector.config (SPEC §2), folding every SMA section and key alias into `ConnectorConfig`.
/// Unknown sections and keys become warnings; anything unusable is a configuration error (exit 78)
/// that names the file, the section and key, and what was expected. A TOKEN value never appears in one.
public enum ConnectorConfigLoader {
    /// Reads and parses the file at `path`.
    public static func load(path: String) throws(ConnectorError) -> ConnectorConfig {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .configuration(
                "Connector.config not found at \(path) nor in the working directory; run the "
                    + "connector from its install directory, or point --home (or CONNECTOR_HOME) at it.")
        }
        guard !isDirectory.boolValue else {
            throw .configuration("\(path) is a directory, not the Connector.config file.")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .configuration(
                "Connector.config at \(path) cannot be read (\(reason(error))); "
                    + "give the connector's account read access to it.")
        }
        return try parse(text: decode(data), path: path)
    }

    /// Parses Connector.config text; `path` is only used in messages and recorded in `config.path`.
    public static func parse(text: String, path: String) throws(ConnectorError) -> ConnectorConfig {
        let file = try IniFile.parse(text: text, path: path)
        var config = ConnectorConfig()
        config.path = path
        var lineSettingField: [Field: Int] = [:]
        var unknownSections: [String] = []

        for entry in file.entries {
            let setting = ConfigSetting(entry: entry, path: path)
            guard let section = Section(name: entry.sectionID) else {
                if !unknownSections.contains(entry.section) { unknownSections.append(entry.section) }
                continue
            }
            guard let field = section.field(forKey: entry.keyID) else {
                config.warnings.append("\(setting.place) is not a known key; it is ignored.")
                continue
            }
            if let earlier = lineSettingField[field] {
                config.warnings.append(
                    "\(setting.place) (line \(entry.line)) sets what line \(earlier) already set; "
                        + "the later line wins.")
            }
            lineSettingField[field] = entry.line
            try apply(field, setting, to: &config)
        }
        for section in file.sections
        where Section(name: IniFile.normalisedName(section)) == nil
            && !unknownSections.contains(section)
        {
            unknownSections.append(section)
        }
        for section in unknownSections {
            let keys = file.entries.filter { $0.section == section }.map(\.key)
            let name = section.isEmpty ? "settings before the first [SECTION] header" : "section [\(section)]"
            let detail = keys.isEmpty ? "" : " (\(keys.joined(separator: ", ")))"
            config.warnings.append("\(path): \(name) is not known; its keys\(detail) are ignored.")
        }
        try checkRequired(config, file: file)
        return config
    }

    // MARK: - Sections and keys

    /// The four sections the connector reads, whatever the SMA revision calls them.
    private enum Section {
        case general, proxy, opcon, defaults

        init?(name: String) {
            switch name {
            case "GENERAL": self = .general
            case "PROXY CONNECTION", "PROXY SERVER": self = .proxy
            case "OPCON API CONNECTION", "OPCON API": self = .opcon
            case "DEFAULTS": self = .defaults
            default: return nil
            }
        }

        /// The field a key sets; aliases of one meaning share a field.
        func field(forKey key: String) -> Field? {
            switch (self, key) {
            case (.general, "LOG_FILES_DIRECTORY"), (.general, "JOBLOGDIR"): return .jobLogDirectory
            case (.general, "TEMPLATES_DIRECTORY"), (.general, "TEMPLATESDIR"): return .templatesDirectory
            case (.general, "DAILY_START_HOUR"): return .dailyStartHour
            case (.general, "DEBUG"): return .debug
            case (.general, "DEADLINE_SECONDS"): return .deadlineSeconds
            case (.general, "MAX_JOBLOG_BYTES"): return .maxJobLogBytes
            case (.general, "LOG_FORMAT"): return .logFormat
            case (.general, "LOG_MAX_BYTES"): return .logMaxBytes
            case (.general, "LOG_KEEP_FILES"): return .logKeepFiles
            case (.general, "LOG_EXCERPT_LINES"): return .logExcerptLines
            case (.general, "SCRUB_JOBLOGS"): return .scrubJobLogs
            case (.proxy, "USE_PROXY"), (.proxy, "USES_PROXY"): return .proxyEnabled
            case (.proxy, "PROXY_ADDRESS"), (.proxy, "ADDRESS"), (.proxy, "SERVER"): return .proxyHost
            case (.proxy, "PROXY_PORT"), (.proxy, "PORT"): return .proxyPort
            case (.opcon, "SERVER"), (.opcon, "ADDRESS"): return .opconServer
            case (.opcon, "PORT"): return .opconPort
            case (.opcon, "USES_TLS"): return .opconUsesTLS
            case (.opcon, "TOKEN"): return .opconToken
            case (.opcon, "RET_SERVER"): return .returnServer
            case (.opcon, "RET_PORT"): return .returnPort
            case (.opcon, "TIMEOUT_SECONDS"): return .timeoutSeconds
            case (.defaults, _): return .ticketDefault(key)
            default: return nil
            }
        }
    }

    /// What a key sets.
    private enum Field: Hashable {
        case jobLogDirectory, templatesDirectory, dailyStartHour, debug, deadlineSeconds, maxJobLogBytes
        case logFormat, logMaxBytes, logKeepFiles, logExcerptLines, scrubJobLogs
        case proxyEnabled, proxyHost, proxyPort
        case opconServer, opconPort, opconUsesTLS, opconToken, returnServer, returnPort, timeoutSeconds
        /// A `[DEFAULTS]` key, for the backend that reads the section.
        case ticketDefault(String)
    }

    private static func apply(
        _ field: Field, _ setting: ConfigSetting,
        to config: inout ConnectorConfig
    ) throws(ConnectorError) {
        switch field {
        case .jobLogDirectory: config.general.jobLogDirectory = setting.text ?? config.general.jobLogDirectory
        case .templatesDirectory: config.general.templatesDirectory = setting.text ?? config.general.templatesDirectory
        case .dailyStartHour: config.general.dailyStartHour = try setting.integer(in: 0...23)
        case .debug: config.general.debug = try setting.boolean() ?? config.general.debug
        case .deadlineSeconds: config.general.deadlineSeconds = try setting.seconds() ?? config.general.deadlineSeconds
        case .maxJobLogBytes:
            config.general.maxJobLogBytes = try setting.integer(in: 1...Int.max) ?? config.general.maxJobLogBytes
        case .logFormat:
            guard let text = setting.text else { return }
            guard let format = ConnectorConfig.LogFormat(rawValue: text.lowercased()) else {
                throw .configuration("\(setting.place) must be text or json, found \"\(text)\".")
            }
            config.general.logFormat = format
        case .logMaxBytes: config.general.logMaxBytes = try setting.integer(in: 1...Int.max) ?? config.general.logMaxBytes
        case .logKeepFiles:
            config.general.logKeepFiles = try setting.integer(in: 1...Int.max) ?? config.general.logKeepFiles
        case .logExcerptLines:
            // The block holds at most 4,000 characters: more lines than that could never be shown.
            config.general.logExcerptLines = try setting.integer(in: 1...1000) ?? config.general.logExcerptLines
        case .scrubJobLogs: config.general.scrubJobLogs = try setting.boolean() ?? config.general.scrubJobLogs
        case .proxyEnabled: config.proxy.enabled = try setting.boolean() ?? config.proxy.enabled
        case .proxyHost: config.proxy.host = setting.text ?? ""
        case .proxyPort: config.proxy.port = try setting.port()
        case .opconServer: config.opcon.server = setting.text ?? ""
        case .opconPort: config.opcon.port = try setting.port() ?? config.opcon.port
        case .opconUsesTLS: config.opcon.usesTLS = try setting.boolean() ?? config.opcon.usesTLS
        case .opconToken: config.opcon.token = setting.text ?? ""
        case .returnServer: config.opcon.returnServer = setting.text
        case .returnPort: config.opcon.returnPort = try setting.port()
        case .timeoutSeconds: config.opcon.timeoutSeconds = try setting.seconds() ?? config.opcon.timeoutSeconds
        case .ticketDefault(let name):
            // A repeated key replaces the earlier value in place, so the file order of first mention holds.
            let field = TicketField(name: name, value: setting.entry.value)
            if let index = config.defaults.firstIndex(where: { $0.name == name }) {
                config.defaults[index] = field
            } else {
                config.defaults.append(field)
            }
        }
    }

    /// Settings without which no run can work.
    private static func checkRequired(_ config: ConnectorConfig, file: IniFile) throws(ConnectorError) {
        // Name the OpCon section the way this file spells it, so the operator finds the right place.
        let opconSection =
            file.sections.last { Section(name: IniFile.normalisedName($0)) == .opcon }
            ?? "OPCON API CONNECTION"
        if config.opcon.server.isEmpty {
            throw .configuration(
                "\(file.path): [\(opconSection)] SERVER is missing; set it to the host name "
                    + "of the OpCon REST API.")
        }
        if config.opcon.token.isEmpty {
            throw .configuration(
                "\(file.path): [\(opconSection)] TOKEN is missing; set it to an OpCon "
                    + "application token (env:NAME or file:PATH keep it out of the file).")
        }
        if config.proxy.enabled && config.proxy.host.isEmpty {
            let proxySection =
                file.sections.last { Section(name: IniFile.normalisedName($0)) == .proxy }
                ?? "PROXY CONNECTION"
            throw .configuration(
                "\(file.path): [\(proxySection)] turns the proxy on but gives no address; "
                    + "set PROXY_ADDRESS (ADDRESS or SERVER in [PROXY SERVER]), or turn the proxy off.")
        }
    }

    // MARK: - Bytes to text

    /// UTF-8 (with or without a byte order mark), UTF-16 with a byte order mark (Notepad's "Unicode"),
    /// else Windows-1252, the code page the Java connectors read the file with on Windows.
    static func decode(_ data: Data) -> String {
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]),
            let text = String(data: data, encoding: .utf16)
        {
            return text
        }
        if let text = String(data: data, encoding: .utf8) { return text }
        return String(data: data, encoding: .windowsCP1252) ?? String(decoding: data, as: UTF8.self)
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedFailureReason ?? error.localizedDescription
    }
}
