import ConnectorKit
import Foundation
import Simulators
import Testing

/// A started ServiceNow simulator with helpers for its Table API.
private final class ServiceNowFixture {
    let sim: ServiceNowSimulator
    let base: String

    init(_ configure: (inout ServiceNowSettings) -> Void = { _ in }) throws {
        var settings = ServiceNowSettings()
        settings.businessRules = .allOff
        configure(&settings)
        sim = ServiceNowSimulator(settings: settings)
        try sim.start()
        base = sim.baseURL
    }

    deinit { sim.stop() }

    func get(_ path: String) throws -> SimHTTPResponse { try call("GET", base + path, headers: serviceNowAuth()) }

    func send(_ method: String, _ path: String, _ json: JSONValue) throws -> SimHTTPResponse {
        try call(method, base + path, json: json, headers: serviceNowAuth())
    }

    /// Creates an incident over the API and returns its record.
    @discardableResult
    func create(_ fields: JSONValue) throws -> JSONValue {
        let response = try send("POST", "/api/now/table/incident", fields)
        #expect(response.status == 201)
        return try #require(response.json?["result"])
    }

    /// The numbers a list query returns, in order.
    func numbers(_ query: String) throws -> [String] {
        let response = try get("/api/now/table/incident?" + query)
        #expect(response.status == 200, "\(query)")
        return (response.json?["result"]?.arrayValue ?? []).compactMap { $0["number"]?.stringValue }
    }
}

@Suite("ServiceNow simulator")
struct ServiceNowSimulatorTests {
    @Test("missing or wrong credentials are refused with ServiceNow's error envelope")
    func refusesMissingOrWrongCredentialsWithTheEnvelope() throws {
        let fixture = try ServiceNowFixture()
        for headers in [HTTPHeaders(), serviceNowAuth(password: "wrong")] {
            let response = try call("GET", fixture.base + "/api/now/table/incident", headers: headers)
            #expect(response.status == 401)
            #expect(
                response.json == [
                    "error": ["message": "User Not Authenticated", "detail": "Required to provide Auth information"],
                    "status": "failure",
                ])
        }
    }

    @Test("an incident is created with string values and a Location header")
    func createsIncidentsWithStringValuesAndALocation() throws {
        let fixture = try ServiceNowFixture()
        let response = try fixture.send(
            "POST", "/api/now/table/incident",
            ["short_description": "Job failed", "urgency": 2, "impact": "2", "correlation_display": "SMA_OPCON"])
        #expect(response.status == 201)
        let record = try #require(response.json?["result"]?.objectValue)
        let sysID = try #require(record["sys_id"]?.stringValue)
        #expect(response.headers["Location"] == "\(fixture.base)/api/now/table/incident/\(sysID)")
        #expect(sysID.count == 32 && sysID.allSatisfy(\.isHexDigit))
        #expect(record["number"] == "INC0010001")
        #expect(record["state"] == "1" && record["incident_state"] == "1" && record["active"] == "true")
        #expect(record["urgency"] == "2")
        #expect(record["priority"] == "3")
        #expect(record["sys_mod_count"] == "0")
        #expect(record["sys_created_on"]?.stringValue?.count == 19)
        #expect(record.values.allSatisfy { $0.stringValue != nil })
        #expect(try fixture.create(["short_description": "second"])["number"] == "INC0010002")

        let one = try fixture.get("/api/now/table/incident/\(sysID)")
        #expect(one.json?["result"]?["short_description"] == "Job failed")
        for version in ["v1", "v2"] {
            #expect(try fixture.get("/api/now/\(version)/table/incident/\(sysID)").json?["result"]?["number"] == "INC0010001")
        }
    }

    @Test("an unknown record is answered with the not-found envelope")
    func answersUnknownRecordsWithTheNotFoundEnvelope() throws {
        let fixture = try ServiceNowFixture()
        let response = try fixture.get("/api/now/table/incident/0123456789abcdef0123456789abcdef")
        #expect(response.status == 404)
        #expect(
            response.json == [
                "error": ["message": "No Record found", "detail": "Record doesn't exist or ACL restricts the record retrieval"],
                "status": "failure",
            ])
        #expect(try fixture.send("PATCH", "/api/now/table/incident/0123456789abcdef0123456789abcdef", ["state": "2"]).status == 404)
    }

    @Test("bodies and media types are checked")
    func checksBodiesAndMediaTypes() throws {
        let fixture = try ServiceNowFixture()
        var noType = serviceNowAuth()
        noType.set("Content-Type", nil)
        #expect(try call("POST", fixture.base + "/api/now/table/incident", body: Data("{}".utf8), headers: noType).status == 400)
        var textType = serviceNowAuth()
        textType.set("Content-Type", "text/plain")
        #expect(try call("POST", fixture.base + "/api/now/table/incident", body: Data("{}".utf8), headers: textType).status == 415)
        var json = serviceNowAuth()
        json.set("Content-Type", "application/json; charset=utf-8")
        let broken = try call("POST", fixture.base + "/api/now/table/incident", body: Data("{not json".utf8), headers: json)
        #expect(broken.status == 400)
        #expect(broken.json?["status"] == "failure")
        #expect(try call("POST", fixture.base + "/api/now/table/incident", body: Data("[1]".utf8), headers: json).status == 400)
        var xml = serviceNowAuth()
        xml.set("Accept", "application/xml")
        #expect(try call("GET", fixture.base + "/api/now/table/incident", headers: xml).status == 406)
        var noAccept = serviceNowAuth()
        noAccept.set("Accept", nil)
        #expect(try call("GET", fixture.base + "/api/now/table/incident", headers: noAccept).status == 200)
        #expect(try fixture.get("/api/now/table/problem").status == 400)
        #expect(try fixture.get("/api/other").status == 400)
    }

    @Test(
        "lists are filtered with encoded queries and plain field parameters",
        arguments: [
            ("sysparm_query=short_descriptionLIKEdisk", ["INC0010001", "INC0010003"]),
            ("sysparm_query=short_descriptionNOT%20LIKEdisk", ["INC0010002"]),
            ("sysparm_query=short_descriptionSTARTSWITHdisk", ["INC0010001"]),
            ("sysparm_query=short_descriptionENDSWITHDISK", ["INC0010003"]),
            ("sysparm_query=urgency=1", ["INC0010002"]),
            ("sysparm_query=urgency!=1", ["INC0010001", "INC0010003"]),
            ("sysparm_query=urgencyIN1,3", ["INC0010002", "INC0010003"]),
            ("sysparm_query=urgencyNOT%20IN1,3", ["INC0010001"]),
            ("sysparm_query=correlation_idISEMPTY", ["INC0010003"]),
            ("sysparm_query=correlation_idISNOTEMPTY", ["INC0010001", "INC0010002"]),
            ("sysparm_query=urgency=1%5EORurgency=3", ["INC0010002", "INC0010003"]),
            ("sysparm_query=urgency=2%5Eshort_descriptionLIKEdisk", ["INC0010001"]),
            ("sysparm_query=urgency=2%5ENQurgency=1", ["INC0010001", "INC0010002"]),
            ("sysparm_query=urgency%3E1", ["INC0010001", "INC0010003"]),
            ("sysparm_query=ORDERBYDESCnumber", ["INC0010003", "INC0010002", "INC0010001"]),
            ("sysparm_query=ORDERBYurgency%5EORDERBYDESCnumber", ["INC0010002", "INC0010001", "INC0010003"]),
            ("sysparm_query=no_such_field=1%5Eurgency=1", ["INC0010002"]),
            ("sysparm_query=correlation_id=", ["INC0010003"]),
            ("sysparm_query=correlation_id=\(encoded("127.0.0.1:9010,20240615|16|1|JOB A"))", ["INC0010001"]),
            ("urgency=1", ["INC0010002"]),
            ("urgency=2&short_description=\(encoded("disk full"))", ["INC0010001"]),
            ("sysparm_limit=1&sysparm_offset=1", ["INC0010002"]),
        ])
    func filtersWithEncodedQueries(query: String, expected: [String]) throws {
        let fixture = try ServiceNowFixture()
        try fixture.create(["short_description": "disk full", "urgency": "2", "correlation_id": "127.0.0.1:9010,20240615|16|1|JOB A"])
        try fixture.create(["short_description": "network down", "urgency": "1", "correlation_id": "127.0.0.1:9010,20240615|16|1|JOB B"])
        try fixture.create(["short_description": "no space on DISK", "urgency": "3"])
        #expect(try fixture.numbers(query) == expected)
    }

    @Test("unknown query fields can be made to match nothing")
    func unknownQueryFieldsCanBeMadeToMatchNothing() throws {
        let fixture = try ServiceNowFixture { $0.unknownQueryFieldsMatchNothing = true }
        try fixture.create(["short_description": "x"])
        #expect(try fixture.numbers("sysparm_query=no_such_field=1").isEmpty)
        #expect(try fixture.numbers("sysparm_query=short_description=x") == ["INC0010001"])
    }

    @Test("lists give the total count and cut the fields to those asked for")
    func listsCountTotalsAndCutFields() throws {
        let fixture = try ServiceNowFixture()
        for index in 1...3 { try fixture.create(["short_description": .string("n\(index)")]) }
        let page = try fixture.get("/api/now/table/incident?sysparm_limit=2&sysparm_fields=number,sys_id,bogus")
        #expect(page.headers["X-Total-Count"] == "3")
        let first = try #require(page.json?["result"]?[0]?.objectValue)
        #expect(Set(first.keys) == ["number", "sys_id"])
        #expect(page.json?["result"]?.arrayValue?.count == 2)
        #expect(try fixture.get("/api/now/table/incident?sysparm_offset=-1").status == 400)
        #expect(try fixture.get("/api/now/table/incident?sysparm_query=number=NONE").json == ["result": []])
    }

    @Test("state and incident_state stay twins through PATCH and PUT, and each update counts as a modification")
    func updatesKeepStateTwinsAndCountModifications() throws {
        let fixture = try ServiceNowFixture()
        let sysID = try #require(try fixture.create(["short_description": "x"])["sys_id"]?.stringValue)
        let path = "/api/now/table/incident/\(sysID)"
        let patched = try fixture.send("PATCH", path, ["state": 2, "description": "more"])
        #expect(patched.status == 200)
        #expect(patched.json?["result"]?["incident_state"] == "2")
        #expect(patched.json?["result"]?["sys_mod_count"] == "1")
        let put = try fixture.send("PUT", path, ["incident_state": "3"])
        #expect(put.json?["result"]?["state"] == "3")
        #expect(put.json?["result"]?["description"] == "more")
        #expect(put.json?["result"]?["sys_mod_count"] == "2")
        var quiet = serviceNowAuth()
        quiet.set("X-no-response-body", "true")
        let silentWrite = try call("PATCH", fixture.base + path, json: ["description": "again"], headers: quiet)
        #expect(silentWrite.status == 200 && silentWrite.body.isEmpty)
        #expect(try call("DELETE", fixture.base + path, headers: serviceNowAuth()).status == 204)
        #expect(fixture.sim.incidents.isEmpty)
    }

    @Test("resolving needs the resolution fields unless the data policy is off")
    func resolvingNeedsResolutionFieldsUnlessTheDataPolicyIsOff() throws {
        let fixture = try ServiceNowFixture()
        let sysID = try #require(try fixture.create(["short_description": "x"])["sys_id"]?.stringValue)
        let path = "/api/now/table/incident/\(sysID)"
        let refused = try fixture.send("PATCH", path, ["state": "6", "close_code": "Solution provided"])
        #expect(refused.status == 403)
        #expect(refused.json?["error"]?["detail"]?.stringValue?.contains("Data Policy Exception") == true)
        #expect(refused.json?["error"]?["detail"]?.stringValue?.contains("Resolution notes") == true)
        #expect(fixture.sim.incident(sysID)?["state"] == "1")
        #expect(try fixture.send("PATCH", path, ["state": "6", "close_code": "Solution provided", "close_notes": "fixed"]).status == 200)
        // Later writes merge with the stored resolution fields.
        #expect(try fixture.send("PATCH", path, ["work_notes": "still resolved", "state": "6"]).status == 200)

        let relaxed = try ServiceNowFixture { $0.dataPolicy = false }
        let other = try #require(try relaxed.create(["short_description": "y"])["sys_id"]?.stringValue)
        #expect(try relaxed.send("PATCH", "/api/now/table/incident/\(other)", ["state": "6"]).status == 200)
    }

    @Test("reopening is counted, and closing deactivates the incident")
    func reopeningCountsAndClosingDeactivates() throws {
        let fixture = try ServiceNowFixture()
        let number = try #require(try fixture.create(["short_description": "x"])["number"]?.stringValue)
        try fixture.sim.setState("6", of: number)
        #expect(fixture.sim.incident(number)?["resolved_at"]?.isEmpty == false)
        let sysID = try #require(fixture.sim.incident(number)?["sys_id"])
        let reopened = try fixture.send("PATCH", "/api/now/table/incident/\(sysID)", ["state": "2"])
        #expect(reopened.json?["result"]?["reopen_count"] == "1")
        #expect(reopened.json?["result"]?["active"] == "true")
        try fixture.sim.setState("7", of: number)
        #expect(fixture.sim.incident(number)?["active"] == "false")
        let refused = try fixture.send("PATCH", "/api/now/table/incident/\(sysID)", ["state": "2"])
        #expect(refused.status == 403)
        #expect(try fixture.send("PATCH", "/api/now/table/incident/\(sysID)", ["description": "note on a closed one"]).status == 200)

        let cancelled = try fixture.sim.createIncident(["short_description": "dup"])
        let afterCancel = try fixture.sim.updateIncident(cancelled["number"]!, ["incident_state": "8"])
        #expect(afterCancel["state"] == "8" && afterCancel["active"] == "false")
        #expect(throws: ServiceNowRejection.self) { try fixture.sim.setState("1", of: cancelled["number"]!) }

        let lenient = try ServiceNowFixture { $0.refuseStateChangeWhenClosed = false }
        let closed = try lenient.sim.createIncident(["short_description": "c", "state": "7", "close_code": "x", "close_notes": "y"])
        #expect(try lenient.sim.setState("2", of: closed["number"]!)["state"] == "2")
    }

    @Test("journal fields are write-only")
    func journalFieldsAreWriteOnly() throws {
        let fixture = try ServiceNowFixture()
        let record = try fixture.create(["short_description": "x", "work_notes": "created by OpCon"])
        #expect(record["work_notes"] == "")
        let sysID = try #require(record["sys_id"]?.stringValue)
        _ = try fixture.send("PATCH", "/api/now/table/incident/\(sysID)", ["comments": "seen by the caller", "work_notes": "second note"])
        #expect(try fixture.get("/api/now/table/incident/\(sysID)").json?["result"]?["work_notes"] == "")
        #expect(fixture.sim.journalEntries(of: sysID).map(\.value) == ["created by OpCon", "seen by the caller", "second note"])
        #expect(fixture.sim.journalEntries(of: sysID).map(\.element) == ["work_notes", "comments", "work_notes"])
        let journal = try fixture.get("/api/now/table/sys_journal_field?sysparm_query=element_id=\(sysID)%5Eelement=work_notes")
        #expect(journal.json?["result"]?.arrayValue?.count == 2)
    }

    @Test("attachments are stored, listed and served")
    func attachmentsAreStoredListedAndServed() throws {
        let fixture = try ServiceNowFixture()
        let sysID = try #require(try fixture.create(["short_description": "x"])["sys_id"]?.stringValue)
        let log = Data("line 1\r\nERROR line 2\r\n".utf8)
        var headers = serviceNowAuth()
        headers.set("Content-Type", "text/plain")
        let uploaded = try call(
            "POST", fixture.base + "/api/now/attachment/file?table_name=incident&table_sys_id=\(sysID)&file_name=GL%20LOAD.log",
            body: log, headers: headers)
        #expect(uploaded.status == 201)
        let metadata = try #require(uploaded.json?["result"])
        let attachmentID = try #require(metadata["sys_id"]?.stringValue)
        #expect(metadata["file_name"] == "GL LOAD.log")
        #expect(metadata["size_bytes"] == .string(String(log.count)))
        #expect(metadata["table_sys_id"] == .string(sysID))
        #expect(uploaded.headers["Location"] == "\(fixture.base)/api/now/attachment/\(attachmentID)")

        let listed = try fixture.get("/api/now/attachment?sysparm_query=table_sys_id=\(sysID)")
        #expect(listed.json?["result"]?.arrayValue?.count == 1)
        let file = try fixture.get("/api/now/attachment/\(attachmentID)/file")
        #expect(file.body == log)
        #expect(file.headers["Content-Type"] == "text/plain")
        #expect(fixture.sim.attachments(of: sysID).first?.data == log)

        let base = fixture.base + "/api/now/attachment/file?table_name=incident"
        #expect(try call("POST", base + "&file_name=a.log", body: log, headers: headers).status == 400)
        #expect(try call("POST", base + "&table_sys_id=\(sysID)", body: log, headers: headers).status == 400)
        #expect(try call("POST", base + "&table_sys_id=0123&file_name=a.log", body: log, headers: headers).status == 404)
        #expect(try call("POST", base + "&table_sys_id=\(sysID)&file_name=a.log", body: log, headers: serviceNowAuth()).status == 400)
        #expect(try call("DELETE", fixture.base + "/api/now/attachment/\(attachmentID)", headers: serviceNowAuth()).status == 204)
        #expect(try fixture.get("/api/now/attachment/\(attachmentID)").status == 404)
    }

    @Test("a rate limit answers 429 with the rate-limit headers")
    func rateLimitsAnswer429WithTheHeaders() throws {
        let fixture = try ServiceNowFixture()
        fixture.sim.injectRateLimit(count: 1, retryAfter: 2)
        let limited = try fixture.get("/api/now/table/incident")
        #expect(limited.status == 429)
        #expect(limited.headers["Retry-After"] == "2")
        #expect(limited.headers["X-RateLimit-Limit"] == "100")
        #expect(Int(limited.headers["X-RateLimit-Reset"] ?? "") != nil)
        #expect(limited.headers["X-RateLimit-Rule"] != nil)
        #expect(limited.json?["error"]?["message"] == "Rate limit exceeded")
        #expect(try fixture.get("/api/now/table/incident").status == 200)

        _ = try call("POST", fixture.base + "/_sim/faults", json: ["kind": "rateLimit", "retryAfter": 5])
        #expect(try fixture.get("/api/now/table/incident").headers["Retry-After"] == "5")
    }

    @Test("an insert answered 500 by commit-then-fail still lands")
    func anInsertThatFailsStillLands() throws {
        let fixture = try ServiceNowFixture()
        fixture.sim.faults.add(Fault(.commitThenFail(500), method: "POST", path: "/api/now/table/incident"))
        let response = try fixture.send("POST", "/api/now/table/incident", ["short_description": "x"])
        #expect(response.status == 500)
        #expect(response.json?["status"] == "failure")
        #expect(fixture.sim.incidents.count == 1)
    }

    @Test("the incident form shows a record")
    func theIncidentFormShowsARecord() throws {
        let fixture = try ServiceNowFixture()
        let sysID = try #require(try fixture.create(["short_description": "<disk>"])["sys_id"]?.stringValue)
        let page = try call("GET", fixture.base + "/nav_to.do?uri=incident.do?sys_id=\(sysID)")
        #expect(page.status == 200)
        #expect(page.text.contains("INC0010001") && page.text.contains("&lt;disk&gt;"))
    }
}

@Suite("ServiceNow business rules")
struct ServiceNowBusinessRuleTests {
    /// ServiceNow with the default rules, and a live OpCon simulator its callbacks reach.
    private final class Pair {
        let opcon = OpConSimulator()
        let serviceNow: ServiceNowSimulator
        let jobID: String

        init(_ rules: BusinessRuleSwitches = BusinessRuleSwitches()) throws {
            var settings = ServiceNowSettings()
            settings.businessRules = rules
            serviceNow = ServiceNowSimulator(settings: settings)
            jobID = opcon.addJob(date: "2024-06-15", scheduleID: 16, schedule: "FINANCE", job: "GL LOAD, NIGHTLY")
            try opcon.start()
            try serviceNow.start()
        }

        deinit {
            serviceNow.stop()
            opcon.stop()
        }

        func incident(display: String = "SMA_OPCON") throws -> String {
            let record = try serviceNow.createIncident([
                "short_description": "failed", "correlation_display": display,
                "correlation_id": "127.0.0.1:\(opcon.port!),\(jobID)",
            ])
            return record["number"]!
        }
    }

    @Test("accepting an incident marks the job Under Review through OpCon's API")
    func acceptingMarksTheJobUnderReviewThroughOpConsApi() throws {
        let pair = try Pair()
        let number = try pair.incident()
        #expect(pair.serviceNow.callbacks.isEmpty)  // inserts fire nothing
        try pair.serviceNow.setState("2", of: number)
        #expect(pair.serviceNow.waitForCallbacks())
        #expect(pair.opcon.status(of: pair.jobID) == .underReview)
        let callback = try #require(pair.serviceNow.callbacks.first)
        #expect(callback.rule == "OpConTicketAccepted" && callback.action == "markUnderReview" && callback.status == 200)
        // The job id keeps its comma: the address is split off at the first one only.
        #expect(callback.jobID == pair.jobID)
        let request = try #require(pair.opcon.journal.last)
        #expect(request.method == "POST" && request.path == "/api/jobactions")
        #expect(request.headers["Authorization"] == "Token \(OpConSimulator.defaultToken)")
        #expect(
            try request.jsonBody() == ["action": "markUnderReview", "jobs": [["id": .string(pair.jobID)]], "reason": "ticket accepted"])
        #expect(pair.opcon.jobActions.last?.applied == true)
    }

    @Test("resolving marks the job Fixed, and every later update of the resolved incident calls OpCon again")
    func resolvingMarksFixedAndEveryLaterUpdateResends() throws {
        let pair = try Pair()
        let number = try pair.incident()
        try pair.serviceNow.setState("6", of: number)
        try pair.serviceNow.updateIncident(number, ["work_notes": "a note while resolved"])
        #expect(pair.serviceNow.waitForCallbacks())
        #expect(pair.opcon.status(of: pair.jobID) == .fixed)
        #expect(pair.serviceNow.callbacks.map(\.action) == ["markFixed", "markFixed"])
        // OpCon refuses the second one: a Fixed job cannot be marked Fixed again.
        #expect(pair.opcon.jobActions.map(\.applied) == [true, false])
    }

    @Test("with the restart rule in place of the resolved rule, resolving restarts the job")
    func theRestartRuleIsTheAlternativeForResolved() throws {
        let pair = try Pair(BusinessRuleSwitches(ticketResolved: false, ticketRestart: true))
        let number = try pair.incident()
        try pair.serviceNow.setState("6", of: number)
        #expect(pair.serviceNow.waitForCallbacks())
        #expect(pair.serviceNow.callbacks.map(\.rule) == ["OpConTicketRestart"])
        #expect(pair.opcon.status(of: pair.jobID) == .waitStartTime)
    }

    @Test("cancelling the incident cancels the job")
    func cancellingCancelsTheJob() throws {
        let pair = try Pair()
        let number = try pair.incident()
        try pair.serviceNow.setState("8", of: number)
        #expect(pair.serviceNow.waitForCallbacks())
        #expect(pair.opcon.status(of: pair.jobID) == .cancelled)
    }

    @Test("switched off, the rules call nothing; on, they ignore incidents from another origin")
    func rulesCanBeSwitchedOffAndIgnoreOtherOrigins() throws {
        let quiet = try Pair(.allOff)
        try quiet.serviceNow.setState("2", of: try quiet.incident())
        #expect(quiet.serviceNow.waitForCallbacks())
        #expect(quiet.serviceNow.callbacks.isEmpty)
        #expect(quiet.opcon.journal.requests == 0)

        let other = try Pair()
        try other.serviceNow.setState("2", of: try other.incident(display: "MONITORING"))
        #expect(other.serviceNow.waitForCallbacks())
        #expect(other.serviceNow.callbacks.isEmpty)
    }

    @Test("a failed callback is swallowed but recorded")
    func failedCallbacksAreSwallowedButRecorded() throws {
        let pair = try Pair()
        let bad = try pair.serviceNow.createIncident(["correlation_display": "SMA_OPCON", "correlation_id": "no comma here"])
        try pair.serviceNow.setState("2", of: bad["number"]!)
        let number = try pair.incident()
        pair.opcon.stop()
        try pair.serviceNow.setState("2", of: number)
        #expect(pair.serviceNow.waitForCallbacks())
        let errors = pair.serviceNow.callbacks.compactMap(\.error)
        #expect(errors.count == 2)
        #expect(errors.contains { $0.contains("no ','") })
    }

    @Test("analysts work over HTTP too")
    func analystsWorkOverHTTPToo() throws {
        let pair = try Pair()
        let number = try pair.incident()
        let base = pair.serviceNow.baseURL
        let changed = try call("POST", base + "/_sim/incidents/\(number)/state", json: ["state": "6", "close_notes": "rerun worked"])
        #expect(changed.status == 200)
        #expect(changed.json?["result"]?["close_notes"] == "rerun worked")
        #expect(pair.serviceNow.waitForCallbacks())
        #expect(pair.opcon.status(of: pair.jobID) == .fixed)
        let callbacks = try call("GET", base + "/_sim/callbacks")
        #expect(callbacks.json?[0]?["action"] == "markFixed")
        #expect(try call("GET", base + "/_sim/incidents/\(number)").json?["result"]?["state"] == "6")
        #expect(try call("GET", base + "/_sim/incidents").json?["result"]?.arrayValue?.count == 1)

        #expect(try call("POST", base + "/_sim/rules", json: ["ticketResolved": false]).json?["ticketResolved"] == false)
        #expect(pair.serviceNow.settings.businessRules.ticketResolved == false)
        #expect(try call("POST", base + "/_sim/incidents/\(number)/state", json: ["state": "7"]).status == 200)
        #expect(try call("POST", base + "/_sim/incidents/\(number)/state", json: ["state": "2"]).status == 403)
    }
}
