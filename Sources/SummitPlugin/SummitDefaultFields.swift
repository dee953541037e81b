import ConnectorKit
import Foundation

/// The lowest layer of a Summit incident's fields (SPEC §5 step 5): built-in values with Connector.config's
/// `[DEFAULTS]` on top.
///
/// The SMA Summit documentation gives its `[DEFAULTS]` sample values as the connector's built-in defaults
/// (sma-connectors.md §4.2). The newest config format documents no `[DEFAULTS]` section, so without these values an
/// install on that format would open incidents without the priority, workgroup and category the SMA connector sent.
enum SummitDefaultFields {
    /// The documented `[DEFAULTS]` keys, the Summit `Ticket` fields they fill and their built-in values, in the order of
    /// the documented section.
    static let table: [(key: String, field: String, value: String)] = [
        ("PRIORITY_NAME_VALUE", "Priority_Name", "P3"), ("IMPACT_NAME_VALUE", "Impact_Name", "Medium"),
        ("URGENCY_NAME_VALUE", "Urgency_Name", "Medium"), ("SUP_FUNCTION_VALUE", "Sup_Function", "IT"),
        ("MEDIUM_VALUE", "Medium", "Web"), ("CLASSIFICATION_NAME_VALUE", "Classification_Name", "Application Support"),
        ("SOURCE_VALUE", "Source", "Event Trigger"), ("CATEGORY_NAME_VALUE", "Category_Name", "ElasticSearch"),
        ("ASSIGNED_WORK_GROUP_NAME_VALUE", "Assigned_WorkGroup_Name", "DevOps"),
    ]
    static let builtIn = table.map { TicketField(name: $0.field, value: $0.value) }

    /// The built-in values with `configured` (Connector.config's `[DEFAULTS]` entries as written) laid over them: a
    /// configured value replaces the built-in one of the same field; other keys are ignored. An empty configured value
    /// keeps the built-in one, as an empty value does for every other Connector.config key (the SMA samples ship `KEY=`).
    static func resolved(configured: [TicketField]) -> [TicketField] {
        var fields = builtIn
        let given = configured.filter { !$0.value.trimmingCharacters(in: .whitespaces).isEmpty }.compactMap { entry in
            table.first { $0.key == entry.name.uppercased() }.map { TicketField(name: $0.field, value: entry.value) }
        }
        FieldResolver.overlay(given, onto: &fields)
        return fields
    }
}
