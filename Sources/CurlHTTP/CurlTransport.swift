import CCurl
import ConnectorKit
import Foundation

/// The HTTP transport on Linux: libcurl's easy interface, loaded at run time.
///
/// Each request runs `curl_easy_perform` on a thread of its own, never on Swift concurrency's cooperative pool or
/// Dispatch's global queues, and that thread sleeps in `poll` while the server takes its time: the process uses no
/// CPU while it waits (SPEC §7.4). Easy handles are kept in a pool for the life of the transport (one run), so a
/// request to a host reuses the kept-alive connection and TLS session of an earlier one.
///
/// Credentials are the caller's headers: libcurl never negotiates authentication, so a 401 comes back as a 401,
/// whatever challenge it carries. Redirects are not followed. TLS is always verified against the system's CA store.
public final class CurlTransport: ClientTransport, @unchecked Sendable {
    public let settings: TransportSettings
    private let lock = NSLock()
    private var idle: [OpaquePointer] = []
    /// Idle handles kept beyond this many are closed (a run seldom has more than three requests in flight).
    private let maximumIdle = 8

    /// Loads libcurl if needed; `.unavailable` (exit 69) naming the missing library when it cannot be.
    public init(settings: TransportSettings = TransportSettings()) throws(ConnectorError) {
        try CurlLibrary.require()
        self.settings = settings
    }

    deinit {
        for handle in idle { ccurl_easy_cleanup(handle) }
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Task.checkCancellation()
        guard let handle = checkOut() else {
            throw TransportError.connectionFailed(host: request.url.host ?? "", reason: "libcurl could not create a handle")
        }
        let transfer = CurlTransfer(request: request, handle: handle, settings: settings)
        let settings = self.settings
        let result: Result<HTTPResponse, any Error> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread {
                    continuation.resume(returning: transfer.perform(settings: settings))
                }
                thread.name = "connector-http"
                thread.start()
            }
        } onCancel: {
            transfer.cancel()
        }
        checkIn(handle)
        return try result.get()
    }

    /// An idle handle (with its open connections), or a new one. Its options are cleared either way.
    private func checkOut() -> OpaquePointer? {
        if let handle = lock.withLock({ idle.popLast() }) {
            ccurl_easy_reset(handle)
            return handle
        }
        return ccurl_easy_init()
    }

    private func checkIn(_ handle: OpaquePointer) {
        let kept = lock.withLock { () -> Bool in
            guard idle.count < maximumIdle else { return false }
            idle.append(handle)
            return true
        }
        if !kept { ccurl_easy_cleanup(handle) }
    }
}
