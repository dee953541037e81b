import Foundation

/// Keeps a job log within `MAX_JOBLOG_BYTES` (SPEC §5 step 10): the end of a log says why the job failed, so
/// the last bytes are kept and a first line says how much was cut.
public enum JobLogCut {
    /// `data` unchanged when it fits; otherwise a notice line followed by (at most) its last `maxBytes` bytes,
    /// starting on a UTF-8 character boundary so the result stays valid UTF-8.
    public static func cut(_ data: Data, maxBytes: Int) -> Data {
        guard data.count > max(0, maxBytes) else { return data }
        var start = data.endIndex - max(0, maxBytes)
        // Skip continuation bytes (0b10xxxxxx) so the kept part begins with a whole character.
        while start < data.endIndex, data[start] & 0xC0 == 0x80 { start += 1 }
        let removed = start - data.startIndex
        let notice = "[connector: the first \(removed) bytes of this log were cut to respect MAX_JOBLOG_BYTES]\n"
        return Data(notice.utf8) + data[start...]
    }

    /// The file name OpCon's `jorsRequestParameters` names: the part after the last `\` or `/`.
    public static func fileName(fromRequestParameters parameters: String) -> String {
        let last = parameters.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\\" || $0 == "/" }).last.map(String.init) ?? ""
        let trimmed = last.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? "joblog.txt" : trimmed
    }
}
