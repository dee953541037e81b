import Foundation

extension TemplateLoader {
    /// The value of one `rules` member (`rules.<key>`), or nil after recording why it is unusable.
    ///
    /// A rule is a JSON boolean. But SMA templates must load unchanged (SPEC §3.2), and templates edited by hand
    /// sometimes quote the word (`"includeCorrelationId": "true"`). Such a value means only one thing, so it is read
    /// as the boolean, whatever its case, with a warning that names the rule and how to write it. Anything else
    /// (`"yes"`, `1`, `null`) is an error: guessing what it meant could switch a rule the wrong way.
    static func ruleValue(_ value: JSONValue, rule key: String, issues: inout [TemplateIssue]) -> Bool? {
        let path = "rules.\(key)"
        switch value {
        case .bool(let flag):
            return flag
        case .string(let text):
            let word = text.trimmingCharacters(in: .whitespaces).lowercased()
            guard word == "true" || word == "false" else {
                issues.append(TemplateIssue(.error, path: path, "expected true or false, found the string \"\(text)\""))
                return nil
            }
            let flag = word == "true"
            issues.append(TemplateIssue(.warning, path: path, "the string \"\(text)\" is read as \(flag); write \(flag) without quotes"))
            return flag
        default:
            issues.append(TemplateIssue(.error, path: path, "expected true or false, found \(value.typeName)"))
            return nil
        }
    }
}
