import Foundation

/// A record of a simulated ServiceNow table: every value a string, as the Table API returns them.
public typealias ServiceNowRecord = [String: String]

/// ServiceNow's encoded query (`sysparm_query`), the subset real clients send:
/// `=`, `!=`, `LIKE`, `NOT LIKE`, `STARTSWITH`, `ENDSWITH`, `IN`, `NOT IN`, `ISEMPTY`, `ISNOTEMPTY`,
/// `EMPTYSTRING`, `ANYTHING`, `<`, `<=`, `>`, `>=`, `BETWEEN`; `^` AND, `^OR` OR, `^NQ` new query,
/// `ORDERBY`/`ORDERBYDESC`. Parts it cannot read are dropped, as the real instance does.
struct EncodedQuery {
    enum Operator: String, CaseIterable {
        case notLike = "NOT LIKE"
        case notIn = "NOT IN"
        case isNotEmpty = "ISNOTEMPTY"
        case emptyString = "EMPTYSTRING"
        case startsWith = "STARTSWITH"
        case endsWith = "ENDSWITH"
        case isEmpty = "ISEMPTY"
        case anything = "ANYTHING"
        case between = "BETWEEN"
        case like = "LIKE"
        case inList = "IN"
        case notEquals = "!="
        case lessOrEqual = "<="
        case greaterOrEqual = ">="
        case equals = "="
        case less = "<"
        case greater = ">"

        /// Longest spellings first, so `NOT LIKE` wins over `LIKE` and `<=` over `<`.
        static let bySpellingLength = allCases.sorted { $0.rawValue.count > $1.rawValue.count }

        var takesValue: Bool { ![.isEmpty, .isNotEmpty, .emptyString, .anything].contains(self) }
    }

    struct Term {
        var field: String
        var op: Operator
        var value: String
    }

    struct Ordering {
        var field: String
        var descending: Bool
    }

    /// `^NQ` groups, each a list of AND-ed clauses, each clause a list of OR-ed terms.
    private(set) var groups: [[[Term]]] = []
    private(set) var orderings: [Ordering] = []

    init(_ text: String) {
        for groupText in text.components(separatedBy: "^NQ") {
            var clauses: [[Term]] = []
            for part in groupText.components(separatedBy: "^") where !part.isEmpty && part != "EQ" {
                if part.hasPrefix("ORDERBYDESC") {
                    orderings.append(Ordering(field: String(part.dropFirst("ORDERBYDESC".count)), descending: true))
                } else if part.hasPrefix("ORDERBY") {
                    orderings.append(Ordering(field: String(part.dropFirst("ORDERBY".count)), descending: false))
                } else if part.hasPrefix("OR"), !clauses.isEmpty, let term = Self.term(String(part.dropFirst(2))) {
                    clauses[clauses.count - 1].append(term)
                } else if let term = Self.term(part) {
                    clauses.append([term])
                }
            }
            if !clauses.isEmpty { groups.append(clauses) }
        }
    }

    /// A query of `name=value` pairs, all AND-ed (the Table API's alternative to `sysparm_query`).
    init(equalities: [(String, String)]) {
        let clauses = equalities.map { [Term(field: $0.0, op: .equals, value: $0.1)] }
        if !clauses.isEmpty { groups = [clauses] }
    }

    /// Reads `<field><operator><value>`; nil when no operator follows a plausible field name.
    private static func term(_ text: String) -> Term? {
        let characters = Array(text)
        for start in characters.indices {
            guard start > 0 else { continue }
            for op in Operator.bySpellingLength {
                let spelling = Array(op.rawValue)
                guard start + spelling.count <= characters.count, Array(characters[start..<(start + spelling.count)]) == spelling else {
                    continue
                }
                let field = String(characters[..<start])
                guard field.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else { return nil }
                let value = String(characters[(start + spelling.count)...])
                if !op.takesValue && !value.isEmpty { return nil }
                return Term(field: field, op: op, value: value)
            }
        }
        return nil
    }

    /// Whether `record` matches. Terms on fields outside `knownFields` are ignored (the instance's
    /// default), or match nothing when `strictFields` is on (`glide.invalid_query.returns_no_rows`).
    func matches(_ record: ServiceNowRecord, knownFields: Set<String>, strictFields: Bool) -> Bool {
        guard !groups.isEmpty else { return true }
        return groups.contains { clauses in
            clauses.allSatisfy { alternatives in
                let usable = alternatives.filter { knownFields.contains($0.field) }
                if usable.count < alternatives.count && strictFields { return false }
                return usable.isEmpty || usable.contains { Self.evaluate($0, record[$0.field] ?? "") }
            }
        }
    }

    private static func evaluate(_ term: Term, _ value: String) -> Bool {
        let wanted = term.value
        switch term.op {
        case .equals: return value == wanted
        case .notEquals: return value != wanted
        case .like: return value.lowercased().contains(wanted.lowercased())
        case .notLike: return !value.lowercased().contains(wanted.lowercased())
        case .startsWith: return value.lowercased().hasPrefix(wanted.lowercased())
        case .endsWith: return value.lowercased().hasSuffix(wanted.lowercased())
        case .inList: return wanted.split(separator: ",", omittingEmptySubsequences: false).map(String.init).contains(value)
        case .notIn: return !wanted.split(separator: ",", omittingEmptySubsequences: false).map(String.init).contains(value)
        case .isEmpty, .emptyString: return value.isEmpty
        case .isNotEmpty: return !value.isEmpty
        case .anything: return true
        case .less: return compare(value, wanted) < 0
        case .lessOrEqual: return compare(value, wanted) <= 0
        case .greater: return compare(value, wanted) > 0
        case .greaterOrEqual: return compare(value, wanted) >= 0
        case .between:
            let bounds = wanted.components(separatedBy: "@")
            guard bounds.count == 2 else { return false }
            return compare(value, bounds[0]) >= 0 && compare(value, bounds[1]) <= 0
        }
    }

    /// Numbers compare as numbers, everything else as text (date-times sort correctly as text).
    static func compare(_ left: String, _ right: String) -> Int {
        if let a = Double(left), let b = Double(right) { return a < b ? -1 : (a > b ? 1 : 0) }
        return left < right ? -1 : (left > right ? 1 : 0)
    }

    /// Sorts rows by the query's orderings; ties keep creation order, newest first when the first ordering is descending.
    func sorted(_ rows: [(sequence: Int, record: ServiceNowRecord)]) -> [(sequence: Int, record: ServiceNowRecord)] {
        guard !orderings.isEmpty else { return rows.sorted { $0.sequence < $1.sequence } }
        let newestFirst = orderings[0].descending
        return rows.sorted { left, right in
            for ordering in orderings {
                let order = Self.compare(left.record[ordering.field] ?? "", right.record[ordering.field] ?? "")
                if order != 0 { return ordering.descending ? order > 0 : order < 0 }
            }
            return newestFirst ? left.sequence > right.sequence : left.sequence < right.sequence
        }
    }
}
