import Foundation

/// Layers a ticket's field values in the order of SPEC §5 step 5, lowest precedence first:
/// backend defaults → template `attributes` → working or non-working hours attributes → tag routing.
public enum FieldResolver {
    /// The template's `EXIT` entry that one of the job's tags matches exactly (ignoring case), if any.
    public static func exitRule(jobTags: [String], rules: [TagRule]) -> TagRule? {
        rules.first { rule in
            rule.indicator == "EXIT" && !rule.indicatorValue.isEmpty
                && jobTags.contains { $0.caseInsensitiveCompare(rule.indicatorValue) == .orderedSame }
        }
    }

    /// `TAG_START` / `TAG_END` entries that match a job tag, then `DEFAULT` entries for every attribute no
    /// START/END entry set. Matching ignores case; between entries for one attribute, template order decides.
    public static func tagRouting(jobTags: [String], rules: [TagRule]) -> [TicketField] {
        let lowered = jobTags.map { $0.lowercased() }
        var routed: [TicketField] = []
        var setAttributes = Set<String>()
        for rule in rules where !rule.attribute.isEmpty && !rule.indicatorValue.isEmpty {
            let key = rule.indicatorValue.lowercased()
            let matches: Bool
            switch rule.indicator {
            case "TAG_START": matches = lowered.contains { $0.hasPrefix(key) }
            case "TAG_END": matches = lowered.contains { $0.hasSuffix(key) }
            default: matches = false
            }
            if matches, !setAttributes.contains(rule.attribute.lowercased()) {
                routed.append(TicketField(name: rule.attribute, value: rule.value))
                setAttributes.insert(rule.attribute.lowercased())
            }
        }
        for rule in rules where rule.indicator == "DEFAULT" && !rule.attribute.isEmpty {
            if !setAttributes.contains(rule.attribute.lowercased()) {
                routed.append(TicketField(name: rule.attribute, value: rule.value))
                setAttributes.insert(rule.attribute.lowercased())
            }
        }
        return routed
    }

    /// Applies `layer` on top of `fields`: a name already present (ignoring case) takes the new value in place,
    /// a new name is appended. First-seen order is kept so payloads read in template order.
    public static func overlay(_ layer: [TicketField], onto fields: inout [TicketField]) {
        for field in layer {
            if let index = fields.firstIndex(where: { $0.name.caseInsensitiveCompare(field.name) == .orderedSame }) {
                fields[index].value = field.value
            } else {
                fields.append(field)
            }
        }
    }

    /// All layers for one failure, placeholders expanded.
    ///
    /// Working hours are judged at the failure (`event.failedAt`), not at the moment the fields are resolved: an
    /// event replayed from the outbox hours later must be routed as it would have been when the job failed, and
    /// `{4}` and the backends' own working-hours rules (ServiceNow's documentation routing) use that time too.
    public static func resolve(
        template: Template, conventions: FieldConventions, event: FailureEvent, job: DailyJob,
        calendar: Calendar
    ) -> [TicketField] {
        var fields = conventions.defaults
        overlay(template.attributes, onto: &fields)
        switch WorkingHours.isWorkingTime(event.failedAt, windows: template.workingHours, calendar: calendar) {
        case true?: overlay(template.workingHoursAttributes, onto: &fields)
        case false?: overlay(template.nonWorkingHoursAttributes, onto: &fields)
        case nil: break
        }
        if template.rule("includeTagRouting", default: false) {
            overlay(tagRouting(jobTags: job.tags, rules: template.tags), onto: &fields)
        }
        conventions.tagRouting?(job.tags, &fields)
        return fields.map { field in
            TicketField(
                name: field.name,
                value: conventions.placeholders.expand(field.value, event: event, job: job, timeZone: calendar.timeZone))
        }
    }
}
