import Foundation

/// Runs the shared algorithm of SPEC §5 for one template and its backend: lock, read the job, EXIT tags, field
/// layering, the decision, the ITSM write, write-back, documentation, job log, release. Each completed step is
/// recorded in the event's outbox item before the next one starts, so an interrupted run can be finished later
/// without a second ticket.
public struct LifecycleEngine: Sendable {
    public var template: Template
    public var backend: any TicketBackend
    /// How the backend's fields are shaped (its plugin's reading of the template).
    public var fields: FieldConventions
    public var opcon: any OpConService
    public var config: ConnectorConfig
    public var outbox: Outbox
    public var locks: JobLocks
    public var logger: Logger
    public var calendar: Calendar
    public var now: @Sendable () -> Date
    /// How long a run waits for another run of the same job to finish.
    public var lockTimeout: Double
    /// Where job logs are streamed to before they are attached; nil keeps them in memory (tests with small logs).
    public var jobLogFolders: JobLogFolders?
    /// The run's budget: the wait for the job log before the ticket is written takes at most half of what is left.
    public var deadline: Deadline?
    /// How long the ticket waits for the job log it quotes (SPEC §5 step 7: 15 s); tests shorten it.
    public var logExcerptWait: Double = 15
    /// Bytes read at a time by the pass that scrubs the log and builds the excerpt.
    public var logReadChunkSize = LogLineReader.defaultChunkSize
    /// Set for `explain`: the backend's client records its writes here instead of sending them.
    public var preview: WriteCapture?
    /// How messages name the backend (`ServiceNow`).
    public var service: String

    public init(
        template: Template, backend: any TicketBackend, fields: FieldConventions = FieldConventions(), service: String? = nil,
        opcon: any OpConService, config: ConnectorConfig,
        outbox: Outbox, locks: JobLocks, logger: Logger, calendar: Calendar = .current,
        now: @escaping @Sendable () -> Date = { Date() }, lockTimeout: Double = 60, jobLogFolders: JobLogFolders? = nil,
        deadline: Deadline? = nil
    ) {
        self.template = template
        self.backend = backend
        self.fields = fields
        self.service = service ?? template.backendID
        self.opcon = opcon
        self.config = config
        self.outbox = outbox
        self.locks = locks
        self.logger = logger
        self.calendar = calendar
        self.now = now
        self.lockTimeout = lockTimeout
        self.jobLogFolders = jobLogFolders
        self.deadline = deadline
    }

    // MARK: Entry points

    /// Handles a new failure event. Throws `ConnectorError` for everything that is not worth retrying.
    public func handle(_ event: FailureEvent) async throws -> RunOutcome {
        try await scoped(to: event).handleInScope(event)
    }

    /// This engine with its log lines naming the event's job (SPEC §8: time, level, job, template, message).
    private func scoped(to event: FailureEvent) -> LifecycleEngine {
        var engine = self
        engine.logger = logger.scoped(job: event.dailyJobID, template: nil)
        return engine
    }

    private func handleInScope(_ event: FailureEvent) async throws -> RunOutcome {
        let lock = try await locks.acquire(jobID: event.dailyJobID, timeout: lockTimeout)
        guard let lock else {
            var item = OutboxItem(event: event, now: now())
            return try queue(&item, because: "another run for job \(event.dailyJobID) held its lock for more than \(Int(lockTimeout)) s")
        }
        defer { lock.release() }
        var item = OutboxItem(event: event, now: now())
        if let reason = await finishEarlierEvents(of: event) {
            return try queue(&item, because: reason)
        }
        do {
            try outbox.save(item)  // the journal entry a crash leaves behind
        } catch {
            logger.warning("\(error.message) The run continues, but an interruption now could not be recovered.")
        }
        return try await execute(&item)
    }

    /// Continues an outbox item from its recorded progress. The caller holds the job's lock.
    public func resume(_ item: OutboxItem) async throws -> RunOutcome {
        var item = item
        return try await scoped(to: item.event).execute(&item)
    }

    /// Finishes, oldest first and under the job's lock, the earlier events of this job and template still in the
    /// outbox (their run was killed, or a service was down). An earlier ticket that was written but not yet written
    /// back is invisible in OpCon, so this run would otherwise open a second ticket instead of updating it. Returns
    /// why this event must wait too when an earlier one is still waiting; one that fails for good is dropped with an
    /// error in the log, as a delivery would drop it.
    private func finishEarlierEvents(of event: FailureEvent) async -> String? {
        let earlier = outbox.pending().items.filter {
            $0.event.dailyJobID == event.dailyJobID && $0.event.template == event.template
        }
        for item in earlier {
            do {
                let outcome = try await resume(item)
                if case .queued(let reason) = outcome.status {
                    return "An earlier failure of job \(event.dailyJobID) is still waiting: \(reason)"
                }
                logger.info(
                    "Finished an earlier failure of job \(event.dailyJobID) first: \(outcome.decision) \(outcome.ticket?.number ?? "").")
            } catch {
                let message = (error as? ConnectorError)?.message ?? "\(error)"
                logger.error("An earlier failure of job \(event.dailyJobID) could not be delivered and was dropped: \(message)")
            }
        }
        return nil
    }

    /// What a run would do, without changing anything: reads the job and the existing ticket, decides, and, on an
    /// engine made with a `preview` capture, returns the requests the write would send (`explain`).
    public func plan(_ event: FailureEvent) async throws -> Plan {
        let job = try await opcon.dailyJob(for: event)
        switch try await intent(for: event, job: job) {
        case .skip(let reason, _, let draft):
            return Plan(decision: .skip(reason: reason), draft: draft, writes: [])
        case .write(let decision, var draft):
            if includesLogExcerpt {
                draft.logExcerpt = await previewExcerpt(of: job)
            }
            guard let preview else { return Plan(decision: decision, draft: draft, writes: []) }
            // The captured writes are answered `{}`, which a backend may find unusable after the first one; what was
            // captured until then is the preview. An error before any write is a real one (a read that failed).
            do { _ = try await write(decision, draft) } catch { if preview.captured.isEmpty { throw error } }
            return Plan(decision: decision, draft: draft, writes: preview.captured)
        }
    }

    /// The excerpt a run would put into the ticket, within the same wait, read into a folder of its own that is
    /// removed afterwards (the event's folder may belong to a run in progress or an outbox item). Nothing is attached,
    /// so nothing is kept.
    private func previewExcerpt(of job: DailyJob) async -> String {
        var directory: String?
        if let jobLogFolders {
            let folder = (jobLogFolders.root as NSString).appendingPathComponent("explain-\(UUID().uuidString)")
            if (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil { directory = folder }
        }
        let reading = Task { [directory] in await readLog(job, directory: directory, excerpt: true) }
        defer {
            reading.cancel()
            if let directory { try? FileManager.default.removeItem(atPath: directory) }
        }
        let wait = excerptWait
        switch await BoundedWait.value(of: reading, within: wait) {
        case .prepared(let log): return log.excerpt ?? ""
        case .unavailable(let reason): return LogExcerpt.unavailableLine(reason)
        case nil: return LogExcerpt.unavailableLine(Self.lateReason(wait))
        }
    }

    /// How long the write waits for the log: `logExcerptWait`, and at most half of the run's remaining budget so that
    /// a short deadline still leaves time for the ticket.
    private var excerptWait: Double { min(logExcerptWait, (deadline?.remaining ?? .infinity) / 2) }

    private static func lateReason(_ wait: Double) -> String {
        "the job log could not be read from OpCon within \(seconds(wait)) s"
    }

    /// The result of `plan`.
    public struct Plan: Sendable {
        public var decision: Decision
        public var draft: TicketDraft
        /// The requests the ITSM write would send, in order (none for a skip, or without a preview capture).
        public var writes: [HTTPRequest]
    }

    // MARK: The algorithm

    private func execute(_ item: inout OutboxItem) async throws -> RunOutcome {
        do {
            let outcome = try await advance(&item)
            outbox.remove(item)
            jobLogFolders?.discard(item)
            return outcome
        } catch let error as ConnectorError where error.exitCode == .unavailable {
            // The logs fetched so far stay for the replay, which does not send a create again where nothing can
            // search for it (`noteCreate`): say so now rather than promise a delivery.
            var reason = error.message
            if error.isUnconfirmed && !backend.capabilities.contains(.correlationSearch) {
                reason += " Its next delivery will not send it again but move it to outbox/dead."
            }
            return try queue(&item, because: reason)
        } catch let error as ConnectorError {
            outbox.remove(item)
            jobLogFolders?.discard(item)
            if let ticket = item.progress.ticket {
                // Context for the log file only: the failure itself is printed once, as the exit's sentence.
                logger.info("Ticket \(ticket.number) was written before the run failed.")
            }
            throw error
        } catch {
            outbox.remove(item)
            jobLogFolders?.discard(item)
            throw ConnectorError.internal("Unexpected error: \(error)")
        }
    }

    /// Saves the item for a later delivery; exit 75, or 69 when even the outbox cannot be written.
    private func queue(_ item: inout OutboxItem, because reason: String) throws -> RunOutcome {
        item.attempts += 1
        item.lastError = reason
        item.updatedAt = now()
        do {
            try outbox.save(item)
        } catch {
            throw ConnectorError.unavailable(
                "\(reason) The event could not be saved for later either: \(error.message) Fix the folder's permissions; this failure must be ticketed by hand."
            )
        }
        // Info, not warning: the exit's one sentence on stderr says the same (warnings are also shown on stderr).
        logger.info("\(reason) The event was saved to the outbox and will be delivered by a later run or `connector outbox flush`.")
        return RunOutcome(
            status: .queued(reason: reason), decision: item.progress.decision ?? "pending", ticket: item.progress.ticket,
            jobID: item.event.dailyJobID)
    }

    private func checkpoint(_ item: inout OutboxItem) {
        item.updatedAt = now()
        do { try outbox.save(item) } catch { logger.warning(error.message) }
    }

    private func advance(_ item: inout OutboxItem) async throws -> RunOutcome {
        let event = item.event
        let job = try await opcon.dailyJob(for: event)

        var pendingWrite: (decision: Decision, draft: TicketDraft)?
        if !item.progress.ticketDone {
            switch try await intent(for: event, job: job) {
            case .skip(let reason, let existing, _):
                logger.info("No ticket: \(reason).")
                return RunOutcome(status: .skipped(reason: reason), decision: "skip", ticket: existing?.reference, jobID: event.dailyJobID)
            case .write(let decision, let draft):
                pendingWrite = (decision, draft)
            }
        }

        // The job log is read before the write because the ticket's text quotes it (SPEC §5 step 7), but the write
        // waits for it only `logExcerptWait` (and never more than half of the run's remaining budget). The attachment,
        // after the write-back, takes it whenever it comes.
        let wantsAttachment =
            !item.progress.jobLogDone
            && template.rule("includeJobLogAttachment", default: fields.attachesJobLogByDefault)
        let wantsExcerpt = pendingWrite != nil && includesLogExcerpt
        let logItem = item
        let logTask: Task<JobLogReading, Never>? =
            wantsAttachment || wantsExcerpt
            ? Task { await readLog(job, for: logItem, excerpt: wantsExcerpt) } : nil
        // An earlier step that fails ends the run: the log is no longer wanted.
        defer { logTask?.cancel() }

        var scrubbedValues: Int?
        if wantsExcerpt, let logTask, var write = pendingWrite {
            let wait = excerptWait
            switch await BoundedWait.value(of: logTask, within: wait) {
            case .prepared(let log):
                write.draft.logExcerpt = log.excerpt
                scrubbedValues = log.scrubbedValues
            case .unavailable(let reason):
                write.draft.logExcerpt = LogExcerpt.unavailableLine(reason)
            case nil:
                logger.warning(
                    "The job log of \(job.id) did not arrive within \(Self.seconds(wait)) s; the ticket is written without its excerpt.")
                write.draft.logExcerpt = LogExcerpt.unavailableLine(Self.lateReason(wait))
            }
            pendingWrite = write
        }

        if let (decision, draft) = pendingWrite {
            if case .replace(let old) = decision { item.progress.previousTicket = old.reference }
            if decision.createsTicket { try noteCreate(&item) }
            let ticket: TicketReference
            do {
                ticket = try await write(decision, draft)
            } catch {
                // Only a create whose outcome is unknown keeps the mark; any other failure proved nothing was made.
                if decision.createsTicket && !error.isUnconfirmed {
                    item.progress.createSentAt = nil
                    checkpoint(&item)
                }
                throw error
            }
            item.progress.decision = decision.verb
            item.progress.ticket = ticket
            checkpoint(&item)
            logger.info("\(decision.verb) ticket \(ticket.number) for job \(event.dailyJobID).")
        }
        guard let ticket = item.progress.ticket else { throw ConnectorError.internal("progress lost its ticket") }

        if !item.progress.ticketWrittenBack {
            if job.incidentTicketID != ticket.recordedID || (job.incidentTicketURL ?? "") != ticket.url {
                guard let uid = job.uid else {
                    throw ConnectorError.data(
                        "OpCon returned daily job \(job.id) without a uid, so ticket \(ticket.number) cannot be written back.")
                }
                try await opcon.writeTicket(ticket, jobUID: uid, hadTicket: job.incidentTicketID != nil)
            }
            item.progress.ticketWrittenBack = true
            checkpoint(&item)
        }

        if !item.progress.documentationUpdated {
            let current = job.documentation ?? ""
            var documentation = current
            if let previous = item.progress.previousTicket {
                documentation = JobDocumentation.settingPreviousTicket(previous.number, in: documentation)
            }
            if rules.singleIncidentPerDay, ["create", "replace"].contains(item.progress.decision) {
                // The failed calendar date (sma-connectors §8.3), also when an outbox replay writes it days later.
                documentation = JobDocumentation.settingLastIncidentDate(
                    DecisionMaker.localDate(event.failedAt, calendar: calendar), in: documentation)
            }
            if documentation != current {
                // The PUT sends the whole job: read it again so the ticket just written back, and any status a
                // business rule changed meanwhile, are sent as OpCon has them now rather than as first read.
                let fresh = try await opcon.dailyJob(for: event)
                _ = try await opcon.updateDocumentation(of: fresh, to: documentation)
            }
            item.progress.documentationUpdated = true
            checkpoint(&item)
        }

        // Without an attachment the log was wanted for the excerpt only: one that is late is not waited for.
        if wantsAttachment, let logTask {
            if case .prepared(let log) = await logTask.value {
                scrubbedValues = log.scrubbedValues
                for file in log.files where !item.progress.attachedFiles.contains(file.name) {
                    try await backend.attach(file, to: ticket)
                    item.progress.attachedFiles.append(file.name)
                    checkpoint(&item)
                }
            }
            item.progress.jobLogDone = true
        }
        return RunOutcome(
            status: .handled, decision: item.progress.decision ?? "update", ticket: ticket, jobID: event.dailyJobID,
            scrubbedValues: scrubbedValues)
    }

    /// The template's `includeLogExcerpt` rule: on unless the template turns it off, whatever the backend.
    var includesLogExcerpt: Bool { template.rule(LogExcerpt.ruleName, default: true) }

    /// A job log as the ticket gets it, or why there is none.
    enum JobLogReading: Sendable {
        case prepared(PreparedJobLog)
        case unavailable(reason: String)
    }

    /// Reads the job log into the event's folder, reusing what an earlier run of the event fetched, then scrubs it
    /// and builds the excerpt.
    private func readLog(_ job: DailyJob, for item: OutboxItem, excerpt: Bool) async -> JobLogReading {
        var directory: String?
        if let jobLogFolders {
            do { directory = try jobLogFolders.prepare(for: item) } catch {
                logger.warning(
                    "The job-log folder \(jobLogFolders.folder(for: item)) cannot be created (\(error.localizedDescription)); the log is read into memory instead."
                )
            }
        }
        if let saved = jobLogFolders?.savedLogs(for: item, maxBytes: config.general.maxJobLogBytes) {
            return prepareLog(saved, directory: directory, excerpt: excerpt)
        }
        return await readLog(job, directory: directory, excerpt: excerpt) { jobLogFolders?.saveManifest($0, for: item) }
    }

    /// Fetches the job log into `directory` (memory when nil), then scrubs it and builds the excerpt. Fetching is best
    /// effort (SPEC §4): a failure is logged and becomes the reason the ticket gives.
    private func readLog(
        _ job: DailyJob, directory: String?, excerpt: Bool,
        fetched: ([JobLogFile]) -> Void = { _ in }
    ) async -> JobLogReading {
        guard let jobNumber = job.jobNumber else {
            logger.warning("OpCon returned no jobNumber for \(job.id); the job log is not read.")
            return .unavailable(reason: "OpCon gave no job number for the job")
        }
        let files: [JobLogFile]
        do {
            files = try await opcon.jobLogs(jobNumber: jobNumber, maxBytes: config.general.maxJobLogBytes, directory: directory)
        } catch {
            // Cancelled: an earlier step failed and the run is ending, so the log is no longer wanted. Saying it
            // "could not be retrieved" (mapped as a passed deadline) would mislead the operator reading stderr.
            if Task.isCancelled { return .unavailable(reason: "the run ended before the job log arrived") }
            let message = ServiceFailure.map(error, service: "OpCon").message
            logger.warning("The job log of \(job.id) could not be retrieved (\(message)); the ticket has no log attached.")
            return .unavailable(reason: "the job log could not be read from OpCon. \(Self.oneLine(logger.masker.mask(message)))")
        }
        fetched(files)
        return prepareLog(files, directory: directory, excerpt: excerpt)
    }

    /// Scrubs the files (unless `SCRUB_JOBLOGS=False`) and builds the excerpt in one pass over each. A log that
    /// cannot be scrubbed is not attached at all: sending it unscrubbed could leak what the pass was to remove.
    private func prepareLog(_ files: [JobLogFile], directory: String?, excerpt: Bool) -> JobLogReading {
        let scrubber = config.general.scrubJobLogs ? JobLogScrubber(secrets: logger.masker.registeredSecrets) : nil
        let preparation = JobLogPreparation(
            scrubber: scrubber, excerptLines: excerpt ? config.general.logExcerptLines : nil,
            chunkSize: logReadChunkSize)
        do {
            let log = try preparation.prepare(files, directory: directory)
            let scrubbing =
                config.general.scrubJobLogs
                ? "\(log.scrubbedValues) secret value(s) replaced by ****" : "not scrubbed (SCRUB_JOBLOGS=False)"
            logger.info("Job log: \(files.count) file(s) read, \(scrubbing).")
            return .prepared(log)
        } catch {
            logger.warning("The job log cannot be prepared: \(error.message); it is not attached.")
            return .unavailable(reason: "the job log could not be prepared on the connector's server")
        }
    }

    /// A message as one line of at most 300 characters, for the ticket's text.
    static func oneLine(_ message: String) -> String {
        let line = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count > 300 ? String(line.prefix(299)) + "…" : line
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    // MARK: Pieces

    /// Records that a create is about to be sent, before it goes out, so that a run killed while it waits still leaves
    /// the mark. An earlier attempt's create whose outcome was never learned is sent again only on a backend that can
    /// search for it (the finder has just looked and adopted it when it landed); on any other backend a second create
    /// could double the ticket, so the event moves to `outbox/dead/` for the operator instead (SPEC §7.1).
    private func noteCreate(_ item: inout OutboxItem) throws(ConnectorError) {
        if let sent = item.progress.createSentAt, !backend.capabilities.contains(.correlationSearch) {
            let reason =
                "An earlier attempt sent the ticket for job \(item.event.dailyJobID) to \(service) at \(sent) and never learned whether it "
                + "landed; \(service) cannot be searched for it, so it is not sent again. Look in \(service) for the ticket: record it on "
                + "the job (Incident Ticket ID), or, if there is none, run the failure again. The event is in outbox/dead."
            item.lastError = reason
            try? outbox.save(item)
            try? outbox.moveToDead(item)
            throw .data(reason)
        }
        item.progress.createSentAt = now()
        checkpoint(&item)
    }

    /// The template's decision rules.
    var rules: DecisionRules { DecisionRules(template: template) }

    /// The ITSM write a decision calls for; the ticket it wrote.
    private func write(_ decision: Decision, _ draft: TicketDraft) async throws(ConnectorError) -> TicketReference {
        switch decision {
        case .create, .replace:
            return try await backend.create(draft)
        case .update(let old):
            try await backend.update(old, with: draft, reopening: false)
            return old.reference
        case .reopen(let old):
            try await backend.update(old, with: draft, reopening: true)
            return old.reference
        case .skip:
            throw .internal("a skip decision reached the write step")
        }
    }

    /// What a failure calls for before anything is written: a deliberate skip, or a write with its decision and draft.
    private enum Intent {
        case skip(reason: String, existing: ExistingTicket?, draft: TicketDraft)
        case write(Decision, TicketDraft)
    }

    /// EXIT tags, the field layers, the existing ticket and the decision (SPEC §5 steps 4-7), shared by a run and `explain`.
    private func intent(for event: FailureEvent, job: DailyJob) async throws -> Intent {
        var draft = makeDraft(event, job)
        if let exit = FieldResolver.exitRule(jobTags: job.tags, rules: template.tags) {
            return .skip(reason: exitReason(exit), existing: nil, draft: draft)
        }
        let finder = TicketFinder(backend: backend, rules: rules, logger: logger, service: service)
        let existing = try await finder.find(recordedID: job.incidentTicketID, draft: draft)
        let decision = decide(existing: existing, job: job, failedAt: event.failedAt)
        switch decision {
        case .skip(let reason):
            return .skip(reason: reason, existing: existing, draft: draft)
        case .replace(let old):
            draft.previousTicket = old.reference
            return .write(decision, draft)
        case .create, .update, .reopen:
            return .write(decision, draft)
        }
    }

    /// The once-per-day window is judged at the failure, like working hours: an outbox replay after
    /// `DAILY_START_HOUR` decides as the run at the failure would have.
    func decide(existing: ExistingTicket?, job: DailyJob, failedAt: Date) -> Decision {
        DecisionMaker.decide(
            existing: existing, rules: rules, documentation: job.documentation,
            dailyStartHour: config.general.dailyStartHour, now: failedAt, calendar: calendar)
    }

    func makeDraft(_ event: FailureEvent, _ job: DailyJob) -> TicketDraft {
        let jobID = job.id.isEmpty ? event.dailyJobID : job.id
        return TicketDraft(
            event: event, job: job,
            fields: FieldResolver.resolve(template: template, conventions: fields, event: event, job: job, calendar: calendar),
            previousTicket: nil,
            correlationID: "\(config.opcon.correlationAddress),\(jobID)",
            timeZone: calendar.timeZone)
    }

    func exitReason(_ rule: TagRule) -> String {
        "Ticket creation skipped: the job carries the EXIT tag \(rule.indicatorValue) of template \(template.name)"
    }
}
