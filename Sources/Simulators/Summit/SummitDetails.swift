import ConnectorKit
import Foundation

/// The nested shape `IM_GetIncidentDetailsAndChangeHistory` answers with (summit-api.md §5.1).
enum SummitDetails {
    static func incidentDetails(_ ticket: SummitTicket) -> JSONValue {
        func text(_ name: String) -> JSONValue {
            let value = ticket.field(name)
            return value.isEmpty ? nil : .string(value)
        }
        let row: JSONValue = [
            "Org_Id": 1, "Ticket_ID": .int(ticket.internalID), "Ticket_No": .string(String(ticket.number)),
            "Ticket_ID_Encrypted": .string(ticket.encryptedID), "Reg_Time": .string(ticket.loggedAt),
            "Updated_Time": .string(ticket.updatedAt), "Status": .string(ticket.status), "Medium": text("Medium"),
            "Source": text("Source"), "Subject": .string(ticket.symptom), "Description": .string(ticket.description),
            "Information": ticket.workLog.last.map(JSONValue.string) ?? nil, "Solution": nil, "Userlog": nil, "Internallog": nil,
            "Caller_EmailID": text("Caller_EmailID"), "Sup_Function": text("Sup_Function"), "Sup_Function_Name": text("Sup_Function"),
            "Category": text("Category_Name"), "Classification": text("Classification_Name"), "OpenCategory": text("OpenCategory_Name"),
            "PriorityName": text("Priority_Name"), "Severity_Name": text("Priority_Name"), "Criticality_Name": text("Urgency_Name"),
            "Impact_Name": text("Impact_Name"), "SLA_Name": text("SLA_Name"), "WG_Name": text("Assigned_WorkGroup_Name"),
            "Assigned_Engineer_Email": text("Assigned_Engineer_Email"), "Assigned_Engineer_Name": nil,
            "Closure_Code": nil, "ClCode_Name": text("Closure_Code_Name"), "ResolutionCodeName": text("ResolutionCodeName"),
            "PendingReason": text("PendingReason"), "TicketClosingMode": "",
            "Reopen_Ticket": .bool(ticket.reopened), "Repeat_Ticket": false, "attachments": .bool(!ticket.attachments.isEmpty),
        ]
        let history = ticket.changeHistory.enumerated().map { index, change -> JSONValue in
            [
                "uid": .int(index + 1), "column_name": .string(change.column), "change_date": .string(change.date),
                "change_by": 0, "change_byName": "Simulated Analyst", "OldValue": .string(change.oldValue),
                "new_Value": .string(change.newValue), "AttributeType": "",
            ]
        }
        let attributes = ticket.customFields.enumerated().map { index, field -> JSONValue in
            [
                "ID": .int(index + 1), "Incident_ID": .int(ticket.internalID), "Group_Name": .string(field.groupName),
                "IM_CtAttribute_ID": .int(index + 1), "SR_CtAttribute_Name": .string(field.name), "AttributeText": .string(field.value),
            ]
        }
        return ["TicketDetails": [row], "ChangeHistory": .array(history), "CustomAttributes": .array(attributes)]
    }
}
