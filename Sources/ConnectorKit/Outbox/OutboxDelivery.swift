import Foundation

/// Delivers what waits in the outbox: at the start of every run (within a small budget) and on `connector outbox flush`.
public struct OutboxDelivery: Sendable {
    public var outbox: Outbox
    public var locks: JobLocks
    public var logger: Logger
    public var now: @Sendable () -> Date
    /// Builds the engine for an item's template (items may belong to any template).
    public var engineFor: @Sendable (OutboxItem) throws -> LifecycleEngine
    /// The job logs items keep between runs; an item that moves to `outbox/dead/` no longer needs them.
    public var jobLogFolders: JobLogFolders?

    public init(
        outbox: Outbox, locks: JobLocks, logger: Logger, now: @escaping @Sendable () -> Date = { Date() },
        jobLogFolders: JobLogFolders? = nil,
        engineFor: @escaping @Sendable (OutboxItem) throws -> LifecycleEngine
    ) {
        self.jobLogFolders = jobLogFolders
        self.outbox = outbox
        self.locks = locks
        self.logger = logger
        self.now = now
        self.engineFor = engineFor
    }

    /// What one delivery pass did.
    public struct Report: Sendable, Equatable {
        public var delivered: [RunOutcome] = []
        /// Items still waiting (service still down, or in progress in another run).
        public var waiting = 0
        public var movedToDead = 0
        /// Items dropped because their failure is not worth retrying (with the reason).
        public var failed: [String] = []
        public var unreadable: [String] = []
    }

    /// Delivers waiting items, oldest first, starting no new item once `budget` seconds have passed.
    /// - Parameter skipping: the event the caller is about to handle; its engine finishes the earlier items of the
    ///   same job and template itself, under the job's lock (`LifecycleEngine.handle`).
    public func deliver(budget: TimeInterval, skipping: FailureEvent? = nil) async -> Report {
        let started = Date()
        var report = Report()
        let (items, unreadable) = outbox.pending()
        report.unreadable = unreadable
        for file in unreadable { logger.warning("Outbox file \(file) cannot be read and is left in place.") }

        for item in items {
            if let skipping, item.event.dailyJobID == skipping.dailyJobID, item.event.template == skipping.template { continue }
            if now().timeIntervalSince(item.createdAt) > Outbox.maximumAge {
                do {
                    try outbox.moveToDead(item)
                    jobLogFolders?.discard(item)
                    report.movedToDead += 1
                    logger.error(
                        "Outbox item for \(item.event.dailyJobID) kept failing for 7 days and moved to outbox/dead: \(item.lastError ?? "no error recorded")."
                    )
                } catch {
                    logger.error(error.message)
                }
                continue
            }
            if Date().timeIntervalSince(started) > budget {
                report.waiting += 1
                continue
            }
            let lock: FileLock?
            do { lock = try locks.tryAcquire(jobID: item.event.dailyJobID) } catch {
                logger.warning(error.message)
                report.waiting += 1
                continue
            }
            guard let lock else {
                report.waiting += 1  // a live run owns this job right now
                continue
            }
            defer { lock.release() }
            guard let current = outbox.reload(item) else { continue }  // finished by another run meanwhile
            do {
                let outcome = try await engineFor(current).resume(current)
                if case .queued = outcome.status {
                    report.waiting += 1
                } else {
                    report.delivered.append(outcome)
                    logger.info(
                        "Delivered outbox item for \(current.event.dailyJobID): \(outcome.decision) \(outcome.ticket?.number ?? "").")
                }
            } catch {
                let message = (error as? ConnectorError)?.message ?? "\(error)"
                // An item the engine set aside for the operator (a create whose outcome is unknown) is in outbox/dead.
                if outbox.dead().contains(where: { $0.id == current.id }) {
                    report.movedToDead += 1
                    logger.error("Outbox item for \(current.event.dailyJobID) moved to outbox/dead: \(message)")
                } else {
                    report.failed.append("\(current.event.dailyJobID): \(message)")
                    logger.error("Outbox item for \(current.event.dailyJobID) could not be delivered and was dropped: \(message)")
                }
            }
        }
        return report
    }
}
