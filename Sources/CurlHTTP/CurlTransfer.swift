import CCurl
import ConnectorKit
import Foundation

/// One request on one easy handle: sets the handle up, runs `curl_easy_perform` (which blocks, sleeping in poll
/// while the server thinks), and collects the answer. libcurl's callbacks reach this object through the context
/// pointer it is given.
final class CurlTransfer: @unchecked Sendable {
    let request: HTTPRequest
    private let handle: OpaquePointer
    private let limit: Double
    private let host: String

    private var headers: [String: String] = [:]
    private var body = Data()
    private var bodyReader: StreamedBodyReader?
    /// The request's sink, once a 2xx answer starts arriving (`HTTPRequest.responseSink`).
    private var sink: (any ResponseBodySink)?
    private var decidedWhereBodyGoes = false
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: 512)
    private var headerList: OpaquePointer?

    private let lock = NSLock()
    private var cancelled = false

    init(request: HTTPRequest, handle: OpaquePointer, settings: TransportSettings) {
        self.request = request
        self.handle = handle
        self.limit = max(0.001, request.timeout ?? settings.timeoutSeconds)
        self.host = request.url.host ?? request.url.absoluteString
        errorBuffer.initialize(repeating: 0, count: 512)
    }

    deinit {
        errorBuffer.deallocate()
        if let headerList { ccurl_slist_free_all(headerList) }
    }

    /// Asks the transfer to stop; libcurl consults the flag at least once a second, and at every chunk.
    func cancel() { lock.withLock { cancelled = true } }

    private var isCancelled: Bool { lock.withLock { cancelled } }

    /// Runs the request to its end on the calling thread.
    func perform(settings: TransportSettings) -> Result<HTTPResponse, any Error> {
        do {
            try configure(settings)
        } catch {
            return .failure(error)
        }
        let code = ccurl_easy_perform(handle)
        guard code == CurlCode.ok else { return .failure(failure(for: code)) }
        var status = 0
        _ = ccurl_getinfo_long(handle, CurlInfo.responseCode, &status)
        let streamed = request.responseSink != nil && (200..<300).contains(status)
        // A 2xx without a body never reached the write callback: the sink still hears that an (empty) answer began.
        if streamed, sink == nil { request.responseSink?.sink.begin() }
        return .success(HTTPResponse(status: status, headers: headers, body: streamed ? Data() : body, bodyWentToSink: streamed))
    }

    // MARK: Setting the handle up

    private func configure(_ settings: TransportSettings) throws {
        let context = Unmanaged.passUnretained(self).toOpaque()
        try set(CurlOption.url, string: request.url.absoluteString)
        try set(CurlOption.noSignal, 1)
        try set(CurlOption.followLocation, 0)
        try set(CurlOption.sslVerifyPeer, 1)
        try set(CurlOption.sslVerifyHost, 2)
        try set(CurlOption.tcpKeepAlive, 1)
        try set(CurlOption.acceptEncoding, string: "")
        try set(CurlOption.userAgent, string: settings.userAgent)
        // "" rather than unset: libcurl would otherwise take a proxy from http_proxy/https_proxy (docs/decisions.md).
        try set(CurlOption.proxy, string: settings.proxyURL ?? "")
        let milliseconds = max(1, Int((limit * 1000).rounded(.up)))
        try set(CurlOption.timeoutMilliseconds, milliseconds)
        try set(CurlOption.connectTimeoutMilliseconds, milliseconds)
        try check(ccurl_setopt_pointer(handle, CurlOption.errorBuffer, errorBuffer))

        try check(ccurl_setopt_data_callback(handle, CurlOption.headerFunction, curlHeaderCallback))
        try check(ccurl_setopt_pointer(handle, CurlOption.headerData, context))
        try check(ccurl_setopt_data_callback(handle, CurlOption.writeFunction, curlWriteCallback))
        try check(ccurl_setopt_pointer(handle, CurlOption.writeData, context))
        try check(ccurl_setopt_progress_callback(handle, CurlOption.transferInfoFunction, curlProgressCallback))
        try check(ccurl_setopt_pointer(handle, CurlOption.transferInfoData, context))
        try set(CurlOption.noProgress, 0)

        try configureMethodAndBody(context: context)
        try configureHeaders()
    }

    private func configureMethodAndBody(context: UnsafeMutableRawPointer) throws {
        let hasBody = request.streamedBody != nil || !(request.body?.isEmpty ?? true)
        if request.method == .get || (request.method == .delete && !hasBody) {
            try set(CurlOption.httpGet, 1)
            if request.method == .delete { try set(CurlOption.customRequest, string: "DELETE") }
            return
        }
        // Every other request goes out as a POST with its body read through the callbacks; the method name is
        // then replaced, which keeps one upload path for POST, PUT and PATCH.
        let streamed = request.streamedBody ?? StreamedBody([.bytes(request.body ?? Data())])
        do {
            bodyReader = try streamed.makeReader()
        } catch {
            throw TransportError.connectionFailed(host: host, reason: "the request body could not be read (\(error.localizedDescription))")
        }
        try set(CurlOption.post, 1)
        try check(ccurl_setopt_offset(handle, CurlOption.postFieldSizeLarge, streamed.count))
        try check(ccurl_setopt_data_callback(handle, CurlOption.readFunction, curlReadCallback))
        try check(ccurl_setopt_pointer(handle, CurlOption.readData, context))
        try check(ccurl_setopt_seek_callback(handle, CurlOption.seekFunction, curlSeekCallback))
        try check(ccurl_setopt_pointer(handle, CurlOption.seekData, context))
        if request.method != .post { try set(CurlOption.customRequest, string: request.method.rawValue) }
    }

    private func configureHeaders() throws {
        var lines = request.headers.map { "\($0.key): \($0.value)" }
        // libcurl would wait up to a second for `100 Continue` before sending a body over 1 KiB.
        lines.append("Expect:")
        if request.method != .get, request.header("Content-Type") == nil {
            // Without this, libcurl labels every POST body application/x-www-form-urlencoded.
            lines.append("Content-Type:")
        }
        for line in lines {
            guard let appended = ccurl_slist_append(headerList, line) else {
                throw TransportError.connectionFailed(host: host, reason: "libcurl could not take the request's headers")
            }
            headerList = appended
        }
        try check(ccurl_setopt_pointer(handle, CurlOption.httpHeader, UnsafeRawPointer(headerList)))
    }

    private func set(_ option: Int32, _ value: Int) throws { try check(ccurl_setopt_long(handle, option, value)) }

    private func set(_ option: Int32, string: String) throws {
        try check(string.withCString { ccurl_setopt_pointer(handle, option, $0) })  // libcurl copies the string
    }

    private func check(_ code: Int32) throws {
        guard code != CurlCode.ok else { return }
        throw TransportError.connectionFailed(host: host, reason: "libcurl refused an option (\(CurlLibrary.describe(code)))")
    }

    // MARK: Callbacks

    /// One header line. A status line starts a new header block: a proxy's `200 Connection established` or an
    /// interim `100 Continue` comes before the real answer's.
    fileprivate func receiveHeader(_ bytes: UnsafeRawBufferPointer) -> Int {
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            headers = [:]
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { "\($0), \(value)" } ?? value
        }
        return bytes.count
    }

    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        if !decidedWhereBodyGoes {
            decidedWhereBodyGoes = true
            var status = 0
            _ = ccurl_getinfo_long(handle, CurlInfo.responseCode, &status)
            if let requested = request.responseSink?.sink, (200..<300).contains(status) {
                requested.begin()
                sink = requested
            }
        }
        if let sink {
            sink.receive(bytes)
        } else {
            body.append(bytes.bindMemory(to: UInt8.self))
        }
        return bytes.count
    }

    fileprivate func sendBody(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let bodyReader else { return 0 }
        return bodyReader.read(into: buffer)
    }

    fileprivate func rewindBody() -> Int32 {
        guard let bodyReader, bodyReader.rewind() else { return CurlCallback.seekCannot }
        return CurlCallback.seekOK
    }

    fileprivate var shouldStop: Bool { isCancelled }

    // MARK: Errors

    private func failure(for code: Int32) -> any Error {
        if code == CurlCode.abortedByCallback, isCancelled { return CancellationError() }
        let detail = String(cString: errorBuffer)
        let text = detail.isEmpty ? CurlLibrary.describe(code) : detail
        switch code {
        case CurlCode.operationTimedOut:
            return TransportError.timedOut(host: host, seconds: limit)
        case _ where CurlCode.tls.contains(code):
            return TransportError.tlsFailure(host: host, reason: text)
        case CurlCode.couldNotResolveHost:
            return TransportError.notConnected(host: host, reason: "the host name could not be resolved")
        case CurlCode.couldNotResolveProxy:
            return TransportError.notConnected(host: host, reason: "the proxy's host name could not be resolved (\(text))")
        case CurlCode.couldNotConnect:
            // A refusal in the words the other transports use; anything else (no route, a proxy) with libcurl's text.
            var systemError = 0
            _ = ccurl_getinfo_long(handle, CurlInfo.osErrno, &systemError)
            let refused = systemError == Int(ECONNREFUSED) && !text.lowercased().contains("proxy")
            return TransportError.notConnected(host: host, reason: refused ? "the connection was refused" : text)
        case CurlCode.gotNothing, CurlCode.sendError, CurlCode.receiveError, CurlCode.sendFailRewind:
            return TransportError.connectionFailed(host: host, reason: "the connection was closed before the answer arrived")
        case CurlCode.readError:
            return TransportError.connectionFailed(host: host, reason: "the request body could not be read from its file (\(text))")
        case CurlCode.proxyHandshake:
            return TransportError.connectionFailed(host: host, reason: "the proxy did not open a tunnel (\(text))")
        default:
            return TransportError.connectionFailed(host: host, reason: text)
        }
    }
}

// libcurl calls these C functions; each finds its transfer through the context pointer.

private func transfer(_ context: UnsafeMutableRawPointer?) -> CurlTransfer {
    Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
}

private let curlHeaderCallback: ccurl_data_callback = { buffer, size, count, context in
    transfer(context).receiveHeader(UnsafeRawBufferPointer(start: buffer, count: size * count))
}

private let curlWriteCallback: ccurl_data_callback = { buffer, size, count, context in
    transfer(context).receiveBody(UnsafeRawBufferPointer(start: buffer, count: size * count))
}

private let curlReadCallback: ccurl_data_callback = { buffer, size, count, context in
    transfer(context).sendBody(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
}

private let curlSeekCallback: ccurl_seek_callback = { context, offset, origin in
    // libcurl rewinds to resend a body on a new connection; that is the only seek it needs.
    guard offset == 0, origin == SEEK_SET else { return CurlCallback.seekCannot }
    return transfer(context).rewindBody()
}

private let curlProgressCallback: ccurl_progress_callback = { context, _, _, _, _ in
    transfer(context).shouldStop ? 1 : 0
}
