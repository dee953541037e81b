import Foundation
import Testing

@testable import ConnectorKit

@Suite("Template rules given as strings (SPEC §3.2: SMA templates load unchanged)")
struct TemplateRuleValueTests {
    let registry = BackendRegistry([TemplateLoaderTests.plugin("alpha", marker: "alphaKey")])

    /// Writes a template whose only rule is `"includeCorrelationId": <value>` and loads it.
    func load(ruleValue: String) throws -> (Result<LoadedTemplate, ConnectorError>, path: String) {
        let directory = NSTemporaryDirectory() + "rule-values-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let text = #"{"alphaKey": 1, "urls": [{"name": "incident", "value": "x"}], "rules": {"includeCorrelationId": \#(ruleValue)}}"#
        try text.write(toFile: directory + "/t.json", atomically: true, encoding: .utf8)
        let loader = TemplateLoader(registry: registry, directory: directory)
        do {
            return (.success(try loader.load("t.json", config: ConnectorConfig())), directory + "/t.json")
        } catch {
            return (.failure(error), directory + "/t.json")
        }
    }

    @Test(
        "\"true\" / \"false\" in any case are read as the boolean, with a warning naming the file and the rule",
        arguments: [(#""true""#, true), (#""TRUE""#, true), (#""True""#, true), (#""false""#, false), (#""False""#, false)])
    func quotedBooleans(value: String, expected: Bool) throws {
        let (result, path) = try load(ruleValue: value)
        let loaded = try result.get()
        #expect(loaded.template.rule("includeCorrelationId", default: !expected) == expected)
        let warning = try #require(loaded.warnings.first { $0.contains("rules.includeCorrelationId") }, "\(loaded.warnings)")
        #expect(warning.contains(path))
        #expect(warning.contains("read as \(expected)"), "\(warning)")
    }

    @Test("a real boolean gives no warning")
    func realBoolean() throws {
        let loaded = try load(ruleValue: "true").0.get()
        #expect(loaded.template.rule("includeCorrelationId", default: false))
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
    }

    @Test(
        "any other value is still a configuration error naming the file, the JSON path and what was expected",
        arguments: [#""yes""#, #""on""#, #""1""#, #""""#, "1", "null", "[true]"])
    func otherValues(value: String) throws {
        let (result, path) = try load(ruleValue: value)
        guard case .failure(let error) = result else {
            Issue.record("\(value) should not load")
            return
        }
        #expect(error.exitCode == .configuration)
        #expect(error.message.contains(path), "\(error.message)")
        #expect(error.message.contains("rules.includeCorrelationId: expected true or false"), "\(error.message)")
    }
}
