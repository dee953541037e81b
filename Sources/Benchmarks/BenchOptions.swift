import Foundation

/// The benchmark's command line: `[--quick] [--connector PATH]`.
struct BenchOptions {
    /// A smoke run of a few seconds: fewer repetitions, a smaller storm on one backend.
    var quick = false
    /// The release-built executable under test.
    var connector = ".build/release/connector"
    /// Only the HTTP-client rows (section 5).
    var transportOnly = false

    /// Sequential runs per row (create/update rows run the connector twice per repetition).
    var iterations: Int { quick ? 2 : 30 }
    /// Distinct jobs (and processes) in the failure storm.
    var stormSize: Int { quick ? 10 : 50 }
    /// Processes started at once for one job.
    let sameJobProcesses = 8
    /// The whole benchmark is abandoned after this long, so a hung child cannot keep it running.
    var timeLimitSeconds: Int { quick ? 120 : 900 }

    /// Parses the arguments after the program name; a message naming the flag at fault otherwise.
    init(_ arguments: [String]) throws(BenchUsage) {
        var words = arguments[...]
        while let word = words.popFirst() {
            switch word {
            case "--quick": quick = true
            case "--transport-only": transportOnly = true
            case "--connector":
                guard let path = words.popFirst() else { throw BenchUsage("--connector needs a path") }
                connector = path
            case "-h", "--help": throw BenchUsage(nil)
            default: throw BenchUsage("unknown argument '\(word)'")
            }
        }
    }
}

/// A command-line mistake (or `--help`): the message, then the usage line.
struct BenchUsage: Error {
    var message: String?
    init(_ message: String?) { self.message = message }

    static let line = "usage: Benchmarks [--quick] [--transport-only] [--connector PATH]   (default PATH: .build/release/connector)"
}
