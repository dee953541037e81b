import Foundation

/// Why a simulator or its HTTP plumbing could not do what it was asked.
public enum SimulatorError: Error, Equatable, CustomStringConvertible {
    /// The listener could not be opened on 127.0.0.1 at that port.
    case cannotListen(port: Int, reason: String)
    /// `start()` was called on a server that is already listening.
    case alreadyRunning(port: Int)
    /// A socket call failed (connect, send, receive).
    case socket(String)
    /// The peer did not answer within the time allowed.
    case timedOut(String)
    /// The peer sent something that is not HTTP/1.x.
    case malformed(String)
    /// A request to the simulator's control API could not be understood.
    case badControlRequest(String)

    public var description: String {
        switch self {
        case .cannotListen(let port, let reason): return "cannot listen on 127.0.0.1:\(port): \(reason)"
        case .alreadyRunning(let port): return "the simulator already listens on 127.0.0.1:\(port)"
        case .socket(let reason): return "socket error: \(reason)"
        case .timedOut(let what): return "timed out: \(what)"
        case .malformed(let what): return "malformed HTTP message: \(what)"
        case .badControlRequest(let what): return "bad simulator control request: \(what)"
        }
    }
}
