/// What one rule concluded for one subject.
public struct RuleOutcome: Sendable {
    /// How a rule came out for a subject.
    public enum Kind: String, Sendable {
        /// The condition was true: the rule's action applies.
        case fired
        /// The condition was false.
        case notFired = "not fired"
        /// The condition was unknown because of missing data, or because working days reached
        /// a year the calendar does not cover: the rule does not fire.
        case undetermined
        /// Evaluation stopped with an error (overflow, a limit).
        case failed
    }

    /// The rule's name.
    public let rule: String
    /// The rule's action (applies only when fired).
    public let action: String
    /// Fired, not fired, undetermined or failed.
    public let kind: Kind
    /// The records that made the rule's `some` quantifiers true, in key order.
    public let evidence: [RecordID]
    /// The rule's message with its values filled in (fired rules only).
    public let message: String?
    /// For undetermined rules: the missing cells that left the condition unknown.
    public let missing: [MissingField]
    /// For failed rules: what went wrong.
    public let error: String?
    /// For rules undetermined because working days reached a year the calendar lacks: that year.
    public var noCalendarFor: Int? = nil
}

/// A row of a table, named by table and key.
public struct RecordID: Sendable, Hashable {
    /// The table's name.
    public let table: String
    /// The row's key, as text.
    public let key: String
    /// The row's label (`label name` in the table's declaration), if the table has one.
    public var label: String? = nil
    let tableIndex: Int
    let row: Int32

    /// `E001 甲煤矿` with a label, `E001` without.
    public var shown: String { label.map { key + " " + $0 } ?? key }
}

/// A cell without a value.
public struct MissingField: Sendable, Hashable, CustomStringConvertible {
    /// The record it belongs to.
    public let record: RecordID
    /// The column's name.
    public let column: String
    /// `hazards H009.deadline`
    public var description: String { "\(record.table) \(record.key).\(column)" }
}

/// Everything the rules concluded about one subject.
public struct Decision: Sendable {
    /// The subject (a row of the rules' subject table).
    public let subject: RecordID
    /// The strongest action among the rules that fired, by declared severity; nil when none fired.
    public let action: String?
    /// Outcomes of the rules that fired, were undetermined or failed (all rules, for explanations).
    public let outcomes: [RuleOutcome]

    /// The rule that decided the action: the first fired rule with the strongest action.
    public var decidingOutcome: RuleOutcome? {
        guard let action else { return nil }
        return outcomes.first { $0.kind == .fired && $0.action == action }
    }

    /// Whether no rule fired and some rule could not be decided for missing data.
    public var isUndetermined: Bool { action == nil && outcomes.contains { $0.kind == .undetermined } }
}

/// The result of evaluating a program over a dataset as of a date.
public struct RunResult: Sendable {
    /// The as-of date (`today` in the rules).
    public let asOf: CalendarDate
    /// Subjects with at least one fired, undetermined or failed rule, in key order.
    public let decisions: [Decision]
    /// How many subjects were evaluated.
    public let subjectCount: Int
    /// Subjects per strongest action.
    public let actionCounts: [String: Int]
    /// Per rule: how many subjects it fired for, and how many it was undetermined for.
    public let ruleCounts: [(rule: String, fired: Int, undetermined: Int, failed: Int)]
    /// Seconds spent evaluating.
    public let evaluationSeconds: Double
    /// The rule names in declaration order.
    public let rules: [String]
    /// Set when a limit stopped the run before every subject was evaluated: the decisions are
    /// then only those of the subjects evaluated, and the report must not be taken as complete.
    public var stopped: RunStop? = nil
    /// With `RunDetail.csvReport`: the CSV report's rows (no header), in pieces to be written in
    /// order, rendered as the subjects were decided; `decisions` is then empty.
    var csvRows: [[UInt8]]? = nil
    /// With `RunDetail.jsonReport`: the JSON report's decision entries, to be rendered as they
    /// are written; `decisions` is then empty.
    var pendingJSON: PendingJSON? = nil
    /// How many subjects the rendered rows or entries are about.
    var renderedCount = 0

    /// Subjects with at least one fired, undetermined or failed rule: `decisions`, or the rows
    /// rendered in their place.
    public var decidedCount: Int { csvRows == nil && pendingJSON == nil ? decisions.count : renderedCount }
}

/// Why a run stopped early, and how far it got.
public struct RunStop: Sendable {
    /// The step budget, the deadline or the host's cancellation.
    public enum Kind: Sendable { case steps, deadline, cancelled }
    /// Which limit stopped the run.
    public let kind: Kind
    let text: LocalizedText
    /// Subjects whose rules were all evaluated before the stop.
    public let subjectsEvaluated: Int
    /// The subjects not decided because of the stop, in key order per subject table: their
    /// decisions are absent from the result, not "none".
    public var undecided: [RecordID] = []
    /// The reason, in a language.
    public func message(_ language: Language = .en) -> String { text.in(language) }

    /// The stop an evaluation's limit error stands for.
    init(_ error: EvaluationError, subjectsEvaluated: Int, undecided: [RecordID] = []) {
        kind = error.kind == .cancelled ? .cancelled : (error.kind == .deadline ? .deadline : .steps)
        (text, self.subjectsEvaluated, self.undecided) = (error.text, subjectsEvaluated, undecided)
    }
}

/// How much a run gathers for rules that fired but did not decide the action.
public enum RunDetail: Sendable, Equatable {
    /// Evidence and message for every fired rule (JSON reports, explanations).
    case everyRule
    /// Evidence and message only for the rule that decides each subject's action (tables, CSV):
    /// the other fired rules are listed without them, which saves time on large runs.
    case decidingRule
    /// The CSV report itself, rendered as each subject is decided, with no `Decision` kept
    /// (`decisions` is empty; `ReportWriter` writes the report from the result as from
    /// decisions, byte for byte). A `Decision` with its strings per subject costs most of a
    /// large run's evaluation. `raw`: cells as they are (`ReportWriter.rawCSV`).
    case csvReport(raw: Bool)
    /// The JSON report's decisions, with every rule's evidence and message (as `everyRule`):
    /// the run notes which rules fired for whom, and `ReportWriter.streamParts` renders the
    /// entries as it writes them, after the summary that heads the report (`decisions` is
    /// empty; if a limit stops that rendering, `ReportWriter.renderingStopped` says so).
    case jsonReport

    /// Whether evidence and messages are gathered for every fired rule.
    var gathersEveryRule: Bool {
        switch self {
        case .everyRule, .jsonReport: return true
        case .decidingRule, .csvReport: return false
        }
    }
}
