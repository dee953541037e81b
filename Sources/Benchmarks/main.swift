import Foundation

// Speed and memory of the release-built `connector` executable, run as Notification Manager runs it, against the
// OpCon, ServiceNow and Summit simulators started in this process on 127.0.0.1; beside the tools people would
// otherwise use. What each row means: docs/benchmarks.md.
// A child started by the transport rows: one failure over the named transport, then exit.
if CommandLine.arguments.dropFirst().first == TransportChild.flag {
    exit(await TransportChild.main(Array(CommandLine.arguments.dropFirst(2))))
}

let options: BenchOptions
do {
    options = try BenchOptions(Array(CommandLine.arguments.dropFirst()))
} catch {
    guard let message = error.message else {
        print(BenchUsage.line)
        exit(0)
    }
    FileHandle.standardError.write(Data("Benchmarks: \(message)\n\(BenchUsage.line)\n".utf8))
    exit(64)
}
guard FileManager.default.isExecutableFile(atPath: options.connector) else {
    FileHandle.standardError.write(
        Data(
            "Benchmarks: no executable at --connector \(options.connector); run `swift build -c release` first or pass its path.\n".utf8))
    exit(64)
}

// A hung child must not keep the benchmark running for ever (each connector run also has its own deadline).
DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(options.timeLimitSeconds)) {
    FileHandle.standardError.write(Data("Benchmarks: gave up after \(options.timeLimitSeconds) s; a child process did not end.\n".utf8))
    exit(70)
}

let report = Report()
report.say(
    "connector benchmarks (\(options.quick ? "quick" : "full"); \(ProcessInfo.processInfo.activeProcessorCount) cores; "
        + "binary \(options.connector); peak RSS \(ChildProcess.gnuTime == nil ? "not measured: install GNU time" : "by GNU time"))\n")
report.say(Figures.header)

do {
    // 1. Process start: the fixed cost of any invocation.
    var start = Figures("connector --version")
    for _ in 0..<options.iterations {
        let result = ChildProcess.run(options.connector, ["--version"], environment: ["PATH": "/usr/bin:/bin"])
        report.check(result.status == 0, "connector --version exited \(result.status)")
        start.add(result)
    }
    report.add(start)

    if !options.transportOnly {
        // 2. One failure end to end, then the second failure of the same job.
        try FailureBenchmarks.run(options, report)
        // 3. Failure storms.
        try StormBenchmarks.run(options, report)
        // 4. Baselines.
        Baselines.harnessFloor(options, report)
        Baselines.diskFloor(options, report)
        Baselines.jvmStart(options, report)
        try Baselines.curlScript(options, report)
    }
    // 5. The HTTP client under slow services, storms and big logs: libcurl and URLSession side by side.
    try TransportBenchmarks.run(options, report)
} catch {
    FileHandle.standardError.write(Data("Benchmarks: could not set up the simulators or the install directory: \(error)\n".utf8))
    exit(70)
}

if report.failures.isEmpty {
    report.say("\n\(report.rows) rows; every run exited 0 and every job has exactly one ticket.")
} else {
    report.say("\n\(report.failures.count) check(s) failed, so the figures above are not to be trusted:")
    for failure in report.failures { report.say("  - \(failure)") }
    exit(1)
}
