import Foundation

/// A rule planned against a dataset: its condition, evidence collectors and message as closures.
/// A class: the evaluation loop passes it around by reference instead of copying every closure.
final class PlannedRule: @unchecked Sendable {
    let rule: CheckedRule
    let subjectSlot: Int
    let action: Int
    let name: String
    let actionName: String
    let condition: ConditionNode
    /// The same condition, recording every missing cell it reads (for undetermined subjects).
    let tracedCondition: Plan
    let evidence: [(variable: ExportedVariable, collection: CollectionPlan, condition: ConditionNode)]
    let message: [MessagePart]

    enum MessagePart {
        case literal(String)
        /// A value, and the evidence variables (by slot) it depends on.
        case value(Plan, evidenceSlots: [Int])
    }

    init(rule: CheckedRule, actionName: String, condition: ConditionNode, tracedCondition: @escaping Plan,
         evidence: [(variable: ExportedVariable, collection: CollectionPlan, condition: ConditionNode)], message: [MessagePart]) {
        self.rule = rule
        self.subjectSlot = rule.subjectSlot
        self.action = rule.action
        self.name = rule.name
        self.actionName = actionName
        self.condition = condition
        self.tracedCondition = tracedCondition
        self.evidence = evidence
        self.message = message
    }
}

/// Evaluates every rule for every subject, in parallel over chunks of subjects.
struct RuleEngine {
    let program: CheckedProgram
    let dataset: Dataset
    let limits: EvaluationLimits
    let cancellation: CancellationFlag?
    var detail: RunDetail = .everyRule
    var coverage: CoverageRecorder? = nil

    func plan() -> [PlannedRule] {
        var planner = Planner(schema: program.schema, dataset: dataset)
        planner.coverage = coverage
        var traced = planner
        traced.recordMissing = true
        // Coverage is about conditions: messages and evidence are planned without probes.
        var plain = planner
        plain.coverage = nil
        return program.rules.map { rule in
            let evidence = rule.evidence.map { variable in
                (variable, plain.planCollection(variable.collection), plain.conditionNode(variable.condition))
            }
            let exportedSlots = Set(rule.evidence.map(\.slot))
            var parts: [PlannedRule.MessagePart] = []
            if let message = rule.message {
                switch message.kind {
                case .constant(let value): parts = [.literal(value.display)]
                case .template(let pieces):
                    parts = pieces.map { piece in
                        switch piece {
                        case .literal(let text): return .literal(text)
                        case .value(let bound):
                            var slots: [Int] = []
                            bound.visit { node in
                                if case .local(let slot, _) = node.kind, exportedSlots.contains(slot), !slots.contains(slot) { slots.append(slot) }
                            }
                            return .value(plain.plan(bound), evidenceSlots: slots)
                        }
                    }
                default: parts = [.value(plain.plan(message), evidenceSlots: [])]
                }
            }
            return PlannedRule(rule: rule, actionName: program.schema.actions[rule.action], condition: planner.conditionNode(rule.condition),
                               tracedCondition: traced.plan(rule.condition), evidence: evidence, message: parts)
        }
    }

    /// Runs all rules as of a date.
    func run(asOf date: CalendarDate) -> RunResult {
        let started = Date()
        let planned = program.rules
        // Rules are grouped by subject table; each table's subjects are evaluated in key order.
        var subjectTables: [Int] = []
        for rule in planned where !subjectTables.contains(rule.subjectTable) { subjectTables.append(rule.subjectTable) }
        var decisions: [Decision] = []
        var subjectCount = 0
        for table in subjectTables {
            let order = dataset.tables[table].orderedRows()
            subjectCount += order.count
            decisions += evaluate(table: table, subjects: order, date: date)
        }
        var actionCounts: [String: Int] = [:]
        var ruleCounts: [String: (Int, Int, Int)] = [:]
        for decision in decisions {
            if let action = decision.action { actionCounts[action, default: 0] += 1 } else if decision.isUndetermined { actionCounts["undetermined", default: 0] += 1 }
            for outcome in decision.outcomes {
                var counts = ruleCounts[outcome.rule] ?? (0, 0, 0)
                switch outcome.kind {
                case .fired: counts.0 += 1
                case .undetermined: counts.1 += 1
                case .failed: counts.2 += 1
                case .notFired: break
                }
                ruleCounts[outcome.rule] = counts
            }
        }
        let names = program.rules.map(\.name)
        return RunResult(asOf: date, decisions: decisions, subjectCount: subjectCount, actionCounts: actionCounts,
                         ruleCounts: names.map { name in
                             let c = ruleCounts[name] ?? (0, 0, 0)
                             return (name, c.0, c.1, c.2)
                         },
                         evaluationSeconds: Date().timeIntervalSince(started), rules: names)
    }

    /// Subjects are split into chunks evaluated on all cores; each chunk has its own frame and its
    /// own copy of the planned rules. Shared plan objects would have their reference counts
    /// updated from every core in the inner loop, and that cache-line traffic cost more than the
    /// evaluation itself.
    private func evaluate(table: Int, subjects: [Int32], date: CalendarDate) -> [Decision] {
        let chunkCount = max(1, min(subjects.count / 2048, ProcessInfo.processInfo.activeProcessorCount * 8))
        let chunkSize = (subjects.count + chunkCount - 1) / max(chunkCount, 1)
        let results = ParallelSlots<[Decision]>(count: chunkCount)
        let slotCount = program.rules.map(\.slotCount).max() ?? 1
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let rules = plan().filter { $0.rule.subjectTable == table }
            let frame = Frame(slotCount: slotCount, today: date.dayNumber, dataset: dataset, limits: limits, cancellation: cancellation)
            var found: [Decision] = []
            let start = chunk * chunkSize
            let end = min(subjects.count, start + chunkSize)
            if start < end {
                for index in start..<end {
                    if let decision = decide(rules, table: table, subject: subjects[index], frame: frame, keepAll: false) {
                        found.append(decision)
                    }
                }
            }
            results.set(chunk, found)
        }
        return results.all.flatMap { $0 }
    }

    /// All rules for one subject. Returns nil when every rule came out "not fired" (and `keepAll`
    /// is false), which is most subjects. Evidence and messages are gathered for every fired rule
    /// with `everyRule` detail, else only for the rule that decides the action.
    func decide(_ rules: [PlannedRule], table: Int, subject: Int32, frame: Frame, keepAll: Bool) -> Decision? {
        let subjectValue = Value.record(RecordRef(table: Int32(table), row: subject))
        // Most subjects fire nothing: their outcomes are kept in a small fixed buffer, and arrays
        // are made only for the subjects that are reported.
        var kinds = (RuleOutcome.Kind.notFired, RuleOutcome.Kind.notFired, RuleOutcome.Kind.notFired, RuleOutcome.Kind.notFired)
        var extraKinds: [RuleOutcome.Kind] = []
        var failures: [Int: String] = [:]
        var strongest: Int? = nil
        var anyOutcome = keepAll
        for index in rules.indices {
            let rule = rules[index]
            frame.steps = 0
            frame.slots[rule.subjectSlot] = subjectValue
            var failure: String? = nil
            let kind: RuleOutcome.Kind
            do {
                switch try rule.condition.truth(frame) {
                case Truth.yes: kind = .fired
                case Truth.no: kind = .notFired
                default: kind = .undetermined
                }
            } catch {
                kind = .failed
                failure = error.text.en
            }
            if kind == .fired, strongest.map({ rule.action > $0 }) ?? true { strongest = rule.action }
            if kind != .notFired { anyOutcome = true }
            switch index {
            case 0: kinds.0 = kind
            case 1: kinds.1 = kind
            case 2: kinds.2 = kind
            case 3: kinds.3 = kind
            default:
                while extraKinds.count < index - 4 { extraKinds.append(.notFired) }
                extraKinds.append(kind)
            }
            if let failure { failures[index] = failure }
        }
        guard anyOutcome else { return nil }
        func kindOf(_ index: Int) -> RuleOutcome.Kind {
            switch index {
            case 0: return kinds.0
            case 1: return kinds.1
            case 2: return kinds.2
            case 3: return kinds.3
            default: return extraKinds[index - 4]
            }
        }
        var outcomes: [RuleOutcome] = []
        var decidingDone = false
        for (index, rule) in rules.enumerated() {
            let kind = kindOf(index)
            if kind == .notFired && !keepAll { continue }
            var evidence: [RecordID] = []
            var message: String? = nil
            var missing: [MissingField] = []
            frame.steps = 0
            frame.slots[rule.subjectSlot] = subjectValue
            switch kind {
            case .fired:
                let deciding = !decidingDone && rule.action == strongest
                if deciding { decidingDone = true }
                if deciding || detail == .everyRule {
                    let rows = collectEvidence(rule, frame: frame)
                    evidence = rows.flatMap { $0.rows.map { recordID(table: Int($0.table), row: $0.row) } }
                    message = renderMessage(rule, evidence: rows, frame: frame)
                }
            case .undetermined:
                missing = missingFields(rule, frame: frame)
            default: break
            }
            outcomes.append(RuleOutcome(rule: rule.name, action: rule.actionName, kind: kind, evidence: evidence,
                                        message: message, missing: missing, error: failures[index]))

        }
        return Decision(subject: recordID(table: table, row: subject), action: strongest.map { program.schema.actions[$0] }, outcomes: outcomes)
    }

    func recordID(table: Int, row: Int32) -> RecordID {
        RecordID(table: program.schema.tables[table].name, key: dataset.keyText(table: table, row: row), tableIndex: table, row: row)
    }

    /// For each evidence variable: every element of its collection for which its condition is true.
    func collectEvidence(_ rule: PlannedRule, frame: Frame) -> [(slot: Int, rows: [RecordRef], values: [Value])] {
        rule.evidence.map { entry in
            var rows: [RecordRef] = []
            var values: [Value] = []
            let span = entry.variable.condition.span, source = entry.variable.condition.source
            try? Planner.forEach((try? entry.collection(frame)) ?? .missing, slot: entry.variable.slot, frame, span, source) { frame throws(EvaluationError) in
                if try entry.condition.truth(frame) == Truth.yes {
                    let value = frame.slots[entry.variable.slot]
                    if case .record(let ref) = value { rows.append(ref) }
                    values.append(value)
                }
                return true
            }
            return (entry.variable.slot, rows, values)
        }
    }

    /// The message: a part that uses an evidence variable is rendered once per piece of evidence,
    /// distinct results joined by `、` ("重大隐患 H1、H2 未整改").
    func renderMessage(_ rule: PlannedRule, evidence: [(slot: Int, rows: [RecordRef], values: [Value])], frame: Frame) -> String? {
        guard !rule.message.isEmpty else { return nil }
        var bySlot: [Int: [Value]] = [:]
        for entry in evidence { bySlot[entry.slot] = entry.values }
        // Other evidence variables hold their first match while one is varied.
        for entry in evidence { if let first = entry.values.first { frame.slots[entry.slot] = first } }
        var text = ""
        for part in rule.message {
            switch part {
            case .literal(let literal): text += literal
            case .value(let plan, let slots):
                var rendered: [String] = []
                if let slot = slots.first, let values = bySlot[slot], values.count > 1 {
                    for value in values {
                        frame.slots[slot] = value
                        let piece = (try? plan(frame))?.display ?? "?"
                        if !rendered.contains(piece) { rendered.append(piece) }
                    }
                    if let first = values.first { frame.slots[slot] = first }
                } else {
                    rendered.append((try? plan(frame))?.display ?? "?")
                }
                text += rendered.joined(separator: "、")
            }
        }
        return text
    }

    /// Re-evaluates an undetermined condition, recording which cells were missing.
    func missingFields(_ rule: PlannedRule, frame: Frame) -> [MissingField] {
        frame.missingReads.removeAll()
        frame.steps = 0
        _ = try? rule.tracedCondition(frame)
        var seen: Set<MissingRead> = []
        var fields: [MissingField] = []
        for read in frame.missingReads where seen.insert(read).inserted {
            fields.append(MissingField(record: recordID(table: read.table, row: read.row),
                                       column: program.schema.tables[read.table].columns[read.column].name))
        }
        frame.missingReads.removeAll()
        return fields
    }
}
