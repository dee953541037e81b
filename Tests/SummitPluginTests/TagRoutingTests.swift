import ConnectorKit
import ConnectorTesting
import Foundation
import Testing

@testable import SummitPlugin

@Suite("WRKGRP_, CATNAME_ and ASSIGNTO_ job tags")
struct TagRoutingTests {
    let allOn = SummitTagRouting(workGroup: true, category: true, assignTo: true, assignToDomain: "@example.com")

    func routed(_ routing: SummitTagRouting, tags: [String], start: [TicketField] = []) -> [TicketField] {
        var fields = start
        routing.apply(jobTags: tags, to: &fields)
        return fields
    }

    @Test func workGroupTagWinsOverEarlierRouting() {
        let start = [TicketField(name: "Priority_Name", value: "P3"), TicketField(name: "Assigned_WorkGroup_Name", value: "DevOps")]
        let fields = routed(allOn, tags: ["wrkgrp_Batch Ops"], start: start)
        #expect(
            fields == [TicketField(name: "Priority_Name", value: "P3"), TicketField(name: "Assigned_WorkGroup_Name", value: "Batch Ops")])
    }

    @Test func categoryTagSetsCategoryName() {
        let fields = routed(allOn, tags: ["FINANCE", "CatName_ElasticSearch"])
        #expect(fields == [TicketField(name: "Category_Name", value: "ElasticSearch")])
    }

    @Test func assignToTagAddsTheDomainToBothFields() {
        let fields = routed(allOn, tags: ["ASSIGNTO_jane.Doe"])
        #expect(
            fields == [
                TicketField(name: "Assigned_Engineer_Email", value: "jane.Doe@example.com"),
                TicketField(name: "Assign_To", value: "jane.Doe@example.com"),
            ])
    }

    @Test func assignToTagWithAWholeAddressKeepsIt() {
        let fields = routed(allOn, tags: ["ASSIGNTO_ops@corp.example"])
        #expect(fields.first?.value == "ops@corp.example")
    }

    @Test func rulesOffLeaveFieldsAlone() {
        let off = SummitTagRouting(workGroup: false, category: false, assignTo: false, assignToDomain: "@example.com")
        let start = [TicketField(name: "Assigned_WorkGroup_Name", value: "DevOps")]
        #expect(routed(off, tags: ["WRKGRP_Batch", "CATNAME_X", "ASSIGNTO_jane"], start: start) == start)
    }

    @Test func firstMatchingTagWinsAndBarePrefixIsIgnored() {
        let fields = routed(allOn, tags: ["WRKGRP_", "WRKGRP_First", "WRKGRP_Second"])
        #expect(fields == [TicketField(name: "Assigned_WorkGroup_Name", value: "First")])
    }

    @Test func backendAppliesTemplateRules() throws {
        let raw = sampleRaw(rules: ["includeWorkGroupNameTag": true, "includeCategoryNameTag": false, "includeAssignToTag": true])
        let routing = try #require(makeSetup(raw).fields.tagRouting)
        var fields: [TicketField] = []
        routing(["CATNAME_Batch", "WRKGRP_Ops", "assignto_sam"], &fields)
        #expect(
            fields == [
                TicketField(name: "Assigned_WorkGroup_Name", value: "Ops"),
                TicketField(name: "Assigned_Engineer_Email", value: "sam@example.com"),
                TicketField(name: "Assign_To", value: "sam@example.com"),
            ])
    }
}
