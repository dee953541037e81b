import ConnectorKit
import Foundation

/// Registers the Symphony Summit backend with the connector.
public enum SummitPlugin {
    /// The plugin value the executable registers (`"connector": "summit"`).
    public static let plugin = BackendPlugin(
        id: "summit",
        displayName: "Symphony Summit",
        recognizes: recognizes,
        knownTemplateKeys: knownTemplateKeys,
        validate: SummitTemplateValidator.validate,
        make: { template, environment in try SummitBackend(template: template, environment: environment) })

    /// Top-level keys of the SMA Summit template format beyond the ones ConnectorKit reads.
    static let knownTemplateKeys: Set<String> = [
        "ticketDescription", "ticketInformation", "viewAddress", "customAttributes",
        // Read by `connector sync` for every backend (SPEC §6.3).
        "resolvedAction",
    ]

    /// An SMA Summit template has a `ticketDescription`, or a `urls` value on the `Summit_RESTWCF` service.
    static func recognizes(_ raw: JSONValue) -> Bool {
        if raw["ticketDescription"] != nil { return true }
        return (raw["urls"]?.arrayValue ?? []).contains { entry in
            entry["value"]?.stringValue?.range(of: "Summit_RESTWCF", options: .caseInsensitive) != nil
        }
    }

    /// Whether a template file selects this plugin, by its `"connector"` key or, without one, by its shape.
    static func selects(_ raw: JSONValue) -> Bool {
        if let named = raw["connector"]?.stringValue { return named.caseInsensitiveCompare(plugin.id) == .orderedSame }
        return recognizes(raw)
    }

    /// True when no other template in `template`'s folder selects Summit. A job whose ticket has no URL can then only
    /// belong to this template; with two Summit instances such a ticket is ambiguous and nobody claims it.
    /// A folder that cannot be listed counts as holding this template alone.
    static func isSoleSummitTemplate(_ template: Template) -> Bool {
        guard !template.path.isEmpty else { return true }
        let file = URL(fileURLWithPath: template.path).standardizedFileURL
        let folder = file.deletingLastPathComponent()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return true }
        for name in names where name.lowercased().hasSuffix(".json") {
            let other = folder.appendingPathComponent(name).standardizedFileURL
            guard other.path != file.path, let data = FileManager.default.contents(atPath: other.path),
                let raw = try? JSONValue.parse(data)
            else { continue }
            if selects(raw) { return false }
        }
        return true
    }
}
