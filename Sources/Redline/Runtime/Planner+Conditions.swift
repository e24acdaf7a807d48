/// Conditions compiled to node trees that return a truth value directly (0 false, 1 true,
/// 2 unknown) instead of a `Value`, with dates and rows read as plain integers: the rule engine's
/// inner loop, where most of the time of a run goes.
/// Truth values of condition plans.
enum Truth {
    static let no: UInt8 = 0
    static let yes: UInt8 = 1
    static let unknown: UInt8 = 2
}

extension Planner {
    static let missingDay = Int32.min

    /// A condition node as a value plan (unknown becomes missing).
    func valuePlan(_ node: ConditionNode) -> Plan {
        return { frame throws(EvaluationError) in
            switch try node.truth(frame) {
            case Truth.yes: return .bool(true)
            case Truth.no: return .bool(false)
            default: return .missing
            }
        }
    }

    func conditionNode(_ bound: Bound) -> ConditionNode {
        let node = plannedCondition(bound)
        if let registry { registry.register(bound, valuePlan(node)) }
        return node
    }

    private func plannedCondition(_ bound: Bound) -> ConditionNode {
        switch bound.kind {
        case .constant(.bool(let b)):
            return ConstantCondition(b ? Truth.yes : Truth.no)
        case .and(let a, let b):
            return AndCondition(probed(a), probed(b))
        case .or(let a, let b):
            return OrCondition(probed(a), probed(b))
        case .not(let a):
            return NotCondition(conditionNode(a))
        case .isMissing(let operand, let negated) where operand.type == .date:
            return DayIsMissing(dayNode(operand), negated: negated)
        case .compare(let op, let a, let b) where a.type == .date && b.type == .date:
            return DayComparison(op, dayNode(a), dayNode(b))
        case .compare(let op, let a, let b) where op == .equal || op == .notEqual:
            if case .constant(.text(let text)) = b.kind, let fast = textTest(a, [text], negated: op == .notEqual) { return fast }
            if case .constant(.text(let text)) = a.kind, let fast = textTest(b, [text], negated: op == .notEqual) { return fast }
        case .membership(let element, let list, let negated):
            if case .list(let items) = list.kind {
                let texts = items.compactMap { item -> String? in
                    if case .constant(.text(let text)) = item.kind { return text }
                    return nil
                }
                if texts.count == items.count, let fast = textTest(element, texts, negated: negated) { return fast }
            }
        case .column(let target, let table, let column):
            if let record = rowNode(target), case .bool(let flags)? = dataset?.tables[table].columns[column] {
                return BoolColumnCondition(record, flags, table: table, column: column)
            }
        case .definition(_, let arguments, let body):
            // The body first: whether it reads a parameter as a value decides whether the
            // variable passed to it must hold its value too.
            let bodyNode = conditionNode(body)
            let nodes = arguments.map { argument -> ArgumentNode in
                if case .local(let from, _) = argument.value.kind {
                    if valueReads.contains(argument.slot) { valueReads.insert(from) }
                    if let registry { registry.register(argument.value, { frame in frame.slots[from] }) }
                    return SlotArgument(slot: argument.slot, from: from)
                }
                if argument.value.type == .date { return DayArgument(slot: argument.slot, day: dayNode(argument.value)) }
                return ValueArgument(slot: argument.slot, plan: plan(argument.value))
            }
            return DefinitionCondition(arguments: nodes, body: bodyNode)
        case .quantifier(let quantifier, let slot, _, let collection, let condition):
            if let (table, source) = rowSource(collection) {
                // The rows are read without values; an explanation lists them as values.
                if registry != nil { _ = plan(collection) }
                let body = conditionNode(condition)
                let key = ElementTruths.key(condition, slot: slot, table: Int(table))
                let truths = key.flatMap { elementTruths?.truths($0) }
                var verdicts: ElementTruths.Verdicts? = nil
                if let key, case .reverse(_, let referencing, let column) = collection.kind {
                    verdicts = elementTruths?.verdicts(ElementTruths.VerdictKey(condition: key, quantifier: quantifier,
                                                                               reference: ReverseReference(table: referencing, column: column)))
                }
                return RowsQuantifier(quantifier, slot: slot, needsValue: valueReads.contains(slot), table: table, source: source,
                                      condition: body, truths: truths, verdicts: verdicts, span: bound.span, file: bound.source)
            }
            return ValueCondition(planQuantifierValue(quantifier, slot: slot, collection, condition, bound))
        default: break
        }
        return ValueCondition(plan(bound))
    }

    /// A branch of `and`/`or`, recording its outcomes when measuring coverage.
    private func probed(_ bound: Bound) -> ConditionNode {
        let node = conditionNode(bound)
        guard let coverage, let source = bound.source else { return node }
        return ProbeCondition(node, recorder: coverage, branch: coverage.register(bound, source))
    }

    /// A quantifier over a list of values (not rows): through the generic loop.
    private func planQuantifierValue(_ quantifier: Quantifier, slot: Int, _ collection: Bound, _ condition: Bound, _ bound: Bound) -> Plan {
        let elements = planCollection(collection)
        let test = conditionNode(condition)
        let span = bound.span, source = bound.source
        let lookFor = quantifier == .all ? Truth.no : Truth.yes
        return { frame throws(EvaluationError) in
            let items = try elements(frame)
            if case .missing = items { return .missing }
            var sawUnknown = false
            var decided = false
            var failure: EvaluationError? = nil
            try Planner.forEach(items, slot: slot, frame, span, source) { frame throws(EvaluationError) in
                let v: UInt8
                do throws(EvaluationError) { v = try test.truth(frame) } catch {
                    // Absorbed if another element decides (Grammar.md §7).
                    if error.isLimit { throw error }
                    if failure == nil { failure = error }
                    return true
                }
                if v == lookFor { decided = true; return false }
                if v == Truth.unknown { sawUnknown = true }
                return true
            }
            if !decided, let failure { throw failure }
            let truth: UInt8
            switch quantifier {
            case .some: truth = decided ? Truth.yes : (sawUnknown ? Truth.unknown : Truth.no)
            case .none: truth = decided ? Truth.no : (sawUnknown ? Truth.unknown : Truth.yes)
            case .all: truth = decided ? Truth.no : (sawUnknown ? Truth.unknown : Truth.yes)
            }
            return truth == Truth.unknown ? .missing : .bool(truth == Truth.yes)
        }
    }

    /// Rows of a backward reference or a whole table, read without making values.
    func rowSource(_ bound: Bound) -> (Int32, RowSource)? {
        guard let dataset else { return nil }
        switch bound.kind {
        case .reverse(let target, let table, let column):
            guard case .record(let targetTable) = target.type, let record = rowNode(target),
                  let index = dataset.tables[targetTable].reverse[ReverseReference(table: table, column: column)] else { return nil }
            return (Int32(table), RowSource(referencing: record, index))
        case .tableRows(let table):
            let data = dataset.tables[table]
            return (Int32(table), RowSource(table: data.keyOrder, count: data.rowCount))
        default:
            return nil
        }
    }

    /// `column == "text"` / `column in ["a", "b"]` on an interned text column.
    func textTest(_ columnBound: Bound, _ texts: [String], negated: Bool) -> ConditionNode? {
        guard case .column(let target, let table, let column) = columnBound.kind, let record = rowNode(target),
              let data = dataset?.tables[table], case .text(let ids, let pool) = data.columns[column], pool.storage.isIndexed else { return nil }
        // The node reads the text's id; an explanation shows the text.
        if registry != nil { _ = plan(columnBound) }
        return TextIdTest(record, ids: ids, wanted: Set(texts.compactMap { pool.lookup($0) }), negated: negated, table: table, column: column)
    }

    /// The row a record expression names, for a variable or a reference followed from one.
    func rowNode(_ bound: Bound) -> RowNode? {
        switch bound.kind {
        case .local(let slot, _):
            return SlotRow(slot)
        case .forward(let target, let table, let column, _):
            guard let inner = rowNode(target), let rows = dataset?.tables[table].forward[column] else { return nil }
            return ForwardRow(inner, rows)
        default:
            return nil
        }
    }

    /// A date expression as a day number.
    func dayNode(_ bound: Bound) -> DayNode {
        let node = plannedDay(bound)
        if let registry {
            registry.register(bound, { frame throws(EvaluationError) in
                let day = try node.day(frame)
                return day == Planner.missingDay ? .missing : .date(day)
            })
        }
        return node
    }

    private func plannedDay(_ bound: Bound) -> DayNode {
        switch bound.kind {
        case .constant(.date(let day)): return ConstantDay(day)
        case .constant(.missing): return ConstantDay(Planner.missingDay)
        case .today: return TodayDay()
        case .local(let slot, _):
            valueReads.insert(slot)
            return SlotDay(slot)
        case .column(let target, let table, let column):
            if let record = rowNode(target), case .date(let days)? = dataset?.tables[table].columns[column] {
                return ColumnDay(record, days, table: table, column: column)
            }
        default: break
        }
        // `today - 12 months`, `today + 5 workdays`: the same day for every subject of a run.
        var readsVariables = false
        bound.visit { node in
            switch node.kind {
            case .local, .error: readsVariables = true
            default: if node.runsLoop { readsVariables = true }
            }
        }
        return ValueDay(plan(bound), sameForTheRun: !readsVariables)
    }
}
