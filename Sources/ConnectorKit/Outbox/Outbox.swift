import Foundation

/// The `outbox/` folder: one JSON file per failure event that is in flight or could not be delivered (SPEC §7.1).
///
/// A run writes its item before it calls any service and removes it when it is done, so the item doubles as a
/// journal: when a run is killed part-way, the next run finds the item and finishes the work from its progress.
public struct Outbox: Sendable {
    public let directory: String
    /// Items older than this move to `outbox/dead/`.
    public static let maximumAge: TimeInterval = 7 * 24 * 3600

    public init(directory: String) { self.directory = directory }

    public var deadDirectory: String { (directory as NSString).appendingPathComponent("dead") }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    func path(for item: OutboxItem, in folder: String? = nil) -> String {
        let safeJob = item.event.dailyJobID.map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
        let stamp = Int(item.createdAt.timeIntervalSince1970)
        return ((folder ?? directory) as NSString).appendingPathComponent("\(stamp)-\(safeJob.prefix(60))-\(item.id).json")
    }

    /// Writes the item atomically (temporary file, flush, rename).
    public func save(_ item: OutboxItem) throws(ConnectorError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try AtomicFile.write(try Self.encoder.encode(item), to: path(for: item))
        } catch {
            throw .unavailable("The outbox folder \(directory) cannot be written (\(Self.reason(error))).")
        }
    }

    public func remove(_ item: OutboxItem) {
        try? FileManager.default.removeItem(atPath: path(for: item))
    }

    /// Re-reads an item from disk (another process may have finished it meanwhile); nil when it is gone.
    public func reload(_ item: OutboxItem) -> OutboxItem? {
        guard let data = FileManager.default.contents(atPath: path(for: item)) else { return nil }
        return try? Self.decoder.decode(OutboxItem.self, from: data)
    }

    /// Waiting items, oldest first, and the files that could not be read.
    public func pending() -> (items: [OutboxItem], unreadable: [String]) {
        read(folder: directory)
    }

    /// Items that kept failing for more than seven days.
    public func dead() -> [OutboxItem] { read(folder: deadDirectory).items }

    public func moveToDead(_ item: OutboxItem) throws(ConnectorError) {
        do {
            try FileManager.default.createDirectory(atPath: deadDirectory, withIntermediateDirectories: true)
            try FileManager.default.moveItem(atPath: path(for: item), toPath: path(for: item, in: deadDirectory))
        } catch {
            throw .unavailable("Cannot move outbox item \(item.id) to \(deadDirectory) (\(Self.reason(error))).")
        }
    }

    private func read(folder: String) -> (items: [OutboxItem], unreadable: [String]) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return ([], []) }
        var items: [OutboxItem] = []
        var unreadable: [String] = []
        for name in names.sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") {
            let file = (folder as NSString).appendingPathComponent(name)
            if let data = FileManager.default.contents(atPath: file), let item = try? Self.decoder.decode(OutboxItem.self, from: data) {
                items.append(item)
            } else {
                unreadable.append(file)
            }
        }
        return (items.sorted { $0.createdAt < $1.createdAt }, unreadable)
    }

    static func reason(_ error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}
