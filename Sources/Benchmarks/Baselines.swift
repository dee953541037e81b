import Foundation

/// Section 4: what people would otherwise use, measured through the same harness so the figures compare.
enum Baselines {
    /// `/bin/true` through the harness: spawning, GNU `time` and reaping, the floor under every row.
    static func harnessFloor(_ options: BenchOptions, _ report: Report) {
        guard let program = ChildProcess.find("true") else { return report.say("harness floor skipped (no `true` on PATH)") }
        var figures = Figures("harness floor: /bin/true")
        for _ in 0..<options.iterations { figures.add(ChildProcess.run(program, [], environment: ["PATH": "/usr/bin:/bin"])) }
        figures.note = "spawn and reap, included in every time above"
        report.add(figures)
    }

    /// A 500-byte write flushed with fsync, as the outbox flushes each step of a run: on a disk busy with other
    /// writers this, not the connector's CPU, sets the tail latency.
    static func diskFloor(_ options: BenchOptions, _ report: Report) {
        let path = NSTemporaryDirectory() + "connector-bench-fsync-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var figures = Figures("disk floor: 500 B write + fsync (in process)")
        for _ in 0..<options.iterations {
            let started = DispatchTime.now().uptimeNanoseconds
            guard FileManager.default.createFile(atPath: path, contents: nil),
                let handle = FileHandle(forWritingAtPath: path)
            else { return report.say("disk floor skipped (cannot write \(path))") }
            do {
                try handle.write(contentsOf: Data(repeating: 0x7b, count: 500))
                try handle.synchronize()
                try handle.close()
            } catch {
                return report.say("disk floor skipped (\(error))")
            }
            figures.seconds.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        }
        figures.note = "the outbox flushes a few such writes per run"
        report.add(figures)
    }

    /// `java -version`: the JVM's start alone, the floor of any Java connector (SMA's run on one).
    static func jvmStart(_ options: BenchOptions, _ report: Report) {
        guard let java = ChildProcess.find("java") else { return report.say("baseline: JVM start skipped (no java on PATH)") }
        var figures = Figures("baseline: JVM start alone (java -version)")
        for _ in 0..<max(3, options.iterations / 3) {
            let result = ChildProcess.run(java, ["-version"], environment: ["PATH": "/usr/bin:/bin"])
            report.check(result.status == 0, "java -version exited \(result.status)")
            figures.add(result)
        }
        figures.note = "before a Java connector does any work"
        report.add(figures)
    }

    /// The three calls a hand-written shell integration makes, with curl: read the job, create the ServiceNow
    /// incident, write its number back into the job. No lookup of an open ticket, decision, job log, outbox or lock.
    static func curlScript(_ options: BenchOptions, _ report: Report) throws {
        guard let curl = ChildProcess.find("curl"), let shell = ChildProcess.find("sh") else {
            return report.say("baseline: curl skipped (no curl or sh on PATH)")
        }
        let install = try BenchInstall()
        defer { install.close() }
        let opcon = install.services.opcon
        let serviceNow = install.services.serviceNow
        // $1: the daily job id, URL-encoded; $2: its uid. -f makes any HTTP error fail the script.
        let script = """
            set -e
            \(curl) -sf -H 'Authorization: Token \(opcon.token)' "\(opcon.baseURL)/api/dailyjobs/$1" > /dev/null
            answer=$(\(curl) -sf -u '\(serviceNow.settings.user):\(serviceNow.settings.password)' \\
              -H 'Content-Type: application/json' -H 'Accept: application/json' \\
              -d '{"short_description":"OpCon job failed","correlation_display":"SMA_OPCON"}' \\
              '\(serviceNow.baseURL)/api/now/table/incident')
            number=${answer#*\\"number\\":\\"}
            number=${number%%\\"*}
            \(curl) -sf -H 'Authorization: Token \(opcon.token)' -H 'Content-Type: application/json' \\
              -d "{\\"id\\":1,\\"ticketId\\":\\"$number\\",\\"ticketUrl\\":\\"\(serviceNow.baseURL)\\"}" \\
              "\(opcon.baseURL)/api/dailyjobs/$2/incidentTickets" > /dev/null
            """
        var figures = Figures("baseline: the same 3 calls, curl in sh")
        for index in 0..<options.iterations {
            let id = install.addFailedJob("CURL\(index)", scheduleID: 700 + index)
            let uid = opcon.job(id)?["uid"]?.intValue ?? 0
            let encoded = id.replacingOccurrences(of: "|", with: "%7C")
            let result = ChildProcess.run(
                shell, ["-c", script, "curl-baseline", encoded, String(uid)], environment: ["PATH": "/usr/bin:/bin"])
            report.check(result.status == 0, "the curl baseline exited \(result.status) for job \(id)")
            report.check(opcon.incidentTicketID(of: id)?.hasPrefix("INC") == true, "the curl baseline wrote no ticket into job \(id)")
            figures.add(result)
        }
        figures.note = "3 curl processes; no lookup, decision, job log, outbox or lock"
        report.add(figures)
    }
}
