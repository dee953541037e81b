import Foundation

/// The job-log folder of the install directory (`LOG_FILES_DIRECTORY` / `JOBLOGDIR`): one subfolder per failure
/// event in flight, named after its outbox item, holding the logs streamed from OpCon until they are attached.
///
/// A run that ends with its event delivered (or failed for good) removes the subfolder. One that leaves the event in
/// the outbox keeps it, with a manifest once every file was fetched, so the replay attaches the same logs without
/// asking the agent again; the subfolder goes when the item is delivered or moves to `outbox/dead/`.
public struct JobLogFolders: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    public func folder(for item: OutboxItem) -> String { (root as NSString).appendingPathComponent(item.id) }

    /// Creates the item's folder (and the root); nil, with the reason logged by the caller, when it cannot.
    public func prepare(for item: OutboxItem) throws -> String {
        let folder = folder(for: item)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Records which fetched files make up the item's logs (written last, so a partial fetch leaves none).
    public func saveManifest(_ files: [JobLogFile], for item: OutboxItem) {
        let entries: [JSONValue] = files.compactMap { file in
            guard let path = file.content.sourceFile else { return nil }
            return ["name": .string(file.name), "file": .string(path)]
        }
        guard entries.count == files.count else { return }  // some stayed in memory: nothing to reuse
        let manifest = (folder(for: item) as NSString).appendingPathComponent(Self.manifestName)
        try? AtomicFile.write(JSONValue.array(entries).data(), to: manifest)
    }

    /// The logs an earlier run of this item fetched, cut to `maxBytes`; nil when there are none (or a file is gone).
    public func savedLogs(for item: OutboxItem, maxBytes: Int) -> [JobLogFile]? {
        let manifest = (folder(for: item) as NSString).appendingPathComponent(Self.manifestName)
        guard let data = FileManager.default.contents(atPath: manifest), let entries = (try? JSONValue.parse(data))?.arrayValue else {
            return nil
        }
        var files: [JobLogFile] = []
        for entry in entries {
            guard let name = entry["name"]?.stringValue, let path = entry["file"]?.stringValue,
                let content = try? JobLogCut.cut(file: path, maxBytes: maxBytes)
            else { return nil }
            files.append(JobLogFile(name: name, content: content))
        }
        return files
    }

    /// Removes the item's folder and everything in it.
    public func discard(_ item: OutboxItem) {
        try? FileManager.default.removeItem(atPath: folder(for: item))
    }

    static let manifestName = "files.json"
}

extension StreamedBody {
    /// The file a job log's bytes come from (the last file part: a cut log starts with a notice in memory).
    var sourceFile: String? {
        for part in parts.reversed() { if case .file(let slice) = part { return slice.path } }
        return nil
    }
}
