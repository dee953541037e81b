import Foundation
import Testing

@testable import ConnectorKit

@Suite("Every failure maps to one exit code (SPEC §1.3)")
struct ExitCodeMappingTests {
    @Test(
        "each ConnectorError case has its sysexits code",
        arguments: [
            (ConnectorError.usage("u"), ExitCode.usage, Int32(64)),
            (.data("d"), .dataError, 65),
            (.unavailable("n"), .unavailable, 69),
            (.internal("i"), .software, 70),
            (.permission("p"), .permission, 77),
            (.configuration("c"), .configuration, 78),
        ])
    func cases(error: ConnectorError, code: ExitCode, number: Int32) {
        #expect(error.exitCode == code)
        #expect(code.rawValue == number)
    }

    @Test("a queued event exits 75; handled and skipped exit 0")
    func outcomes() {
        #expect(RunOutcome(status: .queued(reason: "down"), decision: "pending", ticket: nil, jobID: "j").exitCode.rawValue == 75)
        #expect(RunOutcome(status: .handled, decision: "create", ticket: nil, jobID: "j").exitCode == .ok)
        #expect(RunOutcome(status: .skipped(reason: "EXIT"), decision: "skip", ticket: nil, jobID: "j").exitCode == .ok)
    }

    @Test(
        "HTTP answers: 401/403 permission, 429 and 5xx unavailable, other 4xx data",
        arguments: [
            (401, ExitCode.permission), (403, .permission), (429, .unavailable), (500, .unavailable), (503, .unavailable),
            (400, .dataError), (404, .dataError), (409, .dataError),
        ])
    func statuses(status: Int, code: ExitCode) {
        let error = ServiceFailure.map(
            HTTPResponse(status: status), service: "ServiceNow", action: "create the incident", serverMessage: "said so")
        #expect(error.exitCode == code)
        #expect(error.message.contains("ServiceNow"))
        #expect(error.message.contains("said so"))
    }

    @Test("no answer at all is unavailable; a TLS failure says how to trust OpCon's self-signed certificate")
    func transport() {
        #expect(
            ServiceFailure.map(TransportError.connectionFailed(host: "opcon", reason: "refused"), service: "OpCon").exitCode == .unavailable
        )
        #expect(ServiceFailure.map(TransportError.timedOut(host: "opcon", seconds: 5), service: "OpCon").exitCode == .unavailable)
        let tls = ServiceFailure.map(TransportError.tlsFailure(host: "opcon", reason: "self-signed certificate"), service: "OpCon")
        #expect(tls.exitCode == .unavailable)
        #expect(tls.message.contains("Trusted Root Certification Authorities"))
        #expect(tls.message.contains("update-ca-certificates"))
    }

    @Test(
        "server messages are read from every error shape",
        arguments: [
            (#"[{"code":1001,"message":"Invalid token specified"}]"#, "Invalid token specified"),
            (#"{"type":"x","title":"Bad Request","status":400,"detail":"dates is invalid"}"#, "dates is invalid"),
            (#"{"error":{"message":"No Record found","detail":"ACL"},"status":"failure"}"#, "No Record found: ACL"),
            (#"{"Errors":"Invalid API Key","Message":""}"#, "Invalid API Key"),
            ("<html><head><title>502 Bad Gateway</title></head></html>", "an HTML page (502 Bad Gateway)"),
        ])
    func messages(body: String, expected: String) {
        #expect(ServiceFailure.message(from: Data(body.utf8)) == expected)
    }

    @Test("masking an error keeps its kind and hides every registered secret")
    func masking() {
        let masker = SecretMasker()
        masker.register("s3cr3t-token")
        let masked = ConnectorError.permission("OpCon said: bad token s3cr3t-token").masked(by: masker)
        #expect(masked == .permission("OpCon said: bad token ****"))
    }
}
