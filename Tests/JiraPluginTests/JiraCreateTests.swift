import ConnectorKit
import Foundation
import Simulators
import Testing

@testable import JiraPlugin

@Suite("Jira: creating an issue")
struct JiraCreateTests {
    @Test("the correlation label is opcon- and the first 16 hex digits of the SHA-256 of the correlation string")
    func correlationLabel() {
        // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad (FIPS 180-4 example).
        #expect(CorrelationLabel.label(for: "abc") == "opcon-ba7816bf8f01cfea")
        let label = CorrelationLabel.label(for: JiraStage.correlationID)
        #expect(label == "opcon-" + SHA256.hexDigest(of: JiraStage.correlationID).prefix(16))
        #expect(label.count == 22 && !label.contains(" "))
    }

    @Test("API 3: fields in Jira's shapes, the description in Atlassian Document Format, the label in the create call")
    func cloudCreate() async throws {
        let stage = try JiraStage()
        let backend = try stage.backend()
        let ticket = try await backend.create(try stage.draft(excerpt: "--- job log excerpt (gl.log) ---\nERROR disk full"))
        #expect(ticket.recordedID == "OPS-1" && ticket.number == "OPS-1")
        #expect(ticket.url == stage.sim.baseURL + "/browse/OPS-1")

        let issue = try #require(stage.sim.issue("OPS-1"))
        #expect(issue.summary == "OpCon job NIGHTLY_GL_LOAD of schedule FINANCE failed on FINAPP01 (Failed (exit 2))")
        #expect(issue.priority == "High")
        #expect(issue.labels == ["opcon", "batch", CorrelationLabel.label(for: JiraStage.correlationID)])
        #expect(issue.components == ["Batch"])
        #expect(issue.customFields["customfield_10050"] == "FINAPP01")
        #expect(issue.issueType == "Incident")
        #expect(issue.descriptionText.hasPrefix("Job NIGHTLY_GL_LOAD failed at "))
        #expect(issue.descriptionText.contains("JOBID=4711"))
        #expect(issue.descriptionText.hasSuffix("\n\n--- job log excerpt (gl.log) ---\nERROR disk full"))

        let sent = try #require(try stage.requests("POST", "/rest/api/3/issue").first?.jsonBody()["fields"])
        #expect(sent["description"]?["type"] == "doc")
        #expect(sent["description"]?["content"]?[0]?["content"]?[0]?["text"]?.stringValue?.hasPrefix("Job NIGHTLY_GL_LOAD") == true)
        #expect(sent["priority"] == ["name": "High"])
        #expect(sent["components"] == [["name": "Batch"]])
        #expect(sent["project"] == ["key": "OPS"] && sent["issuetype"] == ["name": "Incident"])
    }

    @Test("API 2 on Data Center: a personal access token as Bearer, the description as plain text")
    func dataCenterCreate() async throws {
        let stage = try JiraStage { $0.deployment = .dataCenter }
        let backend = try stage.backend()
        let ticket = try await backend.create(try stage.draft())
        #expect(ticket.number == "OPS-1")
        let request = try #require(stage.requests("POST", "/rest/api/2/issue").first)
        #expect(request.headers["Authorization"] == "Bearer " + stage.sim.settings.personalAccessToken)
        let description = try request.jsonBody()["fields"]?["description"]?.stringValue
        #expect(description?.hasPrefix("Job NIGHTLY_GL_LOAD failed at ") == true)
        #expect(stage.sim.issue("OPS-1")?.labels.contains(CorrelationLabel.label(for: JiraStage.correlationID)) == true)
    }

    @Test("JSM: created through the request API with the request type, the label among its field values")
    func serviceDeskCreate() async throws {
        let stage = try JiraStage()
        let desk = try #require(stage.sim.settings.serviceDesks.first)
        let requestType = try #require(desk.requestTypes.first)
        let template = stage.template(
            variables: ["serviceDeskId": .string(desk.id), "requestTypeId": .string(requestType.id)],
            attributes: [("summary", "Job {1} failed"), ("description", "Job {1} failed on {2}"), ("labels", "opcon")])
        let ticket = try await stage.backend(template).create(try stage.draft(template))

        let issue = try #require(stage.sim.issue(ticket.number))
        #expect(issue.serviceDeskID == desk.id && issue.requestTypeID == requestType.id)
        #expect(issue.labels == ["opcon", CorrelationLabel.label(for: JiraStage.correlationID)])
        let body = try #require(try stage.requests("POST", "/rest/servicedeskapi/request").first?.jsonBody())
        #expect(body["requestFieldValues"]?["description"] == "Job NIGHTLY_GL_LOAD failed on FINAPP01")
        #expect(stage.requests("POST", "/rest/api/3/issue").isEmpty)
    }

    @Test("a replacement names the previous issue in its description")
    func replacementNamesPrevious() async throws {
        let stage = try JiraStage()
        let backend = try stage.backend()
        let previous = try #require(backend.reference(recordedID: "OPS-9"))
        let ticket = try await backend.create(try stage.draft(previous: previous))
        #expect(stage.sim.issue(ticket.number)?.descriptionText.hasSuffix("\nPrevious Ticket Number (OPS-9)") == true)
    }

    @Test("a summary is cut to 255 characters on one line")
    func longSummary() async throws {
        let stage = try JiraStage()
        let template = stage.template(attributes: [
            ("summary", String(repeating: "x", count: 200) + "\n" + String(repeating: "y", count: 100))
        ])
        let ticket = try await stage.backend(template).create(try stage.draft(template))
        let summary = try #require(stage.sim.issue(ticket.number)?.summary)
        #expect(summary.count == 255 && !summary.contains("\n"))
    }

    @Test("a create answered 500 after it landed, with a 3 s search index lag, makes exactly one issue")
    func unconfirmedCreateLanded() async throws {
        let stage = try JiraStage { $0.searchIndexLag = 3 }
        stage.sim.faults.add(Fault(.commitThenFail(500), count: 1, method: "POST", path: "/rest/api/3/issue"))
        let backend = try stage.backend(realWaits: true)
        let started = Date()
        let ticket = try await backend.create(try stage.draft())
        #expect(stage.sim.issues.count == 1)
        #expect(ticket.number == stage.sim.issues.first?.key)
        #expect(stage.requests("POST", "/rest/api/3/issue").count == 1)
        // Found only once the index caught up (how many searches that took depends on how busy the machine is).
        #expect(stage.requests("POST", "/rest/api/3/search/jql").count >= 1)
        #expect(Date().timeIntervalSince(started) >= 2.5)
    }

    @Test("a create turned away with 429 is sent again after Retry-After")
    func rateLimitedCreate() async throws {
        let stage = try JiraStage()
        stage.sim.injectRateLimit(count: 1, retryAfter: 2, method: "POST", path: "/rest/api/3/issue")
        let ticket = try await stage.backend().create(try stage.draft())
        #expect(ticket.number == "OPS-1" && stage.sim.issues.count == 1)
        #expect(stage.requests("POST", "/rest/api/3/issue").count == 2)
        #expect(stage.waits.all.contains { $0 >= 2 })
    }

    @Test("a field Jira refuses is reported with Jira's own words")
    func refusedField() async throws {
        let stage = try JiraStage()
        let template = stage.template(attributes: [("summary", "Job {1} failed"), ("priority", "Urgentissimo")])
        await #expect(
            throws: ConnectorError.data(
                "Jira (\(stage.sim.baseURL.dropFirst(7))) could not create an issue in project OPS (HTTP 400: priority: This priority is not available for this project.)."
            )
        ) {
            _ = try await stage.backend(template).create(try stage.draft(template))
        }
    }
}
