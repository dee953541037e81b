import Foundation

/// Takes a successful answer's body as it arrives, so a big answer (a job log inside JSON) never sits in memory.
/// The transport hands it each 2xx body in pieces; an answer with another status stays in memory, for its message.
public protocol ResponseBodySink: AnyObject, Sendable {
    /// A 2xx answer starts: forget anything an earlier attempt of the same request delivered.
    func begin()
    /// The next bytes of the body. Called on the transport's thread, one call at a time.
    func receive(_ bytes: UnsafeRawBufferPointer)
}

/// A sink as a request carries it: requests compare equal when they name the same sink.
public struct ResponseSink: Sendable, Equatable {
    public let sink: any ResponseBodySink

    public init(_ sink: any ResponseBodySink) { self.sink = sink }

    public static func == (lhs: ResponseSink, rhs: ResponseSink) -> Bool { lhs.sink === rhs.sink }
}
