import Foundation

/// Reads a JSON document from a file without holding its big strings in memory: the string values of one key are
/// decoded straight into files of their own, and the rest of the document, small, is parsed as usual.
///
/// OpCon hands a job log back as one JSON string (`jobInstanceActionItems[].data`) that can run to hundreds of
/// megabytes; this keeps a run's memory flat whatever the log's size (SPEC §7.4).
/// Reads a JSON document as it arrives without holding its big strings in memory: the string values of one key are
/// decoded straight into files of their own, and the rest of the document, small, is parsed as usual at the end.
///
/// OpCon hands a job log back as one JSON string (`jobInstanceActionItems[].data`) that can run to hundreds of
/// megabytes; as the answer's sink (`HTTPRequest.responseSink`) this keeps a run's memory flat whatever the log's
/// size (SPEC §7.4), and the log is decoded while it downloads.
public final class JSONStringSpill: ResponseBodySink, @unchecked Sendable {
    /// The document, in which every spilled value has been replaced by the path of the file holding its decoded
    /// bytes, and those paths in document order.
    public struct Outcome: Sendable {
        public var document: JSONValue
        public var files: [String]
    }

    /// Why a document could not be read.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case unwritable(String)
        case malformed(String)

        public var description: String {
            switch self {
            case .unwritable(let reason): return reason
            case .malformed(let reason): return "the answer is not valid JSON: \(reason)"
            }
        }
    }

    private let key: [UInt8]
    private let directory: String
    private let namePrefix: String
    private var scanner: Scanner
    /// The first problem met; the rest of the body is then ignored and `outcome()` reports it.
    private var failure: Failure?

    /// Each string value of an object member named `key` goes to a new file in `directory` (`<namePrefix>-<n>`).
    /// Keys are compared as written: a key spelled with escapes is not recognised.
    public init(key: String, directory: String, namePrefix: String) {
        self.key = Array(key.utf8)
        self.directory = directory
        self.namePrefix = namePrefix
        scanner = Scanner(key: self.key, directory: directory, namePrefix: namePrefix)
    }

    public func begin() {
        scanner.abandon()
        scanner = Scanner(key: key, directory: directory, namePrefix: namePrefix)
        failure = nil
    }

    public func receive(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil else { return }
        do {
            try scanner.consume(bytes.bindMemory(to: UInt8.self))
        } catch let error as Failure {
            failure = error
        } catch {
            failure = .unwritable(error.localizedDescription)
        }
    }

    /// The document once the whole body arrived; the spilled files are removed when it cannot be used.
    public func outcome() throws(Failure) -> Outcome {
        do {
            if let failure { throw failure }
            try scanner.finish()
            return Outcome(document: try JSONValue.parse(Data(scanner.skeleton)), files: scanner.files)
        } catch let error as Failure {
            scanner.abandon()
            throw error
        } catch {
            scanner.abandon()
            throw .malformed(String(describing: error))
        }
    }

    /// A byte-at-a-time state machine: structure and ordinary strings are copied to `skeleton`, spilled strings
    /// are unescaped into their file.
    private struct Scanner {
        let key: [UInt8]
        let directory: String
        let namePrefix: String
        var skeleton: [UInt8] = []
        var files: [String] = []

        private enum Mode { case structure, key, value, spill }
        private var mode = Mode.structure
        /// `{` or `[` for each open container.
        private var containers: [UInt8] = []
        private var expectingKey = false
        private var currentKey: [UInt8] = []
        private var lastKey: [UInt8] = []
        /// In a copied string: the previous byte was a backslash.
        private var escaped = false
        private var spill: SpillWriter?

        init(key: [UInt8], directory: String, namePrefix: String) {
            self.key = key
            self.directory = directory
            self.namePrefix = namePrefix
        }

        mutating func consume(_ bytes: UnsafeBufferPointer<UInt8>) throws {
            var index = 0
            while index < bytes.count {
                switch mode {
                case .spill:
                    index = try spill!.consume(bytes, from: index)
                    if spill!.isComplete {
                        try spill!.close()
                        spill = nil
                        mode = .structure
                    }
                case .key, .value:
                    let byte = bytes[index]
                    skeleton.append(byte)
                    if mode == .key { currentKey.append(byte) }
                    if escaped {
                        escaped = false
                    } else if byte == UInt8(ascii: "\\") {
                        escaped = true
                    } else if byte == UInt8(ascii: "\"") {
                        if mode == .key {
                            lastKey = currentKey.dropLast()
                            currentKey = []
                            expectingKey = false
                        }
                        mode = .structure
                    }
                    index += 1
                case .structure:
                    try structure(bytes[index])
                    index += 1
                }
            }
        }

        private mutating func structure(_ byte: UInt8) throws {
            switch byte {
            case UInt8(ascii: "\""):
                let inObject = containers.last == UInt8(ascii: "{")
                if inObject, expectingKey {
                    mode = .key
                    skeleton.append(byte)
                } else if inObject, lastKey == key {
                    let path = (directory as NSString).appendingPathComponent("\(namePrefix)-\(files.count + 1)")
                    spill = try SpillWriter(path: path)
                    files.append(path)
                    skeleton.append(contentsOf: JSONValue.string(path).data())
                    mode = .spill
                } else {
                    mode = .value
                    skeleton.append(byte)
                }
                return
            case UInt8(ascii: "{"):
                containers.append(byte)
                expectingKey = true
            case UInt8(ascii: "["):
                containers.append(byte)
                expectingKey = false
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = containers.popLast()
                expectingKey = false
                lastKey = []
            case UInt8(ascii: ","):
                expectingKey = containers.last == UInt8(ascii: "{")
                if !expectingKey { lastKey = [] }
            default:
                break
            }
            skeleton.append(byte)
        }

        mutating func finish() throws {
            guard mode == .structure, containers.isEmpty else { throw Failure.malformed("the document ends inside a string or container") }
        }

        /// Removes the files written so far (the caller gets no paths to clean up after a failure).
        mutating func abandon() {
            try? spill?.close()
            for file in files { try? FileManager.default.removeItem(atPath: file) }
            files = []
        }
    }

    /// Decodes one JSON string's escapes into a file, buffered. Bytes that are not escapes are copied as they are,
    /// so whatever the server sent (CR LF, bytes that are not UTF-8) arrives unchanged.
    private final class SpillWriter {
        private let handle: FileHandle
        private var buffer: [UInt8] = []
        private(set) var isComplete = false

        private enum Escape {
            case none, backslash
            case unicode(digits: Int, value: UInt32)
        }
        private var escape = Escape.none
        /// A high surrogate waiting for its low half.
        private var pendingHigh: UInt32?

        init(path: String) throws {
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                throw Failure.unwritable("\(path) cannot be created")
            }
            self.handle = handle
            buffer.reserveCapacity(Self.flushSize)
        }

        private static let flushSize = 256 * 1024

        /// Consumes bytes from `start` until the string's closing quote (or the chunk's end); returns the next index.
        func consume(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) throws -> Int {
            var index = start
            while index < bytes.count {
                let byte = bytes[index]
                switch escape {
                case .none:
                    if byte == UInt8(ascii: "\"") {
                        flushPendingHigh()
                        isComplete = true
                        try flush()
                        return index + 1
                    } else if byte == UInt8(ascii: "\\") {
                        escape = .backslash
                    } else {
                        flushPendingHigh()
                        // Copy the run of plain bytes up to the next quote or backslash in one go.
                        var end = index + 1
                        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
                        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<end]))
                        index = end
                        if buffer.count >= Self.flushSize { try flush() }
                        continue
                    }
                case .backslash:
                    escape = .none
                    switch byte {
                    case UInt8(ascii: "u"): escape = .unicode(digits: 0, value: 0)
                    case UInt8(ascii: "n"): emit(0x0A)
                    case UInt8(ascii: "r"): emit(0x0D)
                    case UInt8(ascii: "t"): emit(0x09)
                    case UInt8(ascii: "b"): emit(0x08)
                    case UInt8(ascii: "f"): emit(0x0C)
                    default: emit(UInt32(byte))  // \" \\ \/ and, leniently, anything else as itself
                    }
                case .unicode(let digits, let value):
                    guard let digit = Self.hexValue(byte) else { throw Failure.malformed("a \\u escape has a non-hex digit") }
                    let next = value << 4 | digit
                    if digits == 3 {
                        escape = .none
                        unit(next)
                    } else {
                        escape = .unicode(digits: digits + 1, value: next)
                    }
                }
                index += 1
            }
            return index
        }

        /// One UTF-16 code unit from a `\u` escape.
        private func unit(_ value: UInt32) {
            if (0xD800...0xDBFF).contains(value) {
                flushPendingHigh()
                pendingHigh = value
            } else if (0xDC00...0xDFFF).contains(value) {
                if let high = pendingHigh {
                    pendingHigh = nil
                    emit(0x10000 + ((high - 0xD800) << 10) + (value - 0xDC00))
                } else {
                    emit(0xFFFD)
                }
            } else {
                flushPendingHigh()
                emit(value)
            }
        }

        private func flushPendingHigh() {
            if pendingHigh != nil {
                pendingHigh = nil
                emit(0xFFFD)
            }
        }

        /// Appends a scalar as UTF-8.
        private func emit(_ scalar: UInt32) {
            if pendingHigh != nil, !(0xDC00...0xDFFF).contains(scalar) { flushPendingHigh() }
            switch scalar {
            case 0..<0x80:
                buffer.append(UInt8(scalar))
            case 0x80..<0x800:
                buffer.append(UInt8(0xC0 | scalar >> 6))
                buffer.append(UInt8(0x80 | scalar & 0x3F))
            case 0x800..<0x10000:
                buffer.append(UInt8(0xE0 | scalar >> 12))
                buffer.append(UInt8(0x80 | scalar >> 6 & 0x3F))
                buffer.append(UInt8(0x80 | scalar & 0x3F))
            default:
                buffer.append(UInt8(0xF0 | scalar >> 18))
                buffer.append(UInt8(0x80 | scalar >> 12 & 0x3F))
                buffer.append(UInt8(0x80 | scalar >> 6 & 0x3F))
                buffer.append(UInt8(0x80 | scalar & 0x3F))
            }
        }

        private func flush() throws {
            guard !buffer.isEmpty else { return }
            try handle.write(contentsOf: buffer)
            buffer.removeAll(keepingCapacity: true)
        }

        func close() throws {
            try flush()
            try handle.close()
        }

        private static func hexValue(_ byte: UInt8) -> UInt32? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }
    }
}
