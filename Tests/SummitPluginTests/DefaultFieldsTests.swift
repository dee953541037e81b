import ConnectorKit
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

    func backend(configDefaults: [TicketField]) throws -> any ITSMBackend {
        var config = ConnectorConfig()
        config.ticketDefaults = configDefaults
        let environment = BackendEnvironment(
            http: HTTPClient(transport: StubTransport([])), secrets: SecretResolver(masker: SecretMasker(), environment: ["SUMMIT_API_KEY": "k"]),
            logger: .silent, config: config)
        return try SummitPlugin.plugin.make(makeTemplate(sampleRaw()), environment)
    }

    @Test("the nine documented fields and values, in the documented order")
    func builtInList() {
        #expect(SummitDefaultFields.builtIn == Self.documented)
    }

    @Test("a config without [DEFAULTS] gets all nine built-in fields")
    func noConfigDefaults() throws {
        #expect(try backend(configDefaults: []).defaultFields == Self.documented)
    }

    @Test("a [DEFAULTS] value replaces the built-in one in place; an empty or blank one keeps it")
    func overlay() throws {
        let fields = try backend(configDefaults: [
            TicketField(name: "Category_Name", value: "Batch"),
            TicketField(name: "Priority_Name", value: ""),
            TicketField(name: "Assigned_WorkGroup_Name", value: "  "),
            TicketField(name: "Impact_Name", value: "High"),
        ]).defaultFields
        var expected = Self.documented
        expected[1].value = "High"
        expected[7].value = "Batch"
        #expect(fields == expected)
    }

    @Test("built-in and [DEFAULTS] values stay below attributes, working hours and tag routing")
    func precedence() throws {
        let backend = try backend(configDefaults: [TicketField(name: "Priority_Name", value: "P4")])
        var template = makeTemplate(sampleRaw())
        template.attributes = [TicketField(name: "Impact_Name", value: "Low")]
        // The draft fails on Saturday 07:00 UTC (weekday 7): inside a 06:00-08:00 window.
        template.workingHours = [7: WorkingWindow(start: 360, stop: 480)]
        template.workingHoursAttributes = [TicketField(name: "Medium", value: "Email")]
        template.tags = [TagRule(indicator: "DEFAULT", indicatorValue: "DEFAULT", attribute: "Urgency_Name", value: "High")]
        let draft = makeDraft()
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let fields = FieldResolver.resolve(template: template, backend: backend, event: draft.event, job: draft.job, calendar: utc)
        func value(_ name: String) -> String? { fields.first { $0.name == name }?.value }
        #expect(value("Priority_Name") == "P4", "[DEFAULTS] over built-in")
        #expect(value("Impact_Name") == "Low", "attributes over built-in")
        #expect(value("Medium") == "Email", "working-hours attributes over built-in")
        #expect(value("Urgency_Name") == "High", "tag routing over built-in")
        #expect(value("Assigned_WorkGroup_Name") == "Batch", "the WRKGRP_ prefix tag over built-in")
        #expect(value("Category_Name") == "ElasticSearch", "built-in only")
    }
}
