import Foundation

/// A `multipart/form-data` body (RFC 7578) of file parts whose bytes are streamed from where they are kept, for ITSMs
/// that take uploads as forms (Jira's attachments).
public struct MultipartForm: Sendable {
    /// Separates the parts; random, so no log line can contain it by accident.
    public let boundary: String
    private var parts: [StreamedBody.Part] = []

    public init(boundary: String = "connector-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()) {
        self.boundary = boundary
    }

    /// The request's `Content-Type`.
    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// Adds one file as the part named `field`.
    public mutating func addFile(field: String, filename: String, contentType: String = "text/plain", content: StreamedBody) {
        let header =
            "--\(boundary)\r\n"
            + "Content-Disposition: form-data; name=\"\(Self.quoted(field))\"; filename=\"\(Self.quoted(filename))\"\r\n"
            + "Content-Type: \(contentType)\r\n\r\n"
        parts.append(.bytes(Data(header.utf8)))
        parts.append(contentsOf: content.parts)
        parts.append(.bytes(Data("\r\n".utf8)))
    }

    /// The whole body, closing delimiter included.
    public var body: StreamedBody { StreamedBody(parts + [.bytes(Data("--\(boundary)--\r\n".utf8))]) }

    /// A name inside a quoted header parameter: quotes and line breaks would end it early.
    static func quoted(_ text: String) -> String {
        text.replacingOccurrences(of: "\"", with: "%22").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }
}
