import Foundation

/// The text a backend sent without the job-log excerpt it ends with (SPEC §5 step 7): the block, or the one line saying
/// there is none. For the suites that check what the template and the engine put before it; the excerpt itself is
/// checked by `JobLogExcerptTests`. The block holds no empty line, so the last blank line is where it starts.
func withoutLogExcerpt(_ text: String?) -> String? {
    guard let text else { return nil }
    for marker in ["\n\n--- job log excerpt (", "\n\n--- no job log excerpt: "] {
        if let range = text.range(of: marker, options: .backwards) { return String(text[..<range.lowerBound]) }
    }
    return text
}
