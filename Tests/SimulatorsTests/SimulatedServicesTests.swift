import ConnectorKit
import Foundation
import Simulators
import Testing

@Suite("Simulated services")
struct SimulatedServicesTests {
    @Test("OpCon, ServiceNow and Summit start on ports of their own and today's demo jobs are seeded")
    func startsAllThreeAndSeedsTodaysDemoJobs() throws {
        let services = SimulatedServices()
        try services.start()
        defer { services.stop() }
        let ports = [services.opcon.port, services.serviceNow.port, services.summit.port].compactMap { $0 }
        #expect(Set(ports).count == 3)
        #expect(try call("GET", services.opcon.baseURL + "/api/version").status == 200)

        let jobs = services.demoJobs
        #expect(jobs.count == 3)
        #expect(jobs.contains { $0.tags.contains("NOTICKET") })
        let today = Calendar.current.dateComponents([.year, .month, .day], from: Date())
        let day = String(format: "%04d-%02d-%02d", today.year!, today.month!, today.day!)
        for job in jobs {
            #expect(job.date == day)
            #expect(job.id == "\(day.replacingOccurrences(of: "-", with: ""))|\(job.scheduleID)|\(job.instance)|\(job.job)")
            let stored = try #require(services.opcon.job(job.id))
            #expect(stored["startMachine"]?["name"] == .string(job.agent))
            #expect(stored["terminationDescription"] == .string(job.termination))
            #expect(stored["status"]?["category"] == "Failed")
        }
        // Starting again after a stop keeps the seeded jobs rather than adding more.
        services.stop()
        try services.start()
        #expect(services.demoJobs.count == 3)
        #expect(services.opcon.jobIDs.count == 3)
    }

    @Test("the services listen on consecutive ports from a base port")
    func listensOnConsecutivePortsFromABasePort() throws {
        // A free port found by the system; its neighbours are very likely free too, so try a few.
        for _ in 0..<5 {
            let probe = HTTPServer { _ in SimResponse(status: 200) }
            let base = try probe.start()
            probe.stop()
            guard base < 65_000 else { continue }
            let services = SimulatedServices()
            guard (try? services.start(basePort: base)) != nil else { continue }
            defer { services.stop() }
            #expect(services.opcon.port == base)
            #expect(services.serviceNow.port == base + 1)
            #expect(services.summit.port == base + 2)
            #expect(services.jira.port == base + 3)
            return
        }
        Issue.record("no four consecutive free ports found")
    }

    @Test("the Connector.config reads back through the connector's loader")
    func theConfigReadsBackThroughTheConnectorsLoader() throws {
        let services = SimulatedServices()
        try services.start(seedDemoJobs: false)
        defer { services.stop() }
        let text = services.connectorConfig(templatesDirectory: "tmpl", jobLogDirectory: "logs", dailyStartHour: 6)
        let config = try ConnectorConfigLoader.parse(text: text, path: "Connector.config")
        #expect(config.warnings.isEmpty)
        #expect(config.opcon.server == "127.0.0.1")
        #expect(config.opcon.port == services.opcon.port)
        #expect(config.opcon.usesTLS == false)
        #expect(SMAEncoding.decode(config.opcon.token) == services.opcon.token)
        #expect(config.opcon.correlationAddress == "127.0.0.1:\(services.opcon.port!)")
        #expect(config.general.templatesDirectory == "tmpl")
        #expect(config.general.jobLogDirectory == "logs")
        #expect(config.general.dailyStartHour == 6)
        #expect(config.defaults.count == 9)
    }

    @Test("the templates point at the simulators, with their credentials")
    func theTemplatesPointAtTheSimulatorsWithTheirCredentials() throws {
        let services = SimulatedServices()
        try services.start(seedDemoJobs: false)
        defer { services.stop() }

        let serviceNow = try JSONValue.parse(services.serviceNowTemplate(rules: ["alwaysCreateNewTicket": true]))
        #expect(serviceNow["address"]?["value"] == .string(services.serviceNow.baseURL))
        #expect(
            ServiceAddress(serviceNow["address"]?["value"]?.stringValue ?? "")?.url(forPath: "api/now/table/incident")?.absoluteString
                == services.serviceNow.baseURL + "/api/now/table/incident")
        #expect(SMAEncoding.decode(serviceNow["credentials"]?["user"]?.stringValue ?? "") == services.serviceNow.settings.user)
        #expect(SMAEncoding.decode(serviceNow["credentials"]?["password"]?.stringValue ?? "") == services.serviceNow.settings.password)
        #expect(serviceNow["rules"]?["alwaysCreateNewTicket"] == true)
        #expect(serviceNow["rules"]?["includeCorrelationId"] == true)
        #expect(serviceNow["parseNotations"]?.arrayValue?.isEmpty == false)
        let attributes = serviceNow["attributes"]?.arrayValue ?? []
        #expect(attributes.contains { $0["name"] == "correlation_display" && $0["value"] == "SMA_OPCON" })

        let summit = try JSONValue.parse(services.summitTemplate(rules: ["submitSingleIncidentPerDay": true]))
        #expect(summit["address"]?["value"] == .string(services.summit.baseURL))
        #expect(SMAEncoding.decode(summit["credentials"]?["apiKey"]?.stringValue ?? "") == services.summit.settings.apiKey)
        #expect(summit["rules"]?["submitSingleIncidentPerDay"] == true)
        let urls = summit["urls"]?.arrayValue ?? []
        let incidentPath = try #require(urls.first { $0["name"] == "incident" }?["value"]?.stringValue)
        let viewPattern = try #require(urls.first { $0["name"] == "viewIncident" }?["value"]?.stringValue)
        // The rendered endpoint is one the Summit simulator serves.
        let probe = try call("POST", services.summit.baseURL + "/" + incidentPath, json: ["ServiceName": "Nope"])
        #expect(probe.status == 200 && probe.body.isEmpty)
        let view = viewPattern.replacingOccurrences(of: "{0}", with: summit["viewAddress"]?["value"]?.stringValue ?? "")
            .replacingOccurrences(of: "{1}", with: "1")
        #expect(view.hasPrefix(services.summit.baseURL + "/"))
    }

    @Test("ServiceNow calls back the simulated OpCon at the configured address")
    func serviceNowCallsBackTheSimulatedOpConAtTheConfiguredAddress() throws {
        let services = SimulatedServices()
        try services.start()
        defer { services.stop() }
        let job = try #require(services.demoJobs.first)
        let config = try ConnectorConfigLoader.parse(text: services.connectorConfig(), path: "Connector.config")
        let incident = try services.serviceNow.createIncident([
            "short_description": "failed", "correlation_display": "SMA_OPCON",
            "correlation_id": "\(config.opcon.correlationAddress),\(job.id)",
        ])
        try services.serviceNow.setState("2", of: incident["number"]!)
        #expect(services.serviceNow.waitForCallbacks())
        #expect(services.serviceNow.callbacks.first?.status == 200)
        #expect(services.opcon.status(of: job.id) == .underReview)
    }

    @Test("the Jira template names its backend and points at the simulated site")
    func theJiraTemplateNamesItsBackendAndPointsAtTheSimulatedSite() throws {
        let services = SimulatedServices()
        try services.start(seedDemoJobs: false)
        defer { services.stop() }
        #expect(try call("GET", services.jira.baseURL + "/rest/api/3/serverInfo").status == 200)
        let cloud = try JSONValue.parse(services.jiraTemplate())
        #expect(cloud["connector"] == "jira")
        #expect(cloud["address"]?["value"] == .string(services.jira.baseURL))
        #expect(cloud["variables"]?["projectKey"] == "OPS" && cloud["variables"]?["apiVersion"] == 3)
        #expect(cloud["variables"]?["serviceDeskId"] == nil)
        #expect(cloud["credentials"]?["user"]?.stringValue.flatMap(SMAEncoding.decode) == "svc-opcon@example.com")
        #expect(cloud["credentials"]?["token"]?.stringValue.flatMap(SMAEncoding.decode) == "Sim-Jira-Token-123")

        let desk = try JSONValue.parse(services.jiraTemplate(serviceDesk: true))
        #expect(desk["variables"]?["serviceDeskId"] == "1" && desk["variables"]?["requestTypeId"] == "10")

        services.jira.settings.deployment = .dataCenter
        let dataCenter = try JSONValue.parse(services.jiraTemplate())
        #expect(dataCenter["variables"]?["apiVersion"] == 2)
        #expect(dataCenter["credentials"]?["user"] == nil)
        #expect(dataCenter["credentials"]?["token"]?.stringValue.flatMap(SMAEncoding.decode) == "Sim-Jira-PAT-456")
    }
}
