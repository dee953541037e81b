import Foundation

/// The printed table, and the correctness checks that make a figure meaningless when they fail (a run that exited
/// non-zero, a second ticket for one job).
final class Report {
    private(set) var rows = 0
    private(set) var failures: [String] = []

    /// Prints one row as soon as it is measured.
    func add(_ figures: Figures) {
        rows += 1
        print(figures.row)
        fflush(nil)  // rows appear as they are measured, even through a pipe
    }

    /// A line of its own, e.g. a skipped baseline.
    func say(_ line: String) {
        print(line)
        fflush(nil)  // rows appear as they are measured, even through a pipe
    }

    /// Records a failed check unless `holds`; it is printed at the end and makes the exit status 1.
    func check(_ holds: Bool, _ what: @autoclosure () -> String) {
        if !holds { failures.append(what()) }
    }
}
