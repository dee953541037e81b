import ConnectorKit
import ConnectorTesting
import Foundation
import Testing

@testable import ServiceNowPlugin

/// Never a second POST for one failure without proof that the first did not land.
@Suite("Creating exactly one incident")
struct CreationSafetyTests {
    @Test func anUnconfirmedPostThatLandedIsAdoptedWithoutASecondPost() async throws {
        let transport = ScriptedTransport([
            .json(503, #"{"error":{"message":"Service Unavailable","detail":""},"status":"failure"}"#),
            Fixture.list([("INC0010042", Fixture.sysID, "1")]),
        ])
        let backend = Fixture.backend(transport, settings: try Fixture.settings())

        let ticket = try await backend.create(Fixture.draft())

        #expect(ticket == Fixture.reference())
        #expect(transport.requests.map(\.method) == [.post, .get])
        #expect(
            transport.requests[1].url.query?.removingPercentEncoding?.hasPrefix(
                "sysparm_query=correlation_id=\(Fixture.correlationID)^active=true^stateNOT IN6,7,8^ORDERBYDESCsys_created_on") == true)
    }

    @Test func anUnconfirmedPostThatDidNotLandIsSentAgain() async throws {
        let pauses = Recorder<[Double]>()
        let transport = ScriptedTransport([
            .failure(TransportError.timedOut(host: "acme.service-now.com", seconds: 30)),
            .json(200, #"{"result":[]}"#),
            Fixture.created(),
        ])
        let backend = Fixture.backend(transport, settings: try Fixture.settings(), pauses: pauses)

        let ticket = try await backend.create(Fixture.draft())

        #expect(ticket.number == "INC0010042")
        #expect(transport.requests.map(\.method) == [.post, .get, .post])
        #expect(transport.requests[0].body == transport.requests[2].body)
        #expect(pauses.current.count == 1)
    }

    @Test func attemptsAreBoundedAndTheFinalErrorSaysNoIncidentExists() async throws {
        let pauses = Recorder<[Double]>()
        let transport = ScriptedTransport([
            .json(500, "{}"), .json(200, #"{"result":[]}"#),
            .failure(TransportError.connectionFailed(host: "acme.service-now.com", reason: "connection reset")),
            .json(200, #"{"result":[]}"#),
            .json(502, "{}"), .json(200, #"{"result":[]}"#),
            .text(504, "<html><title>Gateway Timeout</title></html>"), .json(200, #"{"result":[]}"#),
        ])
        let backend = Fixture.backend(transport, settings: try Fixture.settings(), pauses: pauses)
        do {
            _ = try await backend.create(Fixture.draft())
            Issue.record("create should fail")
        } catch {
            #expect(error.exitCode == .unavailable)
            #expect(
                error.message
                    == "ServiceNow (acme.service-now.com) could not create an incident (last: HTTP 504: an HTML page (Gateway Timeout)), and it did not land; gave up after 4 attempts."
            )
        }
        #expect(transport.requests.map(\.method) == [.post, .get, .post, .get, .post, .get, .post, .get])
        #expect(pauses.current == [0.2, 0.4, 0.8])
    }

    @Test func withoutCorrelationAnUnconfirmedPostIsNeverRepeated() async throws {
        let transport = ScriptedTransport([
            .json(500, #"{"error":{"message":"Transaction cancelled","detail":"maximum execution time exceeded"},"status":"failure"}"#)
        ])
        let backend = Fixture.backend(transport, settings: try Fixture.settings(rules: ["includeCorrelationId": false]))
        do {
            _ = try await backend.create(Fixture.draft())
            Issue.record("create should fail")
        } catch {
            #expect(error.exitCode == .unavailable)
            #expect(error.message.contains("HTTP 500: Transaction cancelled: maximum execution time exceeded"))
            #expect(error.message.contains("It is not sent again"))
        }
        #expect(transport.requests.count == 1)
    }

    @Test func whenReplacingTheOlderIncidentsOfTheJobAreNotMistakenForTheNewOne() async throws {
        let previous = Fixture.reference(number: "INC0010024", sysID: Fixture.otherSysID)
        let newSysID = "0123456789abcdef0123456789abcdef"
        let transport = ScriptedTransport([
            // Before the POST: under alwaysCreateNewTicket the incident being replaced is still open with this correlation_id.
            Fixture.list([("INC0010024", Fixture.otherSysID, "2")]),
            .json(504, "{}"),
            // After: only the old one, so the POST did not land and is repeated.
            Fixture.list([("INC0010024", Fixture.otherSysID, "2")]),
            .json(503, "{}"),
            // Now the new one shows up first.
            Fixture.list([("INC0010043", newSysID, "1"), ("INC0010024", Fixture.otherSysID, "2")]),
        ])
        let backend = Fixture.backend(transport, settings: try Fixture.settings(rules: ["alwaysCreateNewTicket": true]))

        let ticket = try await backend.create(Fixture.draft(previous: previous))

        #expect(ticket.number == "INC0010043")
        #expect(ticket.internalID == newSysID)
        #expect(transport.requests.map(\.method) == [.get, .post, .get, .post, .get])
        #expect(transport.requests[2].url.query?.hasSuffix("sysparm_limit=100") == true)
    }

    static let rateLimited =
        #"{"error":{"message":"Rate limit exceeded","detail":"Rate limit of 100 requests per hour for Table API exceeded"},"status":"failure"}"#

    @Test(
        "429 is sent again after the wait it asks (never less than the policy's base delay), or the backoff without one; no lookup, with or without correlation",
        arguments: [true, false])
    func rateLimitedCreatesAreSentAgainAfterTheWaitTheyAsk(correlation: Bool) async throws {
        let pauses = Recorder<[Double]>()
        let transport = ScriptedTransport([
            .json(429, Self.rateLimited, headers: ["Retry-After": "2"]),
            .json(429, Self.rateLimited, headers: ["Retry-After": "3"]),
            .json(429, Self.rateLimited),
            .json(429, Self.rateLimited, headers: ["Retry-After": "1"]),
            Fixture.created(),
        ])
        let backend = Fixture.backend(
            transport, settings: try Fixture.settings(rules: ["includeCorrelationId": correlation]), pauses: pauses)

        let ticket = try await backend.create(Fixture.draft())

        #expect(ticket == Fixture.reference())
        #expect(transport.requests.map(\.method) == [.post, .post, .post, .post, .post], "a 429 needs no lookup: nothing was stored")
        #expect(Set(transport.requests.map(\.body)).count == 1, "the same incident every time")
        // Retry-After 2 and 3 are waited as asked; without one, the policy's first backoff (0.2 s); then Retry-After 1.
        #expect(pauses.current == [2, 3, 0.2, 1])
    }

    @Test func anUnconfirmedCreateWaitsForItsRetryAfterWhenThatIsLongerThanTheBackoff() async throws {
        let pauses = Recorder<[Double]>()
        let transport = ScriptedTransport([
            .json(503, "{}", headers: ["Retry-After": "5"]), .json(200, #"{"result":[]}"#), Fixture.created(),
        ])
        let backend = Fixture.backend(transport, settings: try Fixture.settings(), pauses: pauses)

        _ = try await backend.create(Fixture.draft())

        #expect(transport.requests.map(\.method) == [.post, .get, .post])
        #expect(pauses.current == [5])
    }

    @Test func attemptsGoOnWhileTheDeadlineAllowsRatherThanStoppingAfterThree() async throws {
        let pauses = Recorder<[Double]>()
        let unconfirmed: [ScriptedTransport.Answer] = [.json(503, "{}", headers: ["Retry-After": "1"]), .json(200, #"{"result":[]}"#)]
        let transport = ScriptedTransport(Array(repeating: unconfirmed, count: 5).flatMap { $0 } + [Fixture.created()])
        let backend = Fixture.backend(transport, settings: try Fixture.settings(), pauses: pauses, deadlineSeconds: 120)

        let ticket = try await backend.create(Fixture.draft())

        #expect(ticket.number == "INC0010042")
        #expect(transport.requests.filter { $0.method == .post }.count == 6)
        #expect(pauses.current == [1, 1, 1, 1, 1])
    }

    @Test("a create answered 429 is repeated by the run's retries alone, not again by the create on top of them")
    func rateLimitedCreatesAreNotRetriedTwice() async throws {
        let transport = ScriptedTransport([], then: .json(429, Self.rateLimited))
        let backend = Fixture.backend(transport, settings: try Fixture.settings())
        await #expect(throws: ConnectorError.self) { _ = try await backend.create(Fixture.draft()) }
        #expect(transport.requests.count == 4, "the retry policy's 4 attempts")
    }

    @Test func theDeadlineEndsTheAttemptsWhenTheNextWaitWouldPassIt() async throws {
        let pauses = Recorder<[Double]>()
        let transport = ScriptedTransport(Array(repeating: .json(429, Self.rateLimited, headers: ["Retry-After": "30"]), count: 10))
        let backend = Fixture.backend(transport, settings: try Fixture.settings(), pauses: pauses, deadlineSeconds: 100)
        do {
            _ = try await backend.create(Fixture.draft())
            Issue.record("create should fail")
        } catch {
            #expect(
                error
                    == .unavailable(
                        "ServiceNow (acme.service-now.com) could not create an incident (HTTP 429: Rate limit exceeded: Rate limit of 100 requests per hour for Table API exceeded)."
                    ))
        }
        #expect(pauses.current == [30, 30, 30])
        #expect(transport.requests.count == 4)
    }

    @Test func aRateLimitThatOutlastsTheDeadlineIsUnavailableAtOnce() async throws {
        let transport = ScriptedTransport([.json(429, Self.rateLimited, headers: ["Retry-After": "3600"])])
        let backend = Fixture.backend(transport, settings: try Fixture.settings())
        await #expect(
            throws: ConnectorError.unavailable(
                "ServiceNow (acme.service-now.com) could not create an incident (HTTP 429: Rate limit exceeded: Rate limit of 100 requests per hour for Table API exceeded)."
            )
        ) {
            _ = try await backend.create(Fixture.draft())
        }
        #expect(transport.requests.count == 1)
    }

    @Test func aRejectedPostIsNotRepeated() async throws {
        let transport = ScriptedTransport([
            .json(400, #"{"error":{"message":"Invalid field","detail":"urgency: bad value"},"status":"failure"}"#)
        ])
        let backend = Fixture.backend(transport, settings: try Fixture.settings())
        await #expect(
            throws: ConnectorError.data(
                "ServiceNow (acme.service-now.com) could not create an incident (HTTP 400: Invalid field: urgency: bad value).")
        ) {
            _ = try await backend.create(Fixture.draft())
        }
        #expect(transport.requests.count == 1)
    }

    @Test func anEmptyCorrelationIDIsRefusedBeforeAnythingIsSent() async throws {
        let transport = ScriptedTransport([])
        let backend = Fixture.backend(transport, settings: try Fixture.settings())
        await #expect(throws: ConnectorError.self) { _ = try await backend.create(Fixture.draft(correlationID: "")) }
        #expect(transport.requests.isEmpty)
    }

    @Test func aCreateAnswerWithoutTheSysIDNamesTheNotation() async throws {
        let backend = Fixture.backend(
            ScriptedTransport([.json(201, #"{"result":{"number":"INC0010042"}}"#)]), settings: try Fixture.settings())
        await #expect(
            throws: ConnectorError.data(
                "ServiceNow (acme.service-now.com) created an incident but its answer has no sys_id at result.sys_id, so it cannot be recorded on the job; check parseNotations (incidentnumber, incidentsysid)."
            )
        ) {
            _ = try await backend.create(Fixture.draft())
        }
    }
}
