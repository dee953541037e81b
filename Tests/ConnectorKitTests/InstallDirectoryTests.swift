import Foundation
import Testing

@testable import ConnectorKit

@Suite("Install directory and the run's clock")
struct InstallDirectoryTests {
    @Test("--home wins over CONNECTOR_HOME, which wins over the executable's folder")
    func resolutionOrder() {
        let environment = ["CONNECTOR_HOME": "/srv/from-env"]
        #expect(
            InstallDirectory.resolve(option: "/srv/from-flag", environment: environment, executablePath: "/opt/c/connector").path
                == "/srv/from-flag")
        #expect(InstallDirectory.resolve(option: nil, environment: environment, executablePath: "/opt/c/connector").path == "/srv/from-env")
        #expect(InstallDirectory.resolve(option: nil, environment: [:], executablePath: "/opt/c/connector").path == "/opt/c")
        let relative = InstallDirectory.resolve(option: "trial", environment: [:], executablePath: "/x")
        #expect(relative.path == (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent("trial"))
    }

    @Test(
        "without --home or CONNECTOR_HOME: the first of the invoked folder, the real executable's folder and the working directory that holds a Connector.config"
    )
    func fallbacks() {
        func resolve(_ executable: String, holding: Set<String>, running: String? = nil) -> String {
            InstallDirectory.resolve(
                option: nil, environment: [:], executablePath: executable, workingDirectory: "/srv/install",
                runningExecutable: running, holdsConfig: { holding.contains($0) }
            ).path
        }
        // OpCon's Run Command: the binary elsewhere, the working directory is the install folder.
        #expect(resolve("/opt/build/connector", holding: ["/srv/install"]) == "/srv/install")
        // The executable's own folder wins when it holds one (SPEC's default).
        #expect(resolve("/opt/c/connector", holding: ["/opt/c", "/srv/install"]) == "/opt/c")
        // Found on PATH (no slash in argv[0]): the running executable's folder.
        #expect(resolve("connector", holding: ["/usr/local/bin"], running: "/usr/local/bin/connector") == "/usr/local/bin")
        // Nowhere: the executable's folder, whose missing Connector.config is then reported.
        #expect(resolve("/opt/c/connector", holding: []) == "/opt/c")
        // Relative executable paths are taken from the working directory.
        #expect(resolve("bin/connector", holding: ["/srv/install/bin"]) == "/srv/install/bin")
    }

    @Test("paths from Connector.config are relative to the install directory unless absolute")
    func files() {
        let home = InstallDirectory(path: "/opt/connector")
        #expect(home.configFile == "/opt/connector/Connector.config")
        #expect(home.file("templates") == "/opt/connector/templates")
        #expect(home.file("/var/joblogs") == "/var/joblogs")
        #if !os(Windows)
            #expect(home.file("templates\\") == "/opt/connector/templates", "a Windows-style TemplatesDir")
            #expect(home.file(".\\joblogs\\2026") == "/opt/connector/joblogs/2026")
        #endif
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
