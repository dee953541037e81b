import Foundation

/// Everything one process builds from its install directory: config, logging, secrets, HTTP, templates,
/// backends and the engines. Commands ask it for what they need; the executable hands it the platform's
/// transport, tests a scripted one.
public struct ConnectorRuntime: Sendable {
    public let home: InstallDirectory
    public let config: ConnectorConfig
    public let registry: BackendRegistry
    public let masker: SecretMasker
    public let logger: Logger
    /// The same log without the console: for the failure the command line prints itself.
    let fileLogger: Logger
    public let secrets: SecretResolver
    public let deadline: Deadline
    public let now: @Sendable () -> Date
    public let calendar: Calendar
    public let http: HTTPClient
    let counter: RequestCounter
    /// Why no HTTP transport could be made (libcurl missing), if so: every service client refuses to start then.
    let transportFailure: ConnectorError?

    /// Reads `Connector.config` and prepares logging. Configuration problems throw `.configuration` (exit 78).
    /// - Parameter console: also show warnings on stderr (off for in-process runs such as `connector demo`).
    /// - Parameter deadlineClock: what `DEADLINE_SECONDS` is measured on; a long-running command passes a `PassClock`
    ///   so that each of its passes has the whole budget.
    public static func load(
        home: InstallDirectory, registry: BackendRegistry, environment: [String: String],
        transport: TransportFactory, console: Bool = true,
        deadlineClock: @escaping Deadline.Clock = Deadline.monotonicSeconds
    ) throws(ConnectorError) -> ConnectorRuntime {
        let config = try ConnectorConfigLoader.load(path: home.configFile)
        let masker = SecretMasker()
        let file = FileLogSink(
            directory: home.logDirectory, format: config.general.logFormat,
            maxBytes: config.general.logMaxBytes, keepFiles: config.general.logKeepFiles)
        let level: LogLevel = config.general.debug ? .debug : .info
        let fileLogger = Logger(sinks: [file], minimumLevel: level, masker: masker)
        let logger =
            console ? Logger(sinks: [file, StandardErrorSink(minimumLevel: .warning)], minimumLevel: level, masker: masker) : fileLogger
        for warning in config.warnings { logger.warning(warning) }
        let deadline = Deadline(seconds: config.general.deadlineSeconds, clock: deadlineClock)
        let counter = RequestCounter()
        // A missing HTTP library fails the commands that make requests (exit 69), not those that only read files.
        var transportFailure: ConnectorError?
        let client: any ClientTransport
        do { client = try transport(TransportSettings(config: config)) } catch {
            transportFailure = error
            client = UnavailableTransport(failure: error)
        }
        let http = HTTPStack.make(config: config, deadline: deadline, logger: logger, transport: client).adding(counter)
        var secrets = SecretResolver(masker: masker, environment: environment)
        secrets.baseDirectory = home.path
        return ConnectorRuntime(
            home: home, config: config, registry: registry, masker: masker, logger: logger, fileLogger: fileLogger,
            secrets: secrets, deadline: deadline,
            now: try RunClock.now(environment: environment), calendar: .current, http: http, counter: counter,
            transportFailure: transportFailure)
    }

    /// The same runtime with a budget of its own, starting now, instead of the run's `DEADLINE_SECONDS`: `check`
    /// gives each service its own limit, so a silent OpCon cannot spend the time of the ITSM's check. The transport
    /// (and with it its connections) is shared.
    public func withBudget(seconds: Double) -> ConnectorRuntime {
        let budget = Deadline(seconds: seconds)
        let http = HTTPStack.make(config: config, deadline: budget, logger: logger, transport: self.http.transport).adding(counter)
        return ConnectorRuntime(
            home: home, config: config, registry: registry, masker: masker, logger: logger, fileLogger: fileLogger,
            secrets: secrets, deadline: budget, now: now, calendar: calendar, http: http, counter: counter,
            transportFailure: transportFailure)
    }

    /// Requests made so far by this process.
    public var requestCount: Int { counter.value }

    /// Time given to earlier outbox items before a run handles its own event.
    public var outboxBudget: Double { min(10, config.general.deadlineSeconds / 4) }

    public var templatesDirectory: String { home.file(config.general.templatesDirectory) }

    /// `LOG_FILES_DIRECTORY` / `JOBLOGDIR`: where job logs wait between OpCon and the ITSM.
    public var jobLogFolders: JobLogFolders { JobLogFolders(root: home.file(config.general.jobLogDirectory)) }

    public var loader: TemplateLoader { TemplateLoader(registry: registry, directory: templatesDirectory) }

    /// `http(s)://SERVER:PORT`, for messages.
    public var opconBaseURL: String {
        (try? OpConClient.baseURL(for: config.opcon, configPath: home.configFile).absoluteString) ?? config.opcon.server
    }

    /// Loads a template and logs its warnings.
    public func loadTemplate(_ name: String) throws(ConnectorError) -> LoadedTemplate {
        let loaded = try loader.load(name, config: config)
        for warning in loaded.warnings { logger.warning(warning) }
        return loaded
    }

    /// The backend for a template. With `preview`, its writes are recorded there instead of sent (`explain`).
    public func backend(for loaded: LoadedTemplate, preview: WriteCapture? = nil) throws(ConnectorError) -> any TicketBackend {
        if let transportFailure { throw transportFailure }
        let environment = BackendEnvironment(
            http: preview.map { http.adding($0) } ?? http, secrets: secrets,
            logger: logger.scoped(job: nil, template: loaded.template.name), config: config, template: loaded.template,
            now: now, deadline: deadline)
        return try loaded.setup.make(environment)
    }

    /// Whether `loaded` is the only template of its backend in the templates directory: a job whose ticket has no
    /// link can then only be its. A directory that cannot be listed counts as holding this template alone.
    public func isSoleTemplateOfItsBackend(_ loaded: LoadedTemplate) -> Bool {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: templatesDirectory) else { return true }
        let own = URL(fileURLWithPath: loaded.template.path).standardizedFileURL.path
        for name in names where name.lowercased().hasSuffix(".json") {
            let path = URL(fileURLWithPath: templatesDirectory).appendingPathComponent(name).standardizedFileURL.path
            guard path != own, let data = FileManager.default.contents(atPath: path), let raw = try? JSONValue.parse(data) else { continue }
            if registry.plugin(for: raw)?.id == loaded.plugin.id { return false }
        }
        return true
    }

    /// The OpCon client, with the token resolved (and masked from now on).
    public func opconClient() throws(ConnectorError) -> OpConClient {
        if let transportFailure { throw transportFailure }
        let token = try secrets.resolve(config.opcon.token, field: "\(home.configFile) [OPCON API CONNECTION] TOKEN")
        if let warning = token.warning { logger.warning(warning) }
        return try OpConClient(config: config, token: token.value, http: http, deadline: deadline, logger: logger)
    }

    /// The lifecycle engine for one template. With `preview`, the engine plans and records writes instead (`explain`).
    public func engine(forTemplate name: String, preview: WriteCapture? = nil) throws(ConnectorError) -> LifecycleEngine {
        let loaded = try loadTemplate(name)
        var engine = LifecycleEngine(
            template: loaded.template, backend: try backend(for: loaded, preview: preview), fields: loaded.setup.fields,
            service: loaded.plugin.displayName, opcon: try opconClient(), config: config,
            outbox: Outbox(directory: home.outboxDirectory), locks: JobLocks(directory: home.locksDirectory),
            logger: logger.scoped(job: nil, template: loaded.template.name), calendar: calendar, now: now,
            lockTimeout: max(1, min(60, deadline.remaining / 2)), jobLogFolders: jobLogFolders, deadline: deadline)
        engine.preview = preview
        return engine
    }

    public func syncEngine(forTemplate name: String) throws(ConnectorError) -> SyncEngine {
        let loaded = try loadTemplate(name)
        return SyncEngine(
            template: loaded.template, backend: try backend(for: loaded), opcon: try opconClient(),
            logger: logger.scoped(job: nil, template: loaded.template.name), calendar: calendar, now: now,
            claimsUnlinkedTickets: isSoleTemplateOfItsBackend(loaded))
    }

    /// Delivery of waiting outbox items; each item is replayed with its own template.
    public func outboxDelivery() -> OutboxDelivery {
        OutboxDelivery(
            outbox: Outbox(directory: home.outboxDirectory), locks: JobLocks(directory: home.locksDirectory),
            logger: logger, now: now, jobLogFolders: jobLogFolders,
            engineFor: { item in try engine(forTemplate: item.event.template) })
    }

    /// Logs a failure (masked) and returns it marked as logged, so a command can `throw runtime.report(error)`
    /// and the command line prints it without logging it a second time.
    public func report(_ error: ConnectorError, logger: Logger? = nil) -> ReportedError {
        var log = fileLogger
        if let logger { log = fileLogger.scoped(job: logger.job, template: logger.template) }
        log.error(error.message)
        return ReportedError(error: error.masked(by: masker))
    }
}

/// Stands in for a transport that could not be made: every request fails with the reason.
private struct UnavailableTransport: ClientTransport {
    let failure: ConnectorError
    func send(_ request: HTTPRequest) async throws -> HTTPResponse { throw failure }
}
