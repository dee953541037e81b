import Foundation
import Testing

@testable import ConnectorKit

@Suite("Job-log folders: a replay reuses what an earlier run fetched")
struct JobLogFoldersTests {
    let folders: JobLogFolders

    init() {
        folders = JobLogFolders(root: (NSTemporaryDirectory() as NSString).appendingPathComponent("joblogs-\(UUID().uuidString)"))
    }

    @Test("with a manifest the saved logs come back, cut to the limit; discard removes the folder")
    func manifestRoundTrip() throws {
        defer { try? FileManager.default.removeItem(atPath: folders.root) }
        let item = OutboxItem(event: sampleEvent(), now: Date())
        let folder = try folders.prepare(for: item)
        let path = (folder as NSString).appendingPathComponent("log-1-1")
        try Data("0123456789".utf8).write(to: URL(fileURLWithPath: path))
        #expect(folders.savedLogs(for: item, maxBytes: 100) == nil, "no manifest yet: the fetch may not have finished")

        folders.saveManifest([JobLogFile(name: "GL.log", content: try JobLogCut.cut(file: path, maxBytes: 4))], for: item)
        let saved = try #require(folders.savedLogs(for: item, maxBytes: 100))
        #expect(saved == [JobLogFile(name: "GL.log", data: Data("0123456789".utf8))])
        let cut = try #require(folders.savedLogs(for: item, maxBytes: 4))
        #expect(cut.first?.data.suffix(4) == Data("6789".utf8))

        folders.discard(item)
        #expect(!FileManager.default.fileExists(atPath: folder))
        #expect(folders.savedLogs(for: item, maxBytes: 100) == nil)
    }

    @Test("logs kept in memory leave no manifest, and a manifest naming a file that is gone is ignored")
    func nothingToReuse() throws {
        defer { try? FileManager.default.removeItem(atPath: folders.root) }
        let item = OutboxItem(event: sampleEvent(), now: Date())
        let folder = try folders.prepare(for: item)
        folders.saveManifest([JobLogFile(name: "mem.log", data: Data("in memory".utf8))], for: item)
        #expect(folders.savedLogs(for: item, maxBytes: 100) == nil)

        let path = (folder as NSString).appendingPathComponent("log-1-1")
        try Data("x".utf8).write(to: URL(fileURLWithPath: path))
        folders.saveManifest([JobLogFile(name: "gone.log", content: try JobLogCut.cut(file: path, maxBytes: 100))], for: item)
        try FileManager.default.removeItem(atPath: path)
        #expect(folders.savedLogs(for: item, maxBytes: 100) == nil)
    }
}
