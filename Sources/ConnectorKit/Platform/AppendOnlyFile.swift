import Foundation

#if os(Windows)
    import WinSDK
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Appends bytes to a file in one write, creating it if needed.
enum AppendOnlyFile {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func append(_ data: Data, to path: String) throws {
        #if os(Windows)
            // No O_APPEND through Foundation here: seek-and-write is best effort when processes race.
            if !FileManager.default.fileExists(atPath: path) {
                FileManager.default.createFile(atPath: path, contents: nil)
            }
            guard let handle = FileHandle(forWritingAtPath: path) else { throw Failure(description: "cannot open it for writing") }
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: data)
        #else
            let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw Failure(description: String(cString: strerror(errno))) }
            defer { close(descriptor) }
            let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written == data.count else {
                throw Failure(
                    description: written < 0 ? String(cString: strerror(errno)) : "only \(written) of \(data.count) bytes were written")
            }
        #endif
    }
}
