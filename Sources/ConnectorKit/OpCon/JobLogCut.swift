import Foundation

/// Keeps a job log within `MAX_JOBLOG_BYTES` (SPEC §5 step 10): the end of a log says why the job failed, so
/// the last bytes are kept and a first line says how much was cut.
public enum JobLogCut {
    /// A file's bytes within `maxBytes`, as a body read from the file: the whole file when it fits, otherwise the
    /// notice line followed by the file's tail from the first whole character. Nothing is copied.
    public static func cut(file path: String, maxBytes: Int) throws -> StreamedBody {
        let whole = try FileSlice.whole(path)
        let limit = Int64(max(0, maxBytes))
        guard whole.length > limit else { return StreamedBody([.file(whole)]) }
        var start = whole.length - limit
        if let handle = FileHandle(forReadingAtPath: path) {
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(start))
            let head = try handle.read(upToCount: 4) ?? Data()
            // Skip continuation bytes (0b10xxxxxx) so the kept part begins with a whole character.
            start += Int64(head.prefix { $0 & 0xC0 == 0x80 }.count)
        }
        return StreamedBody([
            .bytes(notice(removed: start)),
            .file(FileSlice(path: path, offset: start, length: whole.length - start)),
        ])
    }

    static func notice(removed: Int64) -> Data {
        Data("[connector: the first \(removed) bytes of this log were cut to respect MAX_JOBLOG_BYTES]\n".utf8)
    }

    /// `data` unchanged when it fits; otherwise a notice line followed by (at most) its last `maxBytes` bytes,
    /// starting on a UTF-8 character boundary so the result stays valid UTF-8.
    public static func cut(_ data: Data, maxBytes: Int) -> Data {
        guard data.count > max(0, maxBytes) else { return data }
        var start = data.endIndex - max(0, maxBytes)
        // Skip continuation bytes (0b10xxxxxx) so the kept part begins with a whole character.
        while start < data.endIndex, data[start] & 0xC0 == 0x80 { start += 1 }
        return notice(removed: Int64(start - data.startIndex)) + data[start...]
    }

    /// The file name OpCon's `jorsRequestParameters` names: the part after the last `\` or `/`.
    public static func fileName(fromRequestParameters parameters: String) -> String {
        let last =
            parameters.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\\" || $0 == "/" }).last.map(String.init) ?? ""
        let trimmed = last.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? "joblog.txt" : trimmed
    }
}
