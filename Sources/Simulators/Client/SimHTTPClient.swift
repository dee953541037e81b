import ConnectorKit
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A response read by `SimHTTPConnection`.
public struct SimHTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: Data

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON (nil when it is not JSON).
    public var json: JSONValue? { try? JSONValue.parse(body) }
}

/// One raw HTTP/1.1 connection: lets the simulators call out (ServiceNow business rules) and lets
/// tests send exactly the bytes they mean (chunked bodies, several requests on one connection).
/// Deliberately independent of the product's HTTP client and of URLSession's proxy settings.
public final class SimHTTPConnection {
    private let stream: SocketStream
    private let host: String
    private let port: Int
    private let timeout: Double

    /// Connects to `host:port`; throws `SimulatorError.socket` when the connection is refused.
    public init(host: String, port: Int, timeout: Double = 10) throws {
        self.host = host
        self.port = port
        self.timeout = timeout
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = SocketSystem.streamType
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let first = found else {
            throw SimulatorError.socket("cannot resolve \(host)")
        }
        defer { freeaddrinfo(found) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { throw SimulatorError.socket("socket: \(SocketSystem.lastError)") }
        SocketSystem.suppressSigPipe(fd)
        // A send timeout also bounds connect() on Linux; loopback connects never wait anyway.
        var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let reason = SocketSystem.lastError
            SocketSystem.closeSocket(fd)
            throw SimulatorError.socket("connect to \(host):\(port): \(reason)")
        }
        stream = SocketStream(fd: fd)
    }

    deinit { SocketSystem.closeSocket(stream.fd) }

    /// Sends bytes exactly as given.
    public func sendRaw(_ bytes: Data) throws { try stream.write(bytes) }

    /// Sends one request; the body goes with a Content-Length, or in chunks of `chunkSize` bytes
    /// with `Transfer-Encoding: chunked` when `chunkSize` is given.
    public func send(
        method: String, target: String, headers: HTTPHeaders = HTTPHeaders(), body: Data = Data(),
        chunkSize: Int? = nil
    ) throws {
        var all = headers
        if all["Host"] == nil { all.set("Host", "\(host):\(port)") }
        if chunkSize != nil {
            all.set("Transfer-Encoding", "chunked")
        } else if !body.isEmpty || method == "POST" || method == "PUT" || method == "PATCH" {
            all.set("Content-Length", String(body.count))
        }
        var text = "\(method) \(target) HTTP/1.1\r\n"
        for field in all { text += "\(field.name): \(field.value)\r\n" }
        text += "\r\n"
        var bytes = Data(text.utf8)
        if let chunkSize {
            var offset = 0
            while offset < body.count {
                let piece = body[body.startIndex + offset..<body.startIndex + min(offset + max(chunkSize, 1), body.count)]
                bytes.append(Data((String(piece.count, radix: 16) + "\r\n").utf8))
                bytes.append(piece)
                bytes.append(Data("\r\n".utf8))
                offset += piece.count
            }
            bytes.append(Data("0\r\n\r\n".utf8))
        } else {
            bytes.append(body)
        }
        try stream.write(bytes)
    }

    /// Reads one message head as text (e.g. an interim `100 Continue`), leaving any body unread.
    public func readHead() throws -> String {
        guard let head = try stream.readHead(timeout: timeout) else { throw SimulatorError.socket("connection closed before a response") }
        return String(decoding: head, as: UTF8.self)
    }

    /// Reads the next response (skipping `100 Continue`).
    public func readResponse(forMethod method: String = "GET") throws -> SimHTTPResponse {
        while true {
            guard let headBytes = try stream.readHead(timeout: timeout) else {
                throw SimulatorError.socket("connection closed before a response")
            }
            let head = try HTTPWire.parseHead(headBytes)
            let parts = head.startLine.split(separator: " ", maxSplits: 2)
            guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
                throw SimulatorError.malformed("status line '\(head.startLine)'")
            }
            if status == 100 { continue }
            let hasBody = method != "HEAD" && status != 204 && status != 304
            let body = hasBody ? try HTTPWire.readBody(from: stream, headers: head.headers, untilClose: true, timeout: timeout) : Data()
            return SimHTTPResponse(status: status, headers: head.headers, body: body)
        }
    }

    /// Sends one request and reads its response.
    public func exchange(
        method: String, target: String, headers: HTTPHeaders = HTTPHeaders(), body: Data = Data(),
        chunkSize: Int? = nil
    ) throws -> SimHTTPResponse {
        try send(method: method, target: target, headers: headers, body: body, chunkSize: chunkSize)
        return try readResponse(forMethod: method)
    }

    /// Whether the server closed its side (a read would see end of stream).
    public func isClosedByPeer(waitingUpTo seconds: Double = 1) -> Bool {
        do {
            return try stream.readHead(timeout: seconds) == nil
        } catch {
            return false
        }
    }
}

/// One-shot requests on a fresh connection each.
public enum SimHTTPClient {
    /// Sends a request to an `http://host:port/path?query` URL and returns the response.
    public static func send(
        _ method: String, _ url: String, headers: HTTPHeaders = HTTPHeaders(), body: Data = Data(),
        timeout: Double = 10
    ) throws -> SimHTTPResponse {
        guard let components = URLComponents(string: url), components.scheme == "http", let host = components.host else {
            throw SimulatorError.socket("not an http:// URL: \(url)")
        }
        var target = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { target += "?" + query }
        var all = headers
        all.set("Connection", "close")
        let connection = try SimHTTPConnection(host: host, port: components.port ?? 80, timeout: timeout)
        return try connection.exchange(method: method, target: target, headers: all, body: body)
    }
}
