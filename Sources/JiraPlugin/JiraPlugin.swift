import ConnectorKit

/// Registers the Jira backend with the executable. Jira has no SMA template format, so a template names it:
/// `"connector": "jira"`.
public enum JiraPlugin {
    public static let plugin = BackendPlugin(
        id: "jira", displayName: "Jira", templateKeys: ["viewAddress"], requiredCredentials: ["token"],
        configure: { template, _ in setup(template) })

    static func setup(_ template: Template) -> BackendSetup {
        let (read, issues) = JiraTemplateSettings.read(template)
        guard let settings = read else { return BackendSetup(failing: issues) }
        // The SMA ServiceNow placeholders: {0} schedule ... {5} the job's unique id.
        return BackendSetup(issues: issues, fields: FieldConventions(placeholders: .indexed)) { environment throws(ConnectorError) in
            try JiraBackend(settings: settings, environment: environment)
        }
    }
}
