import CCurl
import ConnectorKit
import Foundation

/// libcurl, loaded into the process once, at the first use.
enum CurlLibrary {
    /// Names the library file to load instead of the usual names, for a libcurl installed out of the way.
    static let pathVariable = "CONNECTOR_LIBCURL"

    /// Nil once loaded; otherwise why it could not be.
    static let loadFailure: String? = {
        var buffer = [CChar](repeating: 0, count: 512)
        let path = ProcessInfo.processInfo.environment[pathVariable].flatMap { $0.isEmpty ? nil : $0 }
        guard ccurl_load(path, &buffer, buffer.count) != 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    /// Loads the library, or says in one sentence which one is missing and which package provides it (exit 69).
    static func require() throws(ConnectorError) {
        guard let failure = loadFailure else { return }
        #if os(macOS)
            let advice = "libcurl ships with macOS; check that /usr/lib/libcurl.4.dylib is present"
        #else
            let advice =
                "install the distribution's libcurl package (Debian and Ubuntu: libcurl4; RHEL, Fedora and "
                + "Amazon Linux: libcurl; SUSE: libcurl4)"
        #endif
        throw .unavailable("The connector needs libcurl for HTTP and \(failure): \(advice).")
    }

    static func describe(_ code: Int32) -> String {
        guard let text = ccurl_easy_strerror(code) else { return "libcurl error \(code)" }
        return String(cString: text)
    }
}
