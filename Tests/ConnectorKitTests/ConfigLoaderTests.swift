import Foundation
import Testing

@testable import ConnectorKit

@Suite("Config: Connector.config loader")
struct ConfigLoaderTests {
    static let token = "35f3b848-0c1d-4e2f-9a8b-7c6d5e4f3a2b"

    /// sma-connectors.md §4.1, the ServiceNow connector's keys.
    static let serviceNow = """
        [GENERAL]
        LOG_FILES_DIRECTORY=joblogs      ; temp dir for job logs
        TEMPLATES_DIRECTORY=tpl
        DAILY_START_HOUR=07
        DEBUG=OFF                         ; ON|OFF
        [PROXY CONNECTION]
        USE_PROXY=True                    ; True|False (default False)
        PROXY_ADDRESS=10.200.180.18
        PROXY_PORT=8080
        [OPCON API CONNECTION]
        SERVER=opcon.example.com
        PORT= 9010                        ; note the leading space
        USES_TLS=True
        TOKEN=\(token)
        RET_SERVER=opcon.public.example.com
        RET_PORT= 9443
        """

    /// sma-connectors.md §4.2, the 2024 Summit document's keys.
    static let summit2024 = """
        [GENERAL]
        JOBLOGDIR=joblogs
        TEMPLATESDIR=tpl
        DAILY_START_HOUR=07               ; hour the operations day starts (two digits)
        DEBUG=OFF
        [DEFAULTS]                        ; default incident attribute values
        PRIORITY_NAME_VALUE=P3            ; -> Priority_Name
        IMPACT_NAME_VALUE=Medium
        URGENCY_NAME_VALUE=Medium
        SUP_FUNCTION_VALUE=IT
        MEDIUM_VALUE=Web
        CLASSIFICATION_NAME_VALUE=Application Support  ; -> Classification_Name
        SOURCE_VALUE=Event Trigger
        CATEGORY_NAME_VALUE=ElasticSearch
        ASSIGNED_WORK_GROUP_NAME_VALUE=DevOps ; -> Assigned_WorkGroup_Name
        [PROXY SERVER]
        USES_PROXY=True
        SERVER=10.200.180.18              ; table says ADDRESS, example says SERVER
        PORT=8080
        [OPCON API]
        SERVER=opcon.example.com          ; table says ADDRESS, example says SERVER
        PORT=9010
        USES_TLS=True
        TOKEN=\(token)
        """

    /// sma-connectors.md §4.2, the newest Summit document: ServiceNow's key names plus [DEFAULTS].
    static let summitNewest = """
        [GENERAL]
        LOG_FILES_DIRECTORY=joblogs
        TEMPLATES_DIRECTORY=tpl
        DAILY_START_HOUR=7
        DEBUG=off
        [DEFAULTS]
        PRIORITY_NAME_VALUE=P3
        [PROXY CONNECTION]
        USE_PROXY=true
        PROXY_ADDRESS=10.200.180.18
        PROXY_PORT=8080
        [OPCON API CONNECTION]
        SERVER=opcon.example.com
        PORT=9010
        USES_TLS=True
        TOKEN=\(token)
        """

    @Test("the ServiceNow and both Summit variants load to the same values")
    func variantsAgree() throws {
        let configs = try [Self.serviceNow, Self.summit2024, Self.summitNewest].map { text in
            try ConnectorConfigLoader.parse(text: text, path: "/opt/connector/Connector.config")
        }
        for config in configs {
            #expect(config.general.jobLogDirectory == "joblogs")
            #expect(config.general.templatesDirectory == "tpl")
            #expect(config.general.dailyStartHour == 7)
            #expect(config.general.debug == false)
            #expect(config.proxy.enabled)
            #expect(config.proxy.host == "10.200.180.18")
            #expect(config.proxy.port == 8080)
            #expect(config.opcon.server == "opcon.example.com")
            #expect(config.opcon.port == 9010)
            #expect(config.opcon.usesTLS)
            #expect(config.opcon.token == Self.token)
            #expect(config.path == "/opt/connector/Connector.config")
            #expect(config.warnings.isEmpty, "\(config.warnings)")
        }
        #expect(configs[0].opcon.correlationAddress == "opcon.public.example.com:9443")
        #expect(configs[1].opcon.correlationAddress == "opcon.example.com:9010")
    }

    @Test("[DEFAULTS] is kept as written, in file order, for the backend that reads it")
    func summitDefaults() throws {
        let config = try ConnectorConfigLoader.parse(text: Self.summit2024, path: "c")
        #expect(
            config.defaults == [
                TicketField(name: "PRIORITY_NAME_VALUE", value: "P3"),
                TicketField(name: "IMPACT_NAME_VALUE", value: "Medium"),
                TicketField(name: "URGENCY_NAME_VALUE", value: "Medium"),
                TicketField(name: "SUP_FUNCTION_VALUE", value: "IT"),
                TicketField(name: "MEDIUM_VALUE", value: "Web"),
                TicketField(name: "CLASSIFICATION_NAME_VALUE", value: "Application Support"),
                TicketField(name: "SOURCE_VALUE", value: "Event Trigger"),
                TicketField(name: "CATEGORY_NAME_VALUE", value: "ElasticSearch"),
                TicketField(name: "ASSIGNED_WORK_GROUP_NAME_VALUE", value: "DevOps"),
            ])
    }

    @Test("ADDRESS is an alias of SERVER in the proxy and OpCon sections; names ignore case")
    func addressAlias() throws {
        let text = """
            [proxy server]
            uses_proxy=yes
            address=proxy.local
            port=3128
            [Opcon Api]
            Address=opcon.local
            token=\(Self.token)
            """
        let config = try ConnectorConfigLoader.parse(text: text, path: "c")
        #expect(
            config.proxy
                == {
                    var proxy = ConnectorConfig.Proxy()
                    proxy.enabled = true
                    proxy.host = "proxy.local"
                    proxy.port = 3128
                    return proxy
                }())
        #expect(config.opcon.server == "opcon.local")
        #expect(config.opcon.port == 9010, "built-in default")
    }

    @Test(
        "booleans read True/False, ON/OFF, yes/no, Y/N, T/F, 1/0 in any case",
        arguments: [
            ("True", true), ("FALSE", false), ("on", true), ("Off", false), ("YES", true), ("no", false),
            ("1", true), ("0", false), ("Y", true), ("n", false), ("t", true), ("F", false),
        ])
    func booleans(text: String, expected: Bool) throws {
        let config = try ConnectorConfigLoader.parse(text: Self.minimal(general: "DEBUG=\(text)"), path: "c")
        #expect(config.general.debug == expected)
    }

    @Test("the project's new keys and their defaults")
    func newKeys() throws {
        let defaults = try ConnectorConfigLoader.parse(text: Self.minimal(), path: "c")
        #expect(defaults.general.deadlineSeconds == 120)
        #expect(defaults.general.maxJobLogBytes == 10_485_760)
        #expect(defaults.general.logFormat == .text)
        #expect(defaults.opcon.timeoutSeconds == 30)

        let text = Self.minimal(
            general: """
                DEADLINE_SECONDS=45.5
                MAX_JOBLOG_BYTES=2048
                LOG_FORMAT=JSON
                LOG_MAX_BYTES=4096
                LOG_KEEP_FILES=3
                """, opcon: "TIMEOUT_SECONDS=12")
        let config = try ConnectorConfigLoader.parse(text: text, path: "c")
        #expect(config.general.deadlineSeconds == 45.5)
        #expect(config.general.maxJobLogBytes == 2048)
        #expect(config.general.logFormat == .json)
        #expect(config.general.logMaxBytes == 4096)
        #expect(config.general.logKeepFiles == 3)
        #expect(config.opcon.timeoutSeconds == 12)
    }

    @Test("LOG_EXCERPT_LINES and SCRUB_JOBLOGS: defaults 20 and True, read without an unknown-key warning")
    func excerptAndScrubKeys() throws {
        let defaults = try ConnectorConfigLoader.parse(text: Self.minimal(), path: "c")
        #expect(defaults.general.logExcerptLines == 20)
        #expect(defaults.general.scrubJobLogs)

        let config = try ConnectorConfigLoader.parse(text: Self.minimal(general: "log_excerpt_lines=5\nSCRUB_JOBLOGS=off"), path: "c")
        #expect(config.general.logExcerptLines == 5)
        #expect(config.general.scrubJobLogs == false)
        #expect(config.warnings.isEmpty, "\(config.warnings)")

        #expect(
            try ConnectorConfigLoader.parse(text: Self.minimal(general: "SCRUB_JOBLOGS=False"), path: "c").general.scrubJobLogs == false)
        #expect(throws: ConnectorError.self) {
            try ConnectorConfigLoader.parse(text: Self.minimal(general: "LOG_EXCERPT_LINES=0"), path: "c")
        }
        #expect(throws: ConnectorError.self) {
            try ConnectorConfigLoader.parse(text: Self.minimal(general: "SCRUB_JOBLOGS=maybe"), path: "c")
        }
    }

    @Test("an empty value keeps the built-in default")
    func emptyValues() throws {
        let text = Self.minimal(general: "DEBUG=\nJOBLOGDIR=\nDAILY_START_HOUR=", opcon: "PORT=\nUSES_TLS=")
        let config = try ConnectorConfigLoader.parse(text: text, path: "c")
        #expect(config.general.debug == false)
        #expect(config.general.jobLogDirectory == "joblogs")
        #expect(config.general.dailyStartHour == nil)
        #expect(config.opcon.port == 9010)
        #expect(config.opcon.usesTLS)
    }

    @Test("unknown keys, unknown sections and repeated keys are warnings naming file, section and key")
    func warnings() throws {
        let text =
            Self.minimal(general: "COLOUR=blue\nJOBLOGDIR=a\nLOG_FILES_DIRECTORY=b") + """

                [TICKET DEFINITIONS]
                TITLE=OpCon Task Failure
                """
        let config = try ConnectorConfigLoader.parse(text: text, path: "/opt/c.config")
        #expect(config.general.jobLogDirectory == "b", "the later alias wins")
        #expect(config.warnings.count == 3)
        #expect(config.warnings.contains { $0.contains("/opt/c.config: [GENERAL] COLOUR") && $0.contains("not a known key") })
        #expect(config.warnings.contains { $0.contains("[GENERAL] LOG_FILES_DIRECTORY (line 4)") && $0.contains("line 3") })
        #expect(
            config.warnings.contains {
                $0.contains("/opt/c.config") && $0.contains("[TICKET DEFINITIONS]")
                    && $0.contains("TITLE")
            })
    }

    // MARK: - Errors

    @Test(
        "each unusable setting is a configuration error naming file, section and key, never the token",
        arguments: [
            ("[GENERAL] DEBUG", Self.minimal(general: "DEBUG=maybe"), "maybe"),
            ("[OPCON API CONNECTION] PORT", Self.minimal(opcon: "PORT=ninety"), "1 to 65535"),
            ("[OPCON API CONNECTION] PORT", Self.minimal(opcon: "PORT=70000"), "70000"),
            ("[PROXY CONNECTION] PROXY_PORT", Self.minimal() + "\n[PROXY CONNECTION]\nPROXY_PORT=x", "whole number"),
            ("[GENERAL] DAILY_START_HOUR", Self.minimal(general: "DAILY_START_HOUR=24"), "0 to 23"),
            ("[GENERAL] DAILY_START_HOUR", Self.minimal(general: "DAILY_START_HOUR=seven"), "0 to 23"),
            ("[GENERAL] LOG_FORMAT", Self.minimal(general: "LOG_FORMAT=xml"), "text or json"),
            ("[GENERAL] DEADLINE_SECONDS", Self.minimal(general: "DEADLINE_SECONDS=0"), "greater than 0"),
            ("[GENERAL] MAX_JOBLOG_BYTES", Self.minimal(general: "MAX_JOBLOG_BYTES=-5"), "whole number"),
            ("[OPCON API CONNECTION] SERVER", "[OPCON API CONNECTION]\nTOKEN=\(Self.token)", "missing"),
            ("[OPCON API] TOKEN", "[OPCON API]\nSERVER=h\nTOKEN=", "missing"),
            ("[OPCON API CONNECTION] TOKEN", "[OPCON API CONNECTION]\nSERVER=h", "missing"),
            ("[OPCON API CONNECTION] SERVER", "", "missing"),
            ("[PROXY CONNECTION]", Self.minimal() + "\n[PROXY CONNECTION]\nUSE_PROXY=ON", "PROXY_ADDRESS"),
        ])
    func settingErrors(place: String, text: String, expected: String) {
        let error = thrownError { try ConnectorConfigLoader.parse(text: text, path: "/opt/conn/Connector.config") }
        #expect(error?.exitCode == .configuration)
        #expect(error?.message.contains("/opt/conn/Connector.config: \(place)") == true, "\(String(describing: error))")
        #expect(error?.message.contains(expected) == true, "\(String(describing: error))")
        #expect(error?.message.contains(Self.token) == false)
    }

    // MARK: - Files

    @Test("load reads a file with a byte order mark and CRLF line ends")
    func loadFile() throws {
        let path = try Self.write(Data(("\u{FEFF}" + Self.serviceNow.replacingOccurrences(of: "\n", with: "\r\n")).utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let config = try ConnectorConfigLoader.load(path: path)
        #expect(config.opcon.returnPort == 9443)
        #expect(config.opcon.token == Self.token)
        #expect(config.path == path)
    }

    @Test("a file that is not UTF-8 is read as Windows-1252, as the Java connectors did")
    func windows1252() throws {
        var data = Data(Self.minimal().utf8)
        data.append(contentsOf: Array("\n[DEFAULTS]\nSOURCE_VALUE=Op".utf8) + [0xE9] + Array("ration".utf8))
        let path = try Self.write(data)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let config = try ConnectorConfigLoader.load(path: path)
        #expect(config.defaults == [TicketField(name: "SOURCE_VALUE", value: "Opération")])
    }

    @Test("a missing file or a directory is a configuration error naming the path")
    func missingFile() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("nope-\(UUID()).config").path
        let error = thrownError { try ConnectorConfigLoader.load(path: missing) }
        #expect(error?.exitCode == .configuration)
        #expect(error?.message.contains(missing) == true)

        let directory = FileManager.default.temporaryDirectory.path
        let directoryError = thrownError { try ConnectorConfigLoader.load(path: directory) }
        #expect(directoryError?.exitCode == .configuration)
        #expect(directoryError?.message.contains("directory") == true)
    }

    // MARK: - Helpers

    /// A valid file with extra `[GENERAL]` and `[OPCON API CONNECTION]` lines.
    static func minimal(general: String = "", opcon: String = "") -> String {
        """
        [GENERAL]
        \(general)
        [OPCON API CONNECTION]
        SERVER=opcon.local
        TOKEN=\(token)
        \(opcon)
        """
    }

    private static func write(_ data: Data) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("Connector-\(UUID()).config")
        try data.write(to: url)
        return url.path
    }
}
