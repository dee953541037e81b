import Foundation

/// A path prefix such as `/api/dailyjobs/*/incidentTickets`: segments compare without regard to
/// case, `*` stands for any run of characters inside one segment, and longer paths match too.
public struct PathPattern: Sendable, Equatable, ExpressibleByStringLiteral {
    public let text: String
    private let segments: [String]

    public init(_ text: String) {
        self.text = text
        segments = text.split(separator: "/", omittingEmptySubsequences: true).map { $0.lowercased() }
    }

    public init(stringLiteral value: String) { self.init(value) }

    /// Whether the request's path starts with this pattern.
    public func matches(_ request: SimRequest) -> Bool {
        let path = request.pathSegments.map { $0.lowercased() }
        guard path.count >= segments.count else { return false }
        return zip(segments, path).allSatisfy { Self.glob($0.0[...], $0.1[...]) }
    }

    private static func glob(_ pattern: Substring, _ text: Substring) -> Bool {
        guard let first = pattern.first else { return text.isEmpty }
        if first == "*" {
            let rest = pattern.dropFirst()
            var candidate = text
            while true {
                if glob(rest, candidate) { return true }
                guard !candidate.isEmpty else { return false }
                candidate = candidate.dropFirst()
            }
        }
        guard let head = text.first, head == first else { return false }
        return glob(pattern.dropFirst(), text.dropFirst())
    }
}

extension SimRequest {
    /// Whether the request has `method` (nil: any, case ignored) and a path starting with `path` (nil: any).
    func matches(method: String?, path: PathPattern?) -> Bool {
        if let method, method.uppercased() != self.method { return false }
        if let path, !path.matches(self) { return false }
        return true
    }
}
