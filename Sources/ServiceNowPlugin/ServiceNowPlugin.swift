import ConnectorKit

/// Registers the ServiceNow backend with the executable.
public enum ServiceNowPlugin {
    /// The plugin value: id `servicenow`.
    public static let plugin = BackendPlugin(
        id: "servicenow",
        displayName: "ServiceNow",
        recognizes: recognizes,
        knownTemplateKeys: knownTemplateKeys,
        validate: { template, _ in ServiceNowTemplateSettings.read(template).1 },
        make: makeBackend)

    /// Top-level keys of the SMA ServiceNow template, plus this project's `resolvedAction` and `connector`.
    public static let knownTemplateKeys: Set<String> = [
        "address", "rules", "credentials", "appIdLocation", "jobDescriptionXmlTag", "urls", "tags", "workingHours",
        "attributes", "workingHoursAttributes", "nonWorkingHoursAttributes", "parseNotations", "documentationRouting",
        "variables", "resolvedAction", "connector",
    ]

    /// A legacy SMA template is a ServiceNow one when it has `parseNotations` or a url into `api/now/`.
    public static func recognizes(_ template: JSONValue) -> Bool {
        if template.member(caseInsensitive: "parseNotations") != nil { return true }
        let urls = template.member(caseInsensitive: "urls")?.arrayValue ?? []
        return urls.contains { $0["value"]?.stringValue?.lowercased().contains("api/now/") == true }
    }

    /// Reads the template, resolves the credentials through the run's secret resolver and builds the backend.
    static func makeBackend(_ template: Template, _ environment: BackendEnvironment) throws -> any ITSMBackend {
        let settings = try ServiceNowTemplateSettings(template: template)
        let user = try environment.secrets.resolve(settings.userSetting, field: "\(template.path) credentials.user")
        let password = try environment.secrets.resolve(settings.passwordSetting, field: "\(template.path) credentials.password")
        for warning in [user.warning, password.warning].compactMap({ $0 }) {
            environment.logger.warning(warning)
        }
        var backend = ServiceNowBackend(settings: settings, user: user.value, password: password.value, http: environment.http,
                                        logger: environment.logger, masker: environment.secrets.masker, deadline: environment.deadline)
        backend.templatePath = template.path
        return backend
    }
}
