import Foundation

/// The lines the connector keeps in a job's documentation (SPEC §6.1, §6.2).
public enum JobDocumentation {
    static let lastIncidentPrefix = "Last Incident Date"
    static let previousTicketPrefix = "Previous Ticket Number ("

    /// The date of a `Last Incident Date : yyyy-MM-dd` first line, as year/month/day.
    public static func lastIncidentDate(in documentation: String?) -> DateComponents? {
        guard let firstLine = lines(of: documentation).first, firstLine.hasPrefix(lastIncidentPrefix),
            let colon = firstLine.firstIndex(of: ":")
        else { return nil }
        let text = firstLine[firstLine.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        return DateComponents(year: parts[0], month: parts[1], day: parts[2])
    }

    /// Documentation whose first line is `Last Incident Date : <date>`, replacing an earlier such line rather than stacking.
    public static func settingLastIncidentDate(_ date: String, in documentation: String?) -> String {
        var body = lines(of: documentation)
        if let first = body.first, first.hasPrefix(lastIncidentPrefix) { body.removeFirst() }
        return (["\(lastIncidentPrefix) : \(date)"] + body).joined(separator: lineBreak(of: documentation))
    }

    /// Documentation carrying `Previous Ticket Number (<number>)`, just below a `Last Incident Date` line if there is one.
    /// An earlier previous-ticket line is replaced: the chain of older tickets lives in the ITSM.
    public static func settingPreviousTicket(_ number: String, in documentation: String?) -> String {
        var body = lines(of: documentation).filter { !$0.hasPrefix(previousTicketPrefix) }
        let line = "\(previousTicketPrefix)\(number))"
        let position = (body.first?.hasPrefix(lastIncidentPrefix) ?? false) ? 1 : 0
        body.insert(line, at: position)
        return body.joined(separator: lineBreak(of: documentation))
    }

    /// The line break the text already uses (OpCon on Windows stores CR LF), so the lines the connector does not
    /// touch come back byte for byte; LF for text without one.
    private static func lineBreak(of documentation: String?) -> String {
        documentation?.contains("\r\n") == true ? "\r\n" : "\n"
    }

    private static func lines(of documentation: String?) -> [String] {
        guard let documentation, !documentation.isEmpty else { return [] }
        return documentation.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
    }

    /// The trimmed text between the first `<tag>` and the following `</tag>` (ignoring case): instructions an operator
    /// keeps in a job's documentation for the ticket. Nil when absent or empty.
    public static func xmlContent(of tag: String, in documentation: String?) -> String? {
        guard let documentation, !tag.isEmpty,
            let open = documentation.range(of: "<\(tag)>", options: .caseInsensitive),
            let close = documentation.range(of: "</\(tag)>", options: .caseInsensitive, range: open.upperBound..<documentation.endIndex)
        else { return nil }
        let text = documentation[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
