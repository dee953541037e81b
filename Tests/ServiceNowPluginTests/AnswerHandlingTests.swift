import ConnectorKit
import ConnectorTesting
import Foundation
import Testing

@testable import ServiceNowPlugin

@Suite("Unusable answers and refusals")
struct AnswerHandlingTests {
    /// The error an update gets from `answer` (given to every attempt when `repeated`, as a server that stays down).
    private func outcome(
        of answer: ScriptedTransport.Answer, repeated: Bool = false, logger: Logger = .silent
    ) async throws -> ConnectorError? {
        let transport = ScriptedTransport([answer], then: repeated ? answer : nil)
        let backend = Fixture.backend(transport, settings: try Fixture.settings(), logger: logger)
        do {
            try await backend.update(Fixture.existing(.new, state: "1"), with: Fixture.draft(), reopening: false)
            return nil
        } catch {
            return error
        }
    }

    @Test("a 401 names the template fields holding the credentials; a 403 the account's rights")
    func refusalsNameWhatToCheck() async throws {
        let body = #"{"error":{"message":"User Not Authenticated","detail":"Required to provide Auth information"},"status":"failure"}"#
        let refused = try await outcome(of: .json(401, body))
        #expect(refused?.message.contains("refused the credentials") == true, "\(String(describing: refused))")
        #expect(refused?.message.contains("credentials.user and credentials.password in /templates/servicenow.json") == true)
        let forbidden = try await outcome(of: .json(403, #"{"error":{"message":"Operation Failed","detail":"ACL"},"status":"failure"}"#))
        #expect(forbidden?.message.contains("the account in credentials.user") == true, "\(String(describing: forbidden))")
        #expect(forbidden?.message.contains("Operation Failed") == true)
    }

    @Test(arguments: [401, 403])
    func refusedCredentialsArePermissionErrorsThatNeverShowTheCredentials(status: Int) async throws {
        let sink = MemoryLogSink()
        let masker = SecretMasker()
        let logger = Logger(sinks: [sink], minimumLevel: .debug, masker: masker)
        let error = try await outcome(
            of: .json(
                status,
                #"{"error":{"message":"User Not Authenticated","detail":"Required to provide Auth information"},"status":"failure"}"#),
            logger: logger)
        #expect(error?.exitCode == .permission)
        #expect(error?.message.contains("User Not Authenticated") == true)
        #expect(error?.message.contains(Fixture.password) == false)
        #expect(error?.message.contains(Fixture.user) == false)
    }

    @Test func anHTMLPageIsADataErrorThatNamesThePage() async throws {
        let error = try await outcome(of: .text(200, "<html><head><title>Instance Hibernating page</title></head><body>...</body></html>"))
        #expect(
            error
                == .data(
                    "ServiceNow (acme.service-now.com) answered the request to update incident INC0010042 (HTTP 200) with an HTML page (Instance Hibernating page) instead of JSON; check that the service is up and address.value is right."
                ))
    }

    @Test func anEmptyBodyIsADataError() async throws {
        let error = try await outcome(of: .text(200, "", contentType: "application/json"))
        #expect(
            error
                == .data(
                    "ServiceNow (acme.service-now.com) answered the request to update incident INC0010042 (HTTP 200) with an empty body instead of JSON."
                ))
    }

    @Test func truncatedJSONIsADataError() async throws {
        let error = try await outcome(of: .json(200, #"{"result":{"sys_id":"9d38"#))
        #expect(error?.exitCode == .dataError)
        #expect(error?.message.contains("malformed or truncated JSON") == true)
    }

    @Test func anInBandErrorEnvelopeIsADataErrorWithTheServiceMessage() async throws {
        let error = try await outcome(
            of: .json(
                200,
                #"{"error":{"message":"Operation Failed","detail":"Data Policy Exception: Short description is mandatory"},"status":"failure"}"#
            ))
        #expect(
            error
                == .data(
                    "ServiceNow (acme.service-now.com) could not update incident INC0010042: Operation Failed: Data Policy Exception: Short description is mandatory."
                ))
    }

    @Test func aServerErrorOnAnUpdateIsUnavailable() async throws {
        let error = try await outcome(of: .json(503, "{}"))
        #expect(error?.exitCode == .unavailable)
    }

    @Test func anUnreachableInstanceIsUnavailable() async throws {
        let error = try await outcome(
            of: .failure(TransportError.notConnected(host: "acme.service-now.com", reason: "connection refused")), repeated: true)
        #expect(
            error
                == .unavailable(
                    "ServiceNow (acme.service-now.com) is unreachable: could not connect to acme.service-now.com: connection refused."))
    }

    @Test func aMissingRecordOnUpdateIsADataError() async throws {
        let error = try await outcome(
            of: .json(
                404,
                #"{"error":{"message":"No Record found","detail":"Record doesn't exist or ACL restricts the record retrieval"},"status":"failure"}"#
            ))
        #expect(error?.exitCode == .dataError)
        #expect(error?.message.contains("No Record found") == true)
    }

    @Test func anAttachmentAnswered503IsNotSentAgain() async throws {
        let transport = ScriptedTransport([.json(503, "{}", headers: ["Retry-After": "1"]), .json(201, #"{"result":{}}"#)])
        let backend = Fixture.backend(transport, settings: try Fixture.settings())
        let error = await #expect(throws: ConnectorError.self) {
            try await backend.attach(JobLogFile(name: "a.log", data: Data()), to: Fixture.reference())
        }
        #expect(error?.exitCode == .unavailable)
        #expect(transport.requests.count == 1, "it may have been stored: a second POST could attach the log twice")
    }

    @Test func attachingWithoutAnAttachmentURLIsAConfigurationError() async throws {
        let json = Fixture.templateJSON(rules: ["includeJobLogAttachment": false])
            .replacingOccurrences(of: #",\#n    { "name": "attachment", "value": "api/now/attachment/file" }"#, with: "")
        let settings = try ServiceNowTemplateSettings(template: Fixture.load(json).template)
        let transport = ScriptedTransport([])
        let backend = Fixture.backend(transport, settings: settings)
        await #expect(throws: ConnectorError.self) {
            try await backend.attach(JobLogFile(name: "a.log", data: Data()), to: Fixture.reference())
        }
        #expect(transport.requests.isEmpty)
    }
}
