/// Expressions on one level: values, Kleene logic, comparisons, arithmetic, functions, and the
/// missing cells each records in the interpreter's reading order.
extension SQLCompiler {
    /// Missing-cell lists joined in order; nil parts record nothing.
    static func join(_ parts: [String?]) -> String? {
        let present = parts.compactMap { $0 }
        if present.count <= 1 { return present.first }
        return "(" + present.map { "coalesce(\($0), '')" }.joined(separator: " || ") + ")"
    }

    /// A list recorded only when `condition` holds (it is evaluated then).
    static func when(_ condition: String, _ reads: String?) -> String? {
        reads.map { "CASE WHEN \(condition) THEN \($0) END" }
    }

    func unsupported(_ en: String, _ zh: String, _ bound: Bound) -> Unsupported {
        Unsupported(what: LocalizedText(en, zh: zh), span: bound.span, source: bound.source)
    }

    /// Whether an expression reads no row and no variable: it is evaluated once, here.
    func isConstant(_ bound: Bound) -> Bool {
        var constant = true
        bound.visit { node in
            switch node.kind {
            case .local, .column, .forward, .reverse, .tableRows, .quantifier, .aggregate, .hostCall, .error: constant = false
            default: break
            }
        }
        return constant
    }

    /// A constant's value, computed by the interpreter (so `today + 5 workdays` counts working
    /// days exactly as `run` does).
    func fold(_ bound: Bound) throws(Unsupported) -> Value {
        let plan = Planner(schema: program.schema, dataset: nil).plan(bound)
        let frame = Frame(slotCount: 1, today: today, dataset: nil, calendar: calendar)
        do throws(EvaluationError) { return try plan(frame) } catch {
            throw unsupported("`\(bound.source?.text(of: bound.span) ?? "")` is an error as of this date (\(error.text.en))",
                              "`\(bound.source?.text(of: bound.span) ?? "")` 在此日期求值出错(\(error.text.zh))", bound)
        }
    }

    func literal(_ value: Value, _ bound: Bound) throws(Unsupported) -> String {
        switch value {
        case .missing: return "NULL"
        case .bool(let b): return b ? "TRUE" : "FALSE"
        // -9223372036854775808 written out would be read as a decimal and negated.
        case .int(let i) where i == Int64.min: return "(-9223372036854775807 - 1)"
        case .int(let i): return i < 0 ? "(\(i))" : "\(i)"
        case .text(let t): return dialect.text(t)
        case .date(let d): return dialect.date(CivilDate.format(d))
        default: throw unsupported("the value `\(value.display)` (only text, whole numbers, dates and booleans are compiled yet)",
                                   "值 `\(value.display)`(目前只编译文本、整数、日期和布尔值)", bound)
        }
    }

    mutating func expression(_ bound: Bound, _ scope: Scope, _ level: Level) throws(Unsupported) -> Piece {
        if isConstant(bound), bound.type != .duration {
            if case .list = bound.type { throw unsupported("a list outside `in`", "`属于` 之外的列表", bound) }
            return Piece(value: try literal(try fold(bound), bound), reads: nil)
        }
        switch bound.kind {
        case .local(let slot, let name):
            guard case .value(let value)? = scope[slot] else {
                throw unsupported("`\(name)` as a value (a whole record)", "把 `\(name)` 当作值(整条记录)", bound)
            }
            return Piece(value: value, reads: nil)
        case .column(let target, let table, let column):
            return columnRead(try record(target, scope, level), table: table, column: column, level)
        case .forward:
            // As a value (`h.enterprise is missing`): its key, NULL when the reference is empty.
            return Piece(value: try record(bound, scope, level).key, reads: nil)
        case .not(let operand):
            let inner = try expression(operand, scope, level)
            return Piece(value: "(NOT \(inner.value))", reads: inner.reads)
        case .negate(let operand) where bound.type == .int:
            let inner = try expression(operand, scope, level)
            return Piece(value: "(-\(inner.value))", reads: inner.reads)
        case .and(let a, let b):
            let left = try expression(a, scope, level), right = try expression(b, scope, level)
            return Piece(value: "(\(left.value) AND \(right.value))",
                         reads: SQLCompiler.join([left.reads, SQLCompiler.when("(\(left.value)) IS NOT FALSE", right.reads)]))
        case .or(let a, let b):
            let left = try expression(a, scope, level), right = try expression(b, scope, level)
            return Piece(value: "(\(left.value) OR \(right.value))",
                         reads: SQLCompiler.join([left.reads, SQLCompiler.when("(\(left.value)) IS NOT TRUE", right.reads)]))
        case .isMissing(let operand, let negated):
            let inner = try expression(operand, scope, level)
            return Piece(value: "(\(inner.value) IS \(negated ? "NOT " : "")NULL)", reads: inner.reads)
        case .compare(let op, let a, let b):
            return try comparison(op, a, b, bound, scope, level)
        case .arithmetic(let op, let a, let b):
            return try arithmetic(op, a, b, bound, scope, level)
        case .membership(let element, let list, let negated):
            guard isConstant(list), case .list(let items) = try fold(list) else {
                throw unsupported("`in` a list that is not written out", "`属于` 一个未写明的列表", bound)
            }
            guard [RType.text, .int, .date, .bool].contains(element.type), !items.contains(where: \.isMissing) else {
                throw unsupported("`in` with this kind of list", "这种列表的 `属于`", bound)
            }
            let inner = try expression(element, scope, level)
            if items.isEmpty {
                return Piece(value: "(CASE WHEN \(inner.value) IS NULL THEN NULL ELSE \(negated ? "TRUE" : "FALSE") END)", reads: inner.reads)
            }
            var literals: [String] = []
            for item in items { literals.append(try literal(item, list)) }
            return Piece(value: "(\(inner.value) \(negated ? "NOT IN" : "IN") (\(literals.joined(separator: ", "))))", reads: inner.reads)
        case .definition(_, let arguments, let body):
            // Arguments are evaluated first, in order (their missing cells recorded then); the
            // body reads the parameters as values.
            var inner = scope
            var reads: [String?] = []
            for argument in arguments {
                if case .local(let from, _) = argument.value.kind, let binding = scope[from] {
                    inner[argument.slot] = binding
                    continue
                }
                if case .record = argument.value.type {
                    // A record argument reads nothing until the body reads its columns.
                    inner[argument.slot] = .record(try record(argument.value, scope, level))
                    continue
                }
                let value = try expression(argument.value, scope, level)
                reads.append(value.reads)
                inner[argument.slot] = .value(value.value)
            }
            let result = try expression(body, inner, level)
            reads.append(result.reads)
            return Piece(value: result.value, reads: SQLCompiler.join(reads))
        case .quantifier(let quantifier, let slot, _, let collection, let condition):
            return try self.quantifier(quantifier, slot: slot, collection, condition, scope, level)
        case .aggregate(.count, let slot, _, let collection, nil, let filter):
            return try count(slot: slot, collection, filter, scope, level)
        case .aggregate(let aggregate, let slot, _, let collection, let value?, let filter)
            where aggregate != .count && (bound.type == .int || (aggregate != .sum && [RType.date, .text].contains(bound.type))):
            return try total(aggregate, slot: slot, collection, value, filter, bound, scope, level)
        case .aggregate(let aggregate, _, _, _, _, _):
            throw unsupported("the aggregate `\(aggregate.rawValue)` of \(bound.type) values (not compiled yet)", "\(bound.type) 值的聚合 `\(aggregate.rawValue)`(尚未编译)", bound)
        case .hostCall(let function, _):
            throw unsupported("the host function `\(function.name)`, which only the host can run", "宿主函数 `\(function.name)`,只有宿主程序能运行", bound)
        case .call(let builtin, let arguments):
            return try call(builtin, arguments, bound, scope, level)
        default:
            throw unsupported("`\(bound.source?.text(of: bound.span) ?? "this expression")` (not compiled yet)",
                              "`\(bound.source?.text(of: bound.span) ?? "此表达式")`(尚未编译)", bound)
        }
    }

    /// Both sides are read left first; the right is not evaluated when the left is missing.
    mutating func comparison(_ op: BinaryOperator, _ a: Bound, _ b: Bound, _ bound: Bound, _ scope: Scope, _ level: Level) throws(Unsupported) -> Piece {
        let comparable: Set<RType> = [.int, .text, .date, .bool]
        guard comparable.contains(a.type), a.type == b.type else {
            throw unsupported("comparing \(a.type) with \(b.type) (not compiled yet)", "比较 \(a.type) 与 \(b.type)(尚未编译)", bound)
        }
        let left = try expression(a, scope, level), right = try expression(b, scope, level)
        let symbol: String
        switch op {
        case .equal: symbol = "="
        case .notEqual: symbol = "<>"
        case .less: symbol = "<"
        case .lessEqual: symbol = "<="
        case .greater: symbol = ">"
        case .greaterEqual: symbol = ">="
        default: throw unsupported("the operator `\(op.rawValue)`", "运算符 `\(op.rawValue)`", bound)
        }
        let ordered = a.type == .text && op != .equal && op != .notEqual
        let value = ordered ? "(\(dialect.byteOrder(left.value)) \(symbol) \(dialect.byteOrder(right.value)))" : "(\(left.value) \(symbol) \(right.value))"
        return Piece(value: value, reads: SQLCompiler.join([left.reads, SQLCompiler.when("(\(left.value)) IS NOT NULL", right.reads)]))
    }

    mutating func arithmetic(_ op: BinaryOperator, _ a: Bound, _ b: Bound, _ bound: Bound, _ scope: Scope, _ level: Level) throws(Unsupported) -> Piece {
        switch (a.type, b.type, op) {
        case (.int, .int, .add), (.int, .int, .subtract), (.int, .int, .multiply):
            // Every system raises an error on 64-bit overflow rather than wrap (Spark with ANSI
            // arithmetic, which the script sets).
            let left = try expression(a, scope, level), right = try expression(b, scope, level)
            return Piece(value: "(\(left.value) \(op.rawValue) \(right.value))",
                         reads: SQLCompiler.join([left.reads, SQLCompiler.when("(\(left.value)) IS NOT NULL", right.reads)]))
        case (.date, .date, .subtract):
            let left = try expression(a, scope, level), right = try expression(b, scope, level)
            return Piece(value: dialect.daysBetween(left.value, right.value),
                         reads: SQLCompiler.join([left.reads, SQLCompiler.when("(\(left.value)) IS NOT NULL", right.reads)]))
        case (.date, .duration, .add), (.date, .duration, .subtract), (.duration, .date, .add):
            let (dateSide, durationSide) = a.type == .date ? (a, b) : (b, a)
            guard isConstant(durationSide), case .duration(let duration) = try fold(durationSide) else {
                throw unsupported("a duration that is not written out", "未写明的时长", bound)
            }
            guard duration.workdays == 0 else {
                throw unsupported("working days counted from a date that differs by row (from `today` they are compiled)",
                                  "从逐行不同的日期起算工作日(从 `today` 起算的可以编译)", bound)
            }
            let sign: Int64 = op == .subtract ? -1 : 1
            let date = try expression(dateSide, scope, level)
            let (months, monthsOverflow) = duration.months.multipliedReportingOverflow(by: sign)
            let (days, daysOverflow) = duration.days.multipliedReportingOverflow(by: sign)
            guard !monthsOverflow, !daysOverflow, months.magnitude <= UInt64(Int32.max), days.magnitude <= UInt64(Int32.max) else {
                throw unsupported("this duration", "此时长", bound)
            }
            return Piece(value: dialect.add(months: months, days: days, to: date.value), reads: date.reads)
        default:
            throw unsupported("`\(op.rawValue)` on \(a.type) and \(b.type) (not compiled yet)", "\(a.type) 与 \(b.type) 的 `\(op.rawValue)`(尚未编译)", bound)
        }
    }

    /// The functions whose meaning every system shares exactly. Arguments are read in order, up
    /// to the first missing one (which makes the result missing); `coalesce` reads its fallback
    /// only when the value is missing.
    mutating func call(_ builtin: Builtin, _ arguments: [Bound], _ bound: Bound, _ scope: Scope, _ level: Level) throws(Unsupported) -> Piece {
        var pieces: [Piece] = []
        for argument in arguments { pieces.append(try expression(argument, scope, level)) }
        var reads: [String?] = []
        for (index, piece) in pieces.enumerated() {
            let earlier = pieces[..<index].map { "(\($0.value)) IS NOT NULL" }
            reads.append(earlier.isEmpty ? piece.reads : SQLCompiler.when(earlier.joined(separator: " AND "), piece.reads))
        }
        let v = pieces.map(\.value)
        let value: String
        switch (builtin, arguments.count) {
        case (.coalesce, 2) where arguments[0].type == arguments[1].type && [RType.text, .int, .date, .bool].contains(arguments[0].type):
            return Piece(value: "coalesce(\(v[0]), \(v[1]))",
                         reads: SQLCompiler.join([pieces[0].reads, SQLCompiler.when("(\(v[0])) IS NULL", pieces[1].reads)]))
        case (.contains, 2), (.startsWith, 2), (.endsWith, 2):
            value = dialect.textTest(builtin, v[0], v[1])
        case (.length, 1) where arguments[0].type == .text:
            // Code points, as the interpreter counts.
            value = "CAST(char_length(\(v[0])) AS BIGINT)"
        case (.year, 1), (.month, 1), (.day, 1), (.weekday, 1):
            value = dialect.datePart(builtin, v[0])
        case (.daysBetween, 2):
            value = dialect.daysBetween(v[1], v[0])
        case (.abs, 1) where arguments[0].type == .int:
            value = "abs(\(v[0]))"
        default:
            throw unsupported("the function `\(builtin.rawValue)` here (not compiled yet)", "此处的函数 `\(builtin.rawValue)`(尚未编译)", bound)
        }
        // A missing argument makes the result missing: every function above is strict in SQL too.
        return Piece(value: value, reads: SQLCompiler.join(reads))
    }

    /// A value as the interpreter displays it in a message (`missing` for a missing one).
    func display(_ value: String, _ type: RType, null: String = "'missing'", span: SourceSpan = .none, source: SourceFile? = nil) throws(Unsupported) -> String {
        let shown: String
        switch type {
        case .text: shown = value
        case .int: shown = "CAST(\(value) AS \(dialect.textType))"
        case .date: shown = dialect.dateText(value)
        case .bool: shown = "CASE WHEN \(value) THEN 'true' WHEN NOT \(value) THEN 'false' END"
        default:
            throw Unsupported(what: LocalizedText("showing a \(type) value in a message (not compiled yet)", zh: "在消息中显示 \(type) 值(尚未编译)"),
                              span: span, source: source)
        }
        return "coalesce(\(shown), \(null))"
    }
}
