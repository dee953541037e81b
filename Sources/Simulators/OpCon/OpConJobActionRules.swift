import Foundation

/// Which status a job action leads to, following the vendor UI's preconditions (opcon-api.md §8.3).
enum OpConJobActionRules {
    /// Action names the OpCon API knows (the Java client's enum); matched without regard to case.
    static let knownActions = [
        "hold", "cancel", "skip", "kill", "release", "start", "restart", "restartOnHold", "forceRestart",
        "markFinishedOk", "markFailed", "markUnderReview", "markFixed",
    ]

    enum Outcome: Equatable {
        case apply(OpConJobStatus)
        case refuse(String)
    }

    /// The canonical spelling of `action`, or nil when OpCon has no such action.
    static func canonical(_ action: String) -> String? {
        knownActions.first { $0.lowercased() == action.lowercased() }
    }

    static func outcome(of action: String, from current: OpConJobStatus) -> Outcome {
        let (allowed, target): ([String], OpConJobStatus)
        switch action {
        case "markUnderReview": (allowed, target) = (["Failed"], .underReview)
        case "markFixed": (allowed, target) = (["Failed", "Under Review"], .fixed)
        case "cancel": (allowed, target) = (["Failed", "Under Review", "Held", "Waiting", "Missed Start Time"], .cancelled)
        case "restart":
            (allowed, target) = (["Failed", "Under Review", "Fixed", "Cancelled", "Finished Ok", "Skipped"], .waitStartTime)
        default:
            return .refuse("The simulator does not model the job action '\(action)'.")
        }
        guard current.isIn(allowed) else {
            return .refuse("Job action '\(action)' is not allowed for a job in status '\(current.description)'.")
        }
        return .apply(target)
    }
}
