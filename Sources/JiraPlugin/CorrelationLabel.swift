import ConnectorKit

/// The label that ties a Jira issue to the OpCon job it was opened for (SPEC §6.4). JQL matches labels exactly and a
/// label may hold no spaces, while the correlation string (`server:port,daily job id`) holds commas, pipes and often
/// spaces; its digest has none of them and is as stable: `opcon-` and the first 16 hex digits of its SHA-256.
enum CorrelationLabel {
    static func label(for correlationID: String) -> String {
        "opcon-" + SHA256.hexDigest(of: correlationID).prefix(16)
    }
}
