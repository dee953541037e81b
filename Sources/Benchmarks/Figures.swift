import Foundation

/// Summary statistics of a series of runs, printed as one table row.
struct Figures {
    var label: String
    var seconds: [Double] = []
    var cpuSeconds: [Double] = []
    var peakKilobytes = 0
    var note = ""

    init(_ label: String) { self.label = label }

    /// Adds one run's wall time, CPU time and peak memory.
    mutating func add(_ result: ChildResult) {
        seconds.append(result.seconds)
        cpuSeconds.append(result.cpuSeconds)
        peakKilobytes = max(peakKilobytes, result.peakKilobytes)
    }

    /// The nearest-rank percentile of the wall times (`0.5`: the median).
    func percentile(_ fraction: Double) -> Double { Self.percentile(fraction, of: seconds) }

    static func percentile(_ fraction: Double, of values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let index = min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))
        return sorted[index]
    }

    var median: Double { percentile(0.5) }

    static let header = columns("benchmark", "runs", "median", "p95", "max", "CPU", "peak RSS", "notes")

    var row: String {
        let ms = { (value: Double) in value.isNaN ? "-" : String(format: "%.1f ms", value * 1000) }
        let rss = peakKilobytes > 0 ? String(format: "%.1f MB", Double(peakKilobytes) / 1024) : "-"
        return Self.columns(
            label, String(seconds.count), ms(median), ms(percentile(0.95)), ms(seconds.max() ?? .nan),
            ms(Self.percentile(0.5, of: cpuSeconds)), rss, note)
    }

    private static func columns(
        _ label: String, _ runs: String, _ median: String, _ p95: String, _ max: String,
        _ cpu: String, _ rss: String, _ note: String
    ) -> String {
        func left(_ text: String, _ width: Int) -> String {
            text.padding(toLength: Swift.max(width, text.count), withPad: " ", startingAt: 0)
        }
        func right(_ text: String, _ width: Int) -> String { String(repeating: " ", count: Swift.max(0, width - text.count)) + text }
        return left(label, 44) + right(runs, 5) + right(median, 11) + right(p95, 11) + right(max, 11) + right(cpu, 10) + right(rss, 10)
            + "  " + note
    }
}
