import Foundation
import Testing

@testable import ConnectorKit

@Suite("Field precedence, tag routing and EXIT (SPEC §5 steps 4-6)")
struct FieldResolverTests {
    let calendar = fixedCalendar()

    func template(rules: [String: Bool] = ["includetagrouting": true], tags: [TagRule] = []) -> Template {
        Template(
            name: "t.json", path: "/t.json", raw: [:], backendID: "fake", rules: rules,
            attributes: [
                TicketField(name: "Impact_Name", value: "Low"), TicketField(name: "Urgency_Name", value: "High"),
                TicketField(name: "short_description", value: "{0}/{1} on {2}: {3} at {4} id {5}"),
            ],
            workingHours: [2: WorkingWindow(start: 480, stop: 1140)],
            workingHoursAttributes: [TicketField(name: "Urgency_Name", value: "Working")],
            nonWorkingHoursAttributes: [TicketField(name: "Urgency_Name", value: "NonWorking")],
            tags: tags)
    }

    @Test("defaults < attributes < working-hours attributes, placeholders expanded")
    func precedence() {
        let backend = FieldConventions(defaults: [
            TicketField(name: "Priority_Name", value: "P3"), TicketField(name: "impact_name", value: "Medium"),
        ])
        let inside = FieldResolver.resolve(
            template: template(), conventions: backend, event: sampleEvent(), job: sampleJob(),
            calendar: calendar)
        #expect(inside.first { $0.name == "Priority_Name" }?.value == "P3")
        #expect(inside.first { $0.name.lowercased() == "impact_name" }?.value == "Low")
        #expect(inside.first { $0.name == "Urgency_Name" }?.value == "Working")
        #expect(
            inside.first { $0.name == "short_description" }?.value
                == "FINANCE/GL LOAD on FINAPP01: Exit Code 2 at 23-11-2026 08:30 id 0000090412")
        let outside = FieldResolver.resolve(
            template: template(), conventions: backend, event: sampleEvent(failedAt: moment("2026-11-23T20:00")),
            job: sampleJob(), calendar: calendar)
        #expect(outside.first { $0.name == "Urgency_Name" }?.value == "NonWorking")
    }

    @Test("TAG_START and TAG_END match ignoring case; the first entry in template order wins; DEFAULT fills the rest")
    func tagRouting() {
        let rules = [
            TagRule(indicator: "TAG_END", indicatorValue: "ROUTE1", attribute: "group", value: "DevOps"),
            TagRule(indicator: "TAG_START", indicatorValue: "app-", attribute: "group", value: "AppTeam"),
            TagRule(indicator: "DEFAULT", indicatorValue: "DEFAULT", attribute: "group", value: "Fallback"),
            TagRule(indicator: "DEFAULT", indicatorValue: "DEFAULT", attribute: "category", value: "Batch"),
        ]
        let both = FieldResolver.tagRouting(jobTags: ["APP-GL", "xroute1"], rules: rules)
        #expect(both == [TicketField(name: "group", value: "DevOps"), TicketField(name: "category", value: "Batch")])
        let start = FieldResolver.tagRouting(jobTags: ["App-GL"], rules: rules)
        #expect(start.first { $0.name == "group" }?.value == "AppTeam")
        let none = FieldResolver.tagRouting(jobTags: ["OTHER"], rules: rules)
        #expect(none.first { $0.name == "group" }?.value == "Fallback")
    }

    @Test("tag routing beats attributes, and applies only with includeTagRouting")
    func routingGate() {
        let rules = [TagRule(indicator: "TAG_START", indicatorValue: "URG", attribute: "Urgency_Name", value: "Tagged")]
        let on = FieldResolver.resolve(
            template: template(tags: rules), conventions: FieldConventions(), event: sampleEvent(),
            job: sampleJob(tags: ["URGENT"]), calendar: calendar)
        #expect(on.first { $0.name == "Urgency_Name" }?.value == "Tagged")
        let off = FieldResolver.resolve(
            template: template(rules: [:], tags: rules), conventions: FieldConventions(), event: sampleEvent(),
            job: sampleJob(tags: ["URGENT"]), calendar: calendar)
        #expect(off.first { $0.name == "Urgency_Name" }?.value == "Working")
    }

    @Test("backend routing runs last")
    func backendRoutingLast() {
        let backend = FieldConventions(tagRouting: { tags, fields in
            if tags.contains("WRKGRP_Payroll") { FieldResolver.overlay([TicketField(name: "group", value: "Payroll")], onto: &fields) }
        })
        let rules = [TagRule(indicator: "DEFAULT", indicatorValue: "DEFAULT", attribute: "group", value: "Fallback")]
        let fields = FieldResolver.resolve(
            template: template(tags: rules), conventions: backend, event: sampleEvent(),
            job: sampleJob(tags: ["WRKGRP_Payroll"]), calendar: calendar)
        #expect(fields.first { $0.name == "group" }?.value == "Payroll")
    }

    @Test("EXIT matches a whole tag ignoring case, not a prefix")
    func exitTag() {
        let rules = [TagRule(indicator: "EXIT", indicatorValue: "NOTICKET", attribute: "", value: "")]
        #expect(FieldResolver.exitRule(jobTags: ["noticket"], rules: rules) != nil)
        #expect(FieldResolver.exitRule(jobTags: ["NOTICKET-LATER"], rules: rules) == nil)
        #expect(FieldResolver.exitRule(jobTags: [], rules: rules) == nil)
    }

    @Test("a plugin's own placeholder syntax expands every field")
    func pluginPlaceholders() {
        let shouting = FieldConventions(
            placeholders: PlaceholderSyntax { text, values in
                text.replacingOccurrences(of: "%JOB%", with: values.event.job.uppercased())
            })
        let template = Template(
            name: "t.json", path: "/t.json", raw: [:], backendID: "fake",
            attributes: [TicketField(name: "summary", value: "%JOB% failed {1}")])
        let fields = FieldResolver.resolve(
            template: template, conventions: shouting, event: sampleEvent(), job: sampleJob(), calendar: calendar)
        #expect(fields == [TicketField(name: "summary", value: "GL LOAD failed {1}")])
    }
}
