import Foundation

/// A rule planned against a dataset: its condition, evidence collectors and message as closures.
/// A class: the evaluation loop passes it around by reference instead of copying every closure.
final class PlannedRule: @unchecked Sendable {
    let rule: CheckedRule
    let subjectSlot: Int
    let action: Int
    let name: String
    let actionName: String
    /// The condition: the one plan that decides, and that is evaluated again, recording the
    /// missing cells it reads, for a subject it leaves undetermined.
    let condition: ConditionNode
    let evidence: [EvidencePlan]
    let message: [MessagePart]
    /// Bytes a rendered message usually takes: its literals and some for each value.
    let messageCapacity: Int

    enum MessagePart {
        /// Text of the template, as UTF-8 of the worker's own (no two cores count references
        /// to the same storage).
        case literal([UInt8])
        /// A value, and the evidence variables (by slot) it depends on.
        case value(MessageValue, evidenceSlots: [Int])
    }

    /// How a message writes a value: a cell of a record a variable holds, copied from its column
    /// (`{h.responsible_unit}`, `{h.id}`, `{h.deadline}`: most of what messages show); any
    /// other expression evaluated by its plan and displayed. Both write what `Value.display`
    /// shows; the first makes no `Value` and no String, so it touches no reference count that
    /// another core touches too (a pool's cached Strings are shared by the workers).
    enum MessageValue {
        case cell(MessageCell)
        case plan(Plan)

        /// Writes the value; "?" when its evaluation fails.
        func write(_ frame: Frame, into out: inout [UInt8]) {
            switch self {
            case .plan(let plan):
                out.append(contentsOf: ((try? plan(frame))?.display ?? "?").utf8)
            case .cell(let cell):
                cell.write(frame, into: &out)
            }
        }
    }

    /// A text, date or int cell of the record a variable holds, written from its column. Each
    /// worker has its own; the columns are the dataset's, read through addresses taken once, so
    /// that writing a cell counts no reference another core counts too.
    final class MessageCell: @unchecked Sendable {
        let slot: Int
        /// Keeps the column's arrays (and its pool) alive while the addresses below are read.
        private let column: ColumnData
        private let kind: Kind
        private let ids: UnsafeBufferPointer<Int32>
        private let ints: UnsafeBufferPointer<Int64>
        private let missing: UnsafeBufferPointer<Bool>
        private let pool: PoolView?

        private enum Kind { case text, date, int }

        init?(slot: Int, _ column: ColumnData) {
            self.slot = slot
            self.column = column
            switch column {
            case .text(let ids, let pool):
                (kind, self.pool) = (.text, pool.view)
                self.ids = ids.withUnsafeBufferPointer { $0 }
                (ints, missing) = (UnsafeBufferPointer(start: nil, count: 0), UnsafeBufferPointer(start: nil, count: 0))
            case .date(let days):
                (kind, pool) = (.date, nil)
                ids = days.withUnsafeBufferPointer { $0 }
                (ints, missing) = (UnsafeBufferPointer(start: nil, count: 0), UnsafeBufferPointer(start: nil, count: 0))
            case .int(let values, let missing):
                (kind, pool) = (.int, nil)
                ids = UnsafeBufferPointer(start: nil, count: 0)
                ints = values.withUnsafeBufferPointer { $0 }
                self.missing = missing.withUnsafeBufferPointer { $0 }
            default:
                return nil
            }
        }

        /// What `Value.display` shows for the cell (`missing` when the variable holds no record
        /// or the cell is empty).
        func write(_ frame: Frame, into out: inout [UInt8]) {
            guard case .record(let ref) = frame.slots[slot], ref.row >= 0 else {
                out.append(contentsOf: Value.missing.display.utf8)
                return
            }
            let row = Int(ref.row)
            switch kind {
            case .text:
                let id = row < ids.count ? ids[row] : -1
                guard id >= 0, let pool else { out.append(contentsOf: Value.missing.display.utf8); return }
                // (`pool` is a view: binding it retains nothing.)
                pool.withBytes(id) { out.append(contentsOf: $0) }
            case .date:
                let day = row < ids.count ? ids[row] : ColumnData.missingDate
                out.append(contentsOf: (day == ColumnData.missingDate ? Value.missing : Value.date(day)).display.utf8)
            case .int:
                let known = row < ints.count && row < missing.count && !missing[row]
                out.append(contentsOf: (known ? Value.int(ints[row]) : Value.missing).display.utf8)
            }
        }
    }

    init(rule: CheckedRule, actionName: String, condition: ConditionNode, evidence: [EvidencePlan], message: [MessagePart]) {
        self.rule = rule
        self.subjectSlot = rule.subjectSlot
        self.action = rule.action
        // Copies with storage of their own: every outcome holds these, and each worker plans its
        // own rules, so no two cores update the reference counts of the same text.
        self.name = PlannedRule.ownCopy(rule.name)
        self.actionName = PlannedRule.ownCopy(actionName)
        self.condition = condition
        self.evidence = evidence
        self.message = message
        messageCapacity = message.reduce(0) { total, part in
            if case .literal(let text) = part { return total + text.count }
            return total + 24
        }
    }

    static func ownCopy(_ text: String) -> String { String(decoding: Array(text.utf8), as: UTF8.self) }
}

/// Names records (table name and key text) for decisions. Each evaluation worker has its own:
/// the key columns are read through this object's own `let`s, so building a `RecordID` retains
/// nothing that another core retains too.
final class RecordNamer: @unchecked Sendable {
    private let tableNames: [String]
    private let keys: [KeyTexts]

    /// One table's keys: interned text (the usual case), or any other column type.
    final class KeyTexts: @unchecked Sendable {
        let ids: [Int32]
        /// The key column's pool, read through its addresses (binding a `TextPool` would retain
        /// the one object every worker reads); `column` keeps it alive.
        let pool: PoolView?
        let column: ColumnData
        /// Whether row r's text is text r (keys, unique, are stored in row order): the row's id
        /// is then not read, which in a table of millions is a cache miss per name.
        let idsAreRows: Bool
        init(_ column: ColumnData, idsAreRows: Bool = false) {
            self.column = column
            if case .text(let ids, let pool) = column { self.ids = ids; self.pool = pool.view } else { ids = []; self.pool = nil }
            self.idsAreRows = idsAreRows && pool != nil
        }

        /// Whether a column's ids are its rows' numbers, looked at once per run.
        static func idsAreRows(_ column: ColumnData) -> Bool {
            guard case .text(let ids, _) = column else { return false }
            return ids.withUnsafeBufferPointer { ids in
                var same = true
                for row in ids.indices where ids[row] != Int32(truncatingIfNeeded: row) { same = false; break }
                return same
            }
        }

        func isMissing(_ row: Int32) -> Bool {
            if pool != nil { return row < 0 || Int(row) >= ids.count || ids[Int(row)] < 0 }
            return column.value(Int(row)).isMissing
        }

        /// The row's text as UTF-8 bytes, without making a String when it is pooled text.
        func withBytes<R>(_ row: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
            if let pool, row >= 0, Int(row) < ids.count {
                let id = idsAreRows ? row : ids[Int(row)]
                if id >= 0 { return pool.withBytes(id, body) }
            }
            var text = self.text(row)
            return text.withUTF8(body)
        }

        func text(_ row: Int32) -> String {
            if let pool, row >= 0, Int(row) < ids.count {
                let id = idsAreRows ? row : ids[Int(row)]
                // Made from the bytes, not the pool's cached String, which every worker shares.
                return id < 0 ? Value.missing.display : pool.withBytes(id) { String(decoding: $0, as: UTF8.self) }
            }
            return column.value(Int(row)).display
        }
    }

    private let labels: [KeyTexts?]

    /// `keyIdsAreRows`, by table: `KeyTexts.idsAreRows` of each key column, when known.
    init(schema: Schema, dataset: Dataset, keyIdsAreRows: [Bool] = []) {
        tableNames = schema.tables.map { PlannedRule.ownCopy($0.name) }
        keys = schema.tables.indices.map {
            KeyTexts(dataset.tables[$0].columns[schema.tables[$0].keyColumn], idsAreRows: $0 < keyIdsAreRows.count && keyIdsAreRows[$0])
        }
        labels = schema.tables.indices.map { table in schema.tables[table].labelColumn.map { KeyTexts(dataset.tables[table].columns[$0]) } }
    }

    /// A row's key as UTF-8 bytes (as `id(table:row:).key` spells it).
    func withKeyBytes<R>(table: Int, row: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        keys[table].withBytes(row, body)
    }

    /// A row's label as UTF-8 bytes: empty where the table has no label or the cell is empty
    /// (as `id(table:row:).label ?? ""`).
    func withLabelBytes<R>(table: Int, row: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard let label = labels[table], !label.isMissing(row) else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        return label.withBytes(row, body)
    }

    /// Calls `body` with a row's label as UTF-8 bytes when it has one (as `id(table:row:).label`).
    func withLabel(table: Int, row: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard let label = labels[table], !label.isMissing(row) else { return }
        label.withBytes(row, body)
    }

    func id(table: Int, row: Int32) -> RecordID {
        var id = RecordID(table: tableNames[table], key: keys[table].text(row), tableIndex: table, row: row)
        // An empty label cell is no label: the key alone names the row.
        if let label = labels[table], !label.isMissing(row) { id.label = label.text(row) }
        return id
    }
}

/// How to find one evidence variable's matches: its slot, its rows (straight from a backward
/// reference or table when possible, else through the generic collection plan) and its condition.
final class EvidencePlan: @unchecked Sendable {
    let slot: Int
    let table: Int32
    let rows: RowSource?
    let collection: CollectionPlan
    let condition: ConditionNode
    /// The condition's truth per row, when computed before the run (`ElementTruths`).
    let truths: UnsafeBufferPointer<UInt8>?
    let span: SourceSpan
    let file: SourceFile?

    init(_ variable: ExportedVariable, planner: Planner) {
        slot = variable.slot
        let source = planner.rowSource(variable.collection)
        table = source?.0 ?? -1
        rows = source?.1
        collection = planner.planCollection(variable.collection)
        condition = planner.conditionNode(variable.condition)
        truths = source.flatMap { ElementTruths.key(variable.condition, slot: variable.slot, table: Int($0.0)) }.flatMap { planner.elementTruths?.truths($0) }
        span = variable.condition.span
        file = variable.condition.source
    }
}

/// Per chunk of subjects: how many subjects got each action, and each rule's outcomes.
struct OutcomeCounts {
    var actions: [Int]
    var undetermined = 0
    var fired: [Int], undeterminedRules: [Int], failed: [Int]

    init(actions: Int, rules: Int) {
        self.actions = Array(repeating: 0, count: actions)
        fired = Array(repeating: 0, count: rules)
        undeterminedRules = fired
        failed = fired
    }

    mutating func add(_ other: OutcomeCounts) {
        for i in actions.indices { actions[i] += other.actions[i] }
        for i in fired.indices {
            fired[i] += other.fired[i]
            undeterminedRules[i] += other.undeterminedRules[i]
            failed[i] += other.failed[i]
        }
        undetermined += other.undetermined
    }
}

/// Evaluates every rule for every subject, in parallel over chunks of subjects.
struct RuleEngine {
    let program: CheckedProgram
    let dataset: Dataset
    let limits: EvaluationLimits
    let cancellation: CancellationFlag?
    var detail: RunDetail = .everyRule
    /// For `RunDetail.jsonReport`: the writer whose report the decisions are rendered for.
    var jsonWriter: ReportWriter? = nil
    var coverage: CoverageRecorder? = nil
    /// Conditions computed for every row before the run (set by `run`).
    var elementTruths: ElementTruths? = nil
    /// Whether `run` computes them (tests compare runs with and without).
    var precomputes = true

    /// The rules' plans; with a registry, every part of each condition's plan is kept in it
    /// (for explanations).
    func plan(registry: PlanRegistry? = nil) -> [PlannedRule] {
        var planner = Planner(schema: program.schema, dataset: dataset)
        planner.coverage = coverage
        planner.elementTruths = elementTruths
        planner.registry = registry
        // Coverage is about conditions: messages and evidence are planned without probes. They
        // bind their variables' values before reading them, so their reads do not count against
        // the condition's row-only variables.
        var plain = planner
        plain.coverage = nil
        plain.registry = nil
        plain.valueReads = SlotSet()
        return program.rules.map { rule in
            let evidence = rule.evidence.map { EvidencePlan($0, planner: plain) }
            let exportedSlots = Set(rule.evidence.map(\.slot))
            var parts: [PlannedRule.MessagePart] = []
            if let message = rule.message {
                switch message.kind {
                case .constant(let value): parts = [.literal(Array(value.display.utf8))]
                case .template(let pieces):
                    parts = pieces.map { piece in
                        switch piece {
                        case .literal(let text): return .literal(Array(text.utf8))
                        case .value(let bound):
                            var slots: [Int] = []
                            bound.visit { node in
                                if case .local(let slot, _) = node.kind, exportedSlots.contains(slot), !slots.contains(slot) { slots.append(slot) }
                            }
                            if case .column(let record, let table, let column) = bound.kind, case .local(let slot, _) = record.kind,
                               let cell = PlannedRule.MessageCell(slot: slot, dataset.tables[table].columns[column]) {
                                return .value(.cell(cell), evidenceSlots: slots)
                            }
                            return .value(.plan(plain.plan(bound)), evidenceSlots: slots)
                        }
                    }
                default: parts = [.value(.plan(plain.plan(message)), evidenceSlots: [])]
                }
            }
            return PlannedRule(rule: rule, actionName: program.schema.actions[rule.action], condition: planner.conditionNode(rule.condition),
                               evidence: evidence, message: parts)
        }
    }

    /// Runs all rules as of a date. A limit (steps over the whole run, the deadline, the host's
    /// cancellation) stops every thread; the result then says so and holds what was decided.
    func run(asOf date: CalendarDate) -> RunResult {
        let started = Date()
        let budget = EvaluationBudget(limits, cancellation: cancellation)
        var engine = self
        // Coverage counts each evaluated branch: it needs every condition evaluated in place.
        if coverage == nil, precomputes {
            engine.elementTruths = PhaseTimer.measure("element conditions") {
                ElementTruths(rules: program.rules, schema: program.schema, dataset: dataset, today: date.dayNumber,
                              slotCount: program.rules.map(\.slotCount).max() ?? 1, limits: limits, budget: budget)
            }
        }
        return engine.evaluateAll(asOf: date, started: started, budget: budget)
    }

    private func evaluateAll(asOf date: CalendarDate, started: Date, budget: EvaluationBudget) -> RunResult {
        // Rules are grouped by subject table; each table's subjects are evaluated in key order.
        var subjectTables: [Int] = []
        for rule in program.rules where !subjectTables.contains(rule.subjectTable) { subjectTables.append(rule.subjectTable) }
        var decisions: [Decision] = []
        var counts = OutcomeCounts(actions: program.schema.actions.count, rules: program.rules.count)
        var subjectCount = 0, evaluated = 0
        var undecided: [(table: Int, rows: ArraySlice<Int32>)] = []
        // A CSV report rendered as the subjects are decided (`RunDetail.csvReport`); the subjects
        // a JSON report is about, and which rules fired for them (`.jsonReport`).
        var rendered: [[UInt8]] = [], renderedCount = 0
        var decidedByTable: [(table: Int, subjects: [DecidedSubject])] = []
        // Whether each key column's text ids are its row numbers, looked at once for the run.
        let keyIdsAreRows = program.schema.tables.indices.map {
            RecordNamer.KeyTexts.idsAreRows(dataset.tables[$0].columns[program.schema.tables[$0].keyColumn])
        }
        for table in subjectTables {
            let order = dataset.tables[table].orderedRows()
            subjectCount += order.count
            guard budget.stopped == nil else {
                undecided.append((table, order[...]))
                continue
            }
            PhaseTimer.measure("evaluate \(program.schema.tables[table].name)") {
                var decided: [DecidedSubject] = []
                let (done, left) = evaluate(table: table, subjects: order, date: date, budget: budget, keyIdsAreRows: keyIdsAreRows,
                                            into: &decisions, counts: &counts, rendered: &rendered, renderedCount: &renderedCount,
                                            decided: &decided)
                decidedByTable.append((table, decided))
                evaluated += done
                undecided += left.map { (table, $0) }
            }
        }
        let stop = budget.stopped.map { stop in
            let names = RecordNamer(schema: program.schema, dataset: dataset)
            return RunStop(stop, subjectsEvaluated: evaluated,
                           undecided: undecided.flatMap { part in part.rows.map { names.id(table: part.table, row: $0) } })
        }
        var actionCounts: [String: Int] = [:]
        for (action, count) in counts.actions.enumerated() where count > 0 { actionCounts[program.schema.actions[action]] = count }
        if counts.undetermined > 0 { actionCounts["undetermined"] = counts.undetermined }
        var result = RunResult(asOf: date, decisions: decisions, subjectCount: subjectCount, actionCounts: actionCounts,
                               ruleCounts: program.rules.indices.map { r in
                                   (program.rules[r].name, counts.fired[r], counts.undeterminedRules[r], counts.failed[r])
                               },
                               evaluationSeconds: Date().timeIntervalSince(started), rules: program.rules.map(\.name), stopped: stop)
        switch detail {
        case .csvReport: result.csvRows = rendered
        case .jsonReport:
            if let jsonWriter {
                result.pendingJSON = PendingJSON(engine: self, writer: jsonWriter, tables: decidedByTable, date: date, budget: budget,
                                                 keyIdsAreRows: keyIdsAreRows)
            }
        case .everyRule, .decidingRule: break
        }
        result.renderedCount = renderedCount
        return result
    }

    /// Subjects are split into chunks evaluated on all cores; each chunk has its own frame and its
    /// own copy of the planned rules. Shared plan objects would have their reference counts
    /// updated from every core in the inner loop, and that cache-line traffic cost more than the
    /// evaluation itself.
    /// Returns how many subjects were evaluated (all of them unless a limit stopped the run), and
    /// the subjects left undecided by a stop, in key order.
    private func evaluate(table: Int, subjects: [Int32], date: CalendarDate, budget: EvaluationBudget, keyIdsAreRows: [Bool],
                          into decisions: inout [Decision], counts: inout OutcomeCounts,
                          rendered renderedParts: inout [[UInt8]], renderedCount: inout Int,
                          decided decidedSubjects: inout [DecidedSubject]) -> (Int, [ArraySlice<Int32>]) {
        let chunkCount = max(1, min(subjects.count / 2048, ProcessInfo.processInfo.activeProcessorCount * 8))
        let chunkSize = (subjects.count + chunkCount - 1) / max(chunkCount, 1)
        let results = ParallelSlots<([Decision], OutcomeCounts, Int)>(count: chunkCount)
        let rendered = ParallelSlots<([UInt8], Int)>(count: chunkCount)
        let decidedSlots = ParallelSlots<[DecidedSubject]>(count: chunkCount)
        let csvRaw: Bool? = { if case .csvReport(let raw) = detail { return raw } else { return nil } }()
        // A JSON report's decisions are rendered after the run (`PendingJSON`), once the summary
        // that heads the report is known: the run notes which rules fired for whom.
        let recordsDecided = detail == .jsonReport && jsonWriter != nil
        let labelled = program.schema.tables.contains { $0.labelColumn != nil }
        let (actionCount, ruleCount) = (program.schema.actions.count, program.rules.count)
        // Subjects on which every rule is proven not to fire before the run are passed over.
        let skippable = SkippableRows(rows: elementTruths?.skippable(table: table),
                                      provenNotFired: program.rules.indices.map { elementTruths?.provenNotFired(rule: $0) })
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let (rules, ruleNumbers, names, frame) = worker(table: table, date: date, budget: budget, keyIdsAreRows: keyIdsAreRows)
            let csv = csvRaw.map { CSVRowWriter(raw: $0, labelled: labelled, names: names) }
            let decided = recordsDecided ? DecidedSubjects() : nil
            var found: [Decision] = []
            var chunkCounts = OutcomeCounts(actions: actionCount, rules: ruleCount)
            let start = chunk * chunkSize
            let end = min(subjects.count, start + chunkSize)
            var done = 0
            do throws(EvaluationError) {
                for index in start..<max(start, end) {
                    // Rules without loops take no steps: the deadline and cancellation are also
                    // looked at every 16 subjects.
                    if done & 0xF == 0 { try budget.check(.none, nil) }
                    if let rows = skippable.rows, rows[Int(subjects[index])] == 1 {
                        done += 1
                        continue
                    }
                    let decision = try decide(rules, table: table, subject: subjects[index], frame: frame, keepAll: false,
                                              counts: &chunkCounts, ruleNumbers: ruleNumbers, names: names,
                                              provenNotFired: skippable.provenNotFired, csv: csv, decided: decided)
                    done += 1
                    if let decision { found.append(decision) }
                }
            } catch {
                budget.record(error)
            }
            results.set(chunk, (found, chunkCounts, done))
            if let csv { rendered.set(chunk, (csv.bytes, csv.rows)) }
            if let decided { decidedSlots.set(chunk, decided.subjects) }
        }
        var evaluated = 0
        var undecided: [ArraySlice<Int32>] = []
        var parts = [decisions]
        decisions = []
        for chunk in 0..<chunkCount {
            let start = chunk * chunkSize, end = min(subjects.count, start + chunkSize)
            // Taken out of its slot, so the chunk's array is the only reference to its decisions.
            guard let (found, chunkCounts, done) = results.take(chunk) else {
                if start < end { undecided.append(subjects[start..<end]) }
                continue
            }
            parts.append(found)
            counts.add(chunkCounts)
            if let (bytes, rows) = rendered.take(chunk) {
                renderedParts.append(bytes)
                renderedCount += rows
            }
            if let found = decidedSlots.take(chunk) {
                decidedSubjects += found
                renderedCount += found.count
            }
            evaluated += done
            if start + done < end { undecided.append(subjects[(start + done)..<end]) }
        }
        decisions = .moving(&parts, placeholder: Decision(subject: RecordID(table: "", key: "", tableIndex: 0, row: 0), action: nil, outcomes: []))
        return (evaluated, undecided)
    }

    /// All rules for one subject. Returns nil when every rule came out "not fired" (and `keepAll`
    /// is false), which is most subjects. Evidence and messages are gathered for every fired rule
    /// with `everyRule` detail, else only for the rule that decides the action.
    /// For one subject alone (explanations): every outcome kept, and a limit reached makes the
    /// rules it stops `failed` with the limit as their reason.
    func decideRecordingLimits(_ rules: [PlannedRule], table: Int, subject: Int32, frame: Frame) -> Decision? {
        var counts = OutcomeCounts(actions: program.schema.actions.count, rules: rules.count)
        return try? decide(rules, table: table, subject: subject, frame: frame, keepAll: true, counts: &counts,
                           ruleNumbers: Array(rules.indices), names: RecordNamer(schema: program.schema, dataset: dataset),
                           limitsFail: true)
    }

    /// `decide`, counting outcomes by rule number (`ruleNumbers[i]` for `rules[i]`) and the action.
    /// A limit stops the run (it is thrown) unless `limitsFail`, when it fails the rule.
    func decide(_ rules: [PlannedRule], table: Int, subject: Int32, frame: Frame, keepAll: Bool, counts: inout OutcomeCounts,
                ruleNumbers: [Int], names: RecordNamer, limitsFail: Bool = false,
                provenNotFired: [UnsafeBufferPointer<UInt8>?] = [], csv: CSVRowWriter? = nil,
                decided: DecidedSubjects? = nil, json: JSONDecisionWriter? = nil) throws(EvaluationError) -> Decision? {
        let subjectValue = Value.record(RecordRef(table: Int32(table), row: subject))
        // Most subjects fire nothing: their outcomes are kept in a small fixed buffer, and arrays
        // are made only for the subjects that are reported.
        var kinds = (RuleOutcome.Kind.notFired, RuleOutcome.Kind.notFired, RuleOutcome.Kind.notFired, RuleOutcome.Kind.notFired)
        var extraKinds: [RuleOutcome.Kind] = []
        var failures: [Int: String] = [:]
        var calendarGaps: [Int: Int] = [:]
        var strongest: Int? = nil
        var anyOutcome = keepAll
        var anyUndetermined = false
        for index in rules.indices {
            let rule = rules[index]
            frame.slots[rule.subjectSlot] = subjectValue
            var failure: String? = nil
            let kind: RuleOutcome.Kind
            // Proven before the run (`SubjectPruning`): the condition need not be evaluated.
            let proven = ruleNumbers[index] < provenNotFired.count && provenNotFired[ruleNumbers[index]].map { $0[Int(subject)] == 1 } == true
            do {
                // One subject alone (explanations) looks at the deadline and cancellation before
                // each rule: its loops may be too short ever to reach the budget's check.
                if limitsFail { try frame.budget.check(.none, nil) }
                switch proven ? Truth.no : try rule.condition.truth(frame) {
                case Truth.yes: kind = .fired
                case Truth.no: kind = .notFired
                default: kind = .undetermined
                }
            } catch {
                if error.isLimit && !limitsFail { throw error }
                if error.kind == .noCalendar, let year = error.missingYear {
                    // Not a failure of the rule: the holidays of that year are not known.
                    kind = .undetermined
                    calendarGaps[index] = year
                } else {
                    kind = .failed
                    failure = error.text.en
                }
            }
            if kind == .fired, strongest.map({ rule.action > $0 }) ?? true { strongest = rule.action }
            if kind != .notFired {
                anyOutcome = true
                switch kind {
                case .fired: counts.fired[ruleNumbers[index]] += 1
                case .undetermined: counts.undeterminedRules[ruleNumbers[index]] += 1; anyUndetermined = true
                default: counts.failed[ruleNumbers[index]] += 1
                }
            }
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
        if let strongest { counts.actions[strongest] += 1 } else if anyUndetermined { counts.undetermined += 1 }
        func kindOf(_ index: Int) -> RuleOutcome.Kind {
            switch index {
            case 0: return kinds.0
            case 1: return kinds.1
            case 2: return kinds.2
            case 3: return kinds.3
            default: return extraKinds[index - 4]
            }
        }
        if let csv, let strongest {
            // The report's row straight away: the deciding rule (the first that fired with the
            // strongest action), its evidence and message.
            for index in rules.indices where rules[index].action == strongest && kindOf(index) == .fired {
                let rule = rules[index]
                frame.slots[rule.subjectSlot] = subjectValue
                let found = try collectEvidence(rule, frame: frame)
                csv.message.removeAll(keepingCapacity: true)
                _ = renderMessage(rule, evidence: found, frame: frame, into: &csv.message)
                csv.appendDecided(table: table, subject: subject, action: rule.actionName, rule: rule.name, evidence: found)
                return nil
            }
        }
        if let decided {
            // Rendered after the run (`PendingJSON`): which rules fired is all it needs, unless
            // an outcome carries more (missing cells, a failure), when the subject is decided
            // again then.
            var fired: UInt64 = 0
            let plain = !anyUndetermined && failures.isEmpty && calendarGaps.isEmpty && rules.count <= 64
            if plain { for index in rules.indices where kindOf(index) == .fired { fired |= 1 << UInt64(index) } }
            decided.subjects.append(DecidedSubject(row: subject, action: Int32(strongest ?? -1), fired: fired, plain: plain))
            return nil
        }
        var outcomes: [RuleOutcome] = []
        var decidingDone = false
        for (index, rule) in rules.enumerated() {
            let kind = kindOf(index)
            if kind == .notFired && !keepAll { continue }
            var evidence: [RecordID] = []
            var message: String? = nil
            var missing: [MissingField] = []
            frame.slots[rule.subjectSlot] = subjectValue
            switch kind {
            case .fired:
                let deciding = !decidingDone && rule.action == strongest
                if deciding { decidingDone = true }
                if deciding || detail.gathersEveryRule {
                    let found = limitsFail ? ((try? collectEvidence(rule, frame: frame)) ?? []) : try collectEvidence(rule, frame: frame)
                    for entry in found {
                        for case .record(let ref) in entry.values { evidence.append(names.id(table: Int(ref.table), row: ref.row)) }
                    }
                    message = renderMessage(rule, evidence: found, frame: frame)
                }
            case .undetermined where calendarGaps[index] == nil:
                missing = missingFields(rule, frame: frame, names: names)
            default: break
            }
            outcomes.append(RuleOutcome(rule: rule.name, action: rule.actionName, kind: kind, evidence: evidence,
                                        message: message, missing: missing, error: failures[index], noCalendarFor: calendarGaps[index]))

        }
        let decision = Decision(subject: names.id(table: table, row: subject), action: strongest.map { program.schema.actions[$0] }, outcomes: outcomes)
        if let csv {
            csv.appendGeneral(decision)
            return nil
        }
        if let json {
            json.append(decision)
            return nil
        }
        return decision
    }


    /// A JSON entry for a subject whose rules all fired or did not, straight from the rows, with
    /// no `Decision`: each fired rule's evidence and message, the others by name.
    /// `fired`: bit i for rule i.
    func writeJSON(_ rules: [PlannedRule], table: Int, subject: Int32, frame: Frame, action: Int, fired: UInt64,
                   json: JSONDecisionWriter) throws(EvaluationError) {
        let subjectValue = Value.record(RecordRef(table: Int32(table), row: subject))
        json.beginDecision(table: table, subject: subject, action: action)
        for index in rules.indices {
            let rule = rules[index]
            guard fired & (1 << UInt64(index)) != 0 else {
                json.appendRule(table: table, index: index, fired: false, hasMessage: false, evidence: [])
                continue
            }
            frame.slots[rule.subjectSlot] = subjectValue
            let found = try collectEvidence(rule, frame: frame)
            json.touch(found)
            json.message.removeAll(keepingCapacity: true)
            let hasMessage = renderMessage(rule, evidence: found, frame: frame, into: &json.message)
            json.appendRule(table: table, index: index, fired: true, hasMessage: hasMessage, evidence: found)
        }
        json.closeDecision()
    }

    /// What one worker evaluates a chunk of subjects of `table` with: its own plans (shared
    /// plan objects would have their reference counts updated from every core), the rules of
    /// the table with their numbers in the program (`plan()` keeps its order: a rule's number
    /// is its place in the counts), a namer and a frame.
    func worker(table: Int, date: CalendarDate, budget: EvaluationBudget, keyIdsAreRows: [Bool])
        -> (rules: [PlannedRule], ruleNumbers: [Int], names: RecordNamer, frame: Frame) {
        let planned = plan()
        let ruleNumbers = planned.indices.filter { planned[$0].rule.subjectTable == table }
        let names = RecordNamer(schema: program.schema, dataset: dataset, keyIdsAreRows: keyIdsAreRows)
        let frame = Frame(slotCount: program.rules.map(\.slotCount).max() ?? 1, today: date.dayNumber, dataset: dataset,
                          limits: limits, budget: budget)
        return (ruleNumbers.map { planned[$0] }, ruleNumbers, names, frame)
    }

    /// For each evidence variable: every element of its collection for which its condition is
    /// true. An element whose condition fails is no evidence; a limit stops the run.
    func collectEvidence(_ rule: PlannedRule, frame: Frame) throws(EvaluationError) -> [(slot: Int, values: [Value])] {
        var found: [(slot: Int, values: [Value])] = []
        for entry in rule.evidence {
            var values: [Value] = []
            let slot = entry.slot, condition = entry.condition
            func holds(_ frame: Frame) throws(EvaluationError) -> Bool {
                do { return try condition.truth(frame) == Truth.yes } catch {
                    if error.isLimit { throw error }
                    return false
                }
            }
            if let source = entry.rows {
                // Rows straight from the index, as the condition's own quantifier read them.
                guard let (list, start, end) = try? source.rows(frame), start >= 0 else { found.append((slot, [])); continue }
                for index in start..<end {
                    let row = list.map { $0[index] } ?? Int32(index)
                    let value = Value.record(RecordRef(table: entry.table, row: row))
                    // The truth computed before the run, unless the condition failed there.
                    if let truths = entry.truths, truths[Int(row)] != ElementTruths.failed {
                        if truths[Int(row)] == Truth.yes { values.append(value) }
                        continue
                    }
                    frame.slots[slot] = value
                    if try holds(frame) { values.append(value) }
                }
            } else {
                try Planner.forEach((try? entry.collection(frame)) ?? .missing, slot: slot, frame, entry.span, entry.file) { frame throws(EvaluationError) in
                    if try holds(frame) { values.append(frame.slots[slot]) }
                    return true
                }
            }
            found.append((slot, values))
        }
        return found
    }

    /// The message: a part that uses an evidence variable is rendered once per piece of evidence,
    /// distinct results joined by `、` ("重大隐患 H1、H2 未整改").
    func renderMessage(_ rule: PlannedRule, evidence: [(slot: Int, values: [Value])], frame: Frame) -> String? {
        var bytes: [UInt8] = []
        guard renderMessage(rule, evidence: evidence, frame: frame, into: &bytes) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The message as UTF-8 appended to `out`; false if the rule has none.
    func renderMessage(_ rule: PlannedRule, evidence: [(slot: Int, values: [Value])], frame: Frame, into out: inout [UInt8]) -> Bool {
        guard !rule.message.isEmpty else { return false }
        // Other evidence variables hold their first match while one is varied.
        for entry in evidence { if let first = entry.values.first { frame.slots[entry.slot] = first } }
        // Grown once, not at every piece appended.
        out.reserveCapacity(out.count + rule.messageCapacity)
        for part in rule.message {
            switch part {
            case .literal(let literal): out.append(contentsOf: literal)
            case .value(let value, let slots):
                if let slot = slots.first, let values = evidence.first(where: { $0.slot == slot })?.values, values.count > 1 {
                    // Each evidence element's piece once, in order, joined by `、`.
                    var rendered: [[UInt8]] = []
                    for element in values {
                        frame.slots[slot] = element
                        var piece: [UInt8] = []
                        value.write(frame, into: &piece)
                        if !rendered.contains(piece) { rendered.append(piece) }
                    }
                    frame.slots[slot] = values[0]
                    for (index, piece) in rendered.enumerated() {
                        if index > 0 { out.append(contentsOf: "、".utf8) }
                        out.append(contentsOf: piece)
                    }
                } else {
                    value.write(frame, into: &out)
                }
            }
        }
        return true
    }

    /// Evaluates an undetermined condition again, the same plan recording which cells were
    /// missing (elements computed before the run are evaluated in place, to read their cells).
    func missingFields(_ rule: PlannedRule, frame: Frame, names: RecordNamer) -> [MissingField] {
        frame.missingReads.removeAll()
        frame.recordsMissing = true
        _ = try? rule.condition.truth(frame)
        frame.recordsMissing = false
        var seen: Set<MissingRead> = []
        var fields: [MissingField] = []
        for read in frame.missingReads where seen.insert(read).inserted {
            fields.append(MissingField(record: names.id(table: read.table, row: read.row),
                                       column: program.schema.tables[read.table].columns[read.column].name))
        }
        frame.missingReads.removeAll()
        return fields
    }
}

/// Rows of a subject table the run passes over, read by every thread (owned by the run's
/// `ElementTruths`).
private struct SkippableRows: @unchecked Sendable {
    let rows: UnsafeBufferPointer<UInt8>?
    /// By rule number: the subjects that rule is proven not to fire on.
    let provenNotFired: [UnsafeBufferPointer<UInt8>?]
}
