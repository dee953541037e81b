import Foundation
import Testing

@testable import ConnectorKit

@Suite("Template loading and validation (SPEC §3)")
struct TemplateLoaderTests {
    static func plugin(_ id: String, marker: String) -> BackendPlugin {
        BackendPlugin(
            id: id, displayName: id.capitalized, recognizes: { $0[marker] != nil }, templateKeys: [marker],
            configure: { template, _ in
                guard template.url(named: "incident") != nil else {
                    return BackendSetup(failing: [TemplateIssue(.error, path: "urls", "needs an entry named incident")])
                }
                return BackendSetup { (_) throws(ConnectorError) -> any TicketBackend in throw .internal("not used") }
            })
    }

    let registry = BackendRegistry([plugin("alpha", marker: "alphaKey"), plugin("beta", marker: "betaKey")])

    func write(_ text: String, name: String = "t.json") throws -> (TemplateLoader, String) {
        let directory = NSTemporaryDirectory() + "templates-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        return (TemplateLoader(registry: registry, directory: directory), directory)
    }

    func loadError(_ text: String) throws -> ConnectorError? {
        let (loader, _) = try write(text)
        do {
            _ = try loader.load("t.json", config: ConnectorConfig())
            return nil
        } catch {
            return error
        }
    }

    @Test("the backend comes from \"connector\", else from the template's shape")
    func choosesBackend() throws {
        let (loader, directory) = try write(#"{"betaKey": 1, "urls": [{"name": "Incident", "value": "api/x"}]}"#)
        #expect(try loader.load("t.json", config: ConnectorConfig()).plugin.id == "beta")
        try #"{"connector": "alpha", "betaKey": 1, "urls": [{"name": "incident", "value": "x"}]}"#
            .write(toFile: directory + "/named.json", atomically: true, encoding: .utf8)
        #expect(try loader.load("named", config: ConnectorConfig()).plugin.id == "alpha")
        #expect(try loader.load(directory + "/named.json", config: ConnectorConfig()).plugin.id == "alpha")
    }

    @Test(
        "-t finds a name ignoring case when one file matches, and a relative path from the install directory, Windows separators included")
    func templatePaths() throws {
        let install = NSTemporaryDirectory() + "install-\(UUID().uuidString)"
        let templates = install + "/templates"
        try FileManager.default.createDirectory(atPath: templates, withIntermediateDirectories: true)
        try "{}".write(toFile: templates + "/servicenow.json", atomically: false, encoding: .utf8)
        let loader = TemplateLoader(registry: registry, directory: templates)
        #expect(loader.path(for: "ServiceNow.json") == templates + "/servicenow.json")
        #expect(loader.path(for: "SERVICENOW") == templates + "/servicenow.json")
        #expect(loader.path(for: "templates/servicenow.json") == templates + "/servicenow.json", "relative to the install directory")
        #if !os(Windows)
            #expect(loader.path(for: "templates\\servicenow") == templates + "/servicenow.json")
        #endif
        // Two files that differ only in case: no guess.
        try "{}".write(toFile: templates + "/ServiceNow.JSON", atomically: false, encoding: .utf8)
        #expect(loader.path(for: "SERVICENOW.json") == templates + "/SERVICENOW.json")
    }

    @Test("a template no plugin recognises lists the known backends (exit 78)")
    func unknownBackend() throws {
        let error = try #require(try loadError(#"{"something": 1}"#))
        #expect(error.exitCode == .configuration)
        #expect(error.message.contains("alpha, beta"))
        let named = try #require(try loadError(#"{"connector": "jira"}"#))
        #expect(named.message.contains("\"jira\""))
    }

    @Test(
        "validation errors name the file and the JSON path",
        arguments: [
            (#"{"alphaKey": 1, "urls": [{"name": "incident", "value": 5}]}"#, "urls[0].value"),
            (
                #"{"alphaKey": 1, "urls": [{"name": "incident", "value": "x"}], "rules": {"includeTagRouting": "yes"}}"#,
                "rules.includeTagRouting"
            ),
            (#"{"alphaKey": 1, "urls": [{"name": "incident", "value": "x"}], "attributes": [{"value": "x"}]}"#, "attributes[0].name"),
            (
                #"{"alphaKey": 1, "urls": [{"name": "incident", "value": "x"}], "workingHours": {"monday": {"start": "8am", "stop": "1900"}}}"#,
                "workingHours.monday.start"
            ),
            (#"{"alphaKey": 1, "urls": [{"name": "incident", "value": "x"}], "tags": [{"indicatorValue": "X"}]}"#, "tags[0].indicator"),
            (#"{"alphaKey": 1, "urls": [{"name": "incident", "value": "x"}], "address": {"value": "not a host"}}"#, "address.value"),
            (#"{"alphaKey": 1}"#, "urls: needs an entry named incident"),
            (#"{"alphaKey": 1, "rules": {"submitSingleIncidentPerDay": daily}}"#, "line 1 column 57"),
        ])
    func pathInMessage(text: String, path: String) throws {
        let error = try #require(try loadError(text))
        #expect(error.exitCode == .configuration)
        #expect(error.message.contains("t.json"))
        #expect(error.message.contains(path), "message was: \(error.message)")
    }

    @Test("the 2024 SMA Summit sample's bare `day` rule value (sma-connectors.md §14.8) loads as true, with a warning naming file and rule")
    func bareDayRule() throws {
        let (loader, _) = try write(
            """
            {"alphaKey": 1, "urls": [{"name": "incident", "value": "x"}],
             "rules": {"includeTagRouting": false, "submitSingleIncidentPerDay": day,
                       "includeJobLogAttachment" :day }}
            """)
        var config = ConnectorConfig()
        config.general.dailyStartHour = 7  // the once-per-day rule needs it
        let loaded = try loader.load("t.json", config: config)
        #expect(loaded.template.rule("submitSingleIncidentPerDay", default: false))
        #expect(loaded.template.rule("includeJobLogAttachment", default: false))
        #expect(!loaded.template.rule("includeTagRouting", default: true))
        let warnings = loaded.warnings.filter { $0.contains("bare word day") }
        #expect(warnings.count == 2, "\(loaded.warnings)")
        #expect(warnings.allSatisfy { $0.contains("t.json") }, "\(warnings)")
        #expect(warnings.contains { $0.contains("rules.submitSingleIncidentPerDay") }, "\(warnings)")
        #expect(warnings.contains { $0.contains("rules.includeJobLogAttachment") }, "\(warnings)")
        #expect(loaded.template.raw["rules"]?["submitSingleIncidentPerDay"] == .bool(true))
        // The parser itself stays strict.
        #expect(throws: JSONParseError.self) { try JSONValue.parse(#"{"rules": {"submitSingleIncidentPerDay": day}}"#) }
    }

    @Test(
        "anything but a bare `day` as a rule's value is still a JSON error naming the file and where it is, in the file as written",
        arguments: [
            (#"{"alphaKey": 1, "rules": {"submitSingleIncidentPerDay": Day}}"#, "line 1 column 57"),
            (#"{"alphaKey": 1, "rules": [day]}"#, "line 1 column 27"),
            (#"{"alphaKey": 1, "tags": [{"rules": {"a": day}}]}"#, "line 1 column 42"),
            // The rule is repaired, the same word outside rules is not: the error points at that one.
            (#"{"alphaKey": 1, "rules": {"a": day}, "address": {"value": day}}"#, "line 1 column 59"),
            // A later mistake on the same line is placed as in the file, not as in the repaired text.
            (#"{"alphaKey": 1, "rules": {"a": day}, "urls": [tru]}"#, "line 1 column 47"),
            (#"{"alphaKey": 1, "rules": {"a": day, "b": day}"#, "line 1 column 46"),
            ("{\"alphaKey\": 1,\n \"rules\": {\"a\": day},\n \"x\": day}", "line 3 column 7"),
        ])
    func unrepairableJSON(text: String, position: String) throws {
        let error = try #require(try loadError(text))
        #expect(error.exitCode == .configuration)
        #expect(error.message.contains("t.json"), "message was: \(error.message)")
        #expect(error.message.contains("is not valid JSON"), "message was: \(error.message)")
        #expect(error.message.contains(position), "message was: \(error.message)")
    }

    @Test("unknown keys and plain http are warnings, not errors")
    func warnings() throws {
        let (loader, _) = try write(
            #"{"alphaKey": 1, "mystery": true, "address": {"value": "http://127.0.0.1:8080"}, "urls": [{"name": "incident", "value": "x"}]}"#
        )
        let loaded = try loader.load("t.json", config: ConnectorConfig())
        #expect(loaded.warnings.contains { $0.contains("mystery") })
        #expect(loaded.warnings.contains { $0.contains("plain http") })
    }

    @Test("common parts are parsed: rules, urls, working hours, tags")
    func commonParts() throws {
        let (loader, _) = try write(
            #"""
            {"alphaKey": 1, "address": {"name": "prod", "value": "acme.example.com"},
             "rules": {"includeTagRouting": true},
             "urls": [{"name": "incident", "value": "api/now/table/incident"}],
             "workingHours": {"monday": {"start": "0800", "stop": "1900"}, "sunday": {"start": "0000", "stop": "0000"}},
             "tags": [{"indicator": "tag_start", "indicatorValue": "ROUTE", "attribute": "group", "value": "Ops"}]}
            """#)
        let template = try loader.load("t.json", config: ConnectorConfig()).template
        #expect(template.rule("includeTagRouting", default: false))
        #expect(template.url(named: "INCIDENT") == "api/now/table/incident")
        #expect(template.workingHours?[2] == WorkingWindow(start: 480, stop: 1140))
        #expect(template.workingHours?[1]?.isNonWorkingDay == true)
        #expect(template.tags.first?.indicator == "TAG_START")
        #expect(ServiceAddress(template.address!)?.baseURL == "https://acme.example.com")
    }

    @Test("a missing template names the file and the setting to check")
    func missing() throws {
        let loader = TemplateLoader(registry: registry, directory: "/nonexistent")
        #expect(
            throws: ConnectorError.configuration(
                "Template /nonexistent/basic.json does not exist: check -t and TEMPLATES_DIRECTORY in Connector.config.")
        ) {
            try loader.load("basic.json", config: ConnectorConfig())
        }
    }

    @Test("ServiceAddress: host[:port] means https; full URLs are used as given, never doubled")
    func serviceAddress() {
        #expect(ServiceAddress("acme.service-now.com")?.baseURL == "https://acme.service-now.com")
        #expect(
            ServiceAddress("127.0.0.1:8443")?.url(forPath: "/api/now/table/incident")?.absoluteString
                == "https://127.0.0.1:8443/api/now/table/incident")
        #expect(
            ServiceAddress("http://127.0.0.1:9000/")?.url(forPath: "api_integration/x")?.absoluteString
                == "http://127.0.0.1:9000/api_integration/x")
        #expect(ServiceAddress("http://127.0.0.1:9000")?.isPlainHTTP == true)
        #expect(ServiceAddress("") == nil)
    }

    @Test("submitSingleIncidentPerDay needs DAILY_START_HOUR in Connector.config, whatever the backend")
    func singleIncidentPerDayNeedsTheStartHour() throws {
        let text = #"{"alphaKey": 1, "urls": [{"name": "incident", "value": "x"}], "rules": {"submitSingleIncidentPerDay": true}}"#
        let error = try loadError(text)
        #expect(error?.message.contains("rules.submitSingleIncidentPerDay: needs DAILY_START_HOUR (0-23) in the [GENERAL] section") == true)
        let (loader, _) = try write(text)
        var config = ConnectorConfig()
        config.general.dailyStartHour = 7
        #expect(try loader.load("t.json", config: config).template.rule("submitSingleIncidentPerDay", default: false))
    }
}
