import ConnectorKit
import Foundation

/// Preflight for one template (SPEC §1.2): each precondition printed as ok or failed with its reason as soon as it is
/// known. OpCon and the ITSM are checked side by side, each within its own limit (at most 15 s), so a silent OpCon
/// neither holds up the ITSM's check nor lends it its timeout.
struct CheckCommand: ConnectorCommand {
    static let signature = CommandSignature(
        name: "check", summary: "preflight: config, template, secrets, OpCon and the ITSM, each ok or failed",
        options: [
            .template("the template to check"), .home,
            .json("one JSON document on stdout instead of one line per check (docs: README, \"Machine-readable output\")"),
        ])

    /// The most one service's checks may take together (SPEC §1.2).
    static let serviceLimit: Double = 15

    func run(_ context: CommandContext) async throws -> ExitCode {
        let options = context.options
        let templateName = try options.required("-t")
        let checks = CheckList(console: context.console, printsLines: !options.has("--json"))

        var runtime: ConnectorRuntime?
        await checks.run("Connector.config", service: "configuration") {
            runtime = try context.runtime()
            return runtime?.home.configFile
        }
        guard let runtime else { return finish(checks, template: templateName, json: options.has("--json"), context: context) }
        checks.masker = runtime.masker
        checks.warn(runtime.config.warnings)

        var loaded: LoadedTemplate?
        await checks.run("template \(templateName)", service: "configuration") {
            loaded = try runtime.loadTemplate(templateName)
            return loaded.map { "\($0.template.path), backend \($0.plugin.id)" }
        }
        if let loaded { checks.warn(loaded.warnings) }

        let limit = min(Self.serviceLimit, runtime.config.general.deadlineSeconds)
        async let opcon: Void = Self.checkOpCon(runtime.withBudget(seconds: limit), checks)
        async let itsm: Void = Self.checkITSM(runtime.withBudget(seconds: limit), loaded, checks)
        _ = await (opcon, itsm)
        return finish(checks, template: templateName, json: options.has("--json"), context: context)
    }

    private static func checkOpCon(_ runtime: ConnectorRuntime, _ checks: CheckList) async {
        var client: OpConClient?
        await checks.run("OpCon token", service: "OpCon") {
            client = try runtime.opconClient()
            return "resolved"
        }
        guard let client else { return }
        let api = "OpCon API \(runtime.opconBaseURL)"
        let reached = await checks.run(api, service: "OpCon") { "version \(try await client.version())" }
        // After an unreachable API the authenticated call would only repeat the outage (or find the limit spent).
        if reached == .unavailable {
            checks.skip("OpCon authenticated call", service: "OpCon", because: "the OpCon API could not be reached")
            return
        }
        await checks.run("OpCon authenticated call", service: "OpCon") {
            try await client.verifyToken()
            return nil
        }
    }

    private static func checkITSM(_ runtime: ConnectorRuntime, _ loaded: LoadedTemplate?, _ checks: CheckList) async {
        guard let loaded else { return }
        let service = loaded.plugin.displayName
        var backend: (any TicketBackend)?
        await checks.run("\(service) credentials", service: service) {
            backend = try runtime.backend(for: loaded)
            return "resolved"
        }
        guard let backend else { return }
        await checks.run("\(service) authenticated read", service: service) {
            do {
                try await backend.verifyAccess()
            } catch {
                throw ServiceFailure.map(error, service: service)
            }
            return loaded.template.address
        }
    }

    /// Prints the JSON document or the closing sentence; logs the first failure. A failed check does not end the
    /// command, so the command line does not see it: the closing sentence counts them all.
    private func finish(_ checks: CheckList, template: String, json: Bool, context: CommandContext) -> ExitCode {
        let failures = checks.failures
        let code = failures.first?.exitCode ?? .ok
        if json {
            context.console.print(checks.document(template: template, exitCode: code).serialized(pretty: true))
        }
        if let first = failures.first {
            let shown = context.failures.report(first)
            context.console.error("connector check: \(failures.count) check(s) failed; the first: \(shown.message)")
        }
        return code
    }
}

/// The results of `connector check` as they come in, from two services at once: each line is printed whole the moment
/// its check ends, and the list is kept in a fixed order for the summary and `--json`.
final class CheckList: @unchecked Sendable {
    enum Status: String { case ok, failed, skipped }

    struct Entry {
        var order: Int
        var name: String
        var service: String
        var status: Status
        var detail: String?
        var error: ConnectorError?
        var seconds: Double
    }

    private let console: Console
    private let printsLines: Bool
    private let lock = NSLock()
    private var entries: [Entry] = []
    private var warnings: [String] = []
    private var declared: [Int: Int] = [:]
    /// Masks every secret the runtime resolved, in lines and in the document (set once the runtime exists).
    var masker: SecretMasker? {
        get { lock.withLock { storedMasker } }
        set { lock.withLock { storedMasker = newValue } }
    }
    private var storedMasker: SecretMasker?

    init(console: Console, printsLines: Bool) {
        self.console = console
        self.printsLines = printsLines
    }

    /// The place of a check in the summary and the document: configuration, then OpCon's, then the ITSM's, each
    /// service's in the order they run (the two services run side by side, so their lines on the console may mix).
    private func nextOrder(for service: String) -> Int {
        lock.withLock {
            let rank = service == "configuration" ? 0 : service == "OpCon" ? 1 : 2
            declared[rank, default: 0] += 1
            return rank * 1000 + declared[rank, default: 0]
        }
    }

    /// Runs one check. Returns nil when it passed, else the exit code its failure maps to.
    @discardableResult
    func run(_ name: String, service: String, _ body: () async throws -> String?) async -> ExitCode? {
        let order = nextOrder(for: service)
        let started = Deadline.monotonicSeconds()
        do {
            let detail = try await body()
            record(
                Entry(
                    order: order, name: name, service: service, status: .ok, detail: detail, error: nil,
                    seconds: Deadline.monotonicSeconds() - started))
            return nil
        } catch {
            let failure = (error as? ConnectorError) ?? ServiceFailure.map(error, service: service)
            record(
                Entry(
                    order: order, name: name, service: service, status: .failed, detail: nil, error: failure,
                    seconds: Deadline.monotonicSeconds() - started))
            return failure.exitCode
        }
    }

    /// A check that was not made, and why.
    func skip(_ name: String, service: String, because reason: String) {
        let order = nextOrder(for: service)
        record(Entry(order: order, name: name, service: service, status: .skipped, detail: reason, error: nil, seconds: 0))
    }

    func warn(_ texts: [String]) {
        lock.withLock { warnings += texts }
        guard printsLines else { return }
        for text in texts { console.print("warning \(text)") }
    }

    /// Failed checks in summary order.
    var failures: [ConnectorError] {
        lock.withLock { entries.sorted { $0.order < $1.order }.compactMap(\.error) }
    }

    private func record(_ entry: Entry) {
        lock.withLock {
            entries.append(entry)
            guard printsLines else { return }
            // Printed under the lock, so the lines of the two services never mix within a line.
            let status = entry.status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
            let text = (entry.error?.message ?? entry.detail).map(mask)
            console.print("\(status)\(entry.name)\(text.map { ": \($0)" } ?? "")")
        }
    }

    /// Called with the lock held.
    private func mask(_ text: String) -> String { storedMasker?.mask(text) ?? text }

    /// `--json`: every check in summary order, the warnings, and the exit code.
    func document(template: String, exitCode: ExitCode) -> JSONValue {
        let (entries, warnings) = lock.withLock { (self.entries.sorted { $0.order < $1.order }, self.warnings.map(mask)) }
        let checks = entries.map { entry -> JSONValue in
            var fields: [String: JSONValue] = [
                "name": .string(entry.name), "service": .string(entry.service), "status": .string(entry.status.rawValue),
                "seconds": .number(String(format: "%.3f", entry.seconds)),
            ]
            if let detail = entry.detail {
                fields[entry.status == .skipped ? "reason" : "detail"] = .string(lock.withLock { mask(detail) })
            }
            if let error = entry.error {
                fields["error"] = .string(lock.withLock { mask(error.message) })
                fields["exitCode"] = .int(Int(error.exitCode.rawValue))
            }
            return .object(fields)
        }
        return [
            "command": "check", "template": .string(template), "ok": .bool(exitCode == .ok),
            "exitCode": .int(Int(exitCode.rawValue)), "checks": .array(checks), "warnings": .array(warnings.map(JSONValue.string)),
        ]
    }
}
