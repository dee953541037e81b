import ConnectorKit
import Foundation

/// A refusal in the platform's ErrorCollection shape: `{"errorMessages": [...], "errors": {"field": "message"}}`.
public struct JiraRejection: Error, Sendable, Equatable {
    public var status: Int
    public var errorMessages: [String]
    public var errors: [String: String]

    public init(status: Int = 400, errorMessages: [String] = [], errors: [String: String] = [:]) {
        self.status = status
        self.errorMessages = errorMessages
        self.errors = errors
    }

    /// The one 404 for an issue that is missing or that the caller may not see.
    static let issueNotFound = JiraRejection(status: 404, errorMessages: ["Issue does not exist or you do not have permission to see it."])

    /// Every message, the field ones prefixed by their field (for single-message envelopes such as JSM's).
    var joinedMessage: String {
        (errorMessages + errors.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }).joined(separator: " ")
    }
}

/// A comment as stored; the body is kept as a document whatever the API it came through.
public struct JiraComment: Sendable, Equatable {
    public var id: Int
    public var body: JSONValue
    /// Whether a JSM customer sees it (`jsdPublic`); an internal comment is false.
    public var isPublic: Bool
    public var author: String
    public var created: Date

    /// The body as plain text.
    public var text: String { AtlassianDocument.plainText(of: body) }
}

/// An attached file, byte for byte as uploaded.
public struct JiraAttachment: Sendable, Equatable {
    public var id: Int
    public var fileName: String
    public var mimeType: String
    public var data: Data
    public var author: String
    public var created: Date
}

/// An issue as stored.
public struct JiraIssue: Sendable, Equatable {
    public var id: Int
    public var key: String
    public var projectKey: String
    public var issueType: String
    public var summary: String
    /// The description as a document (nil: none given).
    public var description: JSONValue?
    public var status: JiraStatus
    public var resolution: String?
    public var resolutionDate: Date?
    public var priority: String
    public var labels: [String]
    public var components: [String]
    /// `customfield_N` values as sent.
    public var customFields: [String: JSONValue]
    /// Issue entity properties (`properties` of the create body).
    public var properties: [String: JSONValue]
    public var created: Date
    public var updated: Date
    /// Set when created through the JSM request API.
    public var serviceDeskID: String?
    public var requestTypeID: String?
    public var reporter: String
    public var comments: [JiraComment] = []
    public var attachments: [JiraAttachment] = []

    /// The description as plain text ("" when none).
    public var descriptionText: String { description.map(AtlassianDocument.plainText(of:)) ?? "" }
}

/// A project of the simulated site and what its create screen accepts.
public struct JiraProject: Sendable, Equatable {
    public var id: String
    public var key: String
    public var name: String
    public var issueTypes: [String]
    public var components: [String]
    public var priorities: [String]
    /// The priority of an issue created without one.
    public var defaultPriority: String

    public init(
        id: String = "10000", key: String = "OPS", name: String = "Operations",
        issueTypes: [String] = ["Incident", "Service Request", "Task", "Bug"],
        components: [String] = ["Batch", "Database", "Network"],
        priorities: [String] = ["Highest", "High", "Medium", "Low", "Lowest"], defaultPriority: String = "Medium"
    ) {
        self.id = id
        self.key = key
        self.name = name
        self.issueTypes = issueTypes
        self.components = components
        self.priorities = priorities
        self.defaultPriority = defaultPriority
    }
}

/// A JSM service desk (one per project) and its request types.
public struct JiraServiceDesk: Sendable, Equatable {
    public struct RequestType: Sendable, Equatable {
        public var id: String
        public var name: String
        /// The issue type a request of this type becomes.
        public var issueType: String
        /// The field ids the request type exposes; anything else in `requestFieldValues` is refused.
        public var fields: [String]

        public init(
            id: String, name: String, issueType: String,
            fields: [String] = ["summary", "description", "labels", "priority", "components"]
        ) {
            self.id = id
            self.name = name
            self.issueType = issueType
            self.fields = fields
        }
    }

    public var id: String
    public var projectKey: String
    public var requestTypes: [RequestType]

    public init(
        id: String = "1", projectKey: String = "OPS",
        requestTypes: [RequestType] = [RequestType(id: "10", name: "Report an incident", issueType: "Incident")]
    ) {
        self.id = id
        self.projectKey = projectKey
        self.requestTypes = requestTypes
    }
}

/// The fields of an issue to create, validated.
struct JiraNewIssue {
    var project: JiraProject
    var issueType: String
    var summary: String
    var description: JSONValue?
    var priority: String?
    var labels: [String] = []
    var components: [String] = []
    var customFields: [String: JSONValue] = [:]
    var properties: [String: JSONValue] = [:]
    var serviceDeskID: String?
    var requestTypeID: String?
}

/// Issues with their comments and attachments; numeric ids from 10000 and `<PROJECT>-<n>` keys per project.
struct JiraStore {
    private(set) var issues: [JiraIssue] = []
    private var nextIssueID = 10000
    private var nextNumber: [String: Int] = [:]
    private var nextCommentID = 10000
    private var nextAttachmentID = 10000

    mutating func create(_ new: JiraNewIssue, workflow: JiraWorkflow, reporter: String, now: Date = Date()) -> JiraIssue {
        let number = nextNumber[new.project.key, default: 1]
        nextNumber[new.project.key] = number + 1
        let status = workflow.status(named: workflow.initialStatus) ?? workflow.statuses[0]
        // Strictly increasing create times, so `ORDER BY created` is deterministic even within one millisecond.
        let created = max(now, (issues.last?.created ?? .distantPast).addingTimeInterval(0.001))
        let issue = JiraIssue(
            id: nextIssueID, key: "\(new.project.key)-\(number)", projectKey: new.project.key, issueType: new.issueType,
            summary: new.summary, description: new.description, status: status, resolution: nil, resolutionDate: nil,
            priority: new.priority ?? new.project.defaultPriority, labels: new.labels, components: new.components,
            customFields: new.customFields, properties: new.properties, created: created, updated: created,
            serviceDeskID: new.serviceDeskID, requestTypeID: new.requestTypeID, reporter: reporter)
        nextIssueID += 1
        issues.append(issue)
        return issue
    }

    /// An issue by key (any case, as Jira looks keys up) or by numeric id.
    func issue(_ keyOrID: String) -> JiraIssue? {
        issues.first { $0.key.lowercased() == keyOrID.lowercased() || String($0.id) == keyOrID }
    }

    private func index(of keyOrID: String) throws(JiraRejection) -> Int {
        guard let index = issues.firstIndex(where: { $0.key.lowercased() == keyOrID.lowercased() || String($0.id) == keyOrID }) else {
            throw JiraRejection.issueNotFound
        }
        return index
    }

    /// Applies transition `transitionID` if the issue's status offers it; `resolution` overrides the one it sets.
    mutating func transition(
        _ keyOrID: String, transitionID: String, resolution override: String? = nil,
        workflow: JiraWorkflow, now: Date = Date()
    ) throws(JiraRejection) -> JiraIssue {
        let index = try index(of: keyOrID)
        var issue = issues[index]
        guard let transition = workflow.transitions(from: issue.status.name).first(where: { $0.id == transitionID }),
            let target = workflow.status(named: transition.to)
        else {
            throw JiraRejection(errorMessages: ["Transition id '\(transitionID)' is not valid for this issue."])
        }
        issue.status = target
        switch transition.resolution {
        case .keep: break
        case .set(let name): issue.resolution = override ?? name
        case .keepOrSet(let name): issue.resolution = override ?? issue.resolution ?? name
        case .clear: issue.resolution = nil
        }
        issue.resolutionDate = issue.resolution == nil ? nil : (issue.resolutionDate ?? now)
        issue.updated = now
        issues[index] = issue
        return issue
    }

    mutating func addComment(
        to keyOrID: String, body: JSONValue, isPublic: Bool, author: String,
        now: Date = Date()
    ) throws(JiraRejection) -> JiraComment {
        let index = try index(of: keyOrID)
        let comment = JiraComment(id: nextCommentID, body: body, isPublic: isPublic, author: author, created: now)
        nextCommentID += 1
        issues[index].comments.append(comment)
        issues[index].updated = now
        return comment
    }

    mutating func attach(
        _ files: [(fileName: String, mimeType: String, data: Data)], to keyOrID: String, author: String,
        now: Date = Date()
    ) throws(JiraRejection) -> [JiraAttachment] {
        let index = try index(of: keyOrID)
        var added: [JiraAttachment] = []
        for file in files {
            added.append(
                JiraAttachment(
                    id: nextAttachmentID, fileName: file.fileName, mimeType: file.mimeType, data: file.data,
                    author: author, created: now))
            nextAttachmentID += 1
        }
        issues[index].attachments += added
        issues[index].updated = now
        return added
    }

    mutating func addLabels(_ labels: [String], to keyOrID: String, now: Date = Date()) throws(JiraRejection) -> JiraIssue {
        let index = try index(of: keyOrID)
        for label in labels where !issues[index].labels.contains(label) { issues[index].labels.append(label) }
        issues[index].updated = now
        return issues[index]
    }

    func attachment(_ id: Int) -> JiraAttachment? {
        issues.lazy.flatMap(\.attachments).first { $0.id == id }
    }
}
