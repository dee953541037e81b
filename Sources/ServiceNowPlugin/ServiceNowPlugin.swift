import ConnectorKit

/// Registers the ServiceNow backend with the executable.
public enum ServiceNowPlugin {
    /// The plugin value: id `servicenow`.
    public static let plugin = BackendPlugin(
        id: "servicenow", displayName: "ServiceNow", recognizes: recognizes,
        templateKeys: ["appIdLocation", "jobDescriptionXmlTag", "parseNotations", "documentationRouting"],
        requiredCredentials: ["user", "password"], configure: configure)

    /// A legacy SMA template is a ServiceNow one when it has `parseNotations` or a url into `api/now/`.
    public static func recognizes(_ template: JSONValue) -> Bool {
        if template.member(caseInsensitive: "parseNotations") != nil { return true }
        let urls = template.member(caseInsensitive: "urls")?.arrayValue ?? []
        return urls.contains { $0["value"]?.stringValue?.lowercased().contains("api/now/") == true }
    }

    /// Reads the template once; the backend resolves the credentials when it is made for a run. The SMA ServiceNow
    /// connector attaches the job log unless the template says otherwise.
    static func configure(_ template: Template, _ config: ConnectorConfig) -> BackendSetup {
        let (settings, issues) = ServiceNowTemplateSettings.read(template)
        guard let settings else { return BackendSetup(failing: issues) }
        return BackendSetup(issues: issues, fields: FieldConventions(placeholders: .indexed, attachesJobLogByDefault: true)) {
            (environment) throws(ConnectorError) -> any TicketBackend in
            ServiceNowBackend(
                settings: settings, user: try environment.requiredCredential("user"),
                password: try environment.requiredCredential("password"),
                environment: environment)
        }
    }
}
