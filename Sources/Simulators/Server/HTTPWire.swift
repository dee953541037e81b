import Foundation

/// HTTP/1.1 framing shared by the server and the test client: heads, bodies, chunked encoding.
enum HTTPWire {
    /// The first line and the header fields of a message.
    struct Head {
        var startLine: String
        var headers: HTTPHeaders
    }

    static func parseHead(_ bytes: [UInt8]) throws -> Head {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.components(separatedBy: "\r\n")
        guard !lines.isEmpty, !lines[0].isEmpty else { throw SimulatorError.malformed("empty start line") }
        let startLine = lines.removeFirst()
        var headers = HTTPHeaders()
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw SimulatorError.malformed("header line without ':'") }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw SimulatorError.malformed("header line without a name") }
            headers.add(name, value)
        }
        return Head(startLine: startLine, headers: headers)
    }

    /// Reads a body framed by `Transfer-Encoding: chunked` or `Content-Length`; `untilClose` for
    /// responses that have neither.
    static func readBody(from stream: SocketStream, headers: HTTPHeaders, untilClose: Bool, timeout: Double) throws -> Data {
        if headers.lists("Transfer-Encoding", token: "chunked") {
            return try readChunked(from: stream, timeout: timeout)
        }
        if let lengthText = headers["Content-Length"] {
            guard let length = Int(lengthText), length >= 0 else {
                throw SimulatorError.malformed("Content-Length '\(lengthText)' is not a number")
            }
            return Data(try stream.readBytes(length, timeout: timeout))
        }
        return untilClose ? Data(try stream.readToEnd(timeout: timeout)) : Data()
    }

    private static func readChunked(from stream: SocketStream, timeout: Double) throws -> Data {
        var body = Data()
        while true {
            let line = String(decoding: try stream.readLine(timeout: timeout), as: UTF8.self)
            let sizeText = line.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0 else {
                throw SimulatorError.malformed("chunk size '\(line)' is not hexadecimal")
            }
            if size == 0 {
                // Trailer fields, if any, end with an empty line.
                while !(try stream.readLine(timeout: timeout)).isEmpty {}
                return body
            }
            body.append(contentsOf: try stream.readBytes(size, timeout: timeout))
            guard try stream.readLine(timeout: timeout).isEmpty else {
                throw SimulatorError.malformed("chunk data longer than its size")
            }
        }
    }

    /// The bytes of a response; `includeBody` is false for HEAD.
    static func serialize(_ response: SimResponse, keepAlive: Bool, includeBody: Bool) -> Data {
        var headers = response.headers
        if headers["Content-Length"] == nil && response.status != 204 && response.status >= 200 {
            headers.set("Content-Length", String(response.body.count))
        }
        headers.set("Connection", keepAlive ? "keep-alive" : "close")
        var text = "HTTP/1.1 \(response.status) \(HTTPStatus.reason(response.status))\r\n"
        for field in headers { text += "\(field.name): \(field.value)\r\n" }
        text += "\r\n"
        var bytes = Data(text.utf8)
        if includeBody && response.status != 204 { bytes.append(response.body) }
        return bytes
    }
}
