import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Buffered reads and whole writes on one connected socket; every wait has a time limit.
final class SocketStream {
    let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0

    init(fd: Int32) { self.fd = fd }

    /// Bytes received but not consumed yet.
    var buffered: ArraySlice<UInt8> { buffer[start...] }

    /// Receives more bytes; false when the peer closed the connection.
    private func fill(deadline: Date) throws -> Bool {
        let remaining = deadline.timeIntervalSinceNow
        guard remaining > 0, SocketSystem.waitReadable(fd, milliseconds: Int32(min(remaining, 3600) * 1000)) else {
            throw SimulatorError.timedOut("no data from the peer")
        }
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let received = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if received > 0 {
                buffer.append(contentsOf: chunk[0..<received])
                return true
            }
            if received == 0 { return false }
            if errno == EINTR { continue }
            if errno == ECONNRESET || errno == ENOTCONN || errno == EBADF { return false }
            throw SimulatorError.socket("recv: \(SocketSystem.lastError)")
        }
    }

    /// Reads up to and including the blank line that ends a message head.
    /// Nil when the peer closed the connection before sending anything.
    func readHead(timeout: Double, limit: Int = 65_536) throws -> [UInt8]? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        // Offsets are kept relative to `start`: fill() may compact the buffer.
        var scanned = 0
        while true {
            if let end = Self.find([13, 10, 13, 10], in: buffer, from: start + scanned) {
                let head = Array(buffer[start..<end])
                start = end + 4
                return head
            }
            scanned = max(0, buffer.count - start - 3)
            if buffer.count - start > limit { throw SimulatorError.malformed("message head longer than \(limit) bytes") }
            if try !fill(deadline: deadline) {
                if buffer.count == start { return nil }
                throw SimulatorError.malformed("connection closed inside a message head")
            }
        }
    }

    /// Reads exactly `count` bytes.
    func readBytes(_ count: Int, timeout: Double) throws -> [UInt8] {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while buffer.count - start < count {
            if try !fill(deadline: deadline) { throw SimulatorError.malformed("connection closed inside a body") }
        }
        let bytes = Array(buffer[start..<(start + count)])
        start += count
        return bytes
    }

    /// Reads one CRLF-terminated line (without the CRLF), as chunked encoding needs.
    func readLine(timeout: Double) throws -> [UInt8] {
        let deadline = Date(timeIntervalSinceNow: timeout)
        var scanned = 0
        while true {
            if let end = Self.find([13, 10], in: buffer, from: start + scanned) {
                let line = Array(buffer[start..<end])
                start = end + 2
                return line
            }
            scanned = max(0, buffer.count - start - 1)
            if try !fill(deadline: deadline) { throw SimulatorError.malformed("connection closed inside a chunk header") }
        }
    }

    /// Reads until the peer closes the connection (bodies without a length).
    func readToEnd(timeout: Double) throws -> [UInt8] {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while try fill(deadline: deadline) {}
        let bytes = Array(buffer[start...])
        start = buffer.count
        return bytes
    }

    /// Blocks until the peer closes the connection, discarding anything it sends (silent mode).
    func drainUntilClosed() {
        while (try? fill(deadline: Date(timeIntervalSinceNow: 3600))) == true {
            start = buffer.count
        }
    }

    /// Sends all of `bytes`.
    func write(_ bytes: Data) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = send(fd, raw.baseAddress! + offset, raw.count - offset, SocketSystem.sendFlags)
                if sent < 0 {
                    if errno == EINTR { continue }
                    throw SimulatorError.socket("send: \(SocketSystem.lastError)")
                }
                offset += sent
            }
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = max(from, 0)
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0] && Array(haystack[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }
}
