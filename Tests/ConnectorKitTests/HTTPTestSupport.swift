import Foundation
@testable import ConnectorKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A transport that answers with a closure and records every request it was given.
final class ScriptedTransport: ClientTransport, @unchecked Sendable {
    typealias Handler = @Sendable (HTTPRequest) async throws -> HTTPResponse
    private let lock = NSLock()
    private var recorded: [HTTPRequest] = []
    private let handler: Handler

    init(_ handler: @escaping Handler) { self.handler = handler }

    /// Answers with `outcomes` in order; the last one repeats.
    convenience init(sequence outcomes: [Result<HTTPResponse, TransportError>]) {
        let counter = Counter()
        self.init { _ in
            let index = min(counter.next(), outcomes.count - 1)
            return try outcomes[index].get()
        }
    }

    var requests: [HTTPRequest] { lock.withLock { recorded } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        lock.withLock { recorded.append(request) }
        return try await handler(request)
    }
}

/// A thread-safe counter starting at 0.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    /// Returns the current value and increments it.
    func next() -> Int { lock.withLock { defer { value += 1 }; return value } }
}

/// A monotonic clock the test advances by hand (for `Deadline`).
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds: Double = 1000

    var now: Deadline.Clock { { [self] in lock.withLock { seconds } } }
    func advance(_ delta: Double) { lock.withLock { seconds += delta } }
}

/// Keeps every log entry in memory.
final class MemoryLogSink: LogSink, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [LogEntry] = []
    func write(_ entry: LogEntry) { lock.withLock { stored.append(entry) } }
    var entries: [LogEntry] { lock.withLock { stored } }
    var messages: [String] { entries.map(\.message) }
}

/// Records the delays a retry or a poll would have slept.
final class SleepRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [Double] = []
    private let clock: ManualClock?

    init(advancing clock: ManualClock? = nil) { self.clock = clock }

    var sleep: RetryMiddleware.Sleep {
        { [self] seconds in
            lock.withLock { recorded.append(seconds) }
            clock?.advance(seconds)
        }
    }
    var delays: [Double] { lock.withLock { recorded } }
}

extension HTTPResponse {
    static func json(_ status: Int, _ text: String, headers: [String: String] = [:]) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers.merging(["Content-Type": "application/json"]) { first, _ in first },
                     body: Data(text.utf8))
    }

    static func json(_ status: Int, _ value: JSONValue) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: value.data())
    }
}

extension HTTPRequest {
    static func get(_ url: String) -> HTTPRequest { HTTPRequest(method: .get, url: URL(string: url)!) }
    static func post(_ url: String, retrySafe: Bool = false) -> HTTPRequest {
        HTTPRequest(method: .post, url: URL(string: url)!, body: Data("{}".utf8), isRetrySafe: retrySafe)
    }

    /// The body parsed as JSON (tests only send JSON).
    var jsonBody: JSONValue? { body.flatMap { try? JSONValue.parse($0) } }
}

/// A TCP listener on 127.0.0.1 that answers each connection with a fixed raw HTTP response, or never answers.
final class LoopbackServer: @unchecked Sendable {
    enum Behaviour: Sendable {
        case respond(String)
        case hang
    }

    let port: UInt16
    private let listener: Int32
    private let behaviour: Behaviour
    private let lock = NSLock()
    private var clients: [Int32] = []
    private var stopped = false

    /// A bound socket that does not listen: connecting to its port is refused.
    static func refusedPort() -> (port: UInt16, close: () -> Void) {
        let socketFD = makeBoundSocket()
        return (boundPort(socketFD), { _ = close(socketFD) })
    }

    init(_ behaviour: Behaviour) {
        self.behaviour = behaviour
        listener = Self.makeBoundSocket()
        port = Self.boundPort(listener)
        precondition(listen(listener, 16) == 0, "listen failed")
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Shuts the sockets down (which wakes a blocked accept or read) but leaves closing them to the accept loop:
    /// closing a descriptor another thread still uses lets its number be reused by a socket of a test running in
    /// parallel, which the loop would then accept from or write to.
    func stop() {
        lock.withLock {
            stopped = true
            shutdown(listener, Int32(SHUT_RDWR))
            for client in clients { shutdown(client, Int32(SHUT_RDWR)) }
        }
    }

    private func acceptLoop() {
        defer {
            lock.withLock {
                for client in clients { close(client) }
                clients = []
            }
            close(listener)
        }
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            let accepted = lock.withLock { () -> Bool in
                if stopped { return false }
                clients.append(client)
                return true
            }
            guard accepted else {
                close(client)
                return
            }
            var buffer = [UInt8](repeating: 0, count: 65536)
            _ = read(client, &buffer, buffer.count)
            if case .respond(let raw) = behaviour {
                let bytes = Array(raw.utf8)
                _ = write(client, bytes, bytes.count)
                shutdown(client, Int32(SHUT_WR))
            }
        }
    }

    private static func makeBoundSocket() -> Int32 {
        #if canImport(Glibc)
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let socketFD = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        precondition(bound == 0, "bind failed")
        return socketFD
    }

    private static func boundPort(_ socketFD: Int32) -> UInt16 {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) }
        }
        return UInt16(bigEndian: address.sin_port)
    }
}
