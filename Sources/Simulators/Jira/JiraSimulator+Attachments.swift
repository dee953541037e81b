import ConnectorKit
import Foundation

/// Attachments (`/rest/api/{v}/issue/{key}/attachments`): multipart parts named `file`, behind the XSRF guard.
extension JiraSimulator {
    static func attachmentJSON(_ file: JiraAttachment, version: Int, base: String, settings current: JiraSettings) -> JSONValue {
        let author: JSONValue = current.deployment == .cloud ? ["accountId": .string(file.author)] : ["name": .string(file.author)]
        return [
            "self": .string("\(base)/rest/api/\(version)/attachment/\(file.id)"), "id": .string(String(file.id)),
            "filename": .string(file.fileName), "author": author, "created": .string(JiraTime.format(file.created)),
            "size": .int(file.data.count), "mimeType": .string(file.mimeType),
            "content": .string("\(base)/rest/api/\(version)/attachment/content/\(file.id)"),
        ]
    }

    /// Multipart uploads, parts named `file`. Without `X-Atlassian-Token: no-check` the XSRF guard refuses the
    /// request before the issue is even looked up (the deprecated `nocheck` still passes).
    func addAttachments(_ request: SimRequest, key: String, version: Int, caller: JiraCaller, settings current: JiraSettings) -> SimResponse
    {
        let token = request.headers["X-Atlassian-Token"]?.trimmingCharacters(in: .whitespaces).lowercased()
        guard token == "no-check" || token == "nocheck" else {
            return .text("XSRF check failed", status: current.xsrfRefusalStatus)
        }
        guard issue(key) != nil else { return Self.errorCollection(.issueNotFound) }
        guard let boundary = MultipartFormData.boundary(ofContentType: request.headers["Content-Type"]) else {
            return Self.errorCollection(JiraRejection(status: 415, errorMessages: ["Send multipart/form-data with parts named 'file'."]))
        }
        guard let parts = MultipartFormData.parse(request.body, boundary: boundary) else {
            return Self.errorCollection(JiraRejection(errorMessages: ["The multipart/form-data body could not be read."]))
        }
        let files = parts.filter { $0.name == "file" }
        guard !files.isEmpty else {
            return Self.errorCollection(JiraRejection(errorMessages: ["The request has no part named 'file'."]))
        }
        guard files.count <= 60 else {
            return Self.errorCollection(JiraRejection(status: 413, errorMessages: ["At most 60 files can be attached in one request."]))
        }
        if let large = files.first(where: { $0.body.count > current.effectiveUploadLimit }) {
            return Self.errorCollection(
                JiraRejection(
                    status: 413,
                    errorMessages: [
                        "The file '\(large.fileName ?? "file")' is \(large.body.count) bytes; the limit is \(current.effectiveUploadLimit) bytes."
                    ]))
        }
        guard files.allSatisfy({ !($0.fileName ?? "").isEmpty }) else {
            return Self.errorCollection(JiraRejection(errorMessages: ["Every part named 'file' needs a filename."]))
        }
        do {
            let added = try store.withLock { store throws(JiraRejection) in
                try store.attach(
                    files.map { (fileName: $0.fileName ?? "", mimeType: $0.contentType ?? "application/octet-stream", data: $0.body) },
                    to: key, author: caller.name)
            }
            let base = Self.baseURL(of: request)
            return .json(.array(added.map { Self.attachmentJSON($0, version: version, base: base, settings: current) }))
        } catch {
            return Self.errorCollection(error)
        }
    }
}
