import Foundation
import Testing
@testable import ConnectorKit

@Suite("Install directory and the run's clock")
struct InstallDirectoryTests {
    @Test("--home wins over CONNECTOR_HOME, which wins over the executable's folder")
    func resolutionOrder() {
        let environment = ["CONNECTOR_HOME": "/srv/from-env"]
        #expect(InstallDirectory.resolve(option: "/srv/from-flag", environment: environment, executablePath: "/opt/c/connector").path == "/srv/from-flag")
        #expect(InstallDirectory.resolve(option: nil, environment: environment, executablePath: "/opt/c/connector").path == "/srv/from-env")
        #expect(InstallDirectory.resolve(option: nil, environment: [:], executablePath: "/opt/c/connector").path == "/opt/c")
        let relative = InstallDirectory.resolve(option: "trial", environment: [:], executablePath: "/x")
        #expect(relative.path == (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent("trial"))
    }

    @Test("paths from Connector.config are relative to the install directory unless absolute")
    func files() {
        let home = InstallDirectory(path: "/opt/connector")
        #expect(home.configFile == "/opt/connector/Connector.config")
        #expect(home.file("templates") == "/opt/connector/templates")
        #expect(home.file("/var/joblogs") == "/var/joblogs")
        #expect(home.file("D:\\joblogs") == "D:\\joblogs")
    }

    @Test("CONNECTOR_NOW pins the clock; a value that is not a date is a usage error naming it")
    func pinnedClock() throws {
        let now = try RunClock.now(environment: ["CONNECTOR_NOW": "2026-11-23T06:59:00+01:00"])
        #expect(now() == ISO8601DateFormatter().date(from: "2026-11-23T05:59:00Z"))
        #expect(throws: ConnectorError.self) { try RunClock.now(environment: ["CONNECTOR_NOW": "tomorrow"]) }
        let live = try RunClock.now(environment: [:])
        #expect(abs(live().timeIntervalSinceNow) < 5)
    }
}
