import ConnectorKit

/// The `ConnectorError` that `body` threw, for checking its kind and message; nil when `body` returned, or threw an
/// error of another type (which a test then sees as a failed expectation on the nil).
public func connectorError(_ body: () async throws -> Void) async -> ConnectorError? {
    do {
        try await body()
        return nil
    } catch {
        return error as? ConnectorError
    }
}
