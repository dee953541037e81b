import ConnectorKit
import ConnectorTesting
import Foundation
import Testing

@testable import SummitPlugin

/// sma-connectors.md §4.2: the `[DEFAULTS]` sample values are also the built-in defaults of the Summit `Ticket` fields.
@Suite("Built-in Summit field defaults under [DEFAULTS]")
struct DefaultFieldsTests {
    static let documented: [TicketField] = [
        TicketField(name: "Priority_Name", value: "P3"), TicketField(name: "Impact_Name", value: "Medium"),
        TicketField(name: "Urgency_Name", value: "Medium"), TicketField(name: "Sup_Function", value: "IT"),
        TicketField(name: "Medium", value: "Web"), TicketField(name: "Classification_Name", value: "Application Support"),
        TicketField(name: "Source", value: "Event Trigger"), TicketField(name: "Category_Name", value: "ElasticSearch"),
        TicketField(name: "Assigned_WorkGroup_Name", value: "DevOps"),
    ]

    /// The field conventions the plugin reads from a template under a config whose `[DEFAULTS]` section is
    /// `configDefaults`, keys as Connector.config writes them.
    func conventions(configDefaults: [TicketField]) -> FieldConventions {
        makeSetup(config: makeConfig(defaults: configDefaults)).fields
    }

    @Test("the nine documented fields and values, in the documented order")
    func builtInList() {
        #expect(SummitDefaultFields.builtIn == Self.documented)
    }

    @Test("every documented [DEFAULTS] key fills its field")
    func everyKey() {
        let keys = [
            "PRIORITY_NAME_VALUE", "IMPACT_NAME_VALUE", "URGENCY_NAME_VALUE", "SUP_FUNCTION_VALUE", "MEDIUM_VALUE",
            "CLASSIFICATION_NAME_VALUE", "SOURCE_VALUE", "CATEGORY_NAME_VALUE", "ASSIGNED_WORK_GROUP_NAME_VALUE",
        ]
        let fields = SummitDefaultFields.resolved(configured: keys.map { TicketField(name: $0, value: "set-\($0)") })
        #expect(fields.map(\.name) == Self.documented.map(\.name))
        #expect(fields.map(\.value) == keys.map { "set-\($0)" })
    }

    @Test("a config without [DEFAULTS] gets all nine built-in fields")
    func noConfigDefaults() throws {
        #expect(conventions(configDefaults: []).defaults == Self.documented)
    }

    @Test("a [DEFAULTS] value replaces the built-in one in place; an empty or blank one keeps it; other keys are ignored")
    func overlay() throws {
        let fields = conventions(configDefaults: [
            TicketField(name: "CATEGORY_NAME_VALUE", value: "Batch"),
            TicketField(name: "PRIORITY_NAME_VALUE", value: ""),
            TicketField(name: "ASSIGNED_WORK_GROUP_NAME_VALUE", value: "  "),
            TicketField(name: "impact_name_value", value: "High"),
            TicketField(name: "Category_Name", value: "not a [DEFAULTS] key"),
            TicketField(name: "CALLER_VALUE", value: "x"),
        ]).defaults
        var expected = Self.documented
        expected[1].value = "High"
        expected[7].value = "Batch"
        #expect(fields == expected)
    }

    @Test("built-in and [DEFAULTS] values stay below attributes, working hours and tag routing")
    func precedence() throws {
        let conventions = conventions(configDefaults: [TicketField(name: "PRIORITY_NAME_VALUE", value: "P4")])
        var template = makeTemplate(sampleRaw())
        template.attributes = [TicketField(name: "Impact_Name", value: "Low")]
        // The draft fails on Saturday 07:00 UTC (weekday 7): inside a 06:00-08:00 window.
        template.workingHours = [7: WorkingWindow(start: 360, stop: 480)]
        template.workingHoursAttributes = [TicketField(name: "Medium", value: "Email")]
        template.tags = [TagRule(indicator: "DEFAULT", indicatorValue: "DEFAULT", attribute: "Urgency_Name", value: "High")]
        let draft = makeDraft()
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let fields = FieldResolver.resolve(template: template, conventions: conventions, event: draft.event, job: draft.job, calendar: utc)
        func value(_ name: String) -> String? { fields.first { $0.name == name }?.value }
        #expect(value("Priority_Name") == "P4", "[DEFAULTS] over built-in")
        #expect(value("Impact_Name") == "Low", "attributes over built-in")
        #expect(value("Medium") == "Email", "working-hours attributes over built-in")
        #expect(value("Urgency_Name") == "High", "tag routing over built-in")
        #expect(value("Assigned_WorkGroup_Name") == "Batch", "the WRKGRP_ prefix tag over built-in")
        #expect(value("Category_Name") == "ElasticSearch", "built-in only")
    }
}
