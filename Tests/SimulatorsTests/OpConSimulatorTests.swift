import ConnectorKit
import Foundation
import Simulators
import Testing

/// A started OpCon simulator with one failed job that has a '/' in its name and two log files.
private final class OpConFixture {
    let sim = OpConSimulator()
    let jobID: String
    let base: String

    init() throws {
        jobID = sim.addJob(
            date: "2024-06-15", scheduleID: 16, schedule: "FINANCE", job: "GL/LOAD 01", agent: "FINAPP01", tags: ["APP-GL", "ROUTE1"],
            documentation: "Call the GL on-call.", termination: "Exit Code 2",
            logFiles: ["GL_LOAD.log": "Starting...\r\nERROR: ledger locked\r\n", "GL_LOAD.err": "stderr text"],
            extraFields: ["computedDuration": ["duration": .number("278000000000000000001"), "isEstimated": false]])
        try sim.start()
        base = sim.baseURL
    }

    deinit { sim.stop() }

    func get(_ path: String) throws -> SimHTTPResponse { try call("GET", base + path, headers: opconAuth()) }

    func send(_ method: String, _ path: String, _ json: JSONValue) throws -> SimHTTPResponse {
        try call(method, base + path, json: json, headers: opconAuth())
    }

    var uid: Int { sim.job(jobID)!["uid"]!.intValue! }
    var jobNumber: Int { sim.job(jobID)!["jobNumber"]!.intValue! }

    /// Polls an asynchronous action until it is no longer `submitted`; returns the final answer and the polls it took.
    func poll(_ path: String) throws -> (JSONValue, Int) {
        for attempt in 1...10 {
            let answer = try #require(try get(path).json)
            if answer["result"] != "submitted" { return (answer, attempt) }
        }
        Issue.record("\(path) never left 'submitted'")
        return (nil, 10)
    }
}

@Suite("OpCon simulator")
struct OpConSimulatorTests {
    @Test("the version is open to all; everything else needs the token")
    func versionIsOpenAndEverythingElseNeedsTheToken() throws {
        let fixture = try OpConFixture()
        let version = try call("GET", fixture.base + "/api/version")
        #expect(version.status == 200)
        #expect(version.json?["opConRestApiProductVersion"] == "21.2.0.0")

        for headers in [HTTPHeaders(), opconAuth("wrong-token"), ["Authorization": "Bearer \(OpConSimulator.defaultToken)"]] {
            let refused = try call("GET", fixture.base + "/api/dailyjobs", headers: headers)
            #expect(refused.status == 401)
            #expect(refused.json?[0]?["message"] == "Invalid token specified")
            #expect(refused.json?[0]?["code"]?.intValue != nil)
        }
        let token = try fixture.get("/api/tokens")
        #expect(token.json?["id"]?.stringValue == OpConSimulator.defaultToken)
        #expect(token.json?["tokenType"]?["type"] == "Application")
    }

    @Test(
        "a daily job is read by its id, singly or doubly encoded, in either case of escape",
        arguments: [
            "20240615%7C16%7C1%7CGL%2FLOAD%2001",  // single encoding
            "20240615%7C16%7C1%7CGL%252FLOAD%2001",  // the Java client's double-encoded slash
            "20240615%7c16%7c1%7cGL%252fLOAD%2001",  // lower-case escapes
        ])
    func readsAJobByItsEncodedID(encodedID: String) throws {
        let fixture = try OpConFixture()
        let response = try fixture.get("/api/dailyjobs/" + encodedID)
        #expect(response.status == 200)
        let job = try #require(response.json)
        #expect(job["id"]?.stringValue == "20240615|16|1|GL/LOAD 01")
        #expect(job["name"] == "GL/LOAD 01")
        #expect(job["schedule"]?["id"] == "20240615|16|1")
        #expect(job["startMachine"]?["name"] == "FINAPP01")
        #expect(job["status"]?["category"] == "Failed")
        #expect(job["terminationDescription"] == "Exit Code 2")
        #expect(job["documentation"]?["job"] == "Call the GL on-call.")
        #expect(job["tags"] == ["APP-GL", "ROUTE1"])
        #expect(job["uniqueJobId"]?.stringValue?.count == 10)
        #expect(job["incidentTicketId"] == .null)
    }

    @Test("an unknown job is 404 with an API error")
    func anUnknownJobIsA404WithAnApiError() throws {
        let fixture = try OpConFixture()
        let response = try fixture.get("/api/dailyjobs/20240615%7C16%7C1%7CNOPE")
        #expect(response.status == 404)
        #expect(response.json?[0]?["message"]?.stringValue?.contains("20240615|16|1|NOPE") == true)
        #expect(try fixture.get("/api/nothing-here").status == 404)
    }

    @Test("daily jobs are listed with filters that ignore case")
    func listsJobsWithCaseInsensitiveFilters() throws {
        let fixture = try OpConFixture()
        fixture.sim.addJob(date: "2024-06-15", scheduleID: 16, schedule: "FINANCE", job: "GL_ARCHIVE", status: .finishedOk)
        fixture.sim.addJob(date: "2024-06-16", scheduleID: 16, schedule: "FINANCE", job: "GL/LOAD 01")
        func names(_ query: String) throws -> [String] {
            let response = try fixture.get("/api/dailyjobs?" + query)
            #expect(response.status == 200, "\(query)")
            return (response.json?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
        }
        #expect(try names("DATES=2024-06-15") == ["20240615|16|1|GL/LOAD 01", "20240615|16|1|GL_ARCHIVE"])
        #expect(try names("dates=06/16/2024") == ["20240616|16|1|GL/LOAD 01"])
        #expect(try names("Name=gl*&dates=2024-06-15&ScheduleIds=\(encoded("20240615|16|1"))").count == 2)
        #expect(try names("JobName=GL_ARCHIV?") == ["20240615|16|1|GL_ARCHIVE"])
        #expect(try names("status=failed&dates=2024-06-15") == ["20240615|16|1|GL/LOAD 01"])
        #expect(try names("categories=Finished%20OK") == ["20240615|16|1|GL_ARCHIVE"])
        #expect(try names("jobStatus=Finished%20OK,Failed").count == 3)
        #expect(try names("ids=\(encoded("20240616|16|1|GL/LOAD 01"))") == ["20240616|16|1|GL/LOAD 01"])
        #expect(try names("tags=route1&dates=2024-06-15") == ["20240615|16|1|GL/LOAD 01"])
        #expect(try names("limit=1&offset=1") == ["20240615|16|1|GL_ARCHIVE"])
        #expect(try names("scheduleIds=\(encoded("20240615|99|1"))").isEmpty)

        let bad = try fixture.get("/api/dailyjobs?dates=tomorrow")
        #expect(bad.status == 400)
        #expect(bad.json?[0]?["message"]?.stringValue?.contains("dates") == true)
    }

    @Test("a list carries documentation only when asked for")
    func listsCarryDocumentationOnlyWhenAskedFor() throws {
        let fixture = try OpConFixture()
        let plain = try #require(try fixture.get("/api/dailyjobs?dates=2024-06-15").json?[0])
        #expect(plain["documentation"] == .null)
        let documented = try #require(try fixture.get("/api/dailyjobs?dates=2024-06-15&INCLUDEDOCUMENTATION=true").json?[0])
        #expect(documented["documentation"]?["job"] == "Call the GL on-call.")
    }

    @Test("a PUT stores the whole job and keeps fields the simulator does not know")
    func putStoresTheWholeJobAndKeepsUnknownFields() throws {
        let fixture = try OpConFixture()
        let path = "/api/dailyjobs/" + encoded(fixture.jobID)
        var job = try #require(try fixture.get(path).json)
        let documentation = try #require(job["documentation"])
        job = job.setting(
            "documentation", to: documentation.setting("job", to: "Previous Ticket Number (INC0010001)\nCall the GL on-call."))
        job = job.setting("status", to: ["id": 900, "description": "Finished OK", "category": "Finished Ok"])
        let response = try fixture.send("PUT", path, job)
        #expect(response.status == 200)
        #expect(fixture.sim.documentation(of: fixture.jobID) == "Previous Ticket Number (INC0010001)\nCall the GL on-call.")
        // The literal of a number no Double can hold survives the round trip.
        #expect(fixture.sim.job(fixture.jobID)?["computedDuration"]?["duration"] == .number("278000000000000000001"))
        // Status is the server's business, not the PUT body's.
        #expect(fixture.sim.status(of: fixture.jobID) == .failed)

        let other = job.setting("id", to: "20240615|16|1|OTHER")
        #expect(try fixture.send("PUT", path, other).status == 400)
        #expect(try fixture.send("PUT", path, ["name": "no id"]).status == 400)
        #expect(try fixture.send("PUT", "/api/dailyjobs/" + encoded("20240615|16|1|NOPE"), other).status == 404)
    }

    @Test("a job's incident ticket is one ticket, mirrored on the job")
    func incidentTicketsHoldOneTicketMirroredOnTheJob() throws {
        let fixture = try OpConFixture()
        let path = "/api/dailyjobs/\(fixture.uid)/incidentTickets"
        #expect(try fixture.get(path).json == [])

        let created = try fixture.send("POST", path, ["id": 0, "ticketId": "INC0010001/abc", "ticketUrl": "http://sn/1"])
        #expect(created.status == 201)
        #expect(created.json?["id"] == 1)
        #expect(fixture.sim.incidentTicketID(of: fixture.jobID) == "INC0010001/abc")
        #expect(fixture.sim.incidentTicketURL(of: fixture.jobID) == "http://sn/1")
        #expect(try fixture.get(path).json == [["id": 1, "ticketId": "INC0010001/abc", "ticketUrl": "http://sn/1"]])

        let second = try fixture.send("POST", path, ["id": 0, "ticketId": "INC0010002", "ticketUrl": nil])
        #expect(second.status == 400)
        #expect(fixture.sim.incidentTicketID(of: fixture.jobID) == "INC0010001/abc")

        #expect(try fixture.send("PUT", path + "/1", ["id": 1, "ticketId": "INC0010002/def", "ticketUrl": "http://sn/2"]).status == 200)
        #expect(try fixture.get("/api/dailyjobs/" + encoded(fixture.jobID)).json?["incidentTicketId"] == "INC0010002/def")
        #expect(try fixture.send("PUT", path + "/2", ["id": 2, "ticketId": "x"]).status == 404)

        #expect(try call("DELETE", fixture.base + path + "/1", headers: opconAuth()).status == 200)
        #expect(try fixture.get(path).json == [])
        #expect(fixture.sim.incidentTicketID(of: fixture.jobID) == nil)
        #expect(try fixture.send("PUT", path + "/1", ["id": 1, "ticketId": "x"]).status == 404)

        #expect(try fixture.get("/api/dailyjobs/999999/incidentTickets").status == 404)
        #expect(try fixture.get("/api/dailyjobs/\(encoded(fixture.jobID))/incidentTickets").status == 400)
    }

    @Test("a second POST of an incident ticket can be configured to overwrite the first")
    func aSecondPostCanBeConfiguredToOverwrite() throws {
        let fixture = try OpConFixture()
        fixture.sim.settings.incidentTicketPostOverwrites = true
        let path = "/api/dailyjobs/\(fixture.uid)/incidentTickets"
        _ = try fixture.send("POST", path, ["id": 0, "ticketId": "4501", "ticketUrl": nil])
        #expect(try fixture.send("POST", path, ["id": 0, "ticketId": "4502", "ticketUrl": nil]).status == 201)
        #expect(fixture.sim.incidentTicketID(of: fixture.jobID) == "4502")
    }

    @Test("job output is listed, then fetched, each after polling")
    func jobOutputIsListedThenFetchedAfterPolling() throws {
        let fixture = try OpConFixture()
        let list = try fixture.send(
            "POST", "/api/jobinstanceactions",
            ["action": "LIST", "jobInstanceActionItems": [["id": .int(fixture.jobNumber)]]])
        #expect(list.status == 200)
        #expect(list.json?["result"] == "submitted")
        let listID = try #require(list.json?["id"]?.intValue)
        let (listed, listPolls) = try fixture.poll("/api/jobinstanceactions/\(listID)")
        #expect(listPolls == 3)  // two 'submitted' polls by default, then the result
        #expect(listed["result"] == "success")
        let listedFiles = try #require(listed["jobInstanceActionItems"]?[0]?["files"]?.arrayValue)
        let files = listedFiles.compactMap { $0.stringValue }
        #expect(files.count == 2)
        #expect(files[0].hasSuffix("\\GL_LOAD.log"))
        #expect(files[0].contains("\\"))

        let file = try fixture.send(
            "POST", "/api/jobinstanceactions",
            ["action": "FILE", "jobInstanceActionItems": [["id": .int(fixture.jobNumber), "jorsRequestParameters": .string(files[0])]]])
        let fileID = try #require(file.json?["id"]?.intValue)
        let (fetched, _) = try fixture.poll("/api/jobinstanceactions/\(fileID)")
        #expect(fetched["result"] == "success")
        #expect(fetched["jobInstanceActionItems"]?[0]?["data"] == "Starting...\r\nERROR: ledger locked\r\n")
    }

    @Test("a job output request can fail with a message")
    func jobOutputFailsWithAMessage() throws {
        let fixture = try OpConFixture()
        fixture.sim.settings.jobInstanceActionPolls = 0
        let quiet = fixture.sim.addJob(date: "2024-06-15", scheduleID: 16, schedule: "FINANCE", job: "NO_LOGS")
        let quietNumber = try #require(fixture.sim.job(quiet)?["jobNumber"])
        func outcome(_ action: JSONValue, _ number: JSONValue, _ parameters: JSONValue = nil) throws -> JSONValue {
            let posted = try fixture.send(
                "POST", "/api/jobinstanceactions",
                ["action": action, "jobInstanceActionItems": [["id": number, "jorsRequestParameters": parameters]]])
            let id = try #require(posted.json?["id"]?.intValue)
            return try fixture.poll("/api/jobinstanceactions/\(id)").0
        }
        let noLogs = try outcome("LIST", quietNumber)
        #expect(noLogs["result"] == "failed")
        #expect(noLogs["message"]?.stringValue?.isEmpty == false)
        #expect(try outcome("LIST", 1)["result"] == "failed")
        #expect(
            try outcome("FILE", .int(fixture.jobNumber), "C:\\missing.log")["jobInstanceActionItems"]?[0]?["message"]
                == "Output not found: C:\\missing.log")

        fixture.sim.settings.jorsFailure = "The agent does not support JORS."
        let jors = try outcome("LIST", .int(fixture.jobNumber))
        #expect(jors["result"] == "failed")
        #expect(jors["message"] == "The agent does not support JORS.")

        #expect(
            try fixture.send("POST", "/api/jobinstanceactions", ["action": "DELETE", "jobInstanceActionItems": [["id": 1]]]).status == 400)
        #expect(try fixture.get("/api/jobinstanceactions/424242").status == 404)
    }

    @Test(
        "job actions follow OpCon's status rules",
        arguments: [
            ("markUnderReview", OpConJobStatus.failed, OpConJobStatus.underReview),
            ("markUnderReview", .underReview, nil),
            ("markUnderReview", .finishedOk, nil),
            ("markFixed", .failed, .fixed),
            ("markFixed", .underReview, .fixed),
            ("markFixed", .cancelled, nil),
            ("cancel", .failed, .cancelled),
            ("cancel", .underReview, .cancelled),
            ("cancel", .held, .cancelled),
            ("cancel", .waitStartTime, .cancelled),
            ("cancel", .missedStartTime, .cancelled),
            ("cancel", .running, nil),
            ("cancel", .fixed, nil),
            ("restart", .failed, .waitStartTime),
            ("restart", .fixed, .waitStartTime),
            ("restart", .cancelled, .waitStartTime),
            ("restart", .finishedOk, .waitStartTime),
            ("restart", .skipped, .waitStartTime),
            ("restart", .underReview, .waitStartTime),
            ("restart", .running, nil),
            ("hold", .failed, nil),
        ] as [(String, OpConJobStatus, OpConJobStatus?)])
    func jobActionsFollowTheStatusRules(action: String, from: OpConJobStatus, to: OpConJobStatus?) throws {
        let fixture = try OpConFixture()
        fixture.sim.setStatus(from, of: fixture.jobID)
        let posted = try fixture.send(
            "POST", "/api/jobactions",
            ["action": .string(action), "jobs": [["id": .string(fixture.jobID)]], "reason": "ticket accepted"])
        #expect(posted.status == 200)
        #expect(posted.json?["result"] == "submitted")
        let actionID = try #require(posted.json?["id"]?.intValue)
        let (final, _) = try fixture.poll("/api/jobactions/\(actionID)")
        #expect(final["result"]?.stringValue == (to == nil ? "failed" : "success"))
        #expect(final["jobs"]?[0]?["result"]?.stringValue == (to == nil ? "failed" : "success"))
        #expect(fixture.sim.status(of: fixture.jobID) == to ?? from)
        let record = try #require(fixture.sim.jobActions.last)
        #expect(record.jobID == fixture.jobID && record.action == action && record.reason == "ticket accepted")
        #expect(record.applied == (to != nil))
        if to == nil { #expect(final["jobs"]?[0]?["message"]?.stringValue?.isEmpty == false) }
    }

    @Test("a job action is applied at once and reported only after the polls")
    func jobActionsAreAppliedAtOnceAndReportedAfterThePolls() throws {
        let fixture = try OpConFixture()
        fixture.sim.settings.jobActionPolls = 1
        let posted = try fixture.send(
            "POST", "/api/jobactions",
            ["action": "MARKUNDERREVIEW", "jobs": [["id": .string(fixture.jobID)], ["id": "20240615|16|1|NOPE"]]])
        // Nobody has polled yet: a fire-and-forget caller (the ServiceNow rules) still changes the job.
        #expect(fixture.sim.status(of: fixture.jobID) == .underReview)
        let actionID = try #require(posted.json?["id"]?.intValue)
        let path = "/api/jobactions/\(actionID)"
        #expect(try fixture.get(path).json?["result"] == "submitted")
        let final = try #require(try fixture.get(path).json)
        #expect(final["result"] == "failed")
        #expect(final["action"] == "markUnderReview")
        #expect(final["jobs"]?[0]?["result"] == "success")
        #expect(final["jobs"]?[0]?["status"]?["description"] == "Under Review")
        #expect(final["jobs"]?[1]?["result"] == "failed")

        #expect(try fixture.send("POST", "/api/jobactions", ["action": "explode", "jobs": [["id": "x"]]]).status == 400)
        #expect(try fixture.send("POST", "/api/jobactions", ["action": "cancel", "jobs": []]).status == 400)
        #expect(try fixture.get("/api/jobactions/99999").status == 404)
    }

    @Test("daily schedules are found by name and date")
    func dailySchedulesAreFoundByNameAndDate() throws {
        let fixture = try OpConFixture()
        fixture.sim.addJob(date: "2024-06-15", scheduleID: 17, schedule: "PAYROLL", job: "P1")
        let found = try fixture.get("/api/dailyschedules?name=FINANCE&dates=2024-06-15")
        #expect(found.json?.arrayValue?.count == 1)
        #expect(found.json?[0]?["id"] == "20240615|16|1")
        #expect(found.json?[0]?["name"] == "FINANCE")
        #expect(try fixture.get("/api/dailyschedules?name=FIN*&dates=2024-06-16").json == [])
    }

    @Test("the journal counts requests and writes")
    func theJournalCountsRequestsAndWrites() throws {
        let fixture = try OpConFixture()
        _ = try fixture.get("/api/dailyjobs")
        _ = try fixture.send("POST", "/api/dailyjobs/\(fixture.uid)/incidentTickets", ["id": 0, "ticketId": "1"])
        _ = try call("GET", fixture.base + "/_sim/requests")
        #expect(fixture.sim.journal.requests == 2)
        #expect(fixture.sim.journal.writeCount == 1)
        #expect(fixture.sim.journal.count(method: "POST", path: "/api/dailyjobs/*/incidentTickets") == 1)
        #expect(fixture.sim.journal.last?.headers["Authorization"] == "Token \(OpConSimulator.defaultToken)")
        #expect(fixture.sim.journal.last?.bodyText.contains("\"ticketId\"") == true)
    }
}
