import ConnectorKit
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Sends requests with URLSession: the transport on Windows (whose toolchain links its own libcurl into
/// FoundationNetworking, so there is none to load) and macOS. On Linux it is built for the tests and benchmarks
/// only, beside the libcurl transport, so both stay compiled, tested and measured.
///
/// An ephemeral session without cache, cookies or stored credentials, the configured proxy, and trust decided by
/// the operating system's certificate store alone (verification is never switched off). Redirects are not
/// followed, so a credential header never travels to a host it was not meant for; a 3xx comes back as an ordinary
/// response. Authentication challenges are never answered: the connector sends its own credentials, so a 401 is
/// handed back as it came, a refusal, whatever `WWW-Authenticate` it carries.
public final class URLSessionTransport: ClientTransport, @unchecked Sendable {
    /// The per-request timeout handed to URLSession (the deadline middleware enforces the hard limit).
    public let timeoutSeconds: Double
    private let session: URLSession
    /// Requests with a body, each on a connection of its own (`Connection: close`). When a server has closed a
    /// kept-alive connection, libcurl resends the request on a new one and must rewind the body, which corelibs'
    /// URLSession cannot do for a Data body: the upload then stalls, spinning a CPU, until the timeout. On a fresh
    /// connection the closed connection is an immediate error instead.
    private let bodySession: URLSession
    private let policy = SessionPolicy()

    public init(settings: TransportSettings = TransportSettings()) {
        // swift-corelibs-foundation truncates the timeout to whole seconds, so below 1 s it would fire at once;
        // shorter limits are the deadline middleware's job.
        let timeoutSeconds = max(1, settings.timeoutSeconds)
        self.timeoutSeconds = timeoutSeconds
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpShouldSetCookies = false
        configuration.urlCredentialStorage = nil
        configuration.timeoutIntervalForRequest = timeoutSeconds
        configuration.httpAdditionalHeaders = ["User-Agent": settings.userAgent]
        URLSessionProxy.apply(settings.proxyURL, to: configuration)
        session = URLSession(configuration: configuration, delegate: policy, delegateQueue: nil)
        bodySession = URLSession(configuration: configuration, delegate: policy, delegateQueue: nil)
    }

    deinit {
        session.finishTasksAndInvalidate()
        bodySession.finishTasksAndInvalidate()
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        // Whole seconds at least: swift-corelibs-foundation truncates the interval, and below 1 s it fires at once.
        let timeout = max(1, (request.timeout ?? timeoutSeconds).rounded(.up))
        let host = request.url.host ?? request.url.absoluteString
        var urlRequest = URLRequest(url: request.url, cachePolicy: .reloadIgnoringLocalCacheData)
        urlRequest.timeoutInterval = timeout  // set, not passed to init: only a set interval overrides the session's
        urlRequest.httpMethod = request.method.rawValue
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        // URLSession needs the whole body in memory; only the libcurl transport streams it from its file.
        do { urlRequest.httpBody = try request.bodyBytes() } catch {
            throw TransportError.connectionFailed(host: host, reason: "the request body could not be read (\(error.localizedDescription))")
        }
        let hasBody = !(urlRequest.httpBody?.isEmpty ?? true)
        if hasBody { urlRequest.setValue("close", forHTTPHeaderField: "Connection") }
        let handle = DataTaskHandle()
        let policy = self.policy
        defer { handle.forget(in: policy) }

        let response: HTTPResponse = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                let answer = AnswerOnce(continuation)
                let task = (hasBody ? bodySession : session).dataTask(with: urlRequest) { data, response, error in
                    if let error {
                        answer.resume(throwing: URLErrorMapping.map(error, host: host, timeout: timeout))
                    } else if let http = response as? HTTPURLResponse {
                        answer.resume(returning: Self.response(http, body: data ?? Data()))
                    } else {
                        answer.resume(throwing: TransportError.connectionFailed(host: host, reason: "the answer was not HTTP"))
                    }
                }
                policy.register(task, refusal: { answer.resume(returning: Self.response($0, body: Data())) })
                handle.start(task)
            }
        } onCancel: {
            handle.cancel()
        }
        return Self.divert(response, to: request.responseSink)
    }

    private static func response(_ http: HTTPURLResponse, body: Data) -> HTTPResponse {
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            headers[String(describing: name)] = String(describing: value)
        }
        return HTTPResponse(status: http.statusCode, headers: headers, body: body)
    }

    /// Hands a successful answer's body to the request's sink (after it arrived whole: URLSession cannot stream it).
    private static func divert(_ response: HTTPResponse, to sink: ResponseSink?) -> HTTPResponse {
        guard let sink, response.isSuccess else { return response }
        sink.sink.begin()
        response.body.withUnsafeBytes { sink.sink.receive($0) }
        var diverted = response
        diverted.body = Data()
        diverted.bodyWentToSink = true
        return diverted
    }
}

/// Holds a data task so that cancelling the Swift task cancels it, even if cancellation comes first.
private final class DataTaskHandle: @unchecked Sendable {
    private let lock = NSLock()
    private var task: URLSessionDataTask?
    private var cancelled = false

    func start(_ task: URLSessionDataTask) {
        lock.lock()
        self.task = task
        let cancelled = self.cancelled
        lock.unlock()
        if cancelled { task.cancel() } else { task.resume() }
    }

    /// Drops the task's entry in the policy once its answer is in.
    func forget(in policy: SessionPolicy) {
        if let task = lock.withLock({ task }) { policy.forget(task) }
    }

    func cancel() {
        lock.lock()
        cancelled = true
        let task = self.task
        lock.unlock()
        task?.cancel()
    }
}

/// Resumes a continuation once: a refused challenge answers the request before URLSession ends the task.
private final class AnswerOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<HTTPResponse, any Error>?

    init(_ continuation: CheckedContinuation<HTTPResponse, any Error>) { self.continuation = continuation }

    func resume(returning response: HTTPResponse) { take()?.resume(returning: response) }
    func resume(throwing error: any Error) { take()?.resume(throwing: error) }

    private func take() -> CheckedContinuation<HTTPResponse, any Error>? {
        lock.withLock {
            defer { continuation = nil }
            return continuation
        }
    }
}

/// Refuses to follow redirects and to answer authentication challenges.
///
/// A 401 carrying `WWW-Authenticate` becomes a challenge in URLSession. swift-corelibs-foundation, handling it by
/// default without a stored credential, ends the task without ever calling its completion handler, so the request
/// waited for the run's deadline and a refused password looked like an outage. The connector sends its own
/// credentials and never answers a challenge: the challenge's 401 is handed back as the answer at once (without its
/// body, which URLSession does not expose there) and the challenge is cancelled.
private final class SessionPolicy: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private var refusals: [Int: @Sendable (HTTPURLResponse) -> Void] = [:]

    func register(_ task: URLSessionTask, refusal: @escaping @Sendable (HTTPURLResponse) -> Void) {
        lock.withLock { refusals[task.taskIdentifier] = refusal }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
        completionHandler: @escaping @Sendable (URLSession.AuthChallengeDisposition, URLCredential?) -> Void
    ) {
        let refusal = lock.withLock { refusals.removeValue(forKey: task.taskIdentifier) }
        if let response = challenge.failureResponse as? HTTPURLResponse { refusal?(response) }
        completionHandler(.cancelAuthenticationChallenge, nil)
    }

    func forget(_ task: URLSessionTask) {
        lock.withLock { _ = refusals.removeValue(forKey: task.taskIdentifier) }
    }
}
