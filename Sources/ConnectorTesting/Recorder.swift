import Foundation

/// A value that concurrent code under test writes and the test reads afterwards: what a fake was sent, the waits a
/// retry asked for, how many times a closure ran. Every access holds a lock, so a transport or a middleware may
/// record from any task.
public final class Recorder<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    /// Reads the value under the lock.
    public func read<Result>(_ body: (Value) throws -> Result) rethrows -> Result { try lock.withLock { try body(value) } }

    /// Changes the value under the lock; what `body` returns is handed back, so a read-and-change is one step.
    @discardableResult
    public func update<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result { try lock.withLock { try body(&value) } }

    /// A copy of the value as it is now.
    public var current: Value { read { $0 } }
}

extension Recorder where Value: RangeReplaceableCollection {
    /// An empty list, for recording events one at a time.
    public convenience init() { self.init(Value()) }

    /// Appends one event.
    public func record(_ element: Value.Element) { update { $0.append(element) } }
}

extension Recorder where Value == Int {
    /// The count before this call, counting this one: 0 for the first call, 1 for the second, and so on.
    public func next() -> Int {
        update { count in
            defer { count += 1 }
            return count
        }
    }
}
