import Foundation

/// One part of a `multipart/form-data` body.
struct MultipartPart: Equatable {
    /// The `name` of its `Content-Disposition` (the form field: `file` for Jira uploads).
    var name: String?
    /// The `filename` (or the decoded `filename*`), when the part is a file.
    var fileName: String?
    var contentType: String?
    /// The part's bytes exactly as sent: a log is binary as far as the parser knows (CR LF, non-UTF-8 bytes).
    var body: Data
}

/// A byte-level parser of `multipart/form-data` (RFC 7578): the bodies are never decoded as text, so what is
/// stored is exactly what was sent.
enum MultipartFormData {
    /// The boundary of a `multipart/form-data` content type, or nil when the type is something else.
    static func boundary(ofContentType contentType: String?) -> String? {
        guard let contentType else { return nil }
        let parameters = headerParameters(contentType)
        guard parameters.value.lowercased() == "multipart/form-data", let boundary = parameters.parameters["boundary"],
            !boundary.isEmpty
        else { return nil }
        return boundary
    }

    /// The parts of `body`, or nil when it is not well-formed (no opening delimiter, a part without its
    /// blank line, or no closing delimiter).
    static func parse(_ body: Data, boundary: String) -> [MultipartPart]? {
        let bytes = [UInt8](body)
        let delimiter = Array("--\(boundary)".utf8)
        // The first delimiter may follow a preamble; later ones always follow a CR LF that belongs to them.
        guard var position = find(delimiter, in: bytes, from: 0) else { return nil }
        position += delimiter.count
        var parts: [MultipartPart] = []
        let nextDelimiter = Array("\r\n--\(boundary)".utf8)
        while true {
            if bytes.count >= position + 2, bytes[position] == UInt8(ascii: "-"), bytes[position + 1] == UInt8(ascii: "-") {
                return parts
            }
            // Transport padding (spaces, tabs) may follow a delimiter before its CR LF.
            while position < bytes.count, bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\t") { position += 1 }
            guard bytes.count >= position + 2, bytes[position] == 13, bytes[position + 1] == 10 else { return nil }
            position += 2
            guard let headEnd = find(Array("\r\n\r\n".utf8), in: bytes, from: position - 2) else { return nil }
            let head = String(decoding: bytes[position..<max(position, headEnd)], as: UTF8.self)
            let bodyStart = headEnd + 4
            guard let bodyEnd = find(nextDelimiter, in: bytes, from: bodyStart) else { return nil }
            var part = MultipartPart(body: Data(bytes[bodyStart..<bodyEnd]))
            for line in head.components(separatedBy: "\r\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                if name == "content-type" { part.contentType = value }
                if name == "content-disposition" {
                    let disposition = headerParameters(value).parameters
                    part.name = disposition["name"]
                    part.fileName = disposition["filename*"].flatMap(decodeExtendedValue) ?? disposition["filename"]
                }
            }
            parts.append(part)
            position = bodyEnd + nextDelimiter.count
        }
    }

    /// `value; name=token; other="quoted; with \"escapes\""` → the value and its parameters (names lower-cased).
    static func headerParameters(_ header: String) -> (value: String, parameters: [String: String]) {
        var characters = Array(header)[...]
        func skipSpaces() { while characters.first == " " || characters.first == "\t" { characters.removeFirst() } }
        func readToken(until stops: Set<Character>) -> String {
            var token = ""
            while let next = characters.first, !stops.contains(next) { token.append(characters.removeFirst()) }
            return token.trimmingCharacters(in: .whitespaces)
        }
        let value = readToken(until: [";"])
        var parameters: [String: String] = [:]
        while characters.popFirst() == ";" {
            skipSpaces()
            let name = readToken(until: ["=", ";"]).lowercased()
            guard characters.first == "=" else { continue }
            characters.removeFirst()
            skipSpaces()
            var parameter = ""
            if characters.first == "\"" {
                characters.removeFirst()
                while let next = characters.popFirst(), next != "\"" {
                    // Browsers do not escape backslashes in file names (C:\logs\a.log); only \" and \\ are escapes.
                    if next == "\\", let escaped = characters.first, escaped == "\"" || escaped == "\\" {
                        parameter.append(characters.removeFirst())
                    } else {
                        parameter.append(next)
                    }
                }
                _ = readToken(until: [";"])
            } else {
                parameter = readToken(until: [";"])
            }
            if !name.isEmpty { parameters[name] = parameter }
        }
        return (value, parameters)
    }

    /// RFC 8187 `charset'language'percent-encoded` (e.g. `UTF-8''r%C3%A9sum%C3%A9.log`).
    private static func decodeExtendedValue(_ value: String) -> String? {
        let pieces = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3 else { return nil }
        return String(pieces[2]).removingPercentEncoding
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        var index = max(start, 0)
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == needle[0] {
                var offset = 1
                while offset < needle.count && haystack[index + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return index }
            }
            index += 1
        }
        return nil
    }
}
