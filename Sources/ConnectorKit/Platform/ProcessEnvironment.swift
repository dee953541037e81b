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

/// What this process is connected to, and how it sets its environment.
public enum ProcessEnvironment {
    /// Whether standard error is a terminal (a person is watching) rather than a pipe or a file (Notification
    /// Manager, a script).
    public static var standardErrorIsTerminal: Bool {
        #if os(Windows)
            return _isatty(2) != 0
        #else
            return isatty(2) != 0
        #endif
    }

    /// Sets a variable in this process's environment (the libcurl behind URLSession on Linux and Windows reads its
    /// proxy from there).
    public static func set(_ name: String, to value: String) {
        #if os(Windows)
            _ = _putenv_s(name, value)
        #else
            setenv(name, value, 1)
        #endif
    }
}
