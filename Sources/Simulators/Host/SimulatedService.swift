import Foundation

/// What the OpCon, ServiceNow and Summit simulators share, forwarded to their host.
public protocol SimulatedService: AnyObject, Sendable {
    /// Server, fault plan and request journal.
    var host: SimulatorHost { get }
}

extension SimulatedService {
    /// Starts listening on 127.0.0.1 (`port` 0: a free port) and returns the port.
    @discardableResult
    public func start(port: Int = 0) throws -> Int { try host.start(port: port) }

    /// Stops listening: clients get "connection refused" until `start` is called again.
    public func stop() { host.stop() }

    /// The bound port, or nil while stopped.
    public var port: Int? { host.port }

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { host.baseURL }

    public var faults: FaultPlan { host.faults }

    public var journal: RequestJournal { host.journal }

    /// Silent mode: every request is read (and journaled) but never answered.
    public var isSilent: Bool {
        get { host.isSilent }
        set { host.isSilent = newValue }
    }
}
