import Foundation

/// Connector.config, read (SPEC §2). Every SMA alias is folded into these fields by `ConnectorConfigLoader`.
public struct ConnectorConfig: Sendable, Equatable {
    public struct OpCon: Sendable, Equatable {
        public var server: String = ""
        public var port: Int = 9010
        public var usesTLS: Bool = true
        /// The token as written (may be `env:`, `file:`, SMA-encoded or plain); resolve with `SecretResolver`.
        public var token: String = ""
        /// Address ServiceNow uses to call OpCon back (defaults to server/port).
        public var returnServer: String?
        public var returnPort: Int?
        /// Per-request timeout.
        public var timeoutSeconds: Double = 30
        public init() {}

        /// `RET_SERVER:RET_PORT`, the first half of ServiceNow's `correlation_id`.
        public var correlationAddress: String { "\(returnServer ?? server):\(returnPort ?? port)" }
    }

    public struct Proxy: Sendable, Equatable {
        public var enabled: Bool = false
        public var host: String = ""
        public var port: Int?
        public init() {}
    }

    public struct General: Sendable, Equatable {
        /// Folder for job-log files (relative to the install directory unless absolute).
        public var jobLogDirectory: String = "joblogs"
        public var templatesDirectory: String = "templates"
        /// Hour the operations day starts (0–23); required by `submitSingleIncidentPerDay`.
        public var dailyStartHour: Int?
        public var debug: Bool = false
        /// Whole-run budget.
        public var deadlineSeconds: Double = 120
        public var maxJobLogBytes: Int = 10_485_760
        public var logFormat: LogFormat = .text
        public var logMaxBytes: Int = 10_485_760
        public var logKeepFiles: Int = 10
        /// How many of a job log's last non-empty lines the ticket's excerpt shows (`LOG_EXCERPT_LINES`).
        public var logExcerptLines: Int = 20
        /// Whether secrets are replaced by `****` in the excerpt and the attached log (`SCRUB_JOBLOGS`).
        public var scrubJobLogs: Bool = true
        public init() {}
    }

    public enum LogFormat: String, Sendable, Equatable { case text, json }

    public var general = General()
    public var proxy = Proxy()
    public var opcon = OpCon()
    /// `[DEFAULTS]` as written: upper-cased keys (`PRIORITY_NAME_VALUE`) and their values, in file order. ConnectorKit
    /// gives them no meaning; a backend maps them onto its fields (Summit).
    public var defaults: [TicketField] = []
    /// Path of the file read, for error messages.
    public var path: String = ""
    /// Unknown keys and other non-fatal remarks, one sentence each.
    public var warnings: [String] = []

    public init() {}
}
