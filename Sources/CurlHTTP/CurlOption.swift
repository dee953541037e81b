/// The libcurl option and info numbers the transport uses. They are part of libcurl's stable ABI: each is
/// `CURLOPTTYPE_* + n` as curl.h defines it (LONG 0, OBJECTPOINT/STRINGPOINT/SLISTPOINT/CBPOINT 10000,
/// FUNCTIONPOINT 20000, OFF_T 30000), and a number, once given, never changes meaning.
enum CurlOption {
    // Long values.
    static let noProgress: Int32 = 43  // CURLOPT_NOPROGRESS: 0 turns the transfer-info callback on
    static let post: Int32 = 47  // CURLOPT_POST
    static let followLocation: Int32 = 52  // CURLOPT_FOLLOWLOCATION
    static let sslVerifyPeer: Int32 = 64  // CURLOPT_SSL_VERIFYPEER
    static let httpGet: Int32 = 80  // CURLOPT_HTTPGET
    static let sslVerifyHost: Int32 = 81  // CURLOPT_SSL_VERIFYHOST: 2 checks the name
    static let noSignal: Int32 = 99  // CURLOPT_NOSIGNAL: no SIGALRM for DNS timeouts in a threaded process
    static let timeoutMilliseconds: Int32 = 155  // CURLOPT_TIMEOUT_MS
    static let connectTimeoutMilliseconds: Int32 = 156  // CURLOPT_CONNECTTIMEOUT_MS
    static let tcpKeepAlive: Int32 = 213  // CURLOPT_TCP_KEEPALIVE

    // Strings (copied by libcurl), lists and callback contexts.
    static let writeData: Int32 = 10_001  // CURLOPT_WRITEDATA
    static let url: Int32 = 10_002  // CURLOPT_URL
    static let proxy: Int32 = 10_004  // CURLOPT_PROXY: "" means no proxy, whatever the environment says
    static let readData: Int32 = 10_009  // CURLOPT_READDATA
    static let errorBuffer: Int32 = 10_010  // CURLOPT_ERRORBUFFER: at least CURL_ERROR_SIZE (256) bytes
    static let userAgent: Int32 = 10_018  // CURLOPT_USERAGENT
    static let httpHeader: Int32 = 10_023  // CURLOPT_HTTPHEADER
    static let headerData: Int32 = 10_029  // CURLOPT_HEADERDATA
    static let customRequest: Int32 = 10_036  // CURLOPT_CUSTOMREQUEST
    static let transferInfoData: Int32 = 10_057  // CURLOPT_XFERINFODATA
    static let acceptEncoding: Int32 = 10_102  // CURLOPT_ACCEPT_ENCODING: "" offers every encoding libcurl decodes
    static let seekData: Int32 = 10_168  // CURLOPT_SEEKDATA

    // Callbacks.
    static let writeFunction: Int32 = 20_011  // CURLOPT_WRITEFUNCTION
    static let readFunction: Int32 = 20_012  // CURLOPT_READFUNCTION
    static let headerFunction: Int32 = 20_079  // CURLOPT_HEADERFUNCTION
    static let seekFunction: Int32 = 20_167  // CURLOPT_SEEKFUNCTION
    static let transferInfoFunction: Int32 = 20_219  // CURLOPT_XFERINFOFUNCTION

    // curl_off_t values.
    static let postFieldSizeLarge: Int32 = 30_120  // CURLOPT_POSTFIELDSIZE_LARGE
}

enum CurlInfo {
    static let responseCode: Int32 = 0x200000 + 2  // CURLINFO_RESPONSE_CODE (CURLINFO_LONG + 2)
    static let osErrno: Int32 = 0x200000 + 25  // CURLINFO_OS_ERRNO: the system's errno of a failed connect
}

/// The CURLcode values the transport tells apart (curl.h's `CURLcode` enumeration).
enum CurlCode {
    static let ok: Int32 = 0
    static let couldNotResolveProxy: Int32 = 5
    static let couldNotResolveHost: Int32 = 6
    static let couldNotConnect: Int32 = 7
    static let readError: Int32 = 26  // the read callback failed (the body's file could not be read)
    static let operationTimedOut: Int32 = 28
    static let sslConnectError: Int32 = 35
    static let abortedByCallback: Int32 = 42  // the transfer-info callback asked to stop (cancellation)
    static let gotNothing: Int32 = 52
    static let sendError: Int32 = 55
    static let receiveError: Int32 = 56
    static let sslCertificateProblem: Int32 = 58
    static let sslCipher: Int32 = 59
    static let peerFailedVerification: Int32 = 60
    static let sendFailRewind: Int32 = 65
    static let sslCACertificateBadFile: Int32 = 77
    static let sslIssuerError: Int32 = 83
    static let sslPinnedKeyMismatch: Int32 = 90
    static let proxyHandshake: Int32 = 97

    /// Codes of a TLS handshake or certificate check that failed.
    static let tls: Set<Int32> = [
        sslConnectError, sslCertificateProblem, sslCipher, peerFailedVerification, sslCACertificateBadFile,
        sslIssuerError, sslPinnedKeyMismatch,
    ]
}

/// Return values of the callbacks.
enum CurlCallback {
    static let seekOK: Int32 = 0  // CURL_SEEKFUNC_OK
    static let seekCannot: Int32 = 2  // CURL_SEEKFUNC_CANTSEEK
    static let readAbort = 0x1000_0000  // CURL_READFUNC_ABORT
}
