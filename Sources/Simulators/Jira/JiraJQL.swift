import Foundation

/// The JQL subset the connector's contract uses, parsed strictly: anything outside it is refused with a 400 in
/// Jira's shape rather than silently matching too much (a too-broad correlation search would adopt a wrong issue).
///
/// Grammar (keywords in any case, values bare or quoted with `"` or `'`):
///
///     query   := [clause {AND clause}] [ORDER BY sort {, sort}]
///     clause  := field (= | !=) value | field [NOT] IN ( value {, value} ) | field IS [NOT] (EMPTY | NULL)
///     field   := project | labels | statusCategory | status | resolution | key | issuekey | issuetype | type
///     sort    := (created | updated | resolutiondate | key) [ASC | DESC]
struct JQLQuery: Equatable {
    enum Field: String, CaseIterable {
        case project, labels
        case statusCategory = "statuscategory"
        case status, resolution, key
        case issueType = "issuetype"
    }

    enum Clause: Equatable {
        /// `field = value` or, `negated`, `field != value`.
        case equals(Field, String, negated: Bool)
        /// `field IN (...)` or `field NOT IN (...)`.
        case member(Field, [String], negated: Bool)
        /// `field IS EMPTY` or `field IS NOT EMPTY`.
        case empty(Field, negated: Bool)

        var field: Field {
            switch self {
            case .equals(let field, _, _), .member(let field, _, _), .empty(let field, _): return field
            }
        }
    }

    enum SortField: String, CaseIterable { case created, updated, resolutiondate, key }

    var clauses: [Clause] = []
    var ordering: [(field: SortField, ascending: Bool)] = []

    static func == (lhs: JQLQuery, rhs: JQLQuery) -> Bool {
        lhs.clauses == rhs.clauses && lhs.ordering.map(\.field) == rhs.ordering.map(\.field)
            && lhs.ordering.map(\.ascending) == rhs.ordering.map(\.ascending)
    }

    /// Whether the query restricts the issues at all (`search/jql` refuses a bare `ORDER BY`).
    var isBounded: Bool { !clauses.isEmpty }
}

/// Why a JQL text was refused; the message goes into `errorMessages`.
struct JQLError: Error, Equatable {
    var message: String
}

/// Tokens of a JQL text.
private enum JQLToken: Equatable {
    /// A bare word (field, keyword or unquoted value).
    case word(String)
    /// A quoted value; quotes make a keyword an ordinary value.
    case quoted(String)
    /// `=`, `!=`, `(`, `)`, `,`, or an operator outside the subset (`~`, `<`, ...).
    case symbol(String)

    var text: String {
        switch self {
        case .word(let text), .symbol(let text): return text
        case .quoted(let text): return "\"\(text)\""
        }
    }

    func isKeyword(_ keyword: String) -> Bool {
        if case .word(let text) = self { return text.lowercased() == keyword }
        return false
    }
}

enum JQLParser {
    /// Jira's text fields: they exist but support `~` only, so `summary = x` gets Jira's own refusal.
    private static let textFields: Set<String> = ["summary", "description", "environment", "comment", "text"]

    static func parse(_ text: String) throws(JQLError) -> JQLQuery {
        var tokens = try tokenize(text)[...]
        var query = JQLQuery()
        if let first = tokens.first, !first.isKeyword("order") {
            while true {
                query.clauses.append(try clause(&tokens))
                guard let next = tokens.first else { break }
                if next.isKeyword("and") {
                    tokens.removeFirst()
                    continue
                }
                if next.isKeyword("order") { break }
                if next.isKeyword("or") || next.isKeyword("not") {
                    throw JQLError(message: "The simulator's JQL supports AND only; '\(next.text)' is not supported.")
                }
                throw JQLError(message: "Error in the JQL Query: Expecting either 'OR' or 'AND' but got '\(next.text)'.")
            }
        }
        if let next = tokens.first, next.isKeyword("order") {
            tokens.removeFirst()
            guard tokens.popFirst()?.isKeyword("by") == true else {
                throw JQLError(message: "Error in the JQL Query: Expecting 'by' after 'order'.")
            }
            repeat {
                guard case .word(let name)? = tokens.popFirst() else {
                    throw JQLError(message: "Error in the JQL Query: Expecting a field name after 'order by'.")
                }
                guard let field = JQLQuery.SortField(rawValue: name.lowercased()) else {
                    throw JQLError(message: "Not able to sort using field '\(name)'.")
                }
                var ascending = true
                if tokens.first?.isKeyword("asc") == true {
                    tokens.removeFirst()
                } else if tokens.first?.isKeyword("desc") == true {
                    tokens.removeFirst()
                    ascending = false
                }
                query.ordering.append((field, ascending))
            } while tokens.first == .symbol(",") && tokens.popFirst() != nil
        }
        if let extra = tokens.first {
            throw JQLError(message: "Error in the JQL Query: Unexpected '\(extra.text)' at the end of the query.")
        }
        return query
    }

    private static func clause(_ tokens: inout ArraySlice<JQLToken>) throws(JQLError) -> JQLQuery.Clause {
        guard let head = tokens.popFirst() else { throw JQLError(message: "Error in the JQL Query: The query ends too soon.") }
        let name: String
        switch head {
        case .word(let text), .quoted(let text): name = text
        case .symbol(let symbol):
            if symbol == "(" { throw JQLError(message: "The simulator's JQL does not support parentheses.") }
            throw JQLError(message: "Error in the JQL Query: Expecting a field name but got '\(symbol)'.")
        }
        let lowered = name.lowercased()
        let operatorToken = tokens.popFirst()
        guard let field = JQLQuery.Field(rawValue: lowered == "issuekey" ? "key" : lowered == "type" ? "issuetype" : lowered) else {
            if textFields.contains(lowered), let operatorToken {
                throw JQLError(message: "The operator '\(operatorToken.text)' is not supported by the '\(name)' field.")
            }
            throw JQLError(message: "Field '\(name)' does not exist or you do not have permission to view it.")
        }
        switch operatorToken {
        case .symbol("=")?, .symbol("!=")?:
            return .equals(field, try value(&tokens, after: operatorToken!.text), negated: operatorToken == .symbol("!="))
        case let token? where token.isKeyword("in"):
            return .member(field, try list(&tokens), negated: false)
        case let token? where token.isKeyword("not"):
            guard tokens.popFirst()?.isKeyword("in") == true else {
                throw JQLError(message: "Error in the JQL Query: Expecting 'IN' after 'NOT'.")
            }
            return .member(field, try list(&tokens), negated: true)
        case let token? where token.isKeyword("is"):
            var negated = false
            if tokens.first?.isKeyword("not") == true {
                tokens.removeFirst()
                negated = true
            }
            guard let empty = tokens.popFirst(), empty.isKeyword("empty") || empty.isKeyword("null") else {
                throw JQLError(message: "Error in the JQL Query: Expecting 'EMPTY' or 'NULL' after 'IS'.")
            }
            return .empty(field, negated: negated)
        case let token?:
            throw JQLError(message: "The operator '\(token.text)' is not supported by the simulator's JQL for the '\(name)' field.")
        case nil:
            throw JQLError(message: "Error in the JQL Query: Expecting an operator after '\(name)'.")
        }
    }

    private static func value(_ tokens: inout ArraySlice<JQLToken>, after operatorText: String) throws(JQLError) -> String {
        switch tokens.popFirst() {
        case .quoted(let text)?: return text
        case .word(let text)? where !["and", "or", "order", "empty", "null"].contains(text.lowercased()): return text
        case let token?:
            throw JQLError(message: "Error in the JQL Query: Expecting a value after '\(operatorText)' but got '\(token.text)'.")
        case nil: throw JQLError(message: "Error in the JQL Query: Expecting a value after '\(operatorText)'.")
        }
    }

    private static func list(_ tokens: inout ArraySlice<JQLToken>) throws(JQLError) -> [String] {
        guard tokens.popFirst() == .symbol("(") else { throw JQLError(message: "Error in the JQL Query: Expecting '(' after 'IN'.") }
        var values: [String] = []
        while true {
            values.append(try value(&tokens, after: values.isEmpty ? "(" : ","))
            switch tokens.popFirst() {
            case .symbol(",")?: continue
            case .symbol(")")?: return values
            default: throw JQLError(message: "Error in the JQL Query: Expecting ',' or ')' in the value list.")
            }
        }
    }

    private static func tokenize(_ text: String) throws(JQLError) -> [JQLToken] {
        var tokens: [JQLToken] = []
        var characters = Array(text)[...]
        let separators: Set<Character> = ["=", "!", "(", ")", ",", "\"", "'", "~", "<", ">"]
        while let character = characters.first {
            if character.isWhitespace {
                characters.removeFirst()
            } else if character == "\"" || character == "'" {
                characters.removeFirst()
                var value = ""
                var closed = false
                while let next = characters.popFirst() {
                    if next == character {
                        closed = true
                        break
                    }
                    if next == "\\", let escaped = characters.popFirst() {
                        value.append(escaped)
                    } else {
                        value.append(next)
                    }
                }
                guard closed else {
                    throw JQLError(message: "Error in the JQL Query: The quoted string '\(value)' has not been completed.")
                }
                tokens.append(.quoted(value))
            } else if character == "!" {
                characters.removeFirst()
                if characters.first == "=" {
                    characters.removeFirst()
                    tokens.append(.symbol("!="))
                } else if characters.first == "~" {
                    characters.removeFirst()
                    tokens.append(.symbol("!~"))
                } else {
                    throw JQLError(message: "Error in the JQL Query: The character '!' must be followed by '=' or '~'.")
                }
            } else if character == "<" || character == ">" {
                characters.removeFirst()
                var symbol = String(character)
                if characters.first == "=" { symbol.append(characters.removeFirst()) }
                tokens.append(.symbol(symbol))
            } else if separators.contains(character) {
                characters.removeFirst()
                tokens.append(.symbol(String(character)))
            } else {
                var word = ""
                while let next = characters.first, !next.isWhitespace, !separators.contains(next) {
                    word.append(characters.removeFirst())
                }
                tokens.append(.word(word))
            }
        }
        return tokens
    }
}

extension JQLQuery {
    /// Checks the values against what the site has: an unknown project, status, category, resolution or issue
    /// type is a 400 in Jira (labels and keys may be anything).
    func validate(projects: [JiraProject], workflow: JiraWorkflow) throws(JQLError) {
        for clause in clauses {
            let values: [String]
            switch clause {
            case .equals(_, let value, _): values = [value]
            case .member(_, let list, _): values = list
            case .empty: values = []
            }
            for value in values {
                let known: Bool
                switch clause.field {
                case .project:
                    known = projects.contains { [$0.key.lowercased(), $0.name.lowercased(), $0.id].contains(value.lowercased()) }
                case .statusCategory: known = JiraStatusCategory(jql: value) != nil
                case .status: known = workflow.status(jql: value) != nil
                case .resolution: known = workflow.resolution(named: value) != nil
                case .issueType: known = projects.contains { $0.issueTypes.contains { $0.lowercased() == value.lowercased() } }
                case .labels, .key: known = true
                }
                if !known {
                    throw JQLError(message: "The value '\(value)' does not exist for the field '\(clause.field.rawValue)'.")
                }
            }
        }
    }

    /// Whether `issue` satisfies every clause.
    func matches(_ issue: JiraIssue, projects: [JiraProject]) -> Bool {
        clauses.allSatisfy { clause in
            let values = Self.values(of: clause.field, in: issue, projects: projects)
            switch clause {
            case .equals(let field, let wanted, let negated):
                return Self.contains(values, wanted, field: field, issue: issue) != negated
            case .member(let field, let wanted, let negated):
                return wanted.contains { Self.contains(values, $0, field: field, issue: issue) } != negated
            case .empty(_, let negated):
                return values.isEmpty == !negated
            }
        }
    }

    /// Labels compare exactly; everything else without regard to case.
    private static func contains(_ values: [String], _ wanted: String, field: Field, issue: JiraIssue) -> Bool {
        switch field {
        case .labels: return values.contains(wanted)
        case .statusCategory:
            return JiraStatusCategory(jql: wanted) == issue.status.category
        default: return values.contains { $0.lowercased() == wanted.lowercased() }
        }
    }

    /// The values an issue has for a field, in every form JQL may name them by.
    private static func values(of field: Field, in issue: JiraIssue, projects: [JiraProject]) -> [String] {
        switch field {
        case .project:
            let project = projects.first { $0.key == issue.projectKey }
            return [issue.projectKey] + (project.map { [$0.name, $0.id] } ?? [])
        case .labels: return issue.labels
        case .statusCategory: return [issue.status.category.rawValue]
        case .status: return [issue.status.name, issue.status.id]
        case .resolution: return issue.resolution.map { [$0] } ?? []
        case .key: return [issue.key, String(issue.id)]
        case .issueType: return [issue.issueType]
        }
    }

    /// The issues in the query's order (created ascending, then id, when no order is given).
    func sorted(_ issues: [JiraIssue]) -> [JiraIssue] {
        issues.sorted { left, right in
            for (field, ascending) in ordering {
                let order: ComparisonResult
                switch field {
                case .created: order = Self.compare(left.created, right.created)
                case .updated: order = Self.compare(left.updated, right.updated)
                case .resolutiondate: order = Self.compare(left.resolutionDate ?? .distantFuture, right.resolutionDate ?? .distantFuture)
                case .key:
                    order =
                        left.projectKey == right.projectKey
                        ? Self.compare(left.id, right.id) : Self.compare(left.projectKey, right.projectKey)
                }
                if order != .orderedSame { return ascending ? order == .orderedAscending : order == .orderedDescending }
            }
            return left.id < right.id
        }
    }

    private static func compare<T: Comparable>(_ left: T, _ right: T) -> ComparisonResult {
        left < right ? .orderedAscending : left > right ? .orderedDescending : .orderedSame
    }
}
