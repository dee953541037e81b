import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends requests with URLSession: an ephemeral session without cache, cookies or stored credentials, the
/// configured proxy, and trust decided by the operating system's certificate store alone (verification is never
/// switched off). Redirects are not followed, so a credential header never travels to a host it was not meant for;
/// a 3xx comes back as an ordinary response.
public final class URLSessionTransport: ClientTransport, @unchecked Sendable {
    /// The per-request timeout handed to URLSession (the deadline middleware enforces the hard limit).
    public let timeoutSeconds: Double
    private let session: URLSession
    /// Requests with a body, each on a connection of its own (`Connection: close`). When a server has closed a
    /// kept-alive connection, libcurl resends the request on a new one and must rewind the body, which corelibs'
    /// URLSession cannot do for a Data body: the upload then stalls, spinning a CPU, until the timeout. On a fresh
    /// connection the closed connection is an immediate error instead.
    private let bodySession: URLSession

    public init(timeoutSeconds: Double = 30, proxy: ConnectorConfig.Proxy = ConnectorConfig.Proxy()) {
        // swift-corelibs-foundation truncates the timeout to whole seconds, so below 1 s it would fire at once;
        // shorter limits are the deadline middleware's job.
        let timeoutSeconds = max(1, timeoutSeconds)
        self.timeoutSeconds = timeoutSeconds
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpShouldSetCookies = false
        configuration.urlCredentialStorage = nil
        configuration.timeoutIntervalForRequest = timeoutSeconds
        ProxySettings.apply(proxy, to: configuration)
        session = URLSession(configuration: configuration, delegate: RedirectRefuser(), delegateQueue: nil)
        bodySession = URLSession(configuration: configuration, delegate: RedirectRefuser(), delegateQueue: nil)
    }

    deinit {
        session.finishTasksAndInvalidate()
        bodySession.finishTasksAndInvalidate()
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        // Whole seconds at least: swift-corelibs-foundation truncates the interval, and below 1 s it fires at once.
        let timeout = max(1, (request.timeout ?? timeoutSeconds).rounded(.up))
        var urlRequest = URLRequest(url: request.url, cachePolicy: .reloadIgnoringLocalCacheData)
        urlRequest.timeoutInterval = timeout  // set, not passed to init: only a set interval overrides the session's
        urlRequest.httpMethod = request.method.rawValue
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = request.body
        let hasBody = !(request.body?.isEmpty ?? true)
        if hasBody { urlRequest.setValue("close", forHTTPHeaderField: "Connection") }
        let host = request.url.host ?? request.url.absoluteString
        let handle = DataTaskHandle()

        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                let task = (hasBody ? bodySession : session).dataTask(with: urlRequest) { data, response, error in
                    if let error {
                        continuation.resume(throwing: TransportErrorMapping.map(error, host: host, timeout: timeout))
                    } else if let http = response as? HTTPURLResponse {
                        var headers: [String: String] = [:]
                        for (name, value) in http.allHeaderFields {
                            headers[String(describing: name)] = String(describing: value)
                        }
                        continuation.resume(returning: HTTPResponse(status: http.statusCode, headers: headers, body: data ?? Data()))
                    } else {
                        continuation.resume(throwing: TransportError.connectionFailed(host: host, reason: "the answer was not HTTP"))
                    }
                }
                handle.start(task)
            }
        } onCancel: {
            handle.cancel()
        }
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

    func cancel() {
        lock.lock()
        cancelled = true
        let task = self.task
        lock.unlock()
        task?.cancel()
    }
}

/// Answers every redirect with "do not follow".
private final class RedirectRefuser: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}
