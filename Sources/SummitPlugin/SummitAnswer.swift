import ConnectorKit
import Foundation

/// One answer of the Summit API, read defensively: Summit reports failures in-band (HTTP 200 with a non-empty
/// `Errors`), answers an unknown or unpermitted `ServiceName` with an empty body, sometimes double-encodes its JSON,
/// and proxies in front of it answer with HTML.
struct SummitAnswer: Sendable, Equatable {
    /// The answer's JSON object.
    var body: JSONValue
    /// The non-empty `Errors` text, if any.
    var errors: String?

    static let service = "Symphony Summit"
    /// What a refusal that means a wrong endpoint adds.
    static let checkURLs = "Check address.value and the urls entries of the template."

    /// Reads an HTTP answer to `action` (e.g. "create the incident"). Throws for anything that is not a JSON object;
    /// an in-band error is returned in `errors` for the caller to judge.
    static func read(_ response: HTTPResponse, action: String, client: ServiceClient) throws(ConnectorError) -> SummitAnswer {
        guard response.isSuccess else { throw client.failure(response, action: action) }
        let text = response.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw .data(
                "\(service) answered \"\(action)\" with an empty body; the service may not be enabled for this API key "
                    + "(ask the Summit administrator to allow it in the API user's role template).")
        }
        var json: JSONValue
        do {
            json = try JSONValue.parse(text)
        } catch {
            let what = ServiceFailure.message(from: response.body).map(client.masked) ?? "text that is not JSON"
            throw .data("\(service) answered \"\(action)\" with \(what) instead of JSON; check address.value and urls in the template.")
        }
        // Some Summit versions wrap their JSON in a JSON string: decode it once more.
        if case .string(let inner) = json {
            guard let decoded = try? JSONValue.parse(inner) else {
                throw .data("\(service) answered \"\(action)\" with a JSON string that does not hold a JSON object.")
            }
            json = decoded
        }
        guard json.objectValue != nil else {
            throw .data("\(service) answered \"\(action)\" with \(json.typeName) where an object was expected.")
        }
        return SummitAnswer(body: json, errors: errorsText(json["Errors"]))
    }

    /// `Errors` as text when it says anything (it is `""` or null on success).
    static func errorsText(_ value: JSONValue?) -> String? {
        guard let value, !value.isNull, value.arrayValue?.isEmpty != true, value.objectValue?.isEmpty != true else { return nil }
        let text = (value.scalarText ?? value.serialized()).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// Wording public Summit integrations treat as a refused API key.
    static let authWording = [
        "api key", "apikey", "invalid api", "authentication", "unauthorized", "unauthorised",
        "invalid key", "access denied", "not authorized", "not authorised", "expired key", "key expired",
    ]

    static func isAuthFailure(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return authWording.contains { lowered.contains($0) }
    }

    /// Wording of the "no such incident" business error (the simulators and the clients seen use these).
    static let unknownTicketWording = [
        "not found", "does not exist", "doesn't exist", "not exist", "no record",
        "invalid ticket", "no ticket", "no incident", "no data",
    ]

    /// Words that call something invalid. They mean an unknown ticket only when the text also names the ticket
    /// ("TicketNo 999 is invalid"): alone they also describe refused master values ("Invalid Priority_Name").
    static let invalidWording = ["invalid", "not valid"]

    /// Words by which an error names the ticket it is about.
    static let ticketWording = ["ticket", "incident"]

    /// Whether an in-band error says the incident asked for does not exist. A refused key is never read this way,
    /// even when its text names the ticket ("Invalid API key for ticket 999"): that must stay a permission error.
    static func isUnknownTicket(_ text: String) -> Bool {
        guard !isAuthFailure(text) else { return false }
        let lowered = text.lowercased()
        if unknownTicketWording.contains(where: { lowered.contains($0) }) { return true }
        return ticketWording.contains { lowered.contains($0) } && invalidWording.contains { lowered.contains($0) }
    }

    /// The number of the incident a create made: `TicketNo`, else `TicketID_Internal`, else a number in `Message`.
    var createdTicketNumber: String? {
        let given = ["TicketNo", "TicketID_Internal"].compactMap { body[$0]?.scalarText?.trimmingCharacters(in: .whitespaces) }
        return given.first { Self.isTicketNumber($0) && $0.contains { $0 != "0" } }
            ?? body["Message"]?.stringValue.flatMap(Self.ticketNumber(inMessage:))
    }

    /// Shortest run of digits `Message` may hold a ticket number in (summit-api.md §4.4: clients take a 4+ digit
    /// number). Shorter ones are org ids and counts ("Org 1: Ticket 4507 logged").
    static let messageNumberMinimumDigits = 4

    /// The first run of at least `messageNumberMinimumDigits` digits in a create's `Message`, if any.
    static func ticketNumber(inMessage message: String) -> String? {
        let runs = message.split(whereSeparator: { !($0.isASCII && $0.isNumber) })
        return runs.first { $0.count >= messageNumberMinimumDigits && $0.contains { $0 != "0" } }.map(String.init)
    }

    /// Summit numbers its incidents with whole numbers.
    static func isTicketNumber(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
