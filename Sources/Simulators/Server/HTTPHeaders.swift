import Foundation

/// Header fields in the order they were sent; lookups ignore the case of the name.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    /// One `Name: value` line.
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    public private(set) var fields: [Field] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { Field(name: $0.0, value: $0.1) }
    }

    /// The first value sent under `name`, whatever its case.
    public subscript(name: String) -> String? {
        let lowered = name.lowercased()
        return fields.first { $0.name.lowercased() == lowered }?.value
    }

    /// Replaces every field called `name` with one field (or removes them when `value` is nil).
    public mutating func set(_ name: String, _ value: String?) {
        let lowered = name.lowercased()
        fields.removeAll { $0.name.lowercased() == lowered }
        if let value { fields.append(Field(name: name, value: value)) }
    }

    /// Adds a field, keeping any earlier field of the same name.
    public mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// Whether a comma-separated header (Connection, Transfer-Encoding) lists `token`.
    func lists(_ name: String, token: String) -> Bool {
        guard let value = self[name] else { return false }
        return value.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == token }
    }
}
