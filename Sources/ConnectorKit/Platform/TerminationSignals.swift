import Dispatch
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

/// Turns the ways an operating system asks a process to stop into a `StopRequest`, so `connector sync --interval`
/// can finish its pass and exit 0:
/// - Linux and macOS: SIGINT (Ctrl+C) and SIGTERM (`systemctl stop`, `kill`, an OpCon job being killed).
/// - Windows: console control events — Ctrl+C and Ctrl+Break, which service wrappers (NSSM, WinSW, srvany) send
///   to their child on a service stop, and the close and shutdown events.
///
/// This is the only place the service knows about signals (docs/architecture.md, Platform).
public enum TerminationSignals {
    /// Routes the stop requests of this process to `stop` from now on. Call once, before the first pass.
    public static func route(to stop: StopRequest) {
        Routing.shared.set(stop)
        #if os(Windows)
            _ = SetConsoleCtrlHandler(consoleControlHandler, true)
        #else
            for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
                // Ignored first, so the default action (ending the process at once) never runs; the Dispatch source
                // still sees every delivery.
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: Routing.shared.queue)
                source.setEventHandler { Routing.shared.deliver(name) }
                source.resume()
                Routing.shared.keep(source)
            }
        #endif
    }

    /// Where requests go, and what keeps the signal sources alive for the life of the process.
    private final class Routing: @unchecked Sendable {
        static let shared = Routing()
        /// A queue of its own: a signal handler never waits behind work on Dispatch's shared queues.
        let queue = DispatchQueue(label: "connector.termination-signals")
        private let lock = NSLock()
        private var stop: StopRequest?
        private var sources: [any DispatchSourceSignal] = []

        func set(_ stop: StopRequest) { lock.withLock { self.stop = stop } }
        func keep(_ source: any DispatchSourceSignal) { lock.withLock { sources.append(source) } }
        func deliver(_ reason: String) { lock.withLock { stop }?.request(reason) }
    }

    #if os(Windows)
        /// Runs on a thread Windows creates for the event. Returning true tells Windows the event was handled.
        private static let consoleControlHandler: PHANDLER_ROUTINE = { event in
            switch event {
            case DWORD(CTRL_C_EVENT):
                Routing.shared.deliver("Ctrl+C")
            case DWORD(CTRL_BREAK_EVENT):
                Routing.shared.deliver("Ctrl+Break")
            case DWORD(CTRL_CLOSE_EVENT), DWORD(CTRL_SHUTDOWN_EVENT):
                Routing.shared.deliver(event == DWORD(CTRL_CLOSE_EVENT) ? "console closed" : "system shutdown")
                // Windows ends the process as soon as this handler returns (and at the latest about 5 s after the
                // event): holding the handler gives the pass that time to finish; the process exits before it returns.
                Sleep(4_500)
            case DWORD(CTRL_LOGOFF_EVENT):
                // A process run by a service receives every user's logoff; it is not a request to stop the service.
                return true
            default:
                return false
            }
            return true
        }
    #endif
}
