import Foundation

/// Where commands print: results to standard output, the one-sentence failure to standard error.
struct Console: Sendable {
    func print(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
