import ConnectorKit
import Foundation

/// Registers the Symphony Summit backend with the connector.
public enum SummitPlugin {
    /// The plugin value the executable registers (`"connector": "summit"`).
    public static let plugin = BackendPlugin(
        id: "summit", displayName: "Symphony Summit", recognizes: recognizes,
        templateKeys: ["ticketDescription", "ticketInformation", "viewAddress", "customAttributes"],
        requiredCredentials: ["apiKey"], attachmentURLName: "attachment", configure: configure)

    /// An SMA Summit template has a `ticketDescription`, or a `urls` value on the `Summit_RESTWCF` service.
    static func recognizes(_ raw: JSONValue) -> Bool {
        if raw["ticketDescription"] != nil { return true }
        return (raw["urls"]?.arrayValue ?? []).contains { entry in
            entry["value"]?.stringValue?.range(of: "Summit_RESTWCF", options: .caseInsensitive) != nil
        }
    }

    /// Reads the template once. Fields start from the built-in defaults under Connector.config's `[DEFAULTS]`, take
    /// `@EV_` placeholders and Summit's own tag routing; the newest SMA Summit connector attaches no log unless told.
    static func configure(_ template: Template, _ config: ConnectorConfig) -> BackendSetup {
        let (settings, issues) = SummitSettings.read(template, config: config)
        guard let settings else { return BackendSetup(failing: issues) }
        let routing = settings.routing
        let fields = FieldConventions(
            placeholders: .summitEnvironment, defaults: SummitDefaultFields.resolved(configured: config.defaults),
            tagRouting: { tags, fields in routing.apply(jobTags: tags, to: &fields) }, attachesJobLogByDefault: false)
        return BackendSetup(issues: issues, fields: fields) { (environment) throws(ConnectorError) -> any TicketBackend in
            SummitBackend(settings: settings, apiKey: try environment.requiredCredential("apiKey"), environment: environment)
        }
    }
}

extension PlaceholderSyntax {
    /// Summit's `@EV_Agent`, `@EV_Date`, `@EV_errorcode`, `@EV_Job`, `@EV_Schedule`, matched without regard to case.
    static let summitEnvironment = PlaceholderSyntax { text, values in
        let event = values.event
        let tokens = [
            ("@EV_Schedule", event.schedule), ("@EV_Errorcode", event.termination), ("@EV_Agent", event.agent),
            ("@EV_Date", event.scheduleDate), ("@EV_Job", event.job),
        ]
        return tokens.reduce(text) { $0.replacingOccurrences(of: $1.0, with: $1.1, options: .caseInsensitive) }
    }
}
