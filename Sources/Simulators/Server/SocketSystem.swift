import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The socket details that differ between Linux and macOS, kept in one place.
enum SocketSystem {
    /// `SOCK_STREAM` as the platform's `socket(2)` wants it.
    static var streamType: Int32 {
        #if canImport(Glibc)
            return Int32(SOCK_STREAM.rawValue)
        #else
            return SOCK_STREAM
        #endif
    }

    /// Flags for `send(2)`: a peer that went away must not kill the process with SIGPIPE.
    static var sendFlags: Int32 {
        #if canImport(Glibc)
            return Int32(MSG_NOSIGNAL)
        #else
            return 0
        #endif
    }

    /// On macOS SIGPIPE is switched off per socket instead of per send.
    static func suppressSigPipe(_ fd: Int32) {
        #if canImport(Darwin)
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }

    /// An IPv4 socket address, `sin_len` filled where the platform has it.
    static func address(ipv4 hostOrder: UInt32, port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        #if canImport(Darwin)
            address.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
        #endif
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr = in_addr(s_addr: hostOrder.bigEndian)
        return address
    }

    static let loopback: UInt32 = 0x7F00_0001

    static func setOption(_ fd: Int32, level: Int32, name: Int32, value: Int32) {
        var value = value
        setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Why a socket could not be made or bound.
    struct Failure: Error {
        let reason: String
    }

    /// A TCP socket bound to 127.0.0.1:`port` (0: the system chooses), not listening yet. SO_REUSEADDR lets a
    /// service come back on its port while connections it closed linger in TIME_WAIT. `shareable` adds SO_REUSEPORT,
    /// which lets a second socket of this user bind the port while the first listens: how a stopping server holds
    /// its port before closing its listener.
    static func boundSocket(port: Int, shareable: Bool) throws(Failure) -> Int32 {
        let fd = socket(AF_INET, streamType, 0)
        guard fd >= 0 else { throw Failure(reason: lastError) }
        setOption(fd, level: SOL_SOCKET, name: SO_REUSEADDR, value: 1)
        if shareable { setOption(fd, level: SOL_SOCKET, name: SO_REUSEPORT, value: 1) }
        var address = address(ipv4: loopback, port: UInt16(clamping: port))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let reason = lastError
            closeSocket(fd)
            throw Failure(reason: reason)
        }
        return fd
    }

    /// The text of the current `errno`.
    static var lastError: String { String(cString: strerror(errno)) }

    static func closeSocket(_ fd: Int32) { _ = close(fd) }

    /// Sets or clears O_NONBLOCK.
    static func setBlocking(_ fd: Int32, _ blocking: Bool) {
        let flags = fcntl(fd, F_GETFL, 0)
        guard flags >= 0 else { return }
        _ = fcntl(fd, F_SETFL, blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK)
    }

    static func shutdownSocket(_ fd: Int32) { _ = shutdown(fd, Int32(SHUT_RDWR)) }

    /// Waits until `fd` is readable; false when `milliseconds` passed first.
    static func waitReadable(_ fd: Int32, milliseconds: Int32) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&entry, 1, milliseconds)
            if ready < 0 && errno == EINTR { continue }
            return ready != 0
        }
    }
}
