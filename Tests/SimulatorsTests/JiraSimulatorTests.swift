import ConnectorKit
import ConnectorTesting
import Foundation
import Simulators
import Testing

/// Cloud basic authentication: account e-mail and API token.
private func jiraBasic(_ user: String = "svc-opcon@example.com", _ secret: String = "Sim-Jira-Token-123") -> HTTPHeaders {
    var headers = HTTPHeaders()
    headers.set("Authorization", "Basic " + Data("\(user):\(secret)".utf8).base64EncodedString())
    return headers
}

/// Data Center personal access token.
private func jiraBearer(_ token: String = "Sim-Jira-PAT-456") -> HTTPHeaders {
    var headers = HTTPHeaders()
    headers.set("Authorization", "Bearer \(token)")
    return headers
}

/// An ADF document with one paragraph per line.
private func adf(_ lines: String...) -> JSONValue {
    [
        "type": "doc", "version": 1,
        "content": .array(lines.map { ["type": "paragraph", "content": [["type": "text", "text": .string($0)]]] }),
    ]
}

/// A started Jira simulator with the right credentials for its deployment.
private final class JiraFixture {
    let sim: JiraSimulator
    let base: String
    let auth: HTTPHeaders

    init(_ configure: (inout JiraSettings) -> Void = { _ in }) throws {
        var settings = JiraSettings()
        configure(&settings)
        sim = JiraSimulator(settings: settings)
        try sim.start()
        base = sim.baseURL
        auth = settings.deployment == .cloud ? jiraBasic() : jiraBearer()
    }

    deinit { sim.stop() }

    func send(
        _ method: String, _ path: String, _ json: JSONValue? = nil, body: Data? = nil, headers: HTTPHeaders? = nil
    ) throws -> SimHTTPResponse {
        var all = auth
        for field in headers ?? HTTPHeaders() { all.set(field.name, field.value) }
        return try call(method, base + path, json: json, body: body, headers: all)
    }

    /// Creates an issue through the platform API and returns its key.
    @discardableResult
    func create(
        version: Int = 3, summary: String = "OpCon job PAYROLL01 failed", labels: [String] = ["opcon", "opcon-6b1f0c29d4e8a7f3"],
        extra: [String: JSONValue] = [:]
    ) throws -> String {
        var fields: [String: JSONValue] = [
            "project": ["key": "OPS"], "issuetype": ["name": "Incident"], "summary": .string(summary),
            "labels": .array(labels.map(JSONValue.string)),
        ]
        fields.merge(extra) { _, new in new }
        let response = try send("POST", "/rest/api/\(version)/issue", ["fields": .object(fields)])
        #expect(response.status == 201, "\(response.text)")
        return try #require(response.json?["key"]?.stringValue)
    }

    func search(_ jql: String, fields: [String] = ["key", "status"], reconcile: [Int] = []) throws -> SimHTTPResponse {
        try send(
            "POST", "/rest/api/3/search/jql",
            [
                "jql": .string(jql), "fields": .array(fields.map(JSONValue.string)),
                "reconcileIssues": .array(reconcile.map(JSONValue.int)),
            ])
    }

    func keys(_ jql: String) throws -> [String] {
        let response = try search(jql)
        #expect(response.status == 200, "\(jql): \(response.text)")
        return (response.json?["issues"]?.arrayValue ?? []).compactMap { $0["key"]?.stringValue }
    }
}

/// A multipart/form-data body with parts named `file`.
private func multipart(_ files: [(name: String, data: Data)], boundary: String = "sim-boundary-7MA4YWxkTrZu0gW") -> (Data, HTTPHeaders) {
    var body = Data()
    for file in files {
        body.append(
            Data(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\nContent-Type: text/plain\r\n\r\n"
                    .utf8))
        body.append(file.data)
        body.append(Data("\r\n".utf8))
    }
    body.append(Data("--\(boundary)--\r\n".utf8))
    var headers = HTTPHeaders()
    headers.set("Content-Type", "multipart/form-data; boundary=\(boundary)")
    return (body, headers)
}

private let contractJQL = "project = \"OPS\" AND labels = \"opcon-6b1f0c29d4e8a7f3\" AND statusCategory != Done ORDER BY created ASC"

@Suite("Jira simulator")
struct JiraSimulatorTests {
    // MARK: Authentication

    @Test("Cloud accepts basic authentication with the API token and refuses everything else with 401")
    func cloudAcceptsBasicWithTheAPITokenAndRefusesEverythingElseWith401() throws {
        let fixture = try JiraFixture()
        let me = try call("GET", fixture.base + "/rest/api/3/myself", headers: jiraBasic())
        #expect(me.status == 200)
        #expect(me.json?["accountId"] == "5b10a2844c20165700ede21a")
        #expect(me.headers["X-AAccountId"] == "5b10a2844c20165700ede21a")
        for headers in [
            HTTPHeaders(), jiraBasic("svc-opcon@example.com", "wrong"), jiraBasic("other@example.com"), jiraBearer("Sim-Jira-Token-123"),
        ] {
            let refused = try call("GET", fixture.base + "/rest/api/3/myself", headers: headers)
            #expect(refused.status == 401)
            #expect(refused.headers["X-Seraph-LoginReason"] == "AUTHENTICATED_FAILED")
            #expect(refused.headers["WWW-Authenticate"] != nil)
            #expect(refused.headers["Content-Type"]?.hasPrefix("text/plain") == true)
            #expect(refused.text == "Client must be authenticated to access this resource.")
        }
        // serverInfo answers anyone, which is why it proves nothing about credentials.
        #expect(try call("GET", fixture.base + "/rest/api/3/serverInfo").json?["deploymentType"] == "Cloud")

        fixture.sim.settings.jsonUnauthorizedBody = true
        let json = try call("GET", fixture.base + "/rest/api/2/myself", headers: jiraBasic("x", "y"))
        #expect(
            json.status == 401 && json.json == ["message": "Client must be authenticated to access this resource.", "status-code": 401])
    }

    @Test("Data Center accepts a bearer token and locks basic logins behind a CAPTCHA")
    func dataCenterAcceptsABearerTokenAndLocksBasicLoginsBehindACaptcha() throws {
        let fixture = try JiraFixture {
            $0.deployment = .dataCenter
            $0.captchaAfterFailedLogins = 2
        }
        let me = try call("GET", fixture.base + "/rest/api/2/myself", headers: jiraBearer())
        #expect(me.status == 200 && me.json?["name"] == "svc_opcon")
        #expect(me.headers["X-AAccountId"] == nil)
        #expect(try call("GET", fixture.base + "/rest/api/2/myself", headers: jiraBearer("wrong")).status == 401)
        #expect(try call("GET", fixture.base + "/rest/api/2/myself", headers: jiraBasic("svc_opcon", "Sim-Jira-Pass-789")).status == 200)
        // Data Center has no API 3.
        #expect(try call("GET", fixture.base + "/rest/api/3/myself", headers: jiraBearer()).status == 404)

        for _ in 0..<2 {
            #expect(try call("GET", fixture.base + "/rest/api/2/myself", headers: jiraBasic("svc_opcon", "bad")).status == 401)
        }
        let locked = try call("GET", fixture.base + "/rest/api/2/myself", headers: jiraBasic("svc_opcon", "Sim-Jira-Pass-789"))
        #expect(locked.status == 403)
        #expect(locked.headers["X-Seraph-LoginReason"] == "AUTHENTICATION_DENIED")
        #expect(locked.headers["X-Authentication-Denied-Reason"] == "CAPTCHA_CHALLENGE; login-url=\(fixture.base)/login.jsp")
        #expect(try call("GET", fixture.base + "/rest/api/2/myself", headers: jiraBearer()).status == 200)
        #expect(try call("POST", fixture.base + "/_sim/captcha/clear").status == 200)
        #expect(try call("GET", fixture.base + "/rest/api/2/myself", headers: jiraBasic("svc_opcon", "Sim-Jira-Pass-789")).status == 200)
    }

    // MARK: Create

    @Test("an issue created in API 3 with ADF reads back in both API versions")
    func createsInAPI3WithADFAndReadsBackInBothVersions() throws {
        let fixture = try JiraFixture()
        let description = adf("Job PAYROLL01 on agent WIN01 failed with exit code 1.", "Schedule NIGHTLY")
        let response = try fixture.send(
            "POST", "/rest/api/3/issue",
            [
                "fields": [
                    "project": ["key": "OPS"], "issuetype": ["name": "Incident"], "summary": "OpCon job PAYROLL01 failed",
                    "description": description, "priority": ["name": "High"], "labels": ["opcon", "opcon-6b1f0c29d4e8a7f3"],
                    "components": [["name": "Batch"]], "customfield_10050": "PAYROLL01",
                ], "properties": [["key": "opcon.correlation", "value": ["key": "127.0.0.1:9010,20240921|123|1|PAYROLL01"]]],
            ])
        #expect(response.status == 201)
        #expect(response.json == ["id": "10000", "key": "OPS-1", "self": .string("\(fixture.base)/rest/api/3/issue/10000")])

        let v3 = try fixture.send("GET", "/rest/api/3/issue/OPS-1")
        let fields = try #require(v3.json?["fields"])
        #expect(fields["description"] == description)
        #expect(fields["priority"]?["name"] == "High")
        #expect(fields["labels"] == ["opcon", "opcon-6b1f0c29d4e8a7f3"])
        #expect(fields["components"]?[0]?["name"] == "Batch")
        #expect(fields["customfield_10050"] == "PAYROLL01")
        #expect(fields["issuetype"]?["name"] == "Incident" && fields["project"]?["key"] == "OPS")
        let v2 = try fixture.send("GET", "/rest/api/2/issue/OPS-1")
        #expect(v2.json?["fields"]?["description"] == "Job PAYROLL01 on agent WIN01 failed with exit code 1.\nSchedule NIGHTLY")
        #expect(fixture.sim.issue("OPS-1")?.properties["opcon.correlation"]?["key"] == "127.0.0.1:9010,20240921|123|1|PAYROLL01")
        #expect(try fixture.create() == "OPS-2")

        // API 3 wants a document, not a string.
        let plain = try fixture.send(
            "POST", "/rest/api/3/issue",
            [
                "fields": [
                    "project": ["key": "OPS"], "issuetype": ["name": "Incident"],
                    "summary": "x", "description": "plain text",
                ]
            ])
        #expect(plain.status == 400)
        #expect(
            plain.json?["errors"]?["description"] == "Operation value must be an Atlassian Document (see the Atlassian Document Format)")
        let emptyText = try fixture.send(
            "POST", "/rest/api/3/issue",
            [
                "fields": [
                    "project": ["key": "OPS"], "issuetype": ["name": "Incident"],
                    "summary": "x", "description": adf(""),
                ]
            ])
        #expect(emptyText.status == 400 && emptyText.json?["errors"]?["description"] != nil)
    }

    @Test("API 2 creates issues from plain text and refuses ADF")
    func createsInAPI2WithPlainTextAndRefusesADFThere() throws {
        let fixture = try JiraFixture { $0.deployment = .dataCenter }
        let key = try fixture.create(version: 2, extra: ["description": "Job *PAYROLL01* failed.\r\nExit code 1."])
        #expect(key == "OPS-1")
        #expect(fixture.sim.issue(key)?.descriptionText == "Job *PAYROLL01* failed.\nExit code 1.")
        #expect(
            try fixture.send("GET", "/rest/api/2/issue/OPS-1").json?["fields"]?["description"] == "Job *PAYROLL01* failed.\nExit code 1.")
        let document = try fixture.send(
            "POST", "/rest/api/2/issue",
            [
                "fields": [
                    "project": ["key": "OPS"], "issuetype": ["name": "Incident"],
                    "summary": "x", "description": adf("rich"),
                ]
            ])
        #expect(document.status == 400 && document.json?["errors"]?["description"] == "Operation value must be a string")
    }

    @Test("invalid fields are refused with an error collection")
    func refusesInvalidFieldsWithAnErrorCollection() throws {
        let fixture = try JiraFixture()
        let missing = try fixture.send(
            "POST", "/rest/api/3/issue", ["fields": ["project": ["key": "OPS"], "issuetype": ["name": "Incident"]]])
        #expect(missing.status == 400)
        #expect(missing.json == ["errorMessages": [], "errors": ["summary": "You must specify a summary of the issue."]])

        let spaced = try fixture.send(
            "POST", "/rest/api/3/issue",
            [
                "fields": [
                    "project": ["key": "OPS"], "issuetype": ["name": "Incident"],
                    "summary": "x", "labels": ["opcon", "two words"],
                ]
            ])
        #expect(spaced.status == 400)
        #expect(spaced.json == ["errorMessages": [], "errors": ["labels": "The label 'two words' can't contain spaces."]])

        let several = try fixture.send(
            "POST", "/rest/api/2/issue",
            [
                "fields": [
                    "project": ["key": "NOPE"], "summary": .string(String(repeating: "s", count: 256)), "assignee": ["name": "x"],
                ]
            ])
        #expect(several.status == 400)
        #expect(several.json?["errors"]?["project"] != nil)
        #expect(several.json?["errors"]?["summary"] == "Summary must be less than 255 characters.")
        #expect(several.json?["errors"]?["assignee"] == "Field 'assignee' cannot be set. It is not on the appropriate screen, or unknown.")

        let priority = try fixture.send(
            "POST", "/rest/api/3/issue",
            [
                "fields": [
                    "project": ["key": "OPS"], "issuetype": ["name": "Incident"],
                    "summary": "x", "priority": ["name": "Urgent"],
                    "components": [["name": "Nope"]],
                ]
            ])
        #expect(priority.json?["errors"]?["priority"] == "This priority is not available for this project.")
        #expect(priority.json?["errors"]?["components"] != nil)
        #expect(fixture.sim.issues.isEmpty)

        fixture.sim.settings.deployment = .dataCenter
        let dc = try call(
            "POST", fixture.base + "/rest/api/2/issue",
            json: [
                "fields": [
                    "project": ["key": "OPS"], "issuetype": ["name": "Incident"],
                    "summary": "x", "labels": ["a b"],
                ]
            ], headers: jiraBearer())
        #expect(dc.json?["errors"]?["labels"] == "The label 'a b' contains spaces which is invalid.")
    }

    @Test("issues are created through the service desk request API")
    func createsThroughTheServiceDeskRequestAPI() throws {
        let fixture = try JiraFixture()
        let response = try fixture.send(
            "POST", "/rest/servicedeskapi/request",
            [
                "serviceDeskId": "1", "requestTypeId": "10",
                "requestFieldValues": [
                    "summary": "OpCon job PAYROLL01 failed", "description": "Job *PAYROLL01* failed, exit 1.",
                    "labels": ["opcon-6b1f0c29d4e8a7f3"], "priority": ["name": "High"],
                ],
            ])
        #expect(response.status == 201)
        let answer = try #require(response.json)
        #expect(answer["issueKey"] == "OPS-1" && answer["issueId"] == "10000")
        #expect(answer["requestTypeId"] == "10" && answer["serviceDeskId"] == "1")
        #expect(answer["currentStatus"]?["status"] == "Open" && answer["currentStatus"]?["statusCategory"] == "NEW")
        #expect(answer["_links"]?["agent"] == .string("\(fixture.base)/browse/OPS-1"))
        #expect(answer["_links"]?["web"] == .string("\(fixture.base)/servicedesk/customer/portal/1/OPS-1"))
        let issue = try #require(fixture.sim.issue("OPS-1"))
        #expect(issue.requestTypeID == "10" && issue.issueType == "Incident" && issue.priority == "High")
        #expect(issue.labels == ["opcon-6b1f0c29d4e8a7f3"] && issue.descriptionText == "Job *PAYROLL01* failed, exit 1.")
        #expect(try fixture.send("GET", "/rest/servicedeskapi/request/OPS-1").json?["currentStatus"]?["statusCategory"] == "NEW")

        let noSummary = try fixture.send(
            "POST", "/rest/servicedeskapi/request", ["serviceDeskId": 1, "requestTypeId": 10, "requestFieldValues": [:]])
        #expect(noSummary.status == 400)
        #expect(noSummary.json?["errorMessage"]?.stringValue?.contains("summary") == true)
        #expect(noSummary.json?["i18nErrorMessage"]?["i18nKey"]?.stringValue != nil)
        let hidden = try fixture.send(
            "POST", "/rest/servicedeskapi/request",
            [
                "serviceDeskId": "1", "requestTypeId": "10",
                "requestFieldValues": ["summary": "x", "customfield_10099": "y"],
            ])
        #expect(hidden.status == 400)
        #expect(try fixture.send("POST", "/rest/servicedeskapi/request", ["serviceDeskId": "9", "requestTypeId": "10"]).status == 404)
        #expect(fixture.sim.issues.count == 1)
    }

    // MARK: Read and workflow

    @Test("an issue reads back with its status category and resolution; an unknown key is 404")
    func readsStatusCategoryAndResolutionAnd404sUnknownKeys() throws {
        let fixture = try JiraFixture()
        let key = try fixture.create()
        let open = try fixture.send("GET", "/rest/api/3/issue/\(key)?fields=status,resolution,labels")
        #expect(open.status == 200)
        let fields = try #require(open.json?["fields"]?.objectValue)
        #expect(Set(fields.keys) == ["status", "resolution", "labels"])
        #expect(fields["status"]?["name"] == "Open")
        #expect(fields["status"]?["statusCategory"]?["key"] == "new")
        #expect(fields["resolution"] == .null)

        try fixture.sim.transition(key, named: "Start Progress")
        #expect(
            try fixture.send("GET", "/rest/api/3/issue/\(key)?fields=status").json?["fields"]?["status"]?["statusCategory"]?["key"]
                == "indeterminate")
        try fixture.sim.resolve(key)
        // Keys are looked up without regard to case.
        let resolved = try fixture.send("GET", "/rest/api/2/issue/ops-1?fields=status,resolution")
        #expect(resolved.json?["key"] == "OPS-1")
        #expect(resolved.json?["fields"]?["status"]?["name"] == "Resolved")
        #expect(resolved.json?["fields"]?["status"]?["statusCategory"]?["key"] == "done")
        #expect(resolved.json?["fields"]?["resolution"]?["name"] == "Done")

        let missing = try fixture.send("GET", "/rest/api/3/issue/OPS-99?fields=status")
        #expect(missing.status == 404)
        #expect(missing.json == ["errorMessages": ["Issue does not exist or you do not have permission to see it."], "errors": [:]])
    }

    @Test("reopen is offered only from Resolved; Closed and Canceled are terminal")
    func reopenIsOfferedOnlyFromResolvedAndClosedAndCanceledAreTerminal() throws {
        let fixture = try JiraFixture()
        let key = try fixture.create()
        func offered() throws -> [String: String] {
            let list = try fixture.send("GET", "/rest/api/3/issue/\(key)/transitions").json?["transitions"]?.arrayValue ?? []
            return Dictionary(
                uniqueKeysWithValues: list.compactMap { item in
                    item["name"]?.stringValue.flatMap { name in item["id"]?.stringValue.map { (name, $0) } }
                })
        }
        #expect(try offered()["Reopen"] == nil)
        #expect(try offered()["Resolve"] != nil)

        let resolve = try #require(try offered()["Resolve"])
        #expect(try fixture.send("POST", "/rest/api/3/issue/\(key)/transitions", ["transition": ["id": .string(resolve)]]).status == 204)
        #expect(fixture.sim.issue(key)?.resolution == "Done")
        let fromResolved = try fixture.send("GET", "/rest/api/3/issue/\(key)/transitions").json?["transitions"]?.arrayValue ?? []
        let reopen = try #require(fromResolved.first { $0["name"] == "Reopen" })
        #expect(reopen["to"]?["statusCategory"]?["key"] == "new")
        let reopenID = try #require(reopen["id"]?.stringValue)
        #expect(try fixture.send("POST", "/rest/api/3/issue/\(key)/transitions", ["transition": ["id": .string(reopenID)]]).status == 204)
        #expect(fixture.sim.issue(key)?.status.name == "Reopened" && fixture.sim.issue(key)?.resolution == nil)
        // Reopen is not available again from Reopened.
        let again = try fixture.send("POST", "/rest/api/3/issue/\(key)/transitions", ["transition": ["id": .string(reopenID)]])
        #expect(again.status == 400)
        #expect(again.json?["errorMessages"]?[0]?.stringValue?.contains(reopenID) == true)

        try fixture.sim.resolve(key)
        try fixture.sim.close(key)
        #expect(fixture.sim.issue(key)?.status.name == "Closed" && fixture.sim.issue(key)?.status.category == .done)
        #expect(try offered().isEmpty)
        #expect(try fixture.send("POST", "/rest/api/3/issue/\(key)/transitions", ["transition": ["id": .string(reopenID)]]).status == 400)

        let canceled = try fixture.create(summary: "second")
        try fixture.sim.cancel(canceled)
        #expect(fixture.sim.issue(canceled)?.status.name == "Canceled" && fixture.sim.issue(canceled)?.resolution == "Won't Do")
        #expect(try fixture.send("GET", "/rest/api/2/issue/\(canceled)/transitions").json?["transitions"] == [])
        #expect(throws: JiraRejection.self) { try fixture.sim.transition(canceled, named: "Reopen") }

        let british = try JiraFixture { $0.workflow = .standard(canceledStatus: "Cancelled", canceledResolution: "Cancelled") }
        let third = try british.create()
        try british.sim.cancel(third)
        #expect(british.sim.issue(third)?.status.name == "Cancelled" && british.sim.issue(third)?.resolution == "Cancelled")
    }

    // MARK: Comments

    @Test("comments are public by default and internal when added through the request API")
    func commentsArePublicByDefaultAndInternalThroughTheRequestAPI() throws {
        let fixture = try JiraFixture()
        let key = try fixture.create()
        let v3 = try fixture.send("POST", "/rest/api/3/issue/\(key)/comment", ["body": adf("The job failed again.")])
        #expect(v3.status == 201 && v3.json?["jsdPublic"] == true && v3.json?["body"] == adf("The job failed again."))
        #expect(try fixture.send("POST", "/rest/api/3/issue/\(key)/comment", ["body": "a string"]).status == 400)
        let v2 = try fixture.send(
            "POST", "/rest/api/2/issue/\(key)/comment",
            [
                "body": "Internal note", "properties": [["key": "sd.public.comment", "value": ["internal": true]]],
            ])
        #expect(v2.status == 201 && v2.json?["jsdPublic"] == false && v2.json?["body"] == "Internal note")

        let internalComment = try fixture.send(
            "POST", "/rest/servicedeskapi/request/\(key)/comment", ["body": "Failed again at 02:00.", "public": false])
        #expect(internalComment.status == 201 && internalComment.json?["public"] == false)
        let withoutPublic = try fixture.send("POST", "/rest/servicedeskapi/request/\(key)/comment", ["body": "x"])
        #expect(withoutPublic.status == 400 && withoutPublic.json?["errorMessage"] != nil)

        #expect(fixture.sim.comments(of: key).map(\.isPublic) == [true, false, false])
        #expect(fixture.sim.comments(of: key).map(\.text) == ["The job failed again.", "Internal note", "Failed again at 02:00."])
        let view = try call("GET", fixture.base + "/_sim/issues/\(key)")
        #expect(
            view.json?["comments"]?[2] == [
                "id": "10002", "body": "Failed again at 02:00.", "public": false,
                "author": "5b10a2844c20165700ede21a",
            ])
        #expect(try fixture.send("GET", "/rest/api/2/issue/\(key)/comment").json?["total"] == 3)
        #expect(try fixture.send("POST", "/rest/api/3/issue/OPS-9/comment", ["body": adf("x")]).status == 404)
    }

    // MARK: Search

    @Test("search understands the JQL subset of the contract")
    func searchesTheContractsJQLSubset() throws {
        let fixture = try JiraFixture()
        let first = try fixture.create()
        let second = try fixture.create(summary: "second")
        try fixture.create(labels: ["opcon-other"])
        #expect(try fixture.keys(contractJQL) == [first, second])
        #expect(
            try fixture.keys("project = OPS and LABELS = opcon-6b1f0c29d4e8a7f3 And statuscategory != \"done\" order by CREATED desc")
                == [second, first])
        #expect(try fixture.keys("Project='ops' AND labels IN ('opcon-other', \"nothing\")") == ["OPS-3"])
        try fixture.sim.resolve(first)
        #expect(try fixture.keys(contractJQL) == [second])
        #expect(try fixture.keys("project = OPS AND statusCategory = Done AND resolution = Done") == [first])
        #expect(try fixture.keys("project = OPS AND resolution IS EMPTY ORDER BY key ASC") == [second, "OPS-3"])
        try fixture.sim.cancel(second)
        #expect(try fixture.keys(contractJQL).isEmpty)

        // `fields` defaults to the id only.
        let ids = try fixture.send("POST", "/rest/api/3/search/jql", ["jql": "project = OPS ORDER BY created ASC"])
        #expect(ids.json == ["issues": [["id": "10000"], ["id": "10001"], ["id": "10002"]], "isLast": true])
        let paged = try fixture.send("POST", "/rest/api/3/search/jql", ["jql": "project = OPS", "maxResults": 2, "fields": ["key"]])
        #expect(paged.json?["isLast"] == false)
        let token = try #require(paged.json?["nextPageToken"]?.stringValue)
        let rest = try fixture.send(
            "GET", "/rest/api/3/search/jql?jql=\(encoded("project = OPS"))&fields=key&maxResults=2&nextPageToken=\(encoded(token))")
        #expect(rest.json?["issues"]?[0]?["key"] == "OPS-3" && rest.json?["isLast"] == true)

        for bad in [
            "project = OPS OR labels = x", "summary = \"x\"", "priority = High", "project = \"OPS", "ORDER BY created",
            "project = NOPE", "project = OPS AND", "labels ~ x", "project = OPS ORDER BY summary", "(project = OPS)",
            "project = OPS labels = x", "",
        ] {
            let refused = try fixture.search(bad)
            #expect(refused.status == 400, "\(bad)")
            #expect(refused.json?["errorMessages"]?[0]?.stringValue != nil && refused.json?["errors"] == [:], "\(bad)")
        }
        #expect(
            try fixture.search("summary = \"x\"").json?["errorMessages"] == ["The operator '=' is not supported by the 'summary' field."])
        #expect(
            try fixture.search("priority = High").json?["errorMessages"]
                == ["Field 'priority' does not exist or you do not have permission to view it."])
    }

    @Test("search sees a new issue only after the index lag")
    func searchSeesAnIssueOnlyAfterTheIndexLag() async throws {
        let fixture = try JiraFixture { $0.searchIndexLag = 0.3 }
        let key = try fixture.create()
        #expect(try fixture.keys(contractJQL).isEmpty)
        // reconcileIssues asks for read-after-write on the ids listed.
        let reconciled = try fixture.search(contractJQL, reconcile: [10000])
        #expect(reconciled.json?["issues"]?[0]?["key"] == .string(key))
        try await Task.sleep(nanoseconds: 400_000_000)
        #expect(try fixture.keys(contractJQL) == [key])
    }

    @Test("a create answered 500 after it landed is found once the index catches up")
    func aCreateAnswered500AfterItLandedIsFoundOnceTheIndexCatchesUp() async throws {
        let fixture = try JiraFixture { $0.searchIndexLag = 0.3 }
        #expect(
            try call("POST", fixture.base + "/_sim/faults", json: ["kind": "commitThenFail", "status": 500, "path": "/rest/api/3/issue"])
                .status == 200)
        let failed = try fixture.send(
            "POST", "/rest/api/3/issue",
            [
                "fields": [
                    "project": ["key": "OPS"], "issuetype": ["name": "Incident"],
                    "summary": "x", "labels": ["opcon-6b1f0c29d4e8a7f3"],
                ]
            ])
        #expect(failed.status == 500 && failed.json?["errorMessages"] != nil)
        #expect(fixture.sim.issues.map(\.key) == ["OPS-1"])
        #expect(try fixture.keys(contractJQL).isEmpty)
        try await Task.sleep(nanoseconds: 400_000_000)
        #expect(try fixture.keys(contractJQL) == ["OPS-1"])
    }

    @Test("the old search endpoint is gone on Cloud and still serves Data Center")
    func theOldSearchIsGoneOnCloudAndServesDataCenter() throws {
        let cloud = try JiraFixture()
        try cloud.create()
        for version in [2, 3] {
            let gone = try cloud.send("POST", "/rest/api/\(version)/search", ["jql": .string(contractJQL)])
            #expect(gone.status == 410)
            #expect(gone.json?["errorMessages"]?[0]?.stringValue?.contains("/rest/api/3/search/jql") == true)
        }
        #expect(try cloud.send("GET", "/rest/api/2/search?jql=project%3DOPS").status == 410)

        let dc = try JiraFixture { $0.deployment = .dataCenter }
        try dc.create(version: 2)
        let found = try dc.send("POST", "/rest/api/2/search", ["jql": .string(contractJQL), "fields": ["status", "labels"]])
        #expect(found.status == 200)
        #expect(found.json?["total"] == 1 && found.json?["startAt"] == 0)
        #expect(found.json?["issues"]?[0]?["key"] == "OPS-1")
        #expect(found.json?["issues"]?[0]?["fields"]?["status"]?["statusCategory"]?["key"] == "new")
        #expect(try dc.send("POST", "/rest/api/2/search/jql", ["jql": .string(contractJQL)]).status == 404)
        #expect(try dc.send("POST", "/rest/api/2/search", ["jql": "project = OPS OR labels = x"]).status == 400)
    }

    // MARK: Attachments

    @Test("attachments need the no-check header and are stored byte for byte")
    func attachmentsNeedTheNoCheckHeaderAndAreStoredByteForByte() throws {
        let fixture = try JiraFixture()
        let key = try fixture.create()
        var log = Data("Starting PAYROLL01...\r\nERROR: exit 1\r\n".utf8)
        log.append(contentsOf: [0xFF, 0xFE, 0x00, 0x0D, 0x0A, 0x2D, 0x2D, 0xC3, 0x28, 0x80])
        log.append(Data("\r\n--sim-boundary\r\nnot a boundary\r\n".utf8))
        let second = Data([0x0D, 0x0A, 0x0D, 0x0A])
        let (body, headers) = multipart([("PAYROLL01_20240921.log", log), ("second.log", second)])

        let refused = try fixture.send("POST", "/rest/api/3/issue/\(key)/attachments", body: body, headers: headers)
        #expect(refused.status == 404 && refused.text == "XSRF check failed")
        fixture.sim.settings.xsrfRefusalStatus = 403
        #expect(try fixture.send("POST", "/rest/api/3/issue/\(key)/attachments", body: body, headers: headers).status == 403)
        #expect(fixture.sim.attachments(of: key).isEmpty)

        var allowed = headers
        allowed.set("X-Atlassian-Token", "no-check")
        let answer = try fixture.send("POST", "/rest/api/3/issue/\(key)/attachments", body: body, headers: allowed)
        #expect(answer.status == 200)
        let items = try #require(answer.json?.arrayValue)
        #expect(items.map { $0["filename"] } == ["PAYROLL01_20240921.log", "second.log"])
        #expect(items[0]["size"] == .int(log.count) && items[0]["mimeType"] == "text/plain")
        let stored = fixture.sim.attachments(of: key)
        #expect(stored.map(\.data) == [log, second])
        #expect(stored.map(\.fileName) == ["PAYROLL01_20240921.log", "second.log"])
        let content = try fixture.send("GET", "/rest/api/3/attachment/content/\(stored[0].id)")
        #expect(content.body == log)
        let view = try call("GET", fixture.base + "/_sim/issues/\(key)")
        #expect(view.json?["attachments"]?[0]?["base64"] == .string(log.base64EncodedString()))

        #expect(try fixture.send("POST", "/rest/api/2/issue/OPS-9/attachments", body: body, headers: allowed).status == 404)
        var notMultipart = allowed
        notMultipart.set("Content-Type", "application/octet-stream")
        #expect(try fixture.send("POST", "/rest/api/3/issue/\(key)/attachments", body: log, headers: notMultipart).status == 415)
    }

    // MARK: Faults and control

    @Test("a rate limit answers 429 with Retry-After and the rate-limit headers")
    func rateLimitAnswers429WithRetryAfterAndTheRateLimitHeaders() throws {
        let fixture = try JiraFixture()
        fixture.sim.injectRateLimit(retryAfter: 7, method: "POST", path: "/rest/api/3/issue")
        let limited = try fixture.send(
            "POST", "/rest/api/3/issue", ["fields": ["project": ["key": "OPS"], "issuetype": ["name": "Incident"], "summary": "x"]])
        #expect(limited.status == 429)
        #expect(limited.headers["Retry-After"] == "7")
        #expect(limited.headers["X-RateLimit-Remaining"] == "0" && limited.headers["RateLimit-Reason"] == "jira-burst-based")
        #expect(limited.headers["X-RateLimit-Reset"]?.hasSuffix("Z") == true)
        #expect(limited.json == ["errorMessages": ["Rate limit exceeded."], "errors": [:]])
        #expect(fixture.sim.issues.isEmpty)
        #expect(try fixture.create() == "OPS-1")

        #expect(try call("POST", fixture.base + "/_sim/faults", json: ["kind": "rateLimit", "retryAfter": 3]).status == 200)
        let again = try fixture.send("GET", "/rest/api/3/issue/OPS-1")
        #expect(again.status == 429 && again.headers["Retry-After"] == "3")
        #expect(try fixture.send("GET", "/rest/api/3/issue/OPS-1").status == 200)
    }

    @Test("the site goes down and comes back, and analysts drive it through the control API")
    func goesDownAndComesBackAndIsDrivenThroughTheControlAPI() throws {
        let fixture = try JiraFixture()
        let port = try #require(fixture.sim.port)
        #expect(try call("POST", fixture.base + "/_sim/down", json: ["seconds": .number("0.3")]).status == 200)
        #expect(eventually(seconds: 5) { (try? SimHTTPConnection(host: "127.0.0.1", port: port)) == nil })
        #expect(eventually(seconds: 5) { fixture.sim.port == port })

        let created = try call(
            "POST", fixture.base + "/_sim/issues", json: ["summary": "Seen by the analyst", "labels": ["opcon-6b1f0c29d4e8a7f3"]])
        #expect(created.json?["key"] == "OPS-1" && created.json?["statusCategory"] == "new")
        let resolved = try call("POST", fixture.base + "/_sim/issues/OPS-1/transition", json: ["name": "resolve"])
        #expect(resolved.json?["status"] == "Resolved" && resolved.json?["resolution"] == "Done")
        #expect(try call("POST", fixture.base + "/_sim/issues/OPS-1/transition", json: ["name": "Cancel"]).status == 400)
        let labelled = try call("POST", fixture.base + "/_sim/issues/OPS-1/labels", json: ["add": ["extra"]])
        #expect(labelled.json?["labels"] == ["opcon-6b1f0c29d4e8a7f3", "extra"])
        #expect(try call("GET", fixture.base + "/_sim/issues").json?.arrayValue?.count == 1)

        let settings = try call("POST", fixture.base + "/_sim/settings", json: ["searchIndexLag": 3, "deployment": "dataCenter"])
        #expect(settings.json?["searchIndexLag"]?.doubleValue == 3 && settings.json?["deployment"] == "dataCenter")
        #expect(fixture.sim.settings.searchIndexLag == 3 && fixture.sim.settings.deployment == .dataCenter)
        #expect(try call("GET", fixture.base + "/rest/api/2/myself", headers: jiraBearer()).status == 200)
    }
}
