/// Conditions compiled to closures that return a truth value directly (0 false, 1 true,
/// 2 unknown) instead of a `Value`, with dates and rows read as plain integers: the rule engine's
/// inner loop, where most of the time of a run goes.
typealias ConditionPlan = @Sendable (Frame) throws(EvaluationError) -> UInt8

/// Truth values of condition plans.
enum Truth {
    static let no: UInt8 = 0
    static let yes: UInt8 = 1
    static let unknown: UInt8 = 2
}

/// A date as a day number, `missingDay` when missing.
typealias DayPlan = @Sendable (Frame) throws(EvaluationError) -> Int32

extension Planner {
    static let missingDay = Int32.min

    func planCondition(_ bound: Bound) -> ConditionPlan {
        switch bound.kind {
        case .constant(.bool(let b)):
            let truth = b ? Truth.yes : Truth.no
            return { _ in truth }
        case .and(let a, let b):
            let left = planCondition(a), right = planCondition(b)
            return { frame throws(EvaluationError) in
                let l = try left(frame)
                if l == Truth.no { return Truth.no }
                let r = try right(frame)
                if r == Truth.no { return Truth.no }
                return l == Truth.yes && r == Truth.yes ? Truth.yes : Truth.unknown
            }
        case .or(let a, let b):
            let left = planCondition(a), right = planCondition(b)
            return { frame throws(EvaluationError) in
                let l = try left(frame)
                if l == Truth.yes { return Truth.yes }
                let r = try right(frame)
                if r == Truth.yes { return Truth.yes }
                return l == Truth.no && r == Truth.no ? Truth.no : Truth.unknown
            }
        case .not(let a):
            let inner = planCondition(a)
            return { frame throws(EvaluationError) in
                let v = try inner(frame)
                return v == Truth.unknown ? Truth.unknown : 1 - v
            }
        case .isMissing(let operand, let negated):
            if operand.type == .date, !recordMissing {
                let day = planDay(operand)
                let whenMissing = negated ? Truth.no : Truth.yes
                return { frame throws(EvaluationError) in try day(frame) == Planner.missingDay ? whenMissing : 1 - whenMissing }
            }
        case .compare(let op, let a, let b) where a.type == .date && b.type == .date && !recordMissing:
            let left = planDay(a), right = planDay(b)
            return { frame throws(EvaluationError) in
                let x = try left(frame)
                if x == Planner.missingDay { return Truth.unknown }
                let y = try right(frame)
                if y == Planner.missingDay { return Truth.unknown }
                let result: Bool
                switch op {
                case .equal: result = x == y
                case .notEqual: result = x != y
                case .less: result = x < y
                case .lessEqual: result = x <= y
                case .greater: result = x > y
                default: result = x >= y
                }
                return result ? Truth.yes : Truth.no
            }
        case .column(let target, let table, let column) where !recordMissing:
            if let rowOf = planRow(target), case .bool(let flags)? = dataset?.tables[table].columns[column] {
                return { frame throws(EvaluationError) in
                    let row = try rowOf(frame)
                    return row < 0 ? Truth.unknown : (flags[Int(row)] == ColumnData.missingBool ? Truth.unknown : flags[Int(row)])
                }
            }
        case .definition(_, let arguments, let body):
            let planned = arguments.map { (slot: $0.slot, plan: plan($0.value)) }
            let inner = planCondition(body)
            return { frame throws(EvaluationError) in
                for argument in planned { frame.slots[argument.slot] = try argument.plan(frame) }
                return try inner(frame)
            }
        case .quantifier(let quantifier, let slot, _, let collection, let condition):
            let elements = planCollection(collection)
            let test = planCondition(condition)
            let span = bound.span, source = bound.source
            let lookFor = quantifier == .all ? Truth.no : Truth.yes
            return { frame throws(EvaluationError) in
                let items = try elements(frame)
                if case .missing = items { return Truth.unknown }
                var sawUnknown = false
                var decided = false
                try Planner.forEach(items, slot: slot, frame, span, source) { frame throws(EvaluationError) in
                    let v = try test(frame)
                    if v == lookFor { decided = true; return false }
                    if v == Truth.unknown { sawUnknown = true }
                    return true
                }
                switch quantifier {
                case .some: return decided ? Truth.yes : (sawUnknown ? Truth.unknown : Truth.no)
                case .none: return decided ? Truth.no : (sawUnknown ? Truth.unknown : Truth.yes)
                case .all: return decided ? Truth.no : (sawUnknown ? Truth.unknown : Truth.yes)
                }
            }
        default: break
        }
        let value = plan(bound)
        return { frame throws(EvaluationError) in
            switch try value(frame) {
            case .bool(let b): return b ? Truth.yes : Truth.no
            default: return Truth.unknown
            }
        }
    }

    /// The row a record expression names (-1 when missing), for the shapes that can be read
    /// without making a `Value`: a variable, or a reference followed from one.
    func planRow(_ bound: Bound) -> (@Sendable (Frame) throws(EvaluationError) -> Int32)? {
        switch bound.kind {
        case .local(let slot, _):
            return { frame in
                if case .record(let ref) = frame.slots[slot] { return ref.row }
                return -1
            }
        case .forward(let target, let table, let column, _):
            guard let inner = planRow(target), let rows = dataset?.tables[table].forward[column] else { return nil }
            return { frame throws(EvaluationError) in
                let row = try inner(frame)
                return row < 0 ? -1 : rows[Int(row)]
            }
        default:
            return nil
        }
    }

    /// A date expression as a day number.
    func planDay(_ bound: Bound) -> DayPlan {
        switch bound.kind {
        case .constant(.date(let day)):
            return { _ in day }
        case .constant(.missing):
            return { _ in Planner.missingDay }
        case .today:
            return { frame in frame.today }
        case .local(let slot, _):
            return { frame in
                if case .date(let day) = frame.slots[slot] { return day }
                return Planner.missingDay
            }
        case .column(let target, let table, let column):
            if let rowOf = planRow(target), case .date(let days)? = dataset?.tables[table].columns[column] {
                return { frame throws(EvaluationError) in
                    let row = try rowOf(frame)
                    return row < 0 ? Planner.missingDay : days[Int(row)]
                }
            }
        default: break
        }
        let value = plan(bound)
        return { frame throws(EvaluationError) in
            if case .date(let day) = try value(frame) { return day }
            return Planner.missingDay
        }
    }
}
