import ConnectorKit
import ConnectorTesting
import Foundation
import Testing

@testable import SummitPlugin

@Suite("Reading Summit's answers")
struct AnswerHandlingTests {
    func createError(_ response: HTTPResponse) async throws -> ConnectorError? {
        let backend = try makeBackend(transport: stubTransport([response]))
        return await connectorError { _ = try await backend.create(makeDraft()) }
    }

    @Test(arguments: ["Invalid API Key", "Authentication failed", "Unauthorized request", "Access denied for user", "User not authorized"])
    func inBandAuthErrorsArePermissionErrors(_ text: String) async throws {
        let error = try await createError(answer(["Errors": .string(text), "Message": ""]))
        #expect(error?.exitCode == .permission)
        #expect(error?.message.contains("credentials.apiKey") == true)
        #expect(error?.message.contains(text) == true)
    }

    @Test func theKeyNeverReachesTheMessage() async throws {
        let error = try await createError(answer(["Errors": .string("Invalid API key \(testKey)")]))
        #expect(error?.exitCode == .permission)
        #expect(error?.message.contains(testKey) == false)
        #expect(error?.message.contains("****") == true)
    }

    @Test func otherInBandErrorsAreDataErrorsWithSummitsText() async throws {
        let error = try await createError(answer(["Errors": "Invalid Priority_Name 'P9'", "Message": ""]))
        #expect(error == .data("Symphony Summit could not create the incident: Invalid Priority_Name 'P9'."))
    }

    @Test func emptyBodyIsADataError() async throws {
        let error = try await createError(answer(text: "  \n"))
        #expect(error?.exitCode == .dataError)
        #expect(error?.message.contains("empty body") == true)
    }

    @Test func htmlIsADataErrorNamingThePage() async throws {
        let error = try await createError(answer(text: "<html><head><title>Request Rejected</title></head><body>WAF</body></html>"))
        #expect(error?.exitCode == .dataError)
        #expect(error?.message.contains("HTML page (Request Rejected)") == true)
    }

    @Test func textThatIsNotJSONIsADataError() async throws {
        let error = try await createError(answer(text: "{\"Errors\": \"\", \"TicketNo\": 45"))
        #expect(error?.exitCode == .dataError)
        #expect(error?.message.contains("instead of JSON") == true)
    }

    @Test func doubleEncodedJSONIsDecodedOnce() async throws {
        let inner: JSONValue = ["Errors": "", "Message": "Ticket 4507 logged successfully", "TicketNo": 4507]
        let backend = try makeBackend(transport: stubTransport([answer(.string(inner.serialized()))]))
        #expect(try await backend.create(makeDraft()).number == "4507")
    }

    @Test func doubleEncodedInBandErrorIsStillAnError() async throws {
        let inner: JSONValue = ["Errors": "Unauthorized", "Message": ""]
        let error = try await createError(answer(.string(inner.serialized())))
        #expect(error?.exitCode == .permission)
    }

    @Test func jsonThatIsNotAnObjectIsADataError() async throws {
        let error = try await createError(answer([1, 2]))
        #expect(error?.exitCode == .dataError)
    }

    @Test func serverErrorsAndUnreachableServiceAreUnavailable() async throws {
        #expect(try await createError(answer(text: "busy", status: 503))?.exitCode == .unavailable)
        let backend = try makeBackend(transport: stubTransport(failing: .connectionFailed(host: "summit.example.com", reason: "refused")))
        let error = await connectorError { _ = try await backend.create(makeDraft()) }
        #expect(error?.exitCode == .unavailable)
    }

    @Test func httpRefusalIsAPermissionError() async throws {
        #expect(try await createError(answer(text: "denied", status: 401))?.exitCode == .permission)
    }

    @Test(arguments: [404, 415])
    func wrongEndpointPointsAtTheTemplate(status: Int) async throws {
        let error = try await createError(answer(text: "Unsupported Media Type", status: status))
        #expect(error?.exitCode == .dataError)
        #expect(error?.message.contains("HTTP \(status)") == true)
        #expect(error?.message.hasSuffix("Check address.value and the urls entries of the template.") == true, "\(error?.message ?? "")")
        let read = try makeBackend(transport: stubTransport([answer(text: "Not Found", status: status)]))
        let readError = await connectorError { _ = try await read.ticketStatus(recordedID: "4507") }
        #expect(readError?.message.hasSuffix("Check address.value and the urls entries of the template.") == true)
    }

    /// Summit cannot be searched for a ticket a lost answer created: such a create is never sent twice.
    @Test func createWhoseAnswerWasLostIsNotSentAgain() async throws {
        let transport = stubTransport([answer(text: "busy", status: 503), answer(["Errors": "", "TicketNo": 4507])])
        let backend = try makeBackend(transport: transport)
        let error = await connectorError { _ = try await backend.create(makeDraft()) }
        #expect(error?.exitCode == .unavailable)
        #expect(error?.message.contains("not sent again") == true)
        #expect(transport.requests.count == 1)
    }

    /// A 429 proves the create was not processed, so it is sent again.
    @Test func createTurnedAwayIsSentAgain() async throws {
        let transport = stubTransport([
            HTTPResponse(status: 429, headers: ["retry-after": "1"], body: Data()), answer(["Errors": "", "TicketNo": 4507]),
        ])
        let backend = try makeBackend(transport: transport)
        #expect(try await backend.create(makeDraft()).number == "4507")
        #expect(transport.requests.count == 2)
        #expect(transport.jsonBodies[0] == transport.jsonBodies[1])
    }

    @Test func aProxyPageNeverShowsTheKey() async throws {
        let error = try await createError(answer(text: "<html><head><title>Denied for \(testKey)</title></head></html>"))
        #expect(error?.exitCode == .dataError)
        #expect(error?.message.contains(testKey) == false)
        #expect(error?.message.contains("Denied for ****") == true, "\(error?.message ?? "")")
    }

    @Test(
        "an Errors member that says nothing is no error",
        arguments: [
            JSONValue.null, "", "  \n", [], [:],
        ] as [JSONValue])
    func emptyErrorsAreNoError(_ errors: JSONValue) async throws {
        #expect(SummitAnswer.errorsText(errors) == nil)
        let backend = try makeBackend(transport: stubTransport([answer(["Errors": errors, "TicketNo": 4507])]))
        #expect(try await backend.create(makeDraft()).number == "4507")
    }

    @Test func errorsThatAreNotTextAreQuotedAsJSON() {
        #expect(SummitAnswer.errorsText([" Invalid Priority_Name "]) == "[\" Invalid Priority_Name \"]")
        #expect(SummitAnswer.errorsText(500) == "500")
        #expect(SummitAnswer.errorsText(" Invalid Priority_Name\n") == "Invalid Priority_Name")
    }
}
