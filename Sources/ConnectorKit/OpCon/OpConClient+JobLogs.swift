import Foundation

extension OpConClient {
    /// The job's log files through JORS (SPEC §4): a `LIST` job instance action, then a `FILE` action per file.
    /// Each file is cut to its last `maxBytes` bytes. A file that cannot be fetched is logged and skipped; the
    /// call fails only when the listing fails or no listed file could be fetched.
    ///
    /// With `directory`, each `FILE` answer's `data` string is decoded into a file there as the answer arrives
    /// (`log-<n>-1`), and the returned file reads from it: memory stays flat whatever the log's size.
    public func jobLogs(jobNumber: Int, maxBytes: Int, directory: String? = nil) async throws(ConnectorError) -> [JobLogFile] {
        let listAction = "list the log files of job number \(jobNumber)"
        let listBody: JSONValue = ["action": "LIST", "jobInstanceActionItems": [["id": .int(jobNumber)]]]
        // Job instance actions only read from the agent, so repeating the POST is harmless.
        let listing = try await runAsyncAction("jobinstanceactions", body: listBody, retrySafe: true, action: listAction)
        try requireActionSuccess(listing, action: listAction)
        let files = (listing["jobInstanceActionItems"]?.arrayValue ?? []).flatMap { item in
            item["files"]?.arrayValue?.compactMap(\.stringValue) ?? []
        }

        var fetched: [JobLogFile] = []
        var lastFailure: ConnectorError?
        for (index, file) in files.enumerated() {
            let name = JobLogCut.fileName(fromRequestParameters: file)
            let spill = directory.map { AnswerSpill(directory: $0, namePrefix: "log-\(index + 1)", key: "data") }
            let fileAction = "read the log file \(name) of job number \(jobNumber)"
            let fileBody: JSONValue = [
                "action": "FILE",
                "jobInstanceActionItems": [["id": .int(jobNumber), "jorsRequestParameters": .string(file)]],
            ]
            do throws(ConnectorError) {
                let answer = try await runAsyncAction(
                    "jobinstanceactions", body: fileBody, retrySafe: true, action: fileAction, spill: spill)
                try requireActionSuccess(answer, action: fileAction)
                let items = answer["jobInstanceActionItems"]?.arrayValue ?? []
                guard let text = items.lazy.compactMap({ $0["data"]?.stringValue }).first else {
                    throw unusable(fileAction, "no item carries the file's data")
                }
                fetched.append(try logFile(name: name, text: text, spill: spill, maxBytes: maxBytes, action: fileAction))
            } catch {
                logger.warning(error.message)
                lastFailure = error
            }
        }
        if fetched.isEmpty, let lastFailure { throw lastFailure }
        return fetched
    }

    /// The fetched file: `text` is the log itself, or, when the answer was spilled, the path of the file holding it.
    private func logFile(
        name: String, text: String, spill: AnswerSpill?, maxBytes: Int, action: String
    ) throws(ConnectorError) -> JobLogFile {
        guard let spill, spill.files.contains(text) else {
            return JobLogFile(name: name, data: JobLogCut.cut(Data(text.utf8), maxBytes: maxBytes))
        }
        do {
            return JobLogFile(name: name, content: try JobLogCut.cut(file: text, maxBytes: maxBytes))
        } catch {
            throw unusable(action, "the log written to \(text) cannot be read (\(error.localizedDescription))")
        }
    }

    /// `.data` with OpCon's reason when the action (or its only item) did not succeed.
    private func requireActionSuccess(_ answer: JSONValue, action: String) throws(ConnectorError) {
        let result = answer["result"]?.stringValue ?? ""
        guard result.lowercased() != "success" else { return }
        let items = answer["jobInstanceActionItems"]?.arrayValue ?? []
        let reason =
            answer["message"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            ?? items.lazy.compactMap { $0["message"]?.stringValue }.first { !$0.isEmpty }
        throw .data("OpCon could not \(action): the request ended \"\(result)\"" + (reason.map { " (\($0))" } ?? "") + ".")
    }
}
