import ConnectorKit
import Foundation
import Simulators

// Speed and memory of the `connector` executable against the in-process simulators, beside the tools people would
// otherwise use. Usage: swift run -c release Benchmarks [--quick] [--connector PATH]
let arguments = CommandLine.arguments.dropFirst()
let quick = arguments.contains("--quick")
let connector = arguments.firstIndex(of: "--connector").flatMap { arguments.index(after: $0) < arguments.endIndex ? arguments[arguments.index(after: $0)] : nil }
    ?? ".build/release/connector"
guard FileManager.default.isExecutableFile(atPath: connector) else {
    FileHandle.standardError.write(Data("Benchmarks: no connector at \(connector); run `swift build -c release` first or pass --connector PATH.\n".utf8))
    exit(64)
}
let iterations = quick ? 5 : 30
let stormSize = quick ? 10 : 50

/// A fresh install directory on fresh simulators.
func makeInstall(_ configure: (SimulatedServices) -> Void = { _ in }) throws -> (SimulatedServices, String) {
    let services = SimulatedServices()
    configure(services)
    try services.start(seedDemoJobs: false)
    let home = NSTemporaryDirectory() + "connector-bench-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: home + "/templates", withIntermediateDirectories: true)
    try services.connectorConfig().write(toFile: home + "/Connector.config", atomically: true, encoding: .utf8)
    try services.serviceNowTemplate().write(toFile: home + "/templates/servicenow.json", atomically: true, encoding: .utf8)
    try services.summitTemplate().write(toFile: home + "/templates/summit.json", atomically: true, encoding: .utf8)
    return (services, home)
}

let today: String = {
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyy-MM-dd"
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: Date())
}()

func failureArguments(job: String, scheduleID: Int, template: String) -> [String] {
    ["-a", "BENCH01", "-s", "BENCHMARK", "-jn", job, "-e", "Exit Code 2", "-sd", today, "-si", String(scheduleID), "-sn", "1", "-t", template]
}

func environment(home: String) -> [String: String] {
    ["CONNECTOR_HOME": home, "TZ": "UTC", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
}

/// Runs the connector once per argument list, all at the same time.
func runConcurrently(_ runs: [[String]], home: String) -> [ChildResult] {
    ChildProcess.runTogether(connector, runs, environment: environment(home: home))
}

var rows: [Figures] = []
@MainActor func record(_ figures: Figures) {
    rows.append(figures)
    print(figures.row)
}

print("connector benchmarks (\(quick ? "quick" : "full"); \(ProcessInfo.processInfo.activeProcessorCount) cores; binary \(connector))\n")
print(Figures.header)

// 1. Process start.
var start = Figures(label: "connector --version", seconds: [], peakKilobytes: 0)
for _ in 0..<iterations {
    let result = ChildProcess.run(connector, ["--version"], environment: ["PATH": "/usr/bin:/bin"])
    start.seconds.append(result.seconds)
    start.peakKilobytes = max(start.peakKilobytes, result.peakKilobytes)
}
record(start)

// 2. One failure end to end, then a second failure of the same job, per backend; with and without JORS polling waits.
for (template, label) in [("servicenow.json", "ServiceNow"), ("summit.json", "Summit")] {
    for polls in [2, 0] {
        let (services, home) = try makeInstall { $0.opcon.settings.jobInstanceActionPolls = polls }
        var create = Figures(label: "\(label) create (+job log, JORS polls \(polls))", seconds: [], peakKilobytes: 0)
        var update = Figures(label: "\(label) update (second failure)", seconds: [], peakKilobytes: 0)
        let before = services.opcon.journal.requests + services.serviceNow.journal.requests + services.summit.journal.requests
        for index in 0..<iterations {
            _ = services.opcon.addJob(date: today, scheduleID: 100 + index, schedule: "BENCHMARK", job: "JOB\(index)", agent: "BENCH01",
                                      logFiles: ["JOB\(index).log": String(repeating: "output line\r\n", count: 500)])
            let first = ChildProcess.run(connector, failureArguments(job: "JOB\(index)", scheduleID: 100 + index, template: template), environment: environment(home: home))
            let second = ChildProcess.run(connector, failureArguments(job: "JOB\(index)", scheduleID: 100 + index, template: template), environment: environment(home: home))
            guard first.status == 0, second.status == 0 else { fatalError("\(label): a run exited \(first.status)/\(second.status); see \(home)/log") }
            create.seconds.append(first.seconds)
            update.seconds.append(second.seconds)
            create.peakKilobytes = max(create.peakKilobytes, first.peakKilobytes)
            update.peakKilobytes = max(update.peakKilobytes, second.peakKilobytes)
        }
        let requests = services.opcon.journal.requests + services.serviceNow.journal.requests + services.summit.journal.requests - before
        create.note = String(format: "%.1f HTTP requests per run (both runs)", Double(requests) / Double(2 * iterations))
        record(create)
        if polls == 2 { record(update) }
        services.stop()
        try? FileManager.default.removeItem(atPath: home)
    }
}

// 3. A failure storm: many jobs at once, and 8 runs for one job.
do {
    let (services, home) = try makeInstall()
    for index in 0..<stormSize {
        _ = services.opcon.addJob(date: today, scheduleID: 500 + index, schedule: "BENCHMARK", job: "STORM\(index)", agent: "BENCH01")
    }
    let started = Date()
    let results = runConcurrently(
        (0..<stormSize).map { failureArguments(job: "STORM\($0)", scheduleID: 500 + $0, template: "summit.json") }, home: home)
    let wall = Date().timeIntervalSince(started)
    var storm = Figures(label: "storm: \(stormSize) jobs, \(stormSize) processes at once", seconds: results.map(\.seconds),
                        peakKilobytes: results.map(\.peakKilobytes).max() ?? 0)
    storm.note = String(format: "total %.2f s; %d tickets for %d jobs; %d failed", wall, services.summit.tickets.count, stormSize,
                        results.filter { $0.status != 0 }.count)
    record(storm)

    _ = services.opcon.addJob(date: today, scheduleID: 999, schedule: "BENCHMARK", job: "SAME", agent: "BENCH01")
    let before = services.summit.tickets.count
    let same = runConcurrently(Array(repeating: failureArguments(job: "SAME", scheduleID: 999, template: "summit.json"), count: 8), home: home)
    var sameJob = Figures(label: "storm: 8 processes for the same job", seconds: same.map(\.seconds), peakKilobytes: same.map(\.peakKilobytes).max() ?? 0)
    sameJob.note = "\(services.summit.tickets.count - before) ticket(s) created (must be 1)"
    record(sameJob)
    services.stop()
    try? FileManager.default.removeItem(atPath: home)
}

// 4. Baselines people would otherwise use.
if let java = ChildProcess.find("java") {
    var jvm = Figures(label: "baseline: JVM start alone (java -version)", seconds: [], peakKilobytes: 0)
    for _ in 0..<max(3, iterations / 3) {
        let result = ChildProcess.run(java, ["-version"], environment: ["PATH": "/usr/bin:/bin"])
        jvm.seconds.append(result.seconds)
        jvm.peakKilobytes = max(jvm.peakKilobytes, result.peakKilobytes)
    }
    jvm.note = "the floor of any Java connector, before it does any work"
    record(jvm)
} else {
    print("baseline: JVM start skipped (no java on PATH)")
}
if let curl = ChildProcess.find("curl"), let shell = ChildProcess.find("sh") {
    let (services, home) = try makeInstall()
    let jobID = services.opcon.addJob(date: today, scheduleID: 700, schedule: "BENCHMARK", job: "CURL", agent: "BENCH01")
    let encodedID = jobID.replacingOccurrences(of: "|", with: "%7C")
    let auth = "\(services.serviceNow.settings.user):\(services.serviceNow.settings.password)"
    // The three calls a hand-written integration makes: read the job, create the incident, write the ticket back.
    let script = """
        set -e
        \(curl) -sf -H 'Authorization: Token \(services.opcon.token)' '\(services.opcon.baseURL)/api/dailyjobs/\(encodedID)' > /dev/null
        \(curl) -sf -u '\(auth)' -H 'Content-Type: application/json' -H 'Accept: application/json' \
          -d '{"short_description":"OpCon job CURL failed","correlation_display":"SMA_OPCON"}' '\(services.serviceNow.baseURL)/api/now/table/incident' > /dev/null
        \(curl) -s -X PUT -H 'Authorization: Token \(services.opcon.token)' -H 'Content-Type: application/json' \
          -d '{"id":1,"ticketId":"INC","ticketUrl":"x"}' '\(services.opcon.baseURL)/api/dailyjobs/1/incidentTickets/1' > /dev/null
        """
    var baseline = Figures(label: "baseline: the same 3 calls with curl (sh)", seconds: [], peakKilobytes: 0)
    for _ in 0..<iterations {
        let result = ChildProcess.run(shell, ["-c", script], environment: ["PATH": "/usr/bin:/bin"])
        baseline.seconds.append(result.seconds)
        baseline.peakKilobytes = max(baseline.peakKilobytes, result.peakKilobytes)
    }
    baseline.note = "no lookup, decision, job log, outbox or lock"
    record(baseline)
    services.stop()
    try? FileManager.default.removeItem(atPath: home)
} else {
    print("baseline: curl skipped (no curl or sh on PATH)")
}
print("\n\(rows.count) benchmarks.")
