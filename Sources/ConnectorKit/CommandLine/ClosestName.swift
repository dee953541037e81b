/// The "did you mean" of usage errors: the known name an unknown command or option was most likely meant to be.
public enum ClosestName {
    /// The candidate closest to `typed`: one that starts with it (`--int` → `--interval`; unless `prefixes` is false),
    /// else one within a typo or two (a letter missing, extra, wrong, or two letters swapped; two only for longer
    /// names). Nil when none is close enough to be a confident guess.
    public static func to(_ typed: String, among candidates: [String], prefixes: Bool = true) -> String? {
        let word = typed.lowercased()
        guard !word.isEmpty else { return nil }
        let letters = word.drop { $0 == "-" }
        if prefixes && letters.count >= 2 {
            let extended = candidates.filter { $0.lowercased().hasPrefix(word) && $0.count > typed.count }
            if extended.count == 1 { return extended[0] }
        }
        let allowed = letters.count >= 6 ? 2 : 1
        let scored = candidates.map { (name: $0, distance: editDistance(word, $0.lowercased())) }
            .filter { $0.distance <= allowed }
        // A case-only difference scores 0 but was still unknown (options are case-sensitive): it is the best guess.
        return scored.min { $0.distance < $1.distance }?.name
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours cost 1 each.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var best = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    best = min(best, table[i - 2][j - 2] + 1)
                }
                table[i][j] = best
            }
        }
        return table[a.count][b.count]
    }

    /// ` Did you mean X?` for a message, or "" when there is no good guess.
    public static func hint(for typed: String, among candidates: [String]) -> String {
        to(typed, among: candidates).map { " Did you mean \($0)?" } ?? ""
    }
}
