import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A small HTTP/1.1 server on 127.0.0.1: one thread per connection, keep-alive, chunked request
/// bodies, and a clean `stop()` that closes the listener and every open connection.
///
/// A port the system chose stays this server's across `stop()` and `start(port:)`: while stopped, a socket that is
/// bound but does not listen holds it, so clients are refused exactly as by a stopped service, and the system gives
/// the port to no other socket (a parallel test's server asking for any port, or an outgoing connection needing an
/// ephemeral one) before the service comes back.
public final class HTTPServer: Sendable {
    /// Turns one request into one response; runs on the connection's thread.
    public typealias Handler = @Sendable (SimRequest) -> SimResponse

    private struct State {
        var listener: Int32 = -1
        var wakeWrite: Int32 = -1
        var port = 0
        var acceptLoopDone: DispatchSemaphore?
        var connections: Set<Int32> = []
        var accepted = 0
        var silent = false
        /// The port the system chose at the first start; this server may hold and rebind it.
        var ownPort: Int?
        /// While stopped, the socket holding `ownPort` (-1 when none).
        var portHolder: Int32 = -1
    }

    private let handler: Handler
    private let state = Locked(State())
    /// How long a kept-alive connection may stay idle before the server closes it.
    private let idleTimeout: Double
    /// How long a client may take to send the rest of a request once it started.
    private let requestTimeout: Double

    public init(idleTimeout: Double = 120, requestTimeout: Double = 30, handler: @escaping Handler) {
        self.handler = handler
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
    }

    /// The bound port, or nil while stopped.
    public var port: Int? { state.withLock { $0.listener >= 0 ? $0.port : nil } }

    public var isRunning: Bool { port != nil }

    /// Connections accepted since the server was made: a client that keeps its connections alive opens few.
    public var acceptedConnections: Int { state.withLock { $0.accepted } }

    /// Connections open now: one a client closed (or abandoned) is gone from the count.
    public var openConnections: Int { state.withLock { $0.connections.count } }

    /// Silent mode: requests are read but never answered (for deadline tests).
    public var isSilent: Bool {
        get { state.withLock { $0.silent } }
        set { state.withLock { $0.silent = newValue } }
    }

    /// Starts listening on 127.0.0.1:`port` (0 picks a free port) and returns the bound port.
    @discardableResult
    public func start(port requested: Int = 0) throws -> Int {
        if let running = port { throw SimulatorError.alreadyRunning(port: running) }
        // Only a port the system gave this server is shared with its holder; a port a user asked for (simulate
        // --port) is bound exclusively, so a second simulator on it fails instead of sharing it silently.
        let holdable = requested == 0 || requested == state.withLock { $0.ownPort }
        let listener: Int32
        do { listener = try SocketSystem.boundSocket(port: requested, shareable: holdable) } catch {
            throw SimulatorError.cannotListen(port: requested, reason: error.reason)
        }
        guard listen(listener, 128) == 0 else {
            let reason = SocketSystem.lastError
            SocketSystem.closeSocket(listener)
            throw SimulatorError.cannotListen(port: requested, reason: reason)
        }
        // Non-blocking: a client that connects and resets before accept() (a killed connector) would otherwise
        // leave accept() blocked, and stop(), which waits for the accept loop, with it.
        SocketSystem.setBlocking(listener, false)
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        let boundPort = Int(UInt16(bigEndian: actual.sin_port))

        // A pipe wakes the accept loop on stop(); closing a socket does not wake poll() everywhere.
        var wake: [Int32] = [-1, -1]
        guard pipe(&wake) == 0 else {
            SocketSystem.closeSocket(listener)
            throw SimulatorError.cannotListen(port: requested, reason: "pipe: \(SocketSystem.lastError)")
        }
        let done = DispatchSemaphore(value: 0)
        let holder = state.withLock { current -> Int32 in
            current.listener = listener
            current.wakeWrite = wake[1]
            current.port = boundPort
            current.acceptLoopDone = done
            if requested == 0 { current.ownPort = boundPort }
            defer { current.portHolder = -1 }
            return current.portHolder
        }
        if holder >= 0 { SocketSystem.closeSocket(holder) }
        let wakeRead = wake[0]
        Thread.detachNewThread { [self] in
            acceptLoop(listener: listener, wakeRead: wakeRead)
            SocketSystem.closeSocket(wakeRead)
            done.signal()
        }
        return boundPort
    }

    /// Stops listening and closes every open connection; new connections are refused afterwards. A port the system
    /// chose stays held until `start(port:)` takes it again.
    public func stop() {
        let taken = state.withLock { current -> (Int32, Int32, DispatchSemaphore?) in
            let taken = (current.listener, current.wakeWrite, current.acceptLoopDone)
            if taken.0 >= 0, current.port == current.ownPort, current.portHolder < 0 {
                // Bound before the listener closes, so the port is never free in between.
                current.portHolder = (try? SocketSystem.boundSocket(port: current.port, shareable: true)) ?? -1
            }
            current.listener = -1
            current.wakeWrite = -1
            current.acceptLoopDone = nil
            return taken
        }
        guard taken.0 >= 0 else { return }
        var byte: UInt8 = 1
        _ = write(taken.1, &byte, 1)
        taken.2?.wait()
        SocketSystem.closeSocket(taken.1)
        SocketSystem.closeSocket(taken.0)
        // Shut down (not close) under the lock: each connection thread closes its own descriptor
        // after deregistering, so a number is never shut down after it was reused.
        state.withLock { current in
            for connection in current.connections { SocketSystem.shutdownSocket(connection) }
        }
    }

    deinit {
        stop()
        let holder = state.withLock { $0.portHolder }
        if holder >= 0 { SocketSystem.closeSocket(holder) }
    }

    private func acceptLoop(listener: Int32, wakeRead: Int32) {
        while true {
            var entries = [
                pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&entries, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if entries[1].revents != 0 { return }
            guard entries[0].revents != 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }  // gone again before it was accepted (EAGAIN), or interrupted
            SocketSystem.setBlocking(client, true)  // macOS hands on the listener's O_NONBLOCK; Linux does not
            SocketSystem.suppressSigPipe(client)
            SocketSystem.setOption(client, level: Int32(IPPROTO_TCP), name: Int32(TCP_NODELAY), value: 1)
            state.withLock {
                _ = $0.connections.insert(client)
                $0.accepted += 1
            }
            Thread.detachNewThread { [self] in
                serve(connection: client)
                state.withLock { _ = $0.connections.remove(client) }
                SocketSystem.closeSocket(client)
            }
        }
    }

    private func serve(connection fd: Int32) {
        let stream = SocketStream(fd: fd)
        while true {
            let request: SimRequest
            switch readRequest(from: stream) {
            case .end:
                return
            case .malformed:
                try? stream.write(HTTPWire.serialize(.text("Malformed request", status: 400), keepAlive: false, includeBody: true))
                return
            case .request(let incoming):
                request = incoming
            }
            var response = isSilent ? SimResponse.silence : handler(request)
            switch response.disposition {
            case .silence:
                stream.drainUntilClosed()
                return
            case .drop:
                return
            case .answer:
                break
            }
            let keepAlive = Self.keepsAlive(request) && isRunning
            // An interim (1xx) status cannot end an exchange.
            if response.status < 200 { response.status = 500 }
            do {
                try stream.write(HTTPWire.serialize(response, keepAlive: keepAlive, includeBody: request.method != "HEAD"))
            } catch {
                return
            }
            response.afterSend?()
            if !keepAlive { return }
        }
    }

    private enum Incoming {
        case request(SimRequest)
        /// The client closed the connection, went idle too long, or the server is stopping.
        case end
        case malformed
    }

    private func readRequest(from stream: SocketStream) -> Incoming {
        do {
            guard let headBytes = try stream.readHead(timeout: idleTimeout) else { return .end }
            let head = try HTTPWire.parseHead(headBytes)
            let parts = head.startLine.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else { return .malformed }
            if head.headers["Expect"]?.lowercased() == "100-continue" {
                try stream.write(Data("HTTP/1.1 100 Continue\r\n\r\n".utf8))
            }
            let body = try HTTPWire.readBody(from: stream, headers: head.headers, untilClose: false, timeout: requestTimeout)
            var request = SimRequest(method: String(parts[0]), target: String(parts[1]), headers: head.headers, body: body)
            request.httpVersion = String(parts[2])
            return .request(request)
        } catch SimulatorError.malformed {
            return .malformed
        } catch {
            return .end
        }
    }

    private static func keepsAlive(_ request: SimRequest) -> Bool {
        if request.headers.lists("Connection", token: "close") { return false }
        if request.httpVersion == "HTTP/1.0" { return request.headers.lists("Connection", token: "keep-alive") }
        return true
    }
}
