/// One rule's outcome for one subject, with the reasons in plain sentences.
public struct RuleExplanation: Sendable {
    /// The rule's name.
    public let rule: String
    /// The policy text the rule enforces.
    public let policy: String?
    /// The outcome, with evidence, message and missing fields.
    public let outcome: RuleOutcome
    /// Why: the evidence and message for a fired rule, the first condition that failed (with
    /// actual values) for a rule that did not fire, the missing cells for an undetermined one.
    public let reasons: [String]
}

/// Every rule's outcome for one subject.
public struct Explanation: Sendable {
    /// The subject.
    public let subject: RecordID
    /// The as-of date.
    public let asOf: CalendarDate
    /// The strongest action among the rules that fired, if any.
    public let action: String?
    /// One entry per rule over the subject's table, in declaration order.
    public let rules: [RuleExplanation]
    /// The language of the reasons, and of `text`.
    public let language: Language

    /// The explanation as text for a terminal.
    public var text: String {
        func say(_ text: LocalizedText) -> String { text.in(language) }
        let undetermined = rules.contains { $0.outcome.kind == .undetermined }
        let outcome = action ?? say(undetermined ? Catalog.outcomeKind(.undetermined) : Catalog.explainNoAction)
        var out = say(Catalog.explainHeader("\(subject.table) \(subject.shown)", asOf: asOf.description, outcome)) + "\n"
        for rule in rules {
            out += "\n  " + say(Catalog.explainRule(rule.rule))
            if let policy = rule.policy { out += " \u{201C}\(policy)\u{201D}" }
            out += say(Catalog.explainColon) + say(Catalog.outcomeKind(rule.outcome.kind)) + "\n"
            for reason in rule.reasons { out += "    " + reason.replacingOccurrences(of: "\n", with: "\n    ") + "\n" }
        }
        // Keys and messages come from data: no control character of theirs reaches a terminal.
        return TerminalText.escaped(out, keepingLineBreaks: true)
    }
}

/// Explains decisions by re-evaluating parts of a rule's condition for one subject: the fast plans
/// stay untouched, and explaining costs only for the subject being explained.
struct Explainer {
    let program: CheckedProgram
    let dataset: Dataset
    let limits: EvaluationLimits
    var cancellation: CancellationFlag? = nil
    var language: Language = .en
    /// The plans of the rules' parts, filled when the rules are planned for an explanation.
    let registry = PlanRegistry()

    private func say(_ text: LocalizedText) -> String { text.in(language) }
    /// How many elements of a collection a "why not" goes through before summarising.
    static let maxElementsExplained = 8

    func explain(subject key: String, asOf date: CalendarDate) -> Explanation? {
        let engine = RuleEngine(program: program, dataset: dataset, limits: limits, cancellation: nil)
        let planned = engine.plan(registry: registry)
        // The subject may be in any table that rules are about.
        for table in Set(program.rules.map(\.subjectTable)).sorted() {
            guard let row = findRow(table: table, key: key) else { continue }
            let rules = planned.filter { $0.rule.subjectTable == table }
            let frame = Frame(slotCount: rules.map(\.rule.slotCount).max() ?? 1, today: date.dayNumber, dataset: dataset, limits: limits,
                              cancellation: cancellation)
            // A limit reached here makes the rules it stops `failed`, with the limit as the reason.
            guard let decision = engine.decideRecordingLimits(rules, table: table, subject: row, frame: frame) else { continue }
            var explained: [RuleExplanation] = []
            for (rule, outcome) in zip(rules, decision.outcomes) {
                frame.slots[rule.rule.subjectSlot] = .record(RecordRef(table: Int32(table), row: row))
                explained.append(RuleExplanation(rule: rule.rule.name, policy: rule.rule.policy, outcome: outcome,
                                                 reasons: reasons(rule, outcome, frame)))
            }
            return Explanation(subject: decision.subject, asOf: date, action: decision.action, rules: explained, language: language)
        }
        return nil
    }

    private func findRow(table: Int, key: String) -> Int32? { dataset.row(table: table, key: key) }

    private func reasons(_ rule: PlannedRule, _ outcome: RuleOutcome, _ frame: Frame) -> [String] {
        switch outcome.kind {
        case .fired:
            var lines: [String] = []
            if !outcome.evidence.isEmpty {
                lines.append(say(Catalog.explainEvidence) + outcome.evidence.map { "\($0.table) \($0.shown)" }.joined(separator: say(Catalog.explainListSeparator)))
            }
            if let message = outcome.message { lines.append(say(Catalog.explainMessage) + message) }
            lines.append(say(Catalog.explainAction) + outcome.action)
            return lines
        case .notFired:
            return [say(Catalog.explainWhyNot) + whyNot(rule.rule.condition, frame).joined(separator: "\n")]
        case .undetermined where outcome.noCalendarFor != nil:
            return [say(Catalog.explainNoCalendar) + say(Catalog.noCalendar(outcome.noCalendarFor ?? 0, dataset.calendar))]
        case .undetermined:
            let missing = outcome.missing.map { say(Catalog.explainMissing($0.description)) }
            return [say(Catalog.explainUnknown) + (missing.isEmpty ? say(Catalog.explainNoCell) : missing.joined(separator: say(Catalog.explainListSeparator)))]
        case .failed:
            return [say(Catalog.explainFailed) + (outcome.error ?? "?")]
        }
    }

    // MARK: Why not

    /// A part of a rule's condition, evaluated by the rule's own plan.
    private func evaluate(_ bound: Bound, _ frame: Frame) -> Value {
        let plan = registry.plan(for: bound, orPlan: Planner(schema: program.schema, dataset: dataset))
        return (try? plan(frame)) ?? .missing
    }

    private func source(_ bound: Bound) -> String {
        "`" + (bound.source?.text(of: bound.span) ?? "?") + "`"
    }

    func describe(_ value: Value) -> String {
        switch value {
        case .record(let ref): return "\(program.schema.tables[Int(ref.table)].name) \(dataset.keyText(table: Int(ref.table), row: ref.row))"
        case .list(let items): return "[" + items.map(describe).joined(separator: ", ") + "]"
        case .bool(let b): return b ? "true" : "false"
        default: return value.literal
        }
    }

    private func isConstant(_ bound: Bound) -> Bool {
        if case .constant = bound.kind { return true }
        if case .list(let items) = bound.kind { return items.allSatisfy(isConstant) }
        return false
    }

    /// The operands' actual values, for a sentence like "`h.deadline < today` is false: h.deadline is 2024-07-01, today is 2024-06-30".
    private func operandValues(_ operands: [Bound], _ frame: Frame) -> String {
        let shown = operands.filter { !isConstant($0) }
        guard !shown.isEmpty else { return "" }
        return say(Catalog.explainColon) + shown.map { statement(source($0), describe(evaluate($0, frame))) }.joined(separator: say(Catalog.explainListSeparator))
    }

    /// "`x` is false", "`x` is unknown", "`h.deadline` is 2024-07-01".
    private func statement(_ source: String, _ state: String, word: Bool = false) -> String {
        say(Catalog.explainIs(source, state, word: word))
    }

    /// Why a condition is not true, following the first part that failed.
    func whyNot(_ bound: Bound, _ frame: Frame) -> [String] {
        let value = evaluate(bound, frame)
        let isWord = value == .bool(false) || value.isMissing
        let state = value == .bool(false) ? say(Catalog.stateFalse) : (value.isMissing ? say(Catalog.stateUnknown) : describe(value))
        let sentence = statement(source(bound), state, word: isWord)
        switch bound.kind {
        case .and(let a, let b):
            if evaluate(a, frame) != .bool(true) { return whyNot(a, frame) }
            return whyNot(b, frame)
        case .or(let a, let b):
            return [say(Catalog.explainNeither)] + whyNot(a, frame).map { "  " + $0 } + whyNot(b, frame).map { "  " + $0 }
        case .not(let inner):
            return [sentence + say(Catalog.explainColon) + statement(source(inner), describe(evaluate(inner, frame)))]
        case .definition(_, let arguments, let body):
            for argument in arguments { frame.slots[argument.slot] = evaluate(argument.value, frame) }
            return [sentence + say(Catalog.explainSince)] + whyNot(body, frame).map { "  " + $0 }
        case .compare(_, let left, let right), .membership(let left, let right, _), .arithmetic(_, let left, let right):
            return [sentence + operandValues([left, right], frame)]
        case .isMissing(let operand, _):
            return [sentence + operandValues([operand], frame)]
        case .quantifier(let quantifier, let slot, _, let collection, let condition):
            return whyNotQuantifier(quantifier, slot: slot, collection: collection, condition: condition, bound, frame)
        default:
            return [sentence]
        }
    }

    private func whyNotQuantifier(_ quantifier: Quantifier, slot: Int, collection: Bound, condition: Bound,
                                  _ bound: Bound, _ frame: Frame) -> [String] {
        let elements: [Value]
        switch evaluate(collection, frame) {
        case .list(let items): elements = items
        default: return [say(Catalog.explainMissing(source(collection)))]
        }
        if elements.isEmpty { return [say(Catalog.explainEmpty(source(collection)))] }
        var lines: [String] = []
        var shown = 0
        for element in elements {
            frame.slots[slot] = element
            let holds = evaluate(condition, frame)
            let relevant: Bool
            switch quantifier {
            case .some: relevant = holds != .bool(true)
            case .all: relevant = holds != .bool(true)
            case .none: relevant = holds != .bool(false)
            }
            guard relevant else { continue }
            if shown == Explainer.maxElementsExplained {
                lines.append(say(Catalog.explainMore(elements.count - shown)))
                break
            }
            shown += 1
            if quantifier == .none {
                lines.append(say(Catalog.explainMatches(describe(element), source(condition))))
            } else {
                let reason = whyNot(condition, frame)
                lines.append(describe(element) + say(Catalog.explainColon) + (reason.first ?? ""))
                lines += reason.dropFirst().map { "  " + $0 }
            }
        }
        let header: String
        switch quantifier {
        case .some: header = say(Catalog.explainNoneSatisfy(elements.count, source(collection)))
        case .all: header = say(Catalog.explainNotAll(source(collection)))
        case .none: header = say(Catalog.explainSomeMatch(source(collection)))
        }
        return [header] + lines.map { "  " + $0 }
    }
}
