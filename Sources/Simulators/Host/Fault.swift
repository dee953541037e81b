import ConnectorKit
import Foundation

/// One planned misbehaviour of a simulated service.
public struct Fault: Sendable {
    public enum Kind: Sendable {
        /// Answer with this status without doing the work; optional `Retry-After` seconds, body and extra headers.
        /// Without a body the service's own error body for that status is used.
        case status(Int, retryAfter: Int? = nil, body: String? = nil, headers: HTTPHeaders = HTTPHeaders())
        /// Answer with an HTML error page, as a proxy or IIS in front of the service would.
        case htmlError(Int)
        /// Wait this many seconds, then answer normally.
        case latency(Double)
        /// Read the request and never answer.
        case silent
        /// Do the work (e.g. insert the record), then answer with this status as if it had failed.
        case commitThenFail(Int)
        /// Close the connection without an answer.
        case drop
    }

    public var kind: Kind
    /// How many matching requests this fault affects; nil means until the plan is cleared.
    public var count: Int?
    /// Only requests with this method (any case); nil matches every method.
    public var method: String?
    /// Only requests whose path starts with this pattern; nil matches every path.
    public var path: PathPattern?

    public init(_ kind: Kind, count: Int? = 1, method: String? = nil, path: PathPattern? = nil) {
        self.kind = kind
        self.count = count
        self.method = method
        self.path = path
    }

    /// Whether this fault applies to `request`.
    public func matches(_ request: SimRequest) -> Bool { request.matches(method: method, path: path) }

    /// Reads the control-API form: `{"kind":"status","status":503,"retryAfter":2,"count":2,"method":"POST","path":"/api/x"}`.
    /// `kind` is one of status, html, latency, silent, commitThenFail, drop, or a name in `presets`;
    /// `"persistent": true` keeps the fault until the plan is cleared.
    public static func decode(_ json: JSONValue, presets: [String: @Sendable (JSONValue) -> Kind?] = [:]) throws -> Fault {
        guard case .object = json else { throw SimulatorError.badControlRequest("a fault must be a JSON object") }
        let kindName = json["kind"]?.stringValue ?? (json["status"] != nil ? "status" : "")
        let status = json["status"]?.intValue
        func requireStatus() throws -> Int {
            guard let status, (100...599).contains(status) else {
                throw SimulatorError.badControlRequest("fault kind '\(kindName)' needs \"status\" between 100 and 599")
            }
            return status
        }
        let kind: Kind
        switch kindName.lowercased() {
        case "status":
            var headers = HTTPHeaders()
            for (name, value) in json["headers"]?.objectValue ?? [:] { headers.add(name, value.scalarText ?? "") }
            kind = .status(try requireStatus(), retryAfter: json["retryAfter"]?.intValue, body: json["body"]?.stringValue, headers: headers)
        case "html": kind = .htmlError(try requireStatus())
        case "latency":
            guard let seconds = json["seconds"]?.doubleValue, seconds >= 0 else {
                throw SimulatorError.badControlRequest("fault kind 'latency' needs \"seconds\" (a number >= 0)")
            }
            kind = .latency(seconds)
        case "silent": kind = .silent
        case "committhenfail": kind = .commitThenFail(try requireStatus())
        case "drop": kind = .drop
        default:
            guard let preset = presets.first(where: { $0.key.lowercased() == kindName.lowercased() })?.value, let made = preset(json) else {
                let known = (["status", "html", "latency", "silent", "commitThenFail", "drop"] + presets.keys.sorted()).joined(
                    separator: ", ")
                throw SimulatorError.badControlRequest("unknown fault kind '\(kindName)'; known kinds: \(known)")
            }
            kind = made
        }
        let persistent = json["persistent"]?.boolValue ?? false
        let count = persistent ? nil : (json["count"]?.intValue ?? 1)
        if let count, count < 1 { throw SimulatorError.badControlRequest("fault \"count\" must be at least 1") }
        return Fault(kind, count: count, method: json["method"]?.stringValue, path: json["path"]?.stringValue.map { PathPattern($0) })
    }
}

/// The queue of planned faults of one simulated service. The first fault that matches a request is used.
public final class FaultPlan: Sendable {
    private let queue = Locked<[Fault]>([])

    public init() {}

    /// Appends a fault to the plan.
    public func add(_ fault: Fault) { queue.withLock { $0.append(fault) } }

    /// The next `count` matching requests are answered with `status` (+ `Retry-After`, + body) without being processed.
    public func failNext(
        _ count: Int = 1, status: Int, retryAfter: Int? = nil, body: String? = nil,
        method: String? = nil, path: PathPattern? = nil
    ) {
        add(Fault(.status(status, retryAfter: retryAfter, body: body), count: count, method: method, path: path))
    }

    /// Matching requests wait `seconds` before being answered (`count` nil: until cleared).
    public func addLatency(_ seconds: Double, count: Int? = nil, method: String? = nil, path: PathPattern? = nil) {
        add(Fault(.latency(seconds), count: count, method: method, path: path))
    }

    /// Faults not used up yet.
    public var pending: [Fault] { queue.current }

    /// Forgets every planned fault.
    public func clear() { queue.withLock { $0.removeAll() } }

    /// Takes the fault for `request`, counting it down.
    func take(for request: SimRequest) -> Fault.Kind? {
        queue.withLock { faults in
            guard let index = faults.firstIndex(where: { $0.matches(request) }) else { return nil }
            let kind = faults[index].kind
            if let remaining = faults[index].count {
                if remaining <= 1 { faults.remove(at: index) } else { faults[index].count = remaining - 1 }
            }
            return kind
        }
    }
}
