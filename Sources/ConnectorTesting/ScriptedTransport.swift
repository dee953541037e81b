import ConnectorKit
import Foundation

/// A `ClientTransport` that answers from a script instead of a network, and records every request it was given.
///
/// One scripted answer serves one request, in order: a response, a thrown transport error, or a handler that
/// computes the answer from the request. Past the script, every request gets the fallback; with none, it is
/// refused, so a request the test did not expect fails that test instead of hanging or passing unnoticed.
public final class ScriptedTransport: ClientTransport, Sendable {
    public typealias Handler = @Sendable (HTTPRequest) async throws -> HTTPResponse

    /// The answer to one request.
    public enum Answer: Sendable {
        case response(HTTPResponse)
        /// Thrown by `send`, as a real transport throws a refused connection, a timeout or a TLS failure.
        case failure(any Error)
        /// Called with the request when it arrives; what it returns or throws is the answer.
        case handler(Handler)
    }

    private struct State {
        var script: [Answer]
        var requests: [HTTPRequest] = []
    }

    private let state: Recorder<State>
    private let fallback: Answer?

    /// Answers requests with `answers` in order, then each further one with `fallback` (nil: refused).
    public init(_ answers: [Answer], then fallback: Answer? = nil) {
        state = Recorder(State(script: answers))
        self.fallback = fallback
    }

    /// Answers every request with `handler`.
    public convenience init(_ handler: @escaping Handler) { self.init([], then: .handler(handler)) }

    /// The requests sent so far, in order.
    public var requests: [HTTPRequest] { state.read(\.requests) }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let scripted = state.update { state -> Answer? in
            state.requests.append(request)
            return state.script.isEmpty ? nil : state.script.removeFirst()
        }
        switch scripted ?? fallback {
        case .response(let response): return response
        case .failure(let error): throw error
        case .handler(let handler): return try await handler(request)
        case nil:
            throw TransportError.connectionFailed(
                host: request.url.host ?? "?", reason: "no scripted answer for \(request.method.rawValue) \(request.url.absoluteString)")
        }
    }
}

extension ScriptedTransport.Answer {
    /// A JSON answer from text, which may be deliberately malformed.
    public static func json(_ status: Int, _ text: String, headers: [String: String] = [:]) -> Self {
        .response(.json(status, text, headers: headers))
    }

    /// A JSON answer from a value.
    public static func json(_ status: Int, _ value: JSONValue, headers: [String: String] = [:]) -> Self {
        .response(.json(status, value, headers: headers))
    }

    /// A non-JSON answer, such as the HTML page a proxy or a load balancer sends.
    public static func text(_ status: Int, _ text: String, contentType: String = "text/html") -> Self {
        .response(.text(status, text, contentType: contentType))
    }
}

extension ScriptedTransport {
    /// Each request's body parsed as JSON, streamed bodies included; bodies that are not JSON are left out.
    public var jsonBodies: [JSONValue] { requests.compactMap { (try? $0.bodyBytes())?.flatMap { try? JSONValue.parse($0) } } }
}
