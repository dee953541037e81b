import ConnectorKit
import Foundation
import Simulators
import Testing

@testable import JiraPlugin

@Suite("Jira: access, attachments and ticket references")
struct JiraAccessTests {
    @Test("401 is a permission error at once: one request, no retry, no secret in the message")
    func refusedCredentials() async throws {
        let stage = try JiraStage()
        let template = stage.template(members: ["credentials": ["user": "svc-opcon@example.com", "token": "Wrong-Token-987"]])
        let backend = try stage.backend(template)
        let draft = try stage.draft(template)
        do {
            _ = try await backend.create(draft)
            Issue.record("a create with a wrong token succeeded")
        } catch {
            #expect(error.exitCode == .permission)
            #expect(error.message.contains("HTTP 401") && error.message.contains("credentials.user"))
            #expect(!error.message.contains("Wrong-Token-987"))
            #expect(!error.message.contains(Data("svc-opcon@example.com:Wrong-Token-987".utf8).base64EncodedString()))
        }
        #expect(stage.sim.journal.requests == 1)
        #expect(stage.waits.all.isEmpty)
        #expect(stage.sim.issues.isEmpty)
    }

    @Test("verifyAccess reads the account itself, which needs the credentials")
    func verifyAccess() async throws {
        let stage = try JiraStage { $0.deployment = .dataCenter }
        try await stage.backend().verifyAccess()
        #expect(stage.requests("GET", "/rest/api/2/myself").count == 1)
        let refused = try stage.backend(stage.template(members: ["credentials": ["token": "Expired-PAT-000"]]))
        await #expect(throws: ConnectorError.self) { try await refused.verifyAccess() }
        #expect(stage.waits.all.isEmpty)
    }

    @Test("the job log goes as a multipart part named file with X-Atlassian-Token: no-check, byte for byte")
    func attachment() async throws {
        let stage = try JiraStage()
        let backend = try stage.backend()
        let ticket = try await backend.create(try stage.draft())
        var bytes = Data("line one\r\nERROR: --boundary-like-- \u{00e9}\n".utf8)
        bytes.append(contentsOf: (0...255).map(UInt8.init))
        let logFile = NSTemporaryDirectory() + "jira-attach-\(UUID().uuidString).log"
        try bytes.write(to: URL(fileURLWithPath: logFile))
        defer { try? FileManager.default.removeItem(atPath: logFile) }
        try await backend.attach(
            JobLogFile(name: "NIGHTLY_GL_LOAD.log", content: StreamedBody([.file(try FileSlice.whole(logFile))])), to: ticket)

        let attached = stage.sim.attachments(of: ticket.number)
        #expect(attached.count == 1)
        #expect(attached.first?.fileName == "NIGHTLY_GL_LOAD.log")
        #expect(attached.first?.data == bytes)
        let upload = try #require(stage.requests("POST", "/rest/api/3/issue/\(ticket.number)/attachments").first)
        #expect(upload.headers["X-Atlassian-Token"] == "no-check")
        #expect(upload.headers["Content-Type"]?.hasPrefix("multipart/form-data; boundary=") == true)
    }

    @Test("keys of the template's project are its tickets, linked at viewAddress (else address) /browse/KEY")
    func references() throws {
        let stage = try JiraStage()
        let backend = try stage.backend()
        #expect(
            backend.reference(recordedID: " ops-17 ")
                == TicketReference(recordedID: "OPS-17", number: "OPS-17", url: stage.sim.baseURL + "/browse/OPS-17"))
        for foreign in ["INC0010001/abc", "OPSX-1", "OPS-", "OPS-1a", "17", "DEV-17"] {
            #expect(backend.reference(recordedID: foreign) == nil, "\(foreign)")
        }
        let viewed = try stage.backend(stage.template(members: ["viewAddress": ["value": "https://acme.atlassian.net/"]]))
        #expect(viewed.reference(recordedID: "OPS-3")?.url == "https://acme.atlassian.net/browse/OPS-3")
        #expect(viewed.owns(recordedID: "OPS-3", ticketURL: "https://acme.atlassian.net/browse/OPS-3", claimsUnlinked: false))
        #expect(!viewed.owns(recordedID: "OPS-3", ticketURL: "https://other.atlassian.net/browse/OPS-3", claimsUnlinked: false))
        #expect(!viewed.owns(recordedID: "DEV-3", ticketURL: "https://acme.atlassian.net/browse/DEV-3", claimsUnlinked: true))
    }
}

@Suite("Jira: template validation")
struct JiraTemplateTests {
    private func problems(_ stage: JiraStage, _ template: JSONValue) -> String {
        do {
            let loaded = try stage.load(template)
            return loaded.warnings.joined(separator: "\n")
        } catch let error as ConnectorError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test("projectKey is required and must be a key; apiVersion is 2 or 3; cancelledNames a list of names")
    func errors() throws {
        let stage = try JiraStage()
        #expect(problems(stage, stage.template(variables: ["projectKey": .null])).contains("variables.projectKey: is required"))
        #expect(
            problems(stage, stage.template(variables: ["projectKey": "OPS TEAM"])).contains(
                "variables.projectKey: \"OPS TEAM\" is not a Jira project key"))
        #expect(
            problems(stage, stage.template(variables: ["apiVersion": 4])).contains(
                "variables.apiVersion: must be 3 (Cloud) or 2 (Data Center)"))
        #expect(problems(stage, stage.template(variables: ["cancelledNames": "Canceled"])).contains("variables.cancelledNames"))
        #expect(problems(stage, stage.template(members: ["credentials": ["user": "a@b.c"]])).contains("credentials.token: is required"))
        #expect(problems(stage, stage.template(members: ["viewAddress": ["value": "not a url"]])).contains("viewAddress.value"))
    }

    @Test("an attribute Jira is not sent, and a service desk without a request type, are warnings")
    func warnings() throws {
        let stage = try JiraStage()
        let warned = problems(
            stage, stage.template(variables: ["serviceDeskId": "1"], attributes: [("summary", "x"), ("assignee", "bob")]))
        #expect(warned.contains("attributes[1].name: \"assignee\" is not a field the Jira backend sends"))
        #expect(warned.contains("serviceDeskId and requestTypeId work together"))
        let loaded = try stage.load(stage.template())
        #expect(loaded.plugin.id == "jira" && loaded.attachesJobLog)
    }
}
