import ConnectorKit
import Foundation

/// What every simulated service shares: the HTTP server, the fault plan, the request journal and
/// the control API under `/_sim/` (faults, journal, taking the service down).
public final class SimulatorHost: Sendable {
    /// Answers a request that reached the service proper.
    public typealias Routes = @Sendable (SimRequest) -> SimResponse
    /// Answers a service-specific control request under `/_sim/`, or nil when it is not one.
    public typealias ControlRoutes = @Sendable (SimRequest) -> SimResponse?

    private struct Handlers {
        var routes: Routes?
        var control: ControlRoutes?
        var silent = false
    }

    public let faults = FaultPlan()
    public let journal = RequestJournal()
    private let server: HTTPServer
    private let handlers = Locked(Handlers())
    private let lastPort = Locked(0)
    private let presets: [String: @Sendable (JSONValue) -> Fault.Kind?]

    /// `errorBody` renders the service's own error answer for a status (used by status faults without a body);
    /// `presets` adds service-specific fault kinds to the control API.
    init(
        errorBody: @escaping @Sendable (Int) -> SimResponse,
        presets: [String: @Sendable (JSONValue) -> Fault.Kind?] = [:]
    ) {
        self.presets = presets
        let handlers = self.handlers
        let journal = self.journal
        let faults = self.faults
        server = HTTPServer { request in
            Self.dispatch(request, handlers: handlers.current, journal: journal, faults: faults, errorBody: errorBody)
        }
    }

    /// Installs the service's routes; done once by the simulator after it is fully initialised.
    func install(routes: @escaping Routes, control: @escaping ControlRoutes) {
        handlers.withLock {
            $0.routes = routes
            $0.control = control
        }
    }

    /// Starts listening on 127.0.0.1 (`port` 0: a free port) and returns the port.
    @discardableResult
    public func start(port: Int = 0) throws -> Int {
        let bound = try server.start(port: port)
        lastPort.withLock { $0 = bound }
        return bound
    }

    /// Stops listening: clients then get "connection refused".
    public func stop() { server.stop() }

    /// The bound port, or nil while stopped.
    public var port: Int? { server.port }

    /// `http://127.0.0.1:<port>`, using the last bound port while stopped.
    public var baseURL: String { "http://127.0.0.1:\(server.port ?? lastPort.current)" }

    /// Silent mode: every request is read (and journaled) but never answered; `/_sim/` still answers.
    public var isSilent: Bool {
        get { handlers.withLock { $0.silent } }
        set { handlers.withLock { $0.silent = newValue } }
    }

    /// Takes the service down for `seconds` (then it listens again on the same port); nil keeps it down.
    public func goDown(for seconds: Double?) {
        let port = lastPort.current
        stop()
        guard let seconds else { return }
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
            _ = try? start(port: port)
        }
    }

    private static func dispatch(
        _ request: SimRequest, handlers: Handlers, journal: RequestJournal, faults: FaultPlan,
        errorBody: @Sendable (Int) -> SimResponse
    ) -> SimResponse {
        guard let routes = handlers.routes else { return .drop }
        if request.pathSegments.first == "_sim" {
            return handlers.control?(request) ?? SimResponse.json(["error": "unknown simulator control route"], status: 404)
        }
        journal.record(request)
        if handlers.silent { return .silence }
        guard let fault = faults.take(for: request) else { return routes(request) }
        switch fault {
        case .status(let status, let retryAfter, let body, let headers):
            var response = body.map { SimResponse.text($0, status: status, contentType: contentType(of: $0)) } ?? errorBody(status)
            response.status = status
            for field in headers { response.headers.set(field.name, field.value) }
            if let retryAfter { response.headers.set("Retry-After", String(retryAfter)) }
            return response
        case .htmlError(let status):
            return .htmlError(status: status)
        case .latency(let seconds):
            Thread.sleep(forTimeInterval: seconds)
            return routes(request)
        case .silent:
            return .silence
        case .commitThenFail(let status):
            _ = routes(request)
            return errorBody(status)
        case .drop:
            return .drop
        }
    }

    private static func contentType(of body: String) -> String {
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") { return "application/json; charset=utf-8" }
        if trimmed.hasPrefix("<") { return "text/html; charset=utf-8" }
        return "text/plain; charset=utf-8"
    }

    /// The control routes every simulator has:
    /// `GET|DELETE /_sim/requests`, `GET|POST|DELETE /_sim/faults`, `POST /_sim/down {"seconds": n}`,
    /// `POST /_sim/silent {"silent": true}`.
    func commonControl(_ request: SimRequest) -> SimResponse? {
        let segments = request.pathSegments.map { $0.lowercased() }
        guard segments.count == 2 else { return nil }
        switch (request.method, segments[1]) {
        case ("GET", "requests"):
            return .json(.array(journal.all.map(Self.describe)))
        case ("DELETE", "requests"):
            journal.reset()
            return .json(["requests": 0])
        case ("GET", "faults"):
            return .json(["pending": .int(faults.pending.count)])
        case ("DELETE", "faults"):
            faults.clear()
            return .json(["pending": 0])
        case ("POST", "faults"):
            do {
                let body = try request.jsonBody()
                let items = body.arrayValue ?? [body]
                let decoded = try items.map { try Fault.decode($0, presets: presets) }
                decoded.forEach(faults.add)
                return .json(["pending": .int(faults.pending.count)])
            } catch let error as SimulatorError {
                return .json(["error": .string(error.description)], status: 400)
            } catch {
                return .json(["error": .string("the body is not JSON: \(error)")], status: 400)
            }
        case ("POST", "silent"):
            guard let silent = (try? request.jsonBody())?["silent"]?.boolValue else {
                return .json(["error": "send {\"silent\": true} or {\"silent\": false}"], status: 400)
            }
            isSilent = silent
            return .json(["silent": .bool(silent)])
        case ("POST", "down"):
            let seconds = (try? request.jsonBody())?["seconds"]?.doubleValue
            var response = SimResponse.json(["down": true, "seconds": seconds.map { .number(String($0)) } ?? .null])
            response.afterSend = { [self] in goDown(for: seconds) }
            return response
        default:
            return nil
        }
    }

    private static func describe(_ request: SimRequest) -> JSONValue {
        var headers: [String: JSONValue] = [:]
        for field in request.headers { headers[field.name] = .string(field.value) }
        return [
            "method": .string(request.method), "target": .string(request.target), "path": .string(request.path),
            "headers": .object(headers), "body": .string(request.bodyText),
        ]
    }
}
