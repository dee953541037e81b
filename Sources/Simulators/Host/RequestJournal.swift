import Foundation

/// Every request a simulated service received (control requests under `/_sim/` excepted), in order.
public final class RequestJournal: Sendable {
    private let entries = Locked<[SimRequest]>([])

    public init() {}

    func record(_ request: SimRequest) { entries.withLock { $0.append(request) } }

    /// All recorded requests.
    public var all: [SimRequest] { entries.current }

    /// How many requests arrived.
    public var requests: Int { entries.withLock { $0.count } }

    /// How many requests could change state (methods other than GET and HEAD).
    public var writeCount: Int { entries.withLock { $0.filter(\.isWrite).count } }

    /// Requests with `method` (nil: any) whose path starts with `path` (see `PathPattern`).
    public func matching(method: String? = nil, path: PathPattern? = nil) -> [SimRequest] {
        entries.current.filter { $0.matches(method: method, path: path) }
    }

    /// How many requests `matching(method:path:)` finds.
    public func count(method: String? = nil, path: PathPattern? = nil) -> Int { matching(method: method, path: path).count }

    /// The most recent request.
    public var last: SimRequest? { entries.withLock { $0.last } }

    /// Forgets everything recorded so far.
    public func reset() { entries.withLock { $0.removeAll() } }
}
