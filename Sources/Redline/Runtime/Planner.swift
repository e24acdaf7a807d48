/// Compiles checked expressions into closures, once, before any row is evaluated: no name is
/// looked up and no type is tested by name while evaluating.
typealias Plan = @Sendable (Frame) throws(EvaluationError) -> Value

/// What a collection evaluates to: values, or rows of a table (without building record values).
enum Elements {
    case values([Value])
    case rows(table: Int32, ArraySlice<Int32>)
    case allRows(table: Int32, count: Int32)
    case missing
}

typealias CollectionPlan = @Sendable (Frame) throws(EvaluationError) -> Elements

/// Slot numbers noted while planning.
final class SlotSet: @unchecked Sendable {
    private(set) var slots: Set<Int> = []
    func insert(_ slot: Int) { slots.insert(slot) }
    func contains(_ slot: Int) -> Bool { slots.contains(slot) }
}

struct Planner {
    let schema: Schema
    /// The data the plan will read; columns are captured as typed arrays (nil: no tables).
    let dataset: Dataset?
    /// Record the outcomes of each side of every `and`/`or` (for rule-test coverage).
    var coverage: CoverageRecorder? = nil
    /// The slots some plan reads as a value (not only as a row). Shared by the planner's copies:
    /// a slot noted by any of them is treated as read, which is only ever slower, never wrong.
    /// Plans that bind their variables' values themselves (evidence, messages) may use their own.
    var valueReads = SlotSet()
    /// Quantifier conditions computed for every row before the run (`ElementTruths`); nil
    /// outside a run (explanations, queries, one expression).
    var elementTruths: ElementTruths? = nil
    /// Where each sub-expression's plan is kept, for explanations (nil: not kept).
    var registry: PlanRegistry? = nil

    func plan(_ bound: Bound) -> Plan {
        let planned = planValue(bound)
        registry?.register(bound, planned)
        return planned
    }

    private func planValue(_ bound: Bound) -> Plan {
        let span = bound.span
        let source = bound.source
        switch bound.kind {
        case .constant(let value):
            return { _ in value }
        case .today:
            return { frame in .date(frame.today) }
        case .local(let slot, _):
            valueReads.insert(slot)
            return { frame in frame.slots[slot] }
        case .error:
            return { _ throws(EvaluationError) in
                throw .invalid(LocalizedText("this expression has errors", zh: "此表达式有错误"), span, source)
            }
        case .tableRows, .reverse, .list:
            let elements = planCollection(bound)
            return { frame throws(EvaluationError) in
                let collection = try elements(frame)
                let size: Int
                switch collection {
                case .values(let values): size = values.count
                case .rows(_, let rows): size = rows.count
                case .allRows(_, let count): size = Int(count)
                case .missing: size = 0
                }
                if size > frame.limits.maxListSize { throw .listLimit(frame.limits.maxListSize, span, source) }
                switch collection {
                case .values(let values): return .list(values)
                case .rows(let table, let rows): return .list(rows.map { .record(RecordRef(table: table, row: $0)) })
                case .allRows(let table, let count): return .list((0..<count).map { .record(RecordRef(table: table, row: $0)) })
                case .missing: return .missing
                }
            }
        case .column(let target, let table, let column):
            return planColumn(plan(target), table: table, column: column, span, source)
        case .forward(let target, let table, let column, let targetTable):
            let record = plan(target)
            let tableId = Int32(targetTable)
            guard let rows = dataset?.tables[table].forward[column] else { return noData(table, span, source) }
            return { frame throws(EvaluationError) in
                guard case .record(let ref) = try record(frame) else { return .missing }
                let row = rows[Int(ref.row)]
                return row < 0 ? .missing : .record(RecordRef(table: tableId, row: row))
            }
        case .negate(let operand):
            let inner = plan(operand)
            return { frame throws(EvaluationError) in try Operations.negate(try inner(frame), span, source) }
        case .not(let operand):
            let inner = plan(operand)
            return { frame throws(EvaluationError) in
                switch try inner(frame) {
                case .bool(let b): return .bool(!b)
                default: return .missing
                }
            }
        case .and, .or, .quantifier:
            // Logic is planned as conditions (truth values), then wrapped once as a value.
            return valuePlan(conditionNode(bound))
        case .arithmetic(let op, let a, let b):
            let left = plan(a), right = plan(b)
            return { frame throws(EvaluationError) in
                guard let (x, y) = try Planner.strictOperands(left, right, frame) else { return .missing }
                return try Operations.arithmetic(op, x, y, frame, span, source)
            }
        case .compare(let op, let a, let b):
            return planComparison(op, a, b, span, source)
        case .isMissing(let operand, let negated):
            let inner = plan(operand)
            return { frame throws(EvaluationError) in .bool(try inner(frame).isMissing != negated) }
        case .membership(let element, let list, let negated):
            if case .list(let items) = list.kind {
                let texts = items.compactMap { item -> String? in
                    if case .constant(.text(let text)) = item.kind { return text }
                    return nil
                }
                if texts.count == items.count, let fast = textTest(element, texts, negated: negated) { return valuePlan(fast) }
            }
            let item = plan(element), items = plan(list)
            return { frame throws(EvaluationError) in
                guard let (x, list) = try Planner.strictOperands(item, items, frame) else { return .missing }
                let result = try Operations.membership(x, in: list, span, source)
                if negated, case .bool(let b) = result { return .bool(!b) }
                return result
            }
        case .call(let builtin, let arguments):
            let planned = arguments.map(plan)
            if builtin == .coalesce, planned.count == 2 {
                // The fallback is needed, and so evaluated, only when the value is missing.
                let value = planned[0], fallback = planned[1]
                return { frame throws(EvaluationError) in
                    let first = try value(frame)
                    return first.isMissing ? try fallback(frame) : first
                }
            }
            return { frame throws(EvaluationError) in
                var values: [Value] = []
                values.reserveCapacity(planned.count)
                var failure: EvaluationError? = nil
                for argument in planned {
                    do throws(EvaluationError) {
                        let value = try argument(frame)
                        // A missing argument decides the result; an error in another is absorbed.
                        if value.isMissing { return .missing }
                        values.append(value)
                    } catch {
                        if error.isLimit { throw error }
                        if failure == nil { failure = error }
                    }
                }
                if let failure { throw failure }
                return try builtin.evaluate(values, frame, span, source)
            }
        case .hostCall(let function, let arguments):
            return planHostCall(function, arguments.map(plan), span, source)
        case .definition(_, let arguments, let body):
            let planned = arguments.map { (slot: $0.slot, plan: plan($0.value)) }
            let inner = plan(body)
            return { frame throws(EvaluationError) in
                for argument in planned { frame.slots[argument.slot] = try argument.plan(frame) }
                return try inner(frame)
            }
        case .aggregate(let aggregate, let slot, _, let collection, let value, let filter):
            let zero: Value
            switch bound.type {
            case .duration: zero = .duration(Duration())
            case .decimal: zero = .decimal(DecimalNumber(0))
            default: zero = .int(0)
            }
            var filterPlan = filter.map(plan)
            if let filter, let planned = filterPlan, case .reverse(_, let referencing, _) = collection.kind,
               let key = ElementTruths.key(filter, slot: slot, table: referencing), let truths = elementTruths?.truths(key) {
                filterPlan = Planner.filterReading(truths, slot: slot, planned)
            }
            return planAggregate(aggregate, slot: slot, planCollection(collection), value.map(plan), filterPlan,
                                 zero: zero, span, source)
        case .template(let parts):
            let planned: [TemplatePlanPart] = parts.map {
                switch $0 {
                case .literal(let text): return .literal(text)
                case .value(let b): return .value(plan(b))
                }
            }
            return { frame throws(EvaluationError) in
                var text = ""
                for part in planned {
                    switch part {
                    case .literal(let literal): text += literal
                    case .value(let value): text += try value(frame).display
                    }
                }
                return .text(text)
            }
        }
    }

    private enum TemplatePlanPart {
        case literal(String)
        case value(Plan)
    }

    /// Comparisons with a constant side are specialised: the common `h.level == "major"` does not
    /// re-evaluate the literal.
    private func planComparison(_ op: BinaryOperator, _ a: Bound, _ b: Bound, _ span: SourceSpan, _ source: SourceFile?) -> Plan {
        if op == .equal || op == .notEqual {
            if case .constant(.text(let text)) = b.kind, let fast = textTest(a, [text], negated: op == .notEqual) { return valuePlan(fast) }
            if case .constant(.text(let text)) = a.kind, let fast = textTest(b, [text], negated: op == .notEqual) { return valuePlan(fast) }
        }
        let left = plan(a), right = plan(b)
        return { frame throws(EvaluationError) in
            guard let (x, y) = try Planner.strictOperands(left, right, frame) else { return .missing }
            return try Operations.compare(op, x, y, span, source)
        }
    }

    /// The two operands of a strict operation (arithmetic, a comparison, `in`), left first. A
    /// missing operand decides the result on its own, so an error in the other is absorbed
    /// (Grammar.md §7) and, once the left is missing, the right is not evaluated: nil means the
    /// result is missing.
    @inline(__always)
    static func strictOperands(_ left: Plan, _ right: Plan, _ frame: Frame) throws(EvaluationError) -> (Value, Value)? {
        let a: Value
        do { a = try left(frame) } catch {
            if error.isLimit { throw error }
            let b: Value
            do { b = try right(frame) } catch let second { throw second.isLimit ? second : error }
            if b.isMissing { return nil }
            throw error
        }
        if a.isMissing { return nil }
        let b = try right(frame)
        if b.isMissing { return nil }
        return (a, b)
    }

    /// Plan that fails: the expression needs a table but no data is loaded.
    func noData(_ table: Int, _ span: SourceSpan, _ source: SourceFile?) -> Plan {
        let name = schema.tables[table].name
        return { _ throws(EvaluationError) in
            throw .invalid(LocalizedText("no data is loaded for table `\(name)`", zh: "表 `\(name)` 没有加载数据"), span, source)
        }
    }

    func planCollection(_ bound: Bound) -> CollectionPlan {
        switch bound.kind {
        case .tableRows(let table):
            let tableId = Int32(table)
            guard let data = dataset?.tables[table] else {
                let fail = noData(table, bound.span, bound.source)
                return { frame throws(EvaluationError) in _ = try fail(frame); return .missing }
            }
            // Whole tables are gone through in key order.
            if let order = data.keyOrder {
                return { _ in .rows(table: tableId, order[...]) }
            }
            let count = Int32(clamping: data.rowCount)
            return { _ in .allRows(table: tableId, count: count) }
        case .reverse(let target, let table, let column):
            let record = plan(target)
            let tableId = Int32(table)
            guard let dataset, case .record(let targetTable) = target.type,
                  let index = dataset.tables[targetTable].reverse[ReverseReference(table: table, column: column)] else {
                let fail = noData(table, bound.span, bound.source)
                return { frame throws(EvaluationError) in _ = try fail(frame); return .missing }
            }
            let rows = index.block.rowsArray
            return { frame throws(EvaluationError) in
                guard case .record(let ref) = try record(frame) else { return .missing }
                return .rows(table: tableId, index.referencing(ref.row, in: rows))
            }
        case .list(let items):
            let planned = items.map(plan)
            return { frame throws(EvaluationError) in
                var values: [Value] = []
                values.reserveCapacity(planned.count)
                for item in planned { values.append(try item(frame)) }
                return .values(values)
            }
        default:
            let inner = plan(bound)
            return { frame throws(EvaluationError) in
                switch try inner(frame) {
                case .list(let values): return .values(values)
                default: return .missing
                }
            }
        }
    }
}

/// Each sub-expression's plan, by where it is written and the variables it reads, as the
/// planner made it for a rule: an explanation evaluates the parts of the rule's own plan (the
/// one that decided) instead of planning them again. A definition's body expanded twice with
/// the same variables is one entry: its two plans compute the same.
final class PlanRegistry: @unchecked Sendable {
    struct Key: Hashable {
        let file: ObjectIdentifier?
        let span: SourceSpan
        let slots: [Int]

        init(_ bound: Bound) {
            file = bound.source.map(ObjectIdentifier.init)
            span = bound.span
            var slots: [Int] = []
            bound.visit { node in if case .local(let slot, _) = node.kind { slots.append(slot) } }
            self.slots = slots
        }
    }

    private var plans: [Key: Plan] = [:]
    /// Sub-expressions asked for that the rule's plan did not hold (planned on their own then).
    private(set) var misses = 0

    func register(_ bound: Bound, _ plan: @escaping Plan) {
        let key = Key(bound)
        if plans[key] == nil { plans[key] = plan }
    }

    /// The rule's plan for a sub-expression, or one made for it alone.
    func plan(for bound: Bound, orPlan planner: Planner) -> Plan {
        if let found = plans[Key(bound)] { return found }
        misses += 1
        var alone = planner
        alone.registry = nil
        return alone.plan(bound)
    }
}
