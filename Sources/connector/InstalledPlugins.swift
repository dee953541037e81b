import ConnectorKit
import JiraPlugin
import ServiceNowPlugin
import SummitPlugin

/// The backends this build serves. A new ITSM is one more plugin target and one more line here.
enum InstalledPlugins {
    static var registry: BackendRegistry {
        BackendRegistry([ServiceNowPlugin.plugin, SummitPlugin.plugin, JiraPlugin.plugin])
    }
}
