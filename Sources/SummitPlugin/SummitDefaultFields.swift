import ConnectorKit
import Foundation

/// The lowest layer of a Summit incident's fields (SPEC §5 step 5): built-in values with Connector.config's
/// `[DEFAULTS]` on top.
///
/// The SMA Summit documentation gives its `[DEFAULTS]` sample values as the connector's built-in defaults
/// (sma-connectors.md §4.2). The newest config format documents no `[DEFAULTS]` section, so without these values an
/// install on that format would open incidents without the priority, workgroup and category the SMA connector sent.
enum SummitDefaultFields {
    /// The built-in values, in the order of the documented `[DEFAULTS]` section.
    static let builtIn: [TicketField] = [
        TicketField(name: "Priority_Name", value: "P3"),
        TicketField(name: "Impact_Name", value: "Medium"),
        TicketField(name: "Urgency_Name", value: "Medium"),
        TicketField(name: "Sup_Function", value: "IT"),
        TicketField(name: "Medium", value: "Web"),
        TicketField(name: "Classification_Name", value: "Application Support"),
        TicketField(name: "Source", value: "Event Trigger"),
        TicketField(name: "Category_Name", value: "ElasticSearch"),
        TicketField(name: "Assigned_WorkGroup_Name", value: "DevOps"),
    ]

    /// `[DEFAULTS]` keys and the Summit `Ticket` fields they fill; other keys are ignored.
    static let configKeys: [String: String] = [
        "PRIORITY_NAME_VALUE": "Priority_Name", "IMPACT_NAME_VALUE": "Impact_Name", "URGENCY_NAME_VALUE": "Urgency_Name",
        "SUP_FUNCTION_VALUE": "Sup_Function", "MEDIUM_VALUE": "Medium", "CLASSIFICATION_NAME_VALUE": "Classification_Name",
        "SOURCE_VALUE": "Source", "CATEGORY_NAME_VALUE": "Category_Name", "ASSIGNED_WORK_GROUP_NAME_VALUE": "Assigned_WorkGroup_Name",
    ]

    /// The built-in values with `configured` (Connector.config's `[DEFAULTS]` entries as written) laid over them: a
    /// configured value replaces the built-in one of the same field. An empty configured value keeps the built-in
    /// one, as an empty value does for every other Connector.config key (the SMA samples ship `KEY=` lines).
    static func resolved(configured: [TicketField]) -> [TicketField] {
        var fields = builtIn
        let given = configured.compactMap { entry in configKeys[entry.name.uppercased()].map { TicketField(name: $0, value: entry.value) } }
            .filter { !$0.value.trimmingCharacters(in: .whitespaces).isEmpty }
        FieldResolver.overlay(given, onto: &fields)
        return fields
    }
}
