import ConnectorKit
import Foundation

/// Summit's fixed-prefix job tags (SMA connector 24.x): `WRKGRP_<group>`, `CATNAME_<category>` and
/// `ASSIGNTO_<user>`. They run after the shared `TAG_START`/`TAG_END`/`DEFAULT` routing, so a `WRKGRP_` tag wins
/// over `includeTagRouting` for `Assigned_WorkGroup_Name`.
struct SummitTagRouting: Sendable, Equatable {
    /// `rules.includeWorkGroupNameTag`
    var workGroup: Bool
    /// `rules.includeCategoryNameTag`
    var category: Bool
    /// `rules.includeAssignToTag`
    var assignTo: Bool
    /// The `value` of the template's `ASSIGNTO` tags entry: the e-mail domain, e.g. `@example.com`.
    var assignToDomain: String?

    /// Sets the routed fields. The prefix is matched without regard to case; the rest of the tag keeps its case.
    /// When several job tags carry the same prefix, the first in the job's tag list wins.
    func apply(jobTags: [String], to fields: inout [TicketField]) {
        var routed: [TicketField] = []
        if workGroup, let group = Self.remainder(after: "WRKGRP_", in: jobTags) {
            routed.append(TicketField(name: "Assigned_WorkGroup_Name", value: group))
        }
        if category, let name = Self.remainder(after: "CATNAME_", in: jobTags) {
            routed.append(TicketField(name: "Category_Name", value: name))
        }
        if assignTo, let user = Self.remainder(after: "ASSIGNTO_", in: jobTags) {
            // A tag that already holds a whole address is taken as it is rather than getting a second domain.
            let email = user.contains("@") ? user : user + (assignToDomain ?? "")
            routed.append(TicketField(name: "Assigned_Engineer_Email", value: email))
            routed.append(TicketField(name: "Assign_To", value: email))
        }
        FieldResolver.overlay(routed, onto: &fields)
    }

    /// The part after `prefix` of the first tag that starts with it (ignoring case) and has something after it.
    static func remainder(after prefix: String, in tags: [String]) -> String? {
        tags.lazy.map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.count > prefix.count && $0.prefix(prefix.count).caseInsensitiveCompare(prefix) == .orderedSame }
            .map { String($0.dropFirst(prefix.count)) }
    }
}
