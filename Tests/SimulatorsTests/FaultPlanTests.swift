import ConnectorKit
import ConnectorTesting
import Foundation
import Simulators
import Testing

@Suite("Fault injection")
struct FaultPlanTests {
    private func started() throws -> OpConSimulator {
        let sim = OpConSimulator()
        sim.addJob(date: "2024-06-15", scheduleID: 16, schedule: "FINANCE", job: "GL_LOAD")
        try sim.start()
        return sim
    }

    @Test("the next answers fail with the status, Retry-After and body asked for, then the service answers normally")
    func theNextAnswersFailWithStatusRetryAfterAndBody() throws {
        let sim = try started()
        defer { sim.stop() }
        sim.faults.failNext(2, status: 503, retryAfter: 7)
        let first = try call("GET", sim.baseURL + "/api/version")
        #expect(first.status == 503)
        #expect(first.headers["Retry-After"] == "7")
        #expect(first.json?[0]?["message"]?.stringValue?.contains("503") == true)  // OpCon's own error shape
        #expect(try call("GET", sim.baseURL + "/api/version").status == 503)
        #expect(try call("GET", sim.baseURL + "/api/version").status == 200)
        #expect(sim.faults.pending.isEmpty)

        sim.faults.failNext(status: 500, body: "{\"type\":\"x\",\"title\":\"Boom\",\"status\":500}")
        let custom = try call("GET", sim.baseURL + "/api/version")
        #expect(custom.json?["title"] == "Boom")
        #expect(custom.headers["Content-Type"]?.hasPrefix("application/json") == true)
    }

    @Test("a route filter limits a fault to the requests that match it")
    func aRouteFilterLimitsTheFaultToMatchingRequests() throws {
        let sim = try started()
        defer { sim.stop() }
        let uid = try #require(sim.job(sim.jobIDs[0])?["uid"]?.intValue)
        sim.faults.failNext(status: 502, method: "POST", path: "/api/dailyjobs/*/incidentTickets")
        let path = sim.baseURL + "/api/dailyjobs/\(uid)/incidentTickets"
        #expect(try call("GET", path, headers: opconAuth()).status == 200)  // wrong method
        #expect(
            try call("POST", sim.baseURL + "/api/jobactions", json: ["action": "cancel", "jobs": [["id": "x"]]], headers: opconAuth())
                .status == 200)
        #expect(try call("POST", path, json: ["id": 0, "ticketId": "T1"], headers: opconAuth()).status == 502)
        #expect(try call("POST", path, json: ["id": 0, "ticketId": "T1"], headers: opconAuth()).status == 201)
    }

    @Test("a fault can answer with an HTML page, stay silent, drop the connection or add latency")
    func htmlPagesSilenceDropsAndLatency() throws {
        let sim = try started()
        defer { sim.stop() }
        sim.faults.add(Fault(.htmlError(502)))
        let html = try call("GET", sim.baseURL + "/api/version")
        #expect(html.status == 502)
        #expect(html.headers["Content-Type"]?.hasPrefix("text/html") == true)
        #expect(html.text.contains("<html"))

        sim.faults.add(Fault(.silent))
        #expect(throws: SimulatorError.timedOut("no data from the peer")) { try call("GET", sim.baseURL + "/api/version", timeout: 0.3) }

        sim.faults.add(Fault(.drop))
        #expect(throws: SimulatorError.self) { try call("GET", sim.baseURL + "/api/version") }

        sim.faults.addLatency(0.05, count: 1)
        #expect(try call("GET", sim.baseURL + "/api/version").status == 200)
        #expect(sim.faults.pending.isEmpty)
    }

    @Test("a silent service reads requests and never answers them")
    func aSilentServiceReadsRequestsAndNeverAnswers() throws {
        let sim = try started()
        defer { sim.stop() }
        sim.isSilent = true
        #expect(throws: SimulatorError.timedOut("no data from the peer")) { try call("GET", sim.baseURL + "/api/version", timeout: 0.3) }
        #expect(sim.journal.requests == 1)  // it arrived, it was just never answered
        #expect(try call("POST", sim.baseURL + "/_sim/silent", json: ["silent": false]).json?["silent"] == false)
        #expect(try call("GET", sim.baseURL + "/api/version").status == 200)
    }

    @Test("commit-then-fail does the work but answers with an error")
    func commitThenFailDoesTheWorkButAnswersWithAnError() throws {
        let sim = try started()
        defer { sim.stop() }
        let id = sim.jobIDs[0]
        let uid = try #require(sim.job(id)?["uid"]?.intValue)
        sim.faults.add(Fault(.commitThenFail(500), method: "POST"))
        let response = try call(
            "POST", sim.baseURL + "/api/dailyjobs/\(uid)/incidentTickets", json: ["id": 0, "ticketId": "T1"], headers: opconAuth())
        #expect(response.status == 500)
        #expect(sim.incidentTicketID(of: id) == "T1")
    }

    @Test("a persistent fault lasts until it is cleared")
    func persistentFaultsLastUntilCleared() throws {
        let sim = try started()
        defer { sim.stop() }
        sim.faults.add(Fault(.status(503), count: nil))
        for _ in 0..<3 { #expect(try call("GET", sim.baseURL + "/api/version").status == 503) }
        sim.faults.clear()
        #expect(try call("GET", sim.baseURL + "/api/version").status == 200)
    }

    @Test("faults are set through the control API, which refuses kinds it does not know")
    func faultsAreSetThroughTheControlAPI() throws {
        let sim = try started()
        defer { sim.stop() }
        let added = try call(
            "POST", sim.baseURL + "/_sim/faults",
            json: [
                ["kind": "status", "status": 429, "retryAfter": 3, "count": 2, "method": "GET", "path": "/api/version"],
                ["kind": "html", "status": 504, "persistent": true, "path": "/api/dailyjobs"],
            ])
        #expect(added.status == 200)
        #expect(added.json?["pending"] == 2)
        let limited = try call("GET", sim.baseURL + "/api/version")
        #expect(limited.status == 429)
        #expect(limited.headers["Retry-After"] == "3")
        #expect(try call("GET", sim.baseURL + "/api/dailyjobs", headers: opconAuth()).status == 504)
        // Control requests are neither faulted nor journaled.
        #expect(try call("DELETE", sim.baseURL + "/_sim/faults").json?["pending"] == 0)
        #expect(try call("GET", sim.baseURL + "/api/dailyjobs", headers: opconAuth()).status == 200)
        #expect(sim.journal.requests == 3)

        let unknown = try call("POST", sim.baseURL + "/_sim/faults", json: ["kind": "meteor"])
        #expect(unknown.status == 400)
        #expect(unknown.json?["error"]?.stringValue?.contains("meteor") == true)
        #expect(try call("POST", sim.baseURL + "/_sim/faults", json: ["kind": "status"]).status == 400)
    }

    @Test("the service can go down and come back on the same port")
    func theServiceCanGoDownAndComeBackOnTheSamePort() throws {
        let sim = try started()
        defer { sim.stop() }
        let port = try #require(sim.port)
        let answer = try call("POST", sim.baseURL + "/_sim/down", json: ["seconds": .number("0.5")])
        #expect(answer.status == 200)
        #expect(eventually(seconds: 5) { (try? SimHTTPConnection(host: "127.0.0.1", port: port)) == nil })
        #expect(eventually(seconds: 5) { sim.port == port })
        #expect(try call("GET", "http://127.0.0.1:\(port)/api/version").status == 200)

        sim.stop()
        #expect(throws: SimulatorError.self) { try call("GET", "http://127.0.0.1:\(port)/api/version") }
        try sim.start(port: port)
        #expect(try call("GET", sim.baseURL + "/api/version").status == 200)
    }

    @Test("path patterns match segment by segment, ignoring case")
    func pathPatternsMatchSegmentsWithoutCase() {
        let pattern = PathPattern("/api/dailyjobs/*/incidentTickets")
        #expect(pattern.matches(SimRequest(method: "POST", target: "/API/DailyJobs/48213/incidenttickets/1")))
        #expect(!pattern.matches(SimRequest(method: "POST", target: "/api/dailyjobs/48213")))
        #expect(!pattern.matches(SimRequest(method: "POST", target: "/api/dailyjobs/1/2/incidentTickets")))
        #expect(PathPattern("/api/now/table/inc*").matches(SimRequest(method: "GET", target: "/api/now/table/incident?x=1")))
    }
}
