import Foundation

/// The truth of a quantifier's condition for every row of its table, computed once per run, in
/// row order, when the condition reads nothing but its own element: its columns, references
/// followed from it, constants and `today`, and no loop (`some h in e.hazards where h.level ==
/// "major" and unrectified(h, today)`). The quantifier then reads a byte per element instead of
/// evaluating the condition there. The same is done for a count's filter (`count h in
/// e.hazards where …`), and for a rule's condition that reads only its subject (`for h in
/// hazards when open_on(h, today) and …`), which `SubjectPruning` reads to pass subjects over.
///
/// Why: a register lists rows as events happen, so the hazards of one enterprise lie far apart;
/// evaluating the condition per enterprise reads each hazard's cells from a random place, a
/// cache miss per cell. Here each cell is read once, in the order it lies in memory, and the
/// enterprise's loop touches one byte per hazard. It is the same condition node evaluated the
/// same way, so the outcome cannot differ; an element whose condition fails (an error) is marked
/// and evaluated again where the quantifier meets it, so errors are absorbed or reported there
/// as before. Steps are still counted per element the quantifier visits.
final class ElementTruths: @unchecked Sendable {
    /// A condition, by where it is written and the table its element is a row of: a condition
    /// that reads only its element means the same wherever a definition is expanded.
    struct Key: Hashable {
        let file: ObjectIdentifier?
        let span: SourceSpan
        let table: Int
    }

    /// Marks an element whose condition failed: evaluated again where it is met.
    static let failed: UInt8 = 3

    private var storage: [Key: UnsafeMutableBufferPointer<UInt8>] = [:]
    private var verdictStorage: [VerdictKey: Verdicts] = [:]
    private var skippableStorage: [Int: UnsafeMutableBufferPointer<UInt8>] = [:]
    private var provenStorage: [Int: UnsafeMutableBufferPointer<UInt8>] = [:]

    deinit {
        for buffer in storage.values { buffer.deallocate() }
        for buffer in skippableStorage.values { buffer.deallocate() }
        for buffer in provenStorage.values { buffer.deallocate() }
        for verdicts in verdictStorage.values {
            verdicts.truth.deallocate()
            verdicts.visited.deallocate()
        }
    }

    func truths(_ key: Key) -> UnsafeBufferPointer<UInt8>? {
        storage[key].map { UnsafeBufferPointer($0) }
    }

    /// A quantifier over the rows that reference a record, by its condition and the reference.
    struct VerdictKey: Hashable {
        let condition: Key
        let quantifier: Quantifier
        let reference: ReverseReference
    }

    /// Per referenced row: the quantifier's truth over the rows referencing it, and how many
    /// elements it looks at to get there (the loop stops at the first that decides), which the
    /// run is charged as steps. `failed`: an element's condition failed before one decided; the
    /// quantifier then runs its loop.
    struct Verdicts {
        let truth: UnsafeMutableBufferPointer<UInt8>
        let visited: UnsafeMutableBufferPointer<Int32>
    }

    func verdicts(_ key: VerdictKey) -> Verdicts? { verdictStorage[key] }

    /// Per row of a subject table, 1 where every rule on that table is proven `not fired`
    /// (`SubjectPruning`); nil when some rule has no such proof.
    func skippable(table: Int) -> UnsafeBufferPointer<UInt8>? {
        skippableStorage[table].map { UnsafeBufferPointer($0) }
    }

    /// Per row of its subject table, 1 where one rule (by its place in the program) is proven
    /// `not fired`: a subject another rule keeps is still spared this rule's loops.
    func provenNotFired(rule: Int) -> UnsafeBufferPointer<UInt8>? {
        provenStorage[rule].map { UnsafeBufferPointer($0) }
    }

    /// A quantifier's condition, if it is worth computing for every row of `table`.
    static func key(_ condition: Bound, slot: Int, table: Int) -> Key? {
        guard readsOnlyItsElement(condition, slot: slot) else { return nil }
        return Key(file: condition.source.map(ObjectIdentifier.init), span: condition.span, table: table)
    }

    /// Whether a condition reads no variable but `slot` (a definition's parameters stand for
    /// their arguments, which are part of the condition) and runs no loop.
    static func readsOnlyItsElement(_ condition: Bound, slot: Int) -> Bool {
        var used: Set<Int> = [], parameters: Set<Int> = []
        var simple = true
        condition.visit { node in
            switch node.kind {
            case .local(let local, _): used.insert(local)
            case .definition(_, let arguments, _): for argument in arguments { parameters.insert(argument.slot) }
            case .error: simple = false
            default: if node.runsLoop { simple = false }
            }
        }
        return simple && used.subtracting(parameters).subtracting([slot]).isEmpty
    }

    /// Computes the truths of every quantifier condition in `rules` that reads only its element,
    /// over all cores. A deadline or cancellation met meanwhile leaves the rest uncomputed (the
    /// run then stops where it evaluates).
    init(rules: [CheckedRule], schema: Schema, dataset: Dataset, today: Int32, slotCount: Int,
         limits: EvaluationLimits, budget: EvaluationBudget) {
        var wanted: [Key: (condition: Bound, slot: Int, table: Int)] = [:]
        var order: [Key] = []
        var quantifiers: [(VerdictKey, target: Int)] = []
        for rule in rules {
            rule.condition.visit { node in
                // A count's filter over the rows referencing a record (`count h in e.hazards where …`).
                if case .aggregate(_, let slot, _, let collection, _, let filter?) = node.kind, case .reverse(_, let referencing, _) = collection.kind,
                   let key = ElementTruths.key(filter, slot: slot, table: referencing), wanted[key] == nil {
                    wanted[key] = (filter, slot, referencing)
                    order.append(key)
                }
                guard case .quantifier(let quantifier, let slot, _, let collection, let condition) = node.kind else { return }
                let table: Int
                switch collection.kind {
                case .reverse(let target, let referencing, let column):
                    table = referencing
                    if case .record(let targetTable) = target.type, let key = ElementTruths.key(condition, slot: slot, table: table) {
                        let verdict = VerdictKey(condition: key, quantifier: quantifier, reference: ReverseReference(table: referencing, column: column))
                        if !quantifiers.contains(where: { $0.0 == verdict }) { quantifiers.append((verdict, targetTable)) }
                    }
                case .tableRows(let all): table = all
                default: return
                }
                guard let key = ElementTruths.key(condition, slot: slot, table: table), wanted[key] == nil else { return }
                wanted[key] = (condition, slot, table)
                order.append(key)
            }
        }
        // The conditions proofs that a subject fires nothing read (`SubjectPruning`).
        let proofs = rules.map { SubjectPruning.proof($0.condition, subjectSlot: $0.subjectSlot, subjectTable: $0.subjectTable) }
        for proof in proofs.compactMap({ $0 }) {
            for needed in SubjectPruning.elementConditions(proof) where wanted[needed.key] == nil {
                wanted[needed.key] = (needed.condition, needed.slot, needed.table)
                order.append(needed.key)
            }
        }
        for key in order {
            guard let (condition, slot, table) = wanted[key], budget.stopped == nil else { continue }
            let count = dataset.tables[table].rowCount
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(count, 1))
            let chunkSize = 1 << 16
            let chunks = (count + chunkSize - 1) / chunkSize
            let complete = ParallelSlots<Bool>(count: max(chunks, 1))
            let shared = SharedTruths(buffer)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                // Each chunk plans its own node: plans shared between cores would have their
                // reference counts updated from both (RuleEngine.evaluate says why that is slow).
                let planner = Planner(schema: schema, dataset: dataset)
                let node = planner.conditionNode(condition)
                let asValue = planner.valueReads.contains(slot)
                let frame = Frame(slotCount: slotCount, today: today, dataset: dataset, limits: limits, budget: budget)
                do throws(EvaluationError) { try budget.check(.none, nil) } catch {
                    budget.record(error)
                    return
                }
                let out = shared.buffer
                let rows = (chunk * chunkSize)..<min(count, (chunk + 1) * chunkSize)
                ElementTruths.fill(node, slot: slot, rows: rows, today: today, frame: frame, out: out) { row in
                    if asValue { frame.slots[slot] = .record(RecordRef(table: Int32(table), row: Int32(row))) } else { frame.slots.rows[slot] = Int32(row) }
                    do throws(EvaluationError) { return try node.truth(frame) } catch { return ElementTruths.failed }
                }
                complete.set(chunk, true)
            }
            if (0..<chunks).allSatisfy({ complete.get($0) == true }) {
                storage[key] = buffer
            } else {
                buffer.deallocate()
            }
        }
        for (key, target) in quantifiers {
            guard let truths = storage[key.condition], let index = dataset.tables[target].reverse[key.reference] else { continue }
            verdictStorage[key] = ElementTruths.verdicts(key.quantifier, truths: UnsafeBufferPointer(truths), index: index,
                                                         targetCount: dataset.tables[target].rowCount)
        }
        guard budget.stopped == nil, ElementTruths.stepsCannotReachLimit(rules, dataset: dataset, limit: limits.maxSteps) else { return }
        var subjectTables: [Int] = []
        for rule in rules where !subjectTables.contains(rule.subjectTable) { subjectTables.append(rule.subjectTable) }
        for table in subjectTables {
            let onTable = rules.indices.filter { rules[$0].subjectTable == table }
            for index in onTable {
                guard let proof = proofs[index],
                      let proven = SubjectPruning.evaluate(proof, subjectTable: table, dataset: dataset,
                                                           truths: { [storage] in storage[$0].map(UnsafeBufferPointer.init) },
                                                           verdicts: { [verdictStorage] in verdictStorage[$0] }) else { continue }
                provenStorage[index] = proven
            }
            guard onTable.allSatisfy({ provenStorage[$0] != nil }) else { continue }
            let count = dataset.tables[table].rowCount
            let skippable = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(count, 1))
            skippable.initialize(repeating: 1)
            for index in onTable {
                guard let proven = provenStorage[index] else { continue }
                for row in 0..<count where proven[row] == 0 { skippable[row] = 0 }
            }
            skippableStorage[table] = skippable
            if PhaseTimer.enabled {
                writeToStandardError("  [\(skippable.prefix(count).reduce(0) { $0 + Int($1) }) of \(count) \(schema.tables[table].name) fire nothing]\n")
            }
        }
    }

    /// Whether the steps of the whole run, every rule on every subject, stay below the limit
    /// however the conditions come out: each rule's condition twice (evaluated, and again to
    /// name missing cells when it is undetermined), its evidence loops and its message. Only
    /// then may subjects be skipped without changing where a run that reaches it would stop.
    static func stepsCannotReachLimit(_ rules: [CheckedRule], dataset: Dataset, limit: Int) -> Bool {
        var bounds: [StepBound] = []
        for rule in rules {
            let s = rule.subjectSlot, t = rule.subjectTable
            var parts = [rule.condition, rule.condition]
            if let message = rule.message { parts.append(message) }
            for piece in parts {
                guard let bound = StepBound.of(piece, subjectSlot: s, subjectTable: t, dataset: dataset) else { return false }
                bounds.append(bound)
            }
            for evidence in rule.evidence {
                guard let body = StepBound.of(evidence.condition, subjectSlot: s, subjectTable: t, dataset: dataset),
                      case .reverse(let record, let referencing, let column) = evidence.collection.kind, case .local(s, _) = record.kind,
                      let block = dataset.tables[t].reverse[ReverseReference(table: referencing, column: column)]?.block else { return false }
                bounds.append(.loop(block, body: body))
            }
        }
        var total = 0
        for bound in bounds {
            let (sum, overflow) = total.addingReportingOverflow(bound.total)
            if overflow || sum > limit { return false }
            total = sum
        }
        return true
    }

    /// Each referenced row's verdict, as the quantifier's loop would reach it element by element.
    static func verdicts(_ quantifier: Quantifier, truths: UnsafeBufferPointer<UInt8>, index: ReverseIndex, targetCount: Int) -> Verdicts {
        let truth = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(targetCount, 1))
        let visited = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(targetCount, 1))
        let out = SharedVerdicts(truth: truth, visited: visited, truths: truths, block: index.block)
        let lookFor = quantifier == .all ? Truth.no : Truth.yes
        let chunkSize = 1 << 16
        DispatchQueue.concurrentPerform(iterations: (targetCount + chunkSize - 1) / chunkSize) { chunk in
            let rows = out.block.rows, truths = out.truths
            for target in (chunk * chunkSize)..<min(targetCount, (chunk + 1) * chunkSize) {
                var verdict = Truth.unknown, sawUnknown = false, decided = false, failed = false
                let positions = out.block.positions(of: target)
                var position = positions.lowerBound
                let end = positions.upperBound, start = position
                while position < end {
                    let known = truths[Int(rows[position])]
                    position += 1
                    if known == ElementTruths.failed { failed = true; break }
                    if known == lookFor { decided = true; break }
                    if known == Truth.unknown { sawUnknown = true }
                }
                if failed {
                    verdict = ElementTruths.failed
                } else {
                    switch quantifier {
                    case .some: verdict = decided ? Truth.yes : (sawUnknown ? Truth.unknown : Truth.no)
                    case .none, .all: verdict = decided ? Truth.no : (sawUnknown ? Truth.unknown : Truth.yes)
                    }
                }
                out.truth[target] = verdict
                out.visited[target] = Int32(truncatingIfNeeded: position - start)
            }
        }
        return Verdicts(truth: truth, visited: visited)
    }
}

private struct SharedVerdicts: @unchecked Sendable {
    let truth: UnsafeMutableBufferPointer<UInt8>
    let visited: UnsafeMutableBufferPointer<Int32>
    let truths: UnsafeBufferPointer<UInt8>
    let block: RowBlock
}

/// A buffer the chunks of one computation write, each its own rows.
struct SharedTruths: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<UInt8>
    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }
}

/// Conditions computed for a run of rows at once. A condition's leading conjuncts that test a
/// cell of the element against constants (`h.level == "major"`, `h.found_on <= today`) are
/// computed column by column, in loops with no call per row; the rows where they are all
/// settled `no` are `no` (an `and` stops at a `no` on its left, and these tests cannot fail),
/// and every other row is evaluated by the condition's own node, whole, as before.
extension ElementTruths {
    /// The truth per row of `rows` into `out`; `each` evaluates one row the usual way.
    static func fill(_ node: ConditionNode, slot: Int, rows: Range<Int>, today: Int32, frame: Frame, out: UnsafeMutableBufferPointer<UInt8>,
                     each: (Int) -> UInt8) {
        // `a and b and c` is `(a and b) and c`: its conjuncts, leftmost first.
        var conjuncts: [ConditionNode] = []
        var leftmost = node
        while let and = leftmost as? AndCondition {
            conjuncts.insert(and.right, at: 0)
            leftmost = and.left
        }
        conjuncts.insert(leftmost, at: 0)
        var settled = 0
        var scratch = [UInt8](repeating: 0, count: rows.count)
        for conjunct in conjuncts {
            let done = scratch.withUnsafeMutableBufferPointer { buffer in
                batch(conjunct, slot: slot, rows: rows, today: today, frame: frame, into: buffer)
            }
            guard done else { break }
            if settled == 0 {
                for (offset, row) in rows.enumerated() { out[row] = scratch[offset] }
            } else {
                // Kleene `and` of what is known so far and this conjunct.
                for (offset, row) in rows.enumerated() {
                    let a = out[row], b = scratch[offset]
                    out[row] = a == Truth.no || b == Truth.no ? Truth.no : (a == Truth.yes && b == Truth.yes ? Truth.yes : Truth.unknown)
                }
            }
            settled += 1
        }
        if settled == conjuncts.count { return }
        for row in rows where settled == 0 || out[row] != Truth.no { out[row] = each(row) }
    }

    /// What a column-at-a-time computation knows of the variables it meets: slots holding the
    /// element's own row, and slots holding a day (a parameter bound to `today`, a constant or
    /// a date cell of the element).
    private struct BatchScope {
        var own: Set<Int>
        var days: [Int: DaySource] = [:]
        /// Evaluates the days that are the same for the whole run (`today - 12 months`), once.
        let frame: Frame
    }

    /// A day per row: a cell of the element, or the same day for every row.
    private enum DaySource {
        case column([Int32])
        case fixed(Int32)
    }

    /// A condition over the element's own cells for every row at once, into `out`; false if the
    /// node is not of the shapes below (nothing is then written that counts). The shapes are
    /// those that cannot fail: cell tests against constants, `today` or other cells of the
    /// element or days the same for the whole run (`today - 12 months`), `is missing`, `and`,
    /// `or`, `not`, and definitions whose arguments are such cells, the element or such days,
    /// each computed as its node computes it, in Kleene logic.
    private static func batch(_ node: ConditionNode, slot: Int, rows: Range<Int>, today: Int32, frame: Frame,
                              into out: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        batch(node, BatchScope(own: [slot], frame: frame), rows: rows, today: today, into: out)
    }

    private static func batch(_ node: ConditionNode, _ scope: BatchScope, rows: Range<Int>, today: Int32,
                              into out: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        func own(_ record: RowNode) -> Bool { (record as? SlotRow).map { scope.own.contains($0.slot) } ?? false }
        func source(_ day: DayNode) -> DaySource? {
            switch day {
            case let constant as ConstantDay: return .fixed(constant.value)
            case is TodayDay: return .fixed(today)
            case let local as SlotDay: return scope.days[local.slot]
            case let cell as ColumnDay where own(cell.record): return .column(cell.days)
            case let value as ValueDay where value.sameForTheRun:
                // One evaluation for all rows; one that fails is left to each row's own.
                guard let day = try? value.day(scope.frame) else { return nil }
                return .fixed(day)
            default: return nil
            }
        }
        /// Both sides into `out` and a scratch buffer, then combined row by row: with no = 0,
        /// yes = 1, unknown = 2, `and` is no if either is, else the larger; `or` is yes if either
        /// is, else the larger (loops without a branch or a call per row).
        func both(_ left: ConditionNode, _ right: ConditionNode, and: Bool) -> Bool {
            guard batch(left, scope, rows: rows, today: today, into: out) else { return false }
            let other = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(rows.count, 1))
            defer { other.deallocate() }
            guard batch(right, scope, rows: rows, today: today, into: other) else { return false }
            if and {
                for offset in 0..<rows.count {
                    let a = out[offset], b = other[offset]
                    out[offset] = min(a, b) == Truth.no ? Truth.no : max(a, b)
                }
            } else {
                for offset in 0..<rows.count {
                    let a = out[offset], b = other[offset]
                    out[offset] = a == Truth.yes || b == Truth.yes ? Truth.yes : max(a, b)
                }
            }
            return true
        }
        switch node {
        case let constant as ConstantCondition:
            for offset in 0..<rows.count { out[offset] = constant.value }
            return true
        case let and as AndCondition:
            return both(and.left, and.right, and: true)
        case let or as OrCondition:
            return both(or.left, or.right, and: false)
        case let not as NotCondition:
            guard batch(not.inner, scope, rows: rows, today: today, into: out) else { return false }
            for offset in 0..<rows.count where out[offset] != Truth.unknown { out[offset] = 1 - out[offset] }
            return true
        case let definition as DefinitionCondition:
            // The parameters stand for their arguments: the element, or a day.
            var inner = scope
            for argument in definition.arguments {
                inner.own.remove(argument.slot)
                inner.days[argument.slot] = nil
                switch argument {
                case let copy as SlotArgument:
                    if scope.own.contains(copy.from) {
                        inner.own.insert(copy.slot)
                    } else if let day = scope.days[copy.from] {
                        inner.days[copy.slot] = day
                    } else {
                        return false
                    }
                case let day as DayArgument:
                    guard let value = source(day.day) else { return false }
                    inner.days[day.slot] = value
                default:
                    return false
                }
            }
            return batch(definition.body, inner, rows: rows, today: today, into: out)
        case let missing as DayIsMissing:
            guard let operand = source(missing.operand) else { return false }
            switch operand {
            case .fixed(let day):
                for offset in 0..<rows.count { out[offset] = day == Planner.missingDay ? missing.whenMissing : 1 - missing.whenMissing }
            case .column(let days):
                days.withUnsafeBufferPointer { days in
                    for (offset, row) in rows.enumerated() { out[offset] = days[row] == Planner.missingDay ? missing.whenMissing : 1 - missing.whenMissing }
                }
            }
            return true
        case let test as TextIdTest where own(test.record):
            test.ids.withUnsafeBufferPointer { ids in
                for (offset, row) in rows.enumerated() {
                    let id = ids[row]
                    out[offset] = id < 0 ? Truth.unknown : (test.isWanted(id) != test.negated ? Truth.yes : Truth.no)
                }
            }
            return true
        case let test as BoolColumnCondition where own(test.record):
            test.flags.withUnsafeBufferPointer { flags in
                for (offset, row) in rows.enumerated() {
                    let flag = flags[row]
                    out[offset] = flag == ColumnData.missingBool ? Truth.unknown : flag
                }
            }
            return true
        case let comparison as DayComparison:
            guard let left = source(comparison.left), let right = source(comparison.right) else { return false }
            /// The rows' truths for one operator, written out: the operator is chosen once, not
            /// looked at per row.
            @inline(__always)
            func fill(_ holds: (Int32, Int32) -> Bool) {
                @inline(__always)
                func compare(_ x: Int32, _ y: Int32) -> UInt8 {
                    x == Planner.missingDay || y == Planner.missingDay ? Truth.unknown : (holds(x, y) ? Truth.yes : Truth.no)
                }
                switch (left, right) {
                case (.fixed(let x), .fixed(let y)):
                    let truth = compare(x, y)
                    for offset in 0..<rows.count { out[offset] = truth }
                case (.column(let days), .fixed(let y)):
                    days.withUnsafeBufferPointer { days in for (offset, row) in rows.enumerated() { out[offset] = compare(days[row], y) } }
                case (.fixed(let x), .column(let days)):
                    days.withUnsafeBufferPointer { days in for (offset, row) in rows.enumerated() { out[offset] = compare(x, days[row]) } }
                case (.column(let xs), .column(let ys)):
                    xs.withUnsafeBufferPointer { xs in
                        ys.withUnsafeBufferPointer { ys in for (offset, row) in rows.enumerated() { out[offset] = compare(xs[row], ys[row]) } }
                    }
                }
            }
            switch comparison.op {
            case .equal: fill { $0 == $1 }
            case .notEqual: fill { $0 != $1 }
            case .less: fill { $0 < $1 }
            case .lessEqual: fill { $0 <= $1 }
            case .greater: fill { $0 > $1 }
            default: fill { DayComparison.holds(comparison.op, $0, $1) }
            }
            return true
        default:
            return false
        }
    }
}
