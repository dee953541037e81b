import Foundation

#if os(Windows)
import ucrt
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Sets a variable in this process's environment (libcurl, behind URLSession on Linux and Windows, reads its
/// proxy from there).
enum ProcessEnvironment {
    static func set(_ name: String, to value: String) {
        #if os(Windows)
        _ = _putenv_s(name, value)
        #else
        setenv(name, value, 1)
        #endif
    }
}
