import ConnectorKit
import Foundation
import Testing

/// The SMA template formats (sma-connectors.md §6.1 and §6.2) load unchanged and select their backend by shape.
@Suite("SMA templates load unchanged")
struct SMATemplateCompatibilityTests {
    /// The ServiceNow template of the SMA documentation, every section present, without the doc's annotations.
    static let serviceNow = #"""
        {
          "address": { "name": "production", "value": "dev70313.service-now.com" },
          "rules": {
            "includeJobLogAttachment": true, "includeTagRouting": false, "includeCorrelationId": true,
            "applicationIdRetrievalFromCmdb": false, "allowTicketReopen": true, "extractAppIdFromScheduleName": false,
            "extractAppIdFromTagName": false, "extractXmlContentFromJobDescription": false,
            "routingByDocumentationContent": false, "alwaysCreateNewTicket": false
          },
          "credentials": { "user": "595752746157343d", "password": "55335268636c6468636e4e534f574e7263773d3d" },
          "appIdLocation": { "startLocation": 2, "numberOfChars": 3, "tagIdPrefix": "TAG002" },
          "jobDescriptionXmlTag": { "xmlTag": "" },
          "urls": [
            { "name": "incident", "value": "api/now/table/incident" },
            { "name": "getincident", "value": "api/now/table/incident" },
            { "name": "attachment", "value": "api/now/attachment/file" },
            { "name": "cmdb", "value": "api/now/cmdb" }
          ],
          "tags": [ { "indicator": "TAG_END", "indicatorValue": "ROUTE1", "attribute": "category", "value": "Software" } ],
          "workingHours": {
            "monday": { "start": "0800", "stop": "1900" }, "tuesday": { "start": "0800", "stop": "1900" },
            "wednesday": { "start": "0800", "stop": "1900" }, "thursday": { "start": "0800", "stop": "1900" },
            "friday": { "start": "0800", "stop": "1900" }, "saturday": { "start": "0000", "stop": "0000" },
            "sunday": { "start": "0000", "stop": "0000" }
          },
          "attributes": [
            { "name": "short_description", "value": "OpCon Task Failure (schedule {0} job {1} server {2} error code {3})" },
            { "name": "description", "value": "Technical data of the Opcon batch (schedule ({0}) job ({1}) server ({2}) error code ({3}) date ({4}) JOBID={5})" },
            { "name": "correlation_id", "value": "" },
            { "name": "correlation_display", "value": "SMA_OPCON" },
            { "name": "state", "value": "" }
          ],
          "workingHoursAttributes": [ { "name": "urgency", "value": "1" }, { "name": "impact", "value": "2" } ],
          "nonWorkingHoursAttributes": [ { "name": "urgency", "value": "2" }, { "name": "impact", "value": "3" } ],
          "parseNotations": [
            { "name": "getincidentnumber", "attribute": "number", "notation": "result.[0].number" },
            { "name": "getincidentsysid", "attribute": "sys_id", "notation": "result.[0].sys_id" },
            { "name": "getincidentstate", "attribute": "state", "notation": "result.[0].state" },
            { "name": "incidentnumber", "attribute": "number", "notation": "result.number" },
            { "name": "incidentsysid", "attribute": "sys_id", "notation": "result.sys_id" },
            { "name": "cmdbsysid", "attribute": "sys_id", "notation": "result.sys_id" }
          ],
          "documentationRouting": { "routingAttribute": "", "workingHoursWithDoc": "", "workingHoursWithoutDoc": "",
                                    "nonWorkingHoursWithDoc": "", "nonWorkingHoursWithoutDoc": "" },
          "variables": { "incidentReopenState": 1, "cmdbQueryFieldAttributeName": "u_trigramme" }
        }
        """#

    /// The Symphony Summit template of the SMA documentation.
    static let summit = #"""
        {
          "ticketDescription": "OpCon Task Failure ( date @EV_Date schedule @EV_Schedule job @EV_Job server @EV_Agent error code @EV_errorcode )",
          "ticketInformation": "Test ticket created from API. Please ignore!!",
          "address": { "name": "production", "value": "summit.example.com" },
          "viewAddress": { "name": "view-address", "value": "summit.example.com" },
          "rules": {
            "includeJobLogAttachment": true, "includeTagRouting": true, "includeCategoryNameTag": true,
            "includeWorkGroupNameTag": false, "submitSingleIncidentPerDay": true, "includeAssignToTag": true
          },
          "credentials": { "apiKey": "633231686447566a61413d3d" },
          "urls": [
            { "name": "incident", "value": "api_integration/REST/Summit_RESTWCF.svc/RESTService/CommonWS_JsonObjCall_JSON" },
            { "name": "attachment", "value": "api_integration/REST/Summit_RESTWCF.svc/RESTService/Summit_UploadAttachmentBase64Encoded" },
            { "name": "viewIncident", "value": "https://{0}/MDLIncidentMgmt/IM_TicketDetail.aspx?ID={1}" }
          ],
          "workingHours": {
            "monday": { "start": "0800", "stop": "1900" }, "saturday": { "start": "0800", "stop": "1100" },
            "sunday": { "start": "0000", "stop": "0000" }
          },
          "attributes": [ { "name": "Impact_Name", "value": "Low" }, { "name": "Urgency_Name", "value": "High" } ],
          "workingHoursAttributes": [],
          "nonWorkingHoursAttributes": [],
          "customAttributes": [ { "groupName": "Other Details", "name": "Job Name", "value": "@EV_Job" },
                                { "groupName": "Other Details", "name": "Abend", "value": "Yes" } ],
          "tags": [
            { "indicator": "TAG_END", "indicatorValue": "ROUTE1", "attribute": "Assigned_WorkGroup_Name", "value": "DevOps" },
            { "indicator": "TAG_START", "indicatorValue": "ROUTE2", "attribute": "Assigned_WorkGroup_Name", "value": "Operating SystemOrg2" },
            { "indicator": "EXIT", "indicatorValue": "NOTICKET", "attribute": "", "value": "" },
            { "indicator": "CATNAME", "indicatorValue": "CATNAME", "attribute": "Category_Name", "value": "testcatvalue" },
            { "indicator": "ASSIGNTO", "indicatorValue": "ASSIGNTO", "attribute": "Assigned_Engineer_Email", "value": "@example.com" },
            { "indicator": "DEFAULT", "indicatorValue": "DEFAULT", "attribute": "Assigned_WorkGroup_Name", "value": "DevOps" }
          ]
        }
        """#

    @Test("both SMA samples validate and are recognised by shape (connector templates)")
    func samplesLoad() async throws {
        let install = try InstallUnderTest(seedDemoJobs: false)
        try install.write("templates/basic.json", Self.serviceNow)
        try install.write("templates/summit-basic.json", Self.summit)
        let listed = try await install.run(["templates"])
        #expect(listed.exitCode == 0, "\(listed)")
        #expect(listed.stdout.contains("basic.json  servicenow  valid"), "\(listed.stdout)")
        #expect(listed.stdout.contains("summit-basic.json  summit  valid"), "\(listed.stdout)")
    }

    @Test("explain reads the SMA ServiceNow sample as the SMA connector would (encoded credentials, {n} texts)")
    func sampleExplains() async throws {
        let install = try InstallUnderTest(seedDemoJobs: false)
        // The sample as written, pointed at the simulator and carrying its credentials in the SMA encoded form.
        let settings = install.serviceNow.settings
        let sample = try JSONValue.parse(Self.serviceNow)
            .setting("address", to: ["name": "simulator", "value": .string(install.serviceNow.baseURL)])
            .setting(
                "credentials",
                to: [
                    "user": .string(SMAEncoding.encode(settings.user)),
                    "password": .string(SMAEncoding.encode(settings.password)),
                ])
        try install.write("templates/basic.json", sample.serialized())
        let job = install.addFailedJob(job: "SAMPLE")
        let run = try await install.run(["explain"] + install.failureWords(job, template: "basic.json"))
        #expect(run.exitCode == 0, "\(run)")
        #expect(
            run.stdout.contains(
                "\"short_description\": \"OpCon Task Failure (schedule FINANCE job SAMPLE server WINAGENT01 error code Exit Code 1)\""))
        #expect(!run.stdout.contains("\"state\""))  // the empty placeholder attribute is not sent
    }
}
