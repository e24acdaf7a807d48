import Foundation

/// Condition plans as a tree of small objects with one overridden method each. Calling a method of
/// an object held in a `let` costs no reference counting, where calling a closure held by another
/// closure often does: in the rule engine's inner loop that is most of the difference.
class ConditionNode: @unchecked Sendable {
    /// 0 false, 1 true, 2 unknown.
    func truth(_ frame: Frame) throws(EvaluationError) -> UInt8 { Truth.unknown }
}

/// A date expression read as a day number (`Planner.missingDay` when missing).
class DayNode: @unchecked Sendable {
    func day(_ frame: Frame) throws(EvaluationError) -> Int32 { Planner.missingDay }
}

/// A record expression read as a row number (-1 when missing).
class RowNode: @unchecked Sendable {
    func row(_ frame: Frame) throws(EvaluationError) -> Int32 { -1 }
}

final class ConstantCondition: ConditionNode, @unchecked Sendable {
    let value: UInt8
    init(_ value: UInt8) { self.value = value }
    override func truth(_ frame: Frame) throws(EvaluationError) -> UInt8 { value }
}

/// `and` and `or` follow Grammar.md §7 and, for errors, CEL's rule: an error on one side is
/// absorbed when the other side decides the result on its own (`1/0 > 0 and false` is false,
/// as `false and 1/0 > 0` is), so the order of the operands never changes the outcome.
final class AndCondition: ConditionNode, @unchecked Sendable {
    let left: ConditionNode, right: ConditionNode
    init(_ left: ConditionNode, _ right: ConditionNode) { self.left = left; self.right = right }
    override func truth(_ frame: Frame) throws(EvaluationError) -> UInt8 {
        let l: UInt8
        do { l = try left.truth(frame) } catch {
            try absorb(error, right, decidedBy: Truth.no, frame)
            return Truth.no
        }
        if l == Truth.no { return Truth.no }
        let r = try right.truth(frame)
        if r == Truth.no { return Truth.no }
        return l == Truth.yes && r == Truth.yes ? Truth.yes : Truth.unknown
    }
}

final class OrCondition: ConditionNode, @unchecked Sendable {
    let left: ConditionNode, right: ConditionNode
    init(_ left: ConditionNode, _ right: ConditionNode) { self.left = left; self.right = right }
    override func truth(_ frame: Frame) throws(EvaluationError) -> UInt8 {
        let l: UInt8
        do { l = try left.truth(frame) } catch {
            try absorb(error, right, decidedBy: Truth.yes, frame)
            return Truth.yes
        }
        if l == Truth.yes { return Truth.yes }
        let r = try right.truth(frame)
        if r == Truth.yes { return Truth.yes }
        return l == Truth.no && r == Truth.no ? Truth.no : Truth.unknown
    }
}

/// Returns when `other` alone decides the result (`decidedBy`), else throws `error` (the first
/// side's), or a limit the other side reached.
@inline(__always)
private func absorb(_ error: EvaluationError, _ other: ConditionNode, decidedBy: UInt8, _ frame: Frame) throws(EvaluationError) {
    if error.isLimit { throw error }
    let value: UInt8
    do { value = try other.truth(frame) } catch let second {
        throw second.isLimit ? second : error
    }
    if value != decidedBy { throw error }
}

final class NotCondition: ConditionNode, @unchecked Sendable {
    let inner: ConditionNode
    init(_ inner: ConditionNode) { self.inner = inner }
    override func truth(_ frame: Frame) throws(EvaluationError) -> UInt8 {
        let v = try inner.truth(frame)
        return v == Truth.unknown ? Truth.unknown : 1 - v
    }
}

final class DayIsMissing: ConditionNode, @unchecked Sendable {
    let operand: DayNode
    let whenMissing: UInt8
    init(_ operand: DayNode, negated: Bool) { self.operand = operand; whenMissing = negated ? Truth.no : Truth.yes }
    override func truth(_ frame: Frame) throws(EvaluationError) -> UInt8 {
        try operand.day(frame) == Planner.missingDay ? whenMissing : 1 - whenMissing
    }
}

final class DayComparison: ConditionNode, @unchecked Sendable {
    let left: DayNode, right: DayNode
    let op: BinaryOperator
    init(_ op: BinaryOperator, _ left: DayNode, _ right: DayNode) { self.op = op; self.left = left; self.right = right }
    override func truth(_ frame: Frame) throws(EvaluationError) -> UInt8 {
        let x: Int32
        do { x = try left.day(frame) } catch {
            // A missing right side decides: unknown, absorbing the error (Grammar.md §7).
            if error.isLimit { throw error }
            let y: Int32
            do { y = try right.day(frame) } catch let second { throw second.isLimit ? second : error }
            if y == Planner.missingDay { return Truth.unknown }
            throw error
        }
        if x == Planner.missingDay { return Truth.unknown }
        let y = try right.day(frame)
        if y == Planner.missingDay { return Truth.unknown }
        return DayComparison.holds(op, x, y) ? Truth.yes : Truth.no
    }

    /// Two known days compared.
    @inline(__always)
    static func holds(_ op: BinaryOperator, _ x: Int32, _ y: Int32) -> Bool {
        switch op {
        case .equal: return x == y
        case .notEqual: return x != y
        case .less: return x < y
        case .lessEqual: return x <= y
        case .greater: return x > y
        default: return x >= y
        }
    }
}

/// `h.level == "major"`, `o.kind in ["suspend", "close"]`: interned ids against ids found once.
final class TextIdTest: ConditionNode, @unchecked Sendable {
    let record: RowNode
    let ids: [Int32]
    let wanted: Set<Int32>
    let single: Int32
    let negated: Bool
    let table: Int, column: Int
    init(_ record: RowNode, ids: [Int32], wanted: Set<Int32>, negated: Bool, table: Int, column: Int) {
        self.record = record
        self.ids = ids
        self.wanted = wanted
        self.single = wanted.count == 1 ? (wanted.first ?? -2) : -2
        self.negated = negated
        self.table = table
        self.column = column
    }
    override func truth(_ frame: Frame) throws(EvaluationError) -> UInt8 {
        let row = try record.row(frame)
        if row < 0 { return Truth.unknown }
        let id = ids[Int(row)]
        if id < 0 {
            frame.readMissing(table: table, row: row, column: column)
            return Truth.unknown
        }
        return isWanted(id) != negated ? Truth.yes : Truth.no
    }

    /// Whether a (present) text id is one of the texts looked for.
    @inline(__always)
    func isWanted(_ id: Int32) -> Bool { wanted.count <= 1 ? id == single : wanted.contains(id) }
}

final class BoolColumnCondition: ConditionNode, @unchecked Sendable {
    let record: RowNode
    let flags: [UInt8]
    let table: Int, column: Int
    init(_ record: RowNode, _ flags: [UInt8], table: Int, column: Int) {
        self.record = record
        self.flags = flags
        self.table = table
        self.column = column
    }
    override func truth(_ frame: Frame) throws(EvaluationError) -> UInt8 {
        let row = try record.row(frame)
        if row < 0 { return Truth.unknown }
        let flag = flags[Int(row)]
        if flag == ColumnData.missingBool {
            frame.readMissing(table: table, row: row, column: column)
            return Truth.unknown
        }
        return flag
    }
}

final class DefinitionCondition: ConditionNode, @unchecked Sendable {
    let arguments: [ArgumentNode]
    let body: ConditionNode
    init(arguments: [ArgumentNode], body: ConditionNode) { self.arguments = arguments; self.body = body }
    override func truth(_ frame: Frame) throws(EvaluationError) -> UInt8 {
        for argument in arguments { try argument.bind(frame) }
        return try body.truth(frame)
    }
}

/// Puts a definition's argument into its parameter's slot. The common arguments (a variable,
/// `today`, a date column) are copied directly; others are evaluated as values.
class ArgumentNode: @unchecked Sendable {
    let slot: Int
    init(slot: Int) { self.slot = slot }
    func bind(_ frame: Frame) throws(EvaluationError) {}
}

final class SlotArgument: ArgumentNode, @unchecked Sendable {
    let from: Int
    init(slot: Int, from: Int) { self.from = from; super.init(slot: slot) }
    override func bind(_ frame: Frame) throws(EvaluationError) { frame.slots.copy(from: from, to: slot) }
}

final class DayArgument: ArgumentNode, @unchecked Sendable {
    let day: DayNode
    init(slot: Int, day: DayNode) { self.day = day; super.init(slot: slot) }
    override func bind(_ frame: Frame) throws(EvaluationError) {
        let value = try day.day(frame)
        frame.slots[slot] = value == Planner.missingDay ? .missing : .date(value)
    }
}

final class ValueArgument: ArgumentNode, @unchecked Sendable {
    let plan: Plan
    init(slot: Int, plan: @escaping Plan) { self.plan = plan; super.init(slot: slot) }
    override func bind(_ frame: Frame) throws(EvaluationError) { frame.slots[slot] = try plan(frame) }
}

/// `some`, `all`, `none` over rows (a backward reference or a whole table), without building values.
final class RowsQuantifier: ConditionNode, @unchecked Sendable {
    let quantifier: Quantifier
    let slot: Int
    /// Whether anything in the condition reads the variable as a value (not only its row): if
    /// not, each element costs one integer store.
    let needsValue: Bool
    let table: Int32
    let source: RowSource
    let condition: ConditionNode
    /// The condition's truth for every row of the table, when computed before the run
    /// (`ElementTruths`; owned by it, which lives as long as the run's plans).
    let truths: UnsafeBufferPointer<UInt8>?
    /// The quantifier's own truth per referenced row, when computed before the run.
    let verdicts: ElementTruths.Verdicts?
    let span: SourceSpan
    let file: SourceFile?
    init(_ quantifier: Quantifier, slot: Int, needsValue: Bool, table: Int32, source: RowSource, condition: ConditionNode,
         truths: UnsafeBufferPointer<UInt8>? = nil, verdicts: ElementTruths.Verdicts? = nil, span: SourceSpan, file: SourceFile?) {
        self.quantifier = quantifier
        self.slot = slot
        self.needsValue = needsValue
        self.table = table
        self.source = source
        self.condition = condition
        self.truths = truths
        self.verdicts = verdicts
        self.span = span
        self.file = file
    }
    override func truth(_ frame: Frame) throws(EvaluationError) -> UInt8 {
        // Truths computed before the run read their cells there: to record which are missing,
        // the elements are evaluated here.
        if !frame.recordsMissing, let verdicts, let target = try source.target(frame) {
            if target < 0 { return Truth.unknown }
            let verdict = verdicts.truth[Int(target)]
            if verdict != ElementTruths.failed {
                try frame.step(count: Int(verdicts.visited[Int(target)]), span, file)
                return verdict
            }
        }
        let (rows, start, end) = try source.rows(frame)
        if start < 0 { return Truth.unknown }
        let table = self.table, slot = self.slot, condition = self.condition, needsValue = self.needsValue
        let lookFor = quantifier == .all ? Truth.no : Truth.yes
        var sawUnknown = false
        var decided = false
        var failure: EvaluationError? = nil
        var index = start
        let truths = frame.recordsMissing ? nil : self.truths
        while index < end {
            try frame.step(span, file)
            let row = rows.map { $0[index] } ?? Int32(index)
            index += 1
            if let truths {
                let known = truths[Int(row)]
                if known != ElementTruths.failed {
                    if known == lookFor { decided = true; break }
                    if known == Truth.unknown { sawUnknown = true }
                    continue
                }
            }
            if needsValue { frame.slots[slot] = .record(RecordRef(table: table, row: row)) } else { frame.slots.rows[slot] = row }
            let v: UInt8
            do { v = try condition.truth(frame) } catch {
                // An element that fails is absorbed if another decides the quantifier (§7).
                if error.isLimit { throw error }
                if failure == nil { failure = error }
                continue
            }
            if v == lookFor { decided = true; break }
            if v == Truth.unknown { sawUnknown = true }
        }
        if !decided, let failure { throw failure }
        switch quantifier {
        case .some: return decided ? Truth.yes : (sawUnknown ? Truth.unknown : Truth.no)
        case .none: return decided ? Truth.no : (sawUnknown ? Truth.unknown : Truth.yes)
        case .all: return decided ? Truth.no : (sawUnknown ? Truth.unknown : Truth.yes)
        }
    }
}

/// Where a quantifier's rows come from: the rows referencing a record, or a whole table.
/// `rows(frame)` gives a row list (nil: rows are `start..<end` themselves) and a range in it;
/// a start of -1 means the collection is missing.
final class RowSource: @unchecked Sendable {
    /// The record whose referencing rows are wanted (nil: a whole table).
    let record: RowNode?
    /// The row lists' storage, held so the pointers below stay valid. The inner loop reads the
    /// pointers and never touches this object, whose reference count other cores share.
    private let storage: RowBlock?
    /// The backward reference's offsets per referenced row (nil: a whole table).
    private let offsets: UnsafeMutablePointer<Int32>?
    private let offsetCount: Int
    /// The referencing rows, or a whole table in key order (nil: rows in file order, `0..<count`).
    private let rowList: UnsafeMutablePointer<Int32>?
    let count: Int

    init(referencing record: RowNode, _ index: ReverseIndex) {
        self.record = record
        storage = index.block
        offsets = index.block.offsets
        offsetCount = index.block.offsetCount
        rowList = index.block.rows
        count = index.block.rowCount
    }

    init(table keyOrder: [Int32]?, count: Int) {
        record = nil
        storage = keyOrder.map { RowBlock(offsets: [], rows: $0) }
        offsets = nil
        offsetCount = 0
        rowList = storage?.rows
        self.count = count
    }

    /// The referenced row whose referencing rows these are (-1: none, the collection is
    /// missing); nil for a whole table.
    @inline(__always)
    func target(_ frame: Frame) throws(EvaluationError) -> Int32? {
        guard let record, offsets != nil else { return nil }
        let row = try record.row(frame)
        return row < 0 || Int(row) + 1 >= offsetCount ? -1 : row
    }

    @inline(__always)
    func rows(_ frame: Frame) throws(EvaluationError) -> (UnsafeMutablePointer<Int32>?, Int, Int) {
        guard let record, let offsets else { return (rowList, 0, count) }
        let row = try record.row(frame)
        if row < 0 || Int(row) + 1 >= offsetCount { return (nil, -1, -1) }
        return (rowList, Int(offsets[Int(row)]), Int(offsets[Int(row) + 1]))
    }
}

/// Any other condition: evaluated as a value.
final class ValueCondition: ConditionNode, @unchecked Sendable {
    let plan: Plan
    init(_ plan: @escaping Plan) { self.plan = plan }
    override func truth(_ frame: Frame) throws(EvaluationError) -> UInt8 {
        switch try plan(frame) {
        case .bool(let b): return b ? Truth.yes : Truth.no
        default: return Truth.unknown
        }
    }
}

final class ConstantDay: DayNode, @unchecked Sendable {
    let value: Int32
    init(_ value: Int32) { self.value = value }
    override func day(_ frame: Frame) throws(EvaluationError) -> Int32 { value }
}

final class TodayDay: DayNode, @unchecked Sendable {
    override func day(_ frame: Frame) throws(EvaluationError) -> Int32 { frame.today }
}

final class SlotDay: DayNode, @unchecked Sendable {
    let slot: Int
    init(_ slot: Int) { self.slot = slot }
    override func day(_ frame: Frame) throws(EvaluationError) -> Int32 {
        if case .date(let day) = frame.slots[slot] { return day }
        return Planner.missingDay
    }
}

final class ColumnDay: DayNode, @unchecked Sendable {
    let record: RowNode
    let days: [Int32]
    let table: Int, column: Int
    init(_ record: RowNode, _ days: [Int32], table: Int, column: Int) {
        self.record = record
        self.days = days
        self.table = table
        self.column = column
    }
    override func day(_ frame: Frame) throws(EvaluationError) -> Int32 {
        let row = try record.row(frame)
        if row < 0 { return Planner.missingDay }
        let day = days[Int(row)]
        if day == Planner.missingDay { frame.readMissing(table: table, row: row, column: column) }
        return day
    }
}

final class ValueDay: DayNode, @unchecked Sendable {
    let plan: Plan
    /// The expression reads no variable and runs no loop: its day depends on `today` and the
    /// calendar only.
    let sameForTheRun: Bool
    init(_ plan: @escaping Plan, sameForTheRun: Bool = false) { self.plan = plan; self.sameForTheRun = sameForTheRun }
    override func day(_ frame: Frame) throws(EvaluationError) -> Int32 {
        if case .date(let day) = try plan(frame) { return day }
        return Planner.missingDay
    }
}

final class SlotRow: RowNode, @unchecked Sendable {
    let slot: Int
    init(_ slot: Int) { self.slot = slot }
    override func row(_ frame: Frame) throws(EvaluationError) -> Int32 { frame.slots.rows[slot] }
}

final class ForwardRow: RowNode, @unchecked Sendable {
    let inner: RowNode
    let rows: [Int32]
    init(_ inner: RowNode, _ rows: [Int32]) { self.inner = inner; self.rows = rows }
    override func row(_ frame: Frame) throws(EvaluationError) -> Int32 {
        let row = try inner.row(frame)
        return row < 0 ? -1 : rows[Int(row)]
    }
}

/// Records which truth values a branch took, then passes its value on.
final class ProbeCondition: ConditionNode, @unchecked Sendable {
    let inner: ConditionNode
    let recorder: CoverageRecorder
    let branch: Int
    init(_ inner: ConditionNode, recorder: CoverageRecorder, branch: Int) { self.inner = inner; self.recorder = recorder; self.branch = branch }
    override func truth(_ frame: Frame) throws(EvaluationError) -> UInt8 {
        let value = try inner.truth(frame)
        recorder.record(branch, value)
        return value
    }
}

/// Outcomes of `and`/`or` branches across rule-test cases: a branch never seen true (or never
/// false) is a part of the policy no case exercised.
final class CoverageRecorder: @unchecked Sendable {
    struct Branch {
        let location: String
        let text: String
        var seen: Set<UInt8> = []
    }
    private let lock = NSLock()
    private(set) var branches: [Branch] = []
    private var index: [String: Int] = [:]

    func register(_ bound: Bound, _ source: SourceFile) -> Int {
        let location = "\(source.name):\(source.location(of: bound.span.start))"
        lock.lock(); defer { lock.unlock() }
        if let existing = index[location] { return existing }
        index[location] = branches.count
        branches.append(Branch(location: location, text: source.text(of: bound.span)))
        return branches.count - 1
    }

    func record(_ branch: Int, _ value: UInt8) {
        lock.lock(); defer { lock.unlock() }
        branches[branch].seen.insert(value)
    }
}
