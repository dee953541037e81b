import Foundation
import Subprocess
import Testing

@Suite("The executable from outside")
struct SmokeTests {
    @Test("connector demo tells the whole story and exits 0")
    func demo() async throws {
        let run = try await ConnectorProcess.run(["demo"], home: nil)
        #expect(run.exitCode == 0, "\(run)")
        #expect(run.stdout.contains("Every step did what it should."))
        #expect(!run.stdout.contains("✗"))
    }

    @Test("encrypt prints the SMA encoding; --version and --help exit 0; an unknown command is a usage error")
    func basics() async throws {
        let encoded = try await ConnectorProcess.run(["encrypt", "-v", "admin"], home: nil)
        #expect(encoded.stdout == "595752746157343d\n")
        #expect(try await ConnectorProcess.run(["--version"], home: nil).exitCode == 0)
        #expect(try await ConnectorProcess.run(["--help"], home: nil).stdout.contains("Exit codes"))
        let unknown = try await ConnectorProcess.run(["frobnicate"], home: nil)
        #expect(unknown.exitCode == 64)
        #expect(unknown.stderr.contains("frobnicate"))
    }

    @Test("a Notification Manager line with split words creates a ServiceNow incident and writes it back")
    func serviceNowFailure() async throws {
        let install = try InstallUnderTest()
        let job = install.addFailedJob(
            schedule: "FINANCE DAILY", job: "GL LOAD 01", agent: "FINAPP01",
            termination: "Exit Code 2", logFiles: ["GL LOAD 01.log": "line 1\r\nERROR\r\n"])
        let run = try await install.run(install.failureWords(job, template: "servicenow.json"))
        #expect(run.exitCode == 0, "\(run)")
        let incident = try #require(install.serviceNow.incidents.first)
        #expect(install.serviceNow.incidents.count == 1)
        #expect(incident["short_description"]?.contains("schedule FINANCE DAILY job GL LOAD 01") == true)
        #expect(install.opcon.incidentTicketID(of: job.id) == "\(incident["number"]!)/\(incident["sys_id"]!)")
        let log = install.read("log/connector.log") ?? ""
        #expect(log.contains("Summary: job \(job.id), decision create"))
        // Every line of the run names its job and template (SPEC §8), the decision's included.
        #expect(log.contains("[\(job.id)] [servicenow.json] create ticket \(incident["number"]!)"), "\(log)")
    }

    @Test("run as OpCon runs SMA's connectors: the binary elsewhere, the install folder as working directory, no CONNECTOR_HOME")
    func workingDirectoryIsTheInstall() async throws {
        let install = try InstallUnderTest(seedDemoJobs: false)
        let job = install.addFailedJob(job: "FROM THE WORKING DIRECTORY")
        var environment = ConnectorProcess.environment(home: nil, [:])
        environment["CONNECTOR_HOME"] = nil
        let child = try Subprocess(
            ConnectorProcess.executable, install.failureWords(job, template: "summit.json"),
            environment: environment, workingDirectory: install.home)
        let run = try await child.finish()
        #expect(run.exitCode == 0, "\(run)")
        #expect(install.summit.tickets.count == 1)
        #expect(install.read("log/connector.log")?.contains("decision create") == true)

        // Elsewhere, with no Connector.config in sight, the error says where it looked.
        let lost = try await Subprocess(
            ConnectorProcess.executable, install.failureWords(job, template: "summit.json"),
            environment: environment, workingDirectory: NSTemporaryDirectory()
        ).finish()
        #expect(lost.exitCode == 78)
        #expect(lost.stderr.contains("Connector.config not found") && lost.stderr.contains("working directory"), "\(lost)")
    }

    @Test("a failure before the run starts (usage) is printed once on stderr and written to the install's log")
    func earlyFailureLogged() async throws {
        let install = try InstallUnderTest(seedDemoJobs: false)
        let run = try await install.run(["-a", "FINAPP01", "-s", "FINANCE", "-t", "servicenow.json"])
        #expect(run.exitCode == 64)
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run)")
        #expect(run.stderr.contains("-jn"))
        #expect(install.read("log/connector.log")?.contains("-jn") == true)
    }
}
