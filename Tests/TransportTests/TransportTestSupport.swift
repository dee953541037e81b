import ConnectorKit
import ConnectorTesting
import CurlHTTP
import Foundation
import Simulators
import Subprocess
import Testing
import URLSessionHTTP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The transports under test; most behaviour must hold for both.
enum TransportKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case curl, urlSession

    var testDescription: String { rawValue }

    func make(_ settings: TransportSettings = TransportSettings(timeoutSeconds: 10)) throws -> any ClientTransport {
        switch self {
        case .curl: return try CurlTransport(settings: settings)
        case .urlSession: return URLSessionTransport(settings: settings)
        }
    }
}

/// A loopback HTTP/1.1 server (the simulators' keep-alive server) that records what it was sent and answers with
/// a closure.
final class RecordingServer: @unchecked Sendable {
    let server: HTTPServer
    let port: Int

    init(_ answer: @escaping @Sendable (SimRequest) -> SimResponse = { _ in .json(["ok": true]) }) throws {
        let received = Recorder<[SimRequest]>()
        server = HTTPServer { request in
            received.record(request)
            return answer(request)
        }
        port = try server.start()
        self.received = received
    }

    private let received: Recorder<[SimRequest]>

    var requests: [SimRequest] { received.current }
    func url(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(port)\(path)")! }
    func stop() { server.stop() }
}

/// A folder of its own under the system's temporary directory, removed by `remove()`.
struct TemporaryFolder {
    let path: String

    init() throws {
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent("transport-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Deterministic bytes of every value, so an upload that drops or reorders a byte cannot match.
func patternBytes(_ count: Int, seed: UInt32 = 7) -> Data {
    var state = seed
    var bytes = [UInt8](repeating: 0, count: count)
    for index in 0..<count {
        state = state &* 1_103_515_245 &+ 12345
        bytes[index] = UInt8(truncatingIfNeeded: state >> 16)
    }
    return Data(bytes)
}

/// A port nothing listens on: a socket is bound to it and kept (so no one else gets it) but does not listen.
final class RefusedPort: @unchecked Sendable {
    let port: Int
    private let socketFD: Int32

    init() {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        socketFD = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(socketFD) }
}

/// `openssl s_server` on loopback with a certificate made for the test: what OpCon's default self-signed
/// certificate looks like to a client that does not trust it.
final class SelfSignedTLSServer: @unchecked Sendable {
    let port: Int
    private let process: Subprocess

    init(folder: TemporaryFolder) async throws {
        let key = folder.file("key.pem")
        let certificate = folder.file("cert.pem")
        let made = try Subprocess(
            "/usr/bin/env",
            [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=127.0.0.1",
            ], environment: ["PATH": "/usr/bin:/bin"], captureOutput: true)
        guard made.wait() == 0 else { throw TLSServerError.openssl("req") }
        // A free port: the probe socket is closed again (at the end of the closure) before s_server binds it.
        port = { RefusedPort().port }()
        process = try Subprocess(
            "/usr/bin/env",
            [
                "openssl", "s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificate, "-key", key, "-www", "-quiet",
            ], environment: ["PATH": "/usr/bin:/bin"], captureOutput: false)
        // Ready once it accepts a connection.
        for _ in 0..<100 {
            if Self.accepts(port) { return }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        process.send(SIGTERM)
        throw TLSServerError.openssl("s_server did not listen on \(port)")
    }

    func stop() { process.send(SIGTERM) }

    private static func accepts(_ port: Int) -> Bool {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}

enum TLSServerError: Error { case openssl(String) }

/// Keeps what a transport streams into it.
final class CollectingBodySink: ResponseBodySink, @unchecked Sendable {
    private let lock = NSLock()
    private var collected = Data()
    private var started = 0

    func begin() {
        lock.withLock {
            started += 1
            collected = Data()
        }
    }

    func receive(_ bytes: UnsafeRawBufferPointer) { lock.withLock { collected.append(contentsOf: bytes) } }

    var bytes: Data { lock.withLock { collected } }
    var begins: Int { lock.withLock { started } }
}

/// Measures, on a thread of its own, how long after its creation a server's last open connection closes.
final class ConnectionWatch: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var seconds: Double?

    init(server: HTTPServer, limit: Double = 30) {
        let started = DispatchTime.now()
        Thread.detachNewThread { [self] in
            while server.openConnections > 0 {
                if Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9 > limit { break }
                usleep(2_000)
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            lock.withLock { seconds = server.openConnections == 0 ? elapsed : nil }
            done.signal()
        }
    }

    /// Seconds from the watch's start to the close; nil when it did not close within the limit.
    func secondsUntilClosed() async -> Double? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in
                done.wait()
                continuation.resume(returning: lock.withLock { seconds })
            }
        }
    }
}
