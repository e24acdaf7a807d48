import Foundation

/// A program compiled to one SQL script, or the reasons it could not be.
public struct SQLCompilation: Sendable {
    /// The script: one query whose rows are the CSV report of `redline run` (`subject`, `label`
    /// when a table declares one, `action`, `rule`, `evidence`, `message`), in the same order.
    public let sql: String?
    /// Why a rule could not be compiled: each names the rule and the construct.
    public let diagnostics: [Diagnostic]
    /// The query alone (no settings, no final semicolon), for a host that runs it itself, e.g.
    /// inside `COPY (…) TO STDOUT`; run the script's settings first (`settings`).
    public var query: String? = nil
    /// Statements the script runs before the query (PostgreSQL: `SET jit = off`).
    public var settings: [String] = []
}

extension Program {
    /// Compiles the rules to SQL for `dialect`, as of `asOf` (folded into the script, as are
    /// working days counted from it with `calendar`). The script reads tables with the declared
    /// names and columns, and gives the decisions the interpreter gives on data that loads
    /// without errors (every reference resolves, keys are unique).
    public func compileSQL(dialect: SQLDialect, asOf: CalendarDate, calendar: WorkCalendar = .china, ruleFiles: [String] = []) -> SQLCompilation {
        guard !hasErrors else { return SQLCompilation(sql: nil, diagnostics: diagnostics) }
        var compiler = SQLCompiler(program: checked, dialect: dialect, today: asOf.dayNumber, calendar: calendar)
        let header = "-- Redline \(RedlineVersion.number): \(ruleFiles.isEmpty ? "rules" : ruleFiles.joined(separator: ", ")) compiled for \(dialect.rawValue), "
            + "as of \(asOf.description), working days by calendar \(calendar.name)\n"
        return compiler.script(header: header)
    }
}

/// Translates checked rules into SQL that keeps the interpreter's semantics exactly:
/// missing is NULL and logic is Kleene logic (SQL's own); a quantifier is true if some element
/// is true, else unknown if some element is unknown (counted, not EXISTS); an aggregate over an
/// unknown filter is missing; and for an undetermined rule, the missing cells are listed in the
/// order the interpreter reads them, which follows its short-circuits: the right side of `and`
/// is read unless the left is false, a comparison's right side only if its left has a value,
/// a quantifier's elements in key order up to the first that decides it.
struct SQLCompiler {
    let program: CheckedProgram
    let dialect: SQLDialect
    let today: Int32
    let calendar: WorkCalendar
    private var aliasCount = 0

    init(program: CheckedProgram, dialect: SQLDialect, today: Int32, calendar: WorkCalendar) {
        self.program = program
        self.dialect = dialect
        self.today = today
        self.calendar = calendar
    }

    /// A construct the compiler does not translate.
    struct Unsupported: Error {
        let what: LocalizedText
        let span: SourceSpan
        let source: SourceFile?
    }

    /// An expression in SQL: its value (NULL for missing) and the missing cells reading it
    /// records (items ending in chr(30)); `reads` is nil when it can record none.
    struct Piece {
        var value: String
        var reads: String?
    }

    /// What a variable's slot stands for: a row of a table under an alias, or a value.
    enum Binding {
        case row(alias: String, table: Int)
        /// A record reached through a reference (`large(h.enterprise)`): looked up by its key.
        case record(Record)
        case value(String)
    }
    typealias Scope = [Int: Binding]

    /// A collection's rows: the table, the alias of its rows, `FROM …` and a join condition.
    struct Rows {
        let table: Int
        let alias: String
        let from: String
        let condition: String?
        /// The key of the record whose referencing rows these are, when it may be missing (a
        /// reference followed): over a missing record a quantifier is unknown, a count missing.
        var ofMissing: String? = nil
        func unlessMissing(_ value: String) -> String {
            guard let ofMissing else { return value }
            return "(CASE WHEN \(ofMissing) IS NULL THEN NULL ELSE \(value) END)"
        }
        func clause(_ extra: String? = nil) -> String {
            let conditions = [condition, extra].compactMap { $0 }
            return from + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
        }
    }

    private mutating func alias(_ prefix: String = "q") -> String {
        aliasCount += 1
        return "\(prefix)\(aliasCount)"
    }

    // MARK: The script

    mutating func script(header: String) -> SQLCompilation {
        // Copies: the closures below must not capture a mutating `self`.
        let dialect = self.dialect, program = self.program
        var diagnostics: [Diagnostic] = []
        var ctes: [String] = []
        var selects: [String] = []
        let labelled = program.schema.tables.contains { $0.labelColumn != nil }
        var subjectTables: [Int] = []
        for rule in program.rules where !subjectTables.contains(rule.subjectTable) { subjectTables.append(rule.subjectTable) }
        for (tableNumber, table) in subjectTables.enumerated() {
            let rules = program.rules.indices.filter { program.rules[$0].subjectTable == table }
            var compiled: [Int: CompiledRule] = [:]
            for index in rules {
                do throws(Unsupported) {
                    compiled[index] = try compile(program.rules[index])
                } catch {
                    let rule = program.rules[index]
                    let text = LocalizedText("rule `\(rule.name)` cannot be compiled to SQL: \(error.what.en)",
                                             zh: "规则 `\(rule.name)` 无法编译为 SQL:\(error.what.zh)")
                    if let source = error.source ?? Optional(rule.source) {
                        diagnostics.append(Diagnostic(.error, text, at: error.span == .none ? rule.span : error.span, in: source))
                    }
                }
            }
            guard diagnostics.isEmpty else { continue }
            let s = "s"
            let tableName = dialect.identifier(program.schema.tables[table].name)
            let truth = { (index: Int) in "\(s).\(dialect.identifier("__t\(index)"))" }
            let truths = rules.map { "\(compiled[$0]!.condition) AS \(dialect.identifier("__t\($0)"))" }
            ctes.append("\(dialect.identifier("__s\(tableNumber)")) AS (\n  SELECT \(s).*, \(truths.joined(separator: ",\n    "))\n  FROM \(tableName) \(s)\n)")
            // The deciding rule: the strongest action fired, the first such rule in order.
            let byStrength = rules.sorted { (program.rules[$0].action, -$0) > (program.rules[$1].action, -$1) }
            let deciding = "CASE " + byStrength.map { "WHEN \(truth($0)) IS TRUE THEN \($0)" }.joined(separator: " ") + " END"
            let anyUnknown = rules.map { "\(truth($0)) IS NULL" }.joined(separator: " OR ")
            let missingLists = rules.map { index -> String in
                let reads = compiled[index]!.reads.map { dialect.distinctItems("coalesce(\($0), '')") } ?? "NULL"
                return "CASE WHEN \(truth(index)) IS NULL THEN NULLIF(\(reads), '') END"
            }
            let missing = rules.count == 1 ? missingLists[0] : "concat_ws(chr(30), \(missingLists.joined(separator: ", ")))"
            ctes.append("\(dialect.identifier("__d\(tableNumber)")) AS (\n  SELECT \(s).*, \(deciding) AS \"__d\"\n  FROM \(dialect.identifier("__s\(tableNumber)")) \(s)\n)")
            ctes.append("\(dialect.identifier("__m\(tableNumber)")) AS (\n  SELECT \(s).*, CASE WHEN \(s).\"__d\" IS NULL THEN \(missing) END AS \"__miss\"\n"
                        + "  FROM \(dialect.identifier("__d\(tableNumber)")) \(s)\n  WHERE \(s).\"__d\" IS NOT NULL OR \(anyUnknown)\n)")
            let schema = program.schema.tables[table]
            let key = "\(s).\(dialect.identifier(schema.columns[schema.keyColumn].name))"
            let label = schema.labelColumn.map { (try? display("\(s).\(dialect.identifier(schema.columns[$0].name))", schema.columns[$0].type, null: "''")) ?? "''" } ?? "''"
            func choose(_ value: (Int) -> String, otherwise: String) -> String {
                "CASE \(s).\"__d\" " + rules.map { "WHEN \($0) THEN \(value($0))" }.joined(separator: " ") + " ELSE \(otherwise) END"
            }
            let undeterminedRules = rules.count == 1 ? dialect.text(program.rules[rules[0]].name)
                : "concat_ws(';', " + rules.map { "CASE WHEN \(truth($0)) IS NULL THEN \(dialect.text(program.rules[$0].name)) END" }.joined(separator: ", ") + ")"
            var columns = ["\(tableNumber) AS \"__table\"", "row_number() OVER (ORDER BY \(dialect.byteOrder(key))) AS \"__order\"",
                           "\(keyText(alias: s, table: table)) AS subject"]
            if labelled { columns.append("\(label) AS label") }
            columns.append("\(choose({ dialect.text(program.schema.actions[program.rules[$0].action]) }, otherwise: "'undetermined'")) AS action")
            columns.append("\(choose({ dialect.text(program.rules[$0].name) }, otherwise: undeterminedRules)) AS rule")
            columns.append("\(choose({ compiled[$0]!.evidence }, otherwise: "coalesce(replace(\(s).\"__miss\", chr(30), ';'), '')")) AS evidence")
            columns.append("\(choose({ compiled[$0]!.message }, otherwise: "CASE WHEN coalesce(\(s).\"__miss\", '') = '' THEN '' ELSE 'missing data: ' || replace(\(s).\"__miss\", chr(30), ', ') END")) AS message")
            selects.append("  SELECT \(columns.joined(separator: ",\n    "))\n  FROM \(dialect.identifier("__m\(tableNumber)")) \(s)")
        }
        guard diagnostics.isEmpty else { return SQLCompilation(sql: nil, diagnostics: diagnostics) }
        let output = (labelled ? ["subject", "label"] : ["subject"]) + ["action", "rule", "evidence", "message"]
        var query: String
        if selects.isEmpty {
            // No rules: no decisions, with the report's columns.
            query = "SELECT " + output.map { "CAST(NULL AS \(dialect.textType)) AS \($0)" }.joined(separator: ", ") + " WHERE FALSE"
        } else {
            query = "WITH " + ctes.joined(separator: ",\n") + "\n"
            query += "SELECT \(output.map { "f.\($0)" }.joined(separator: ", "))\nFROM (\n\(selects.joined(separator: "\n  UNION ALL\n"))\n) f\n"
            query += "ORDER BY f.\"__table\", f.\"__order\""
        }
        // PostgreSQL would JIT-compile the query's large expressions, which takes seconds: far
        // longer than running it.
        let settings = dialect == .postgres ? ["SET jit = off"] : []
        var sql = header
        for setting in settings { sql += setting + ";\n" }
        sql += query + ";\n"
        return SQLCompilation(sql: sql, diagnostics: [], query: query, settings: settings)
    }

    struct CompiledRule {
        let condition: String
        let reads: String?
        let evidence: String
        let message: String
    }

    mutating func compile(_ rule: CheckedRule) throws(Unsupported) -> CompiledRule {
        let scope: Scope = [rule.subjectSlot: .row(alias: "s", table: rule.subjectTable)]
        let condition = try expression(rule.condition, scope)
        // Evidence: every element of each top-level `some` for which its condition holds.
        var lists: [String] = []
        for variable in rule.evidence {
            let rows = try self.rows(variable.collection, scope)
            var inner = scope
            inner[variable.slot] = .row(alias: rows.alias, table: rows.table)
            let holds = try expression(variable.condition, inner)
            let key = keyColumn(rows.alias, rows.table)
            lists.append("(SELECT string_agg(\(keyText(alias: rows.alias, table: rows.table)), ';' ORDER BY \(dialect.byteOrder(key))) "
                         + "\(rows.clause("(\(holds.value)) IS TRUE")))")
        }
        let evidence = lists.isEmpty ? "''" : (lists.count == 1 ? "coalesce(\(lists[0]), '')" : "concat_ws(';', \(lists.joined(separator: ", ")))")
        return CompiledRule(condition: condition.value, reads: condition.reads, evidence: evidence,
                            message: try message(rule, scope))
    }

    /// The message: a part that uses an evidence variable is rendered once per piece of evidence,
    /// distinct results joined by `、` in the evidence's order, as the interpreter renders it.
    mutating func message(_ rule: CheckedRule, _ scope: Scope) throws(Unsupported) -> String {
        guard let message = rule.message else { return "''" }
        let exported = Dictionary(rule.evidence.map { ($0.slot, $0) }, uniquingKeysWith: { a, _ in a })
        var parts: [String] = []
        let pieces: [BoundTemplatePart]
        switch message.kind {
        case .constant(let value): return dialect.text(value.display)
        case .template(let template): pieces = template
        default: pieces = [.value(message)]
        }
        for piece in pieces {
            switch piece {
            case .literal(let text): parts.append(dialect.text(text))
            case .value(let bound):
                var slots: [Int] = []
                bound.visit { node in
                    if case .local(let slot, _) = node.kind, exported[slot] != nil, !slots.contains(slot) { slots.append(slot) }
                }
                if slots.count > 1 {
                    throw Unsupported(what: LocalizedText("a message part that uses two evidence variables", zh: "同时使用两个证据变量的消息片段"),
                                      span: bound.span, source: bound.source)
                }
                guard let slot = slots.first, let variable = exported[slot] else {
                    parts.append(try display(try expression(bound, scope).value, bound.type, span: bound.span, source: bound.source))
                    continue
                }
                let rows = try self.rows(variable.collection, scope)
                var inner = scope
                inner[slot] = .row(alias: rows.alias, table: rows.table)
                let holds = try expression(variable.condition, inner)
                let shown = try display(try expression(bound, inner).value, bound.type, span: bound.span, source: bound.source)
                let (t, u) = (alias("m"), alias("m"))
                let key = keyColumn(rows.alias, rows.table)
                parts.append("coalesce((SELECT string_agg(\(u).p, '、' ORDER BY \(u).o) FROM (SELECT \(t).p, min(\(t).o) AS o FROM ("
                             + "SELECT \(shown) AS p, row_number() OVER (ORDER BY \(dialect.byteOrder(key))) AS o "
                             + "\(rows.clause("(\(holds.value)) IS TRUE"))) \(t) GROUP BY \(t).p) \(u)), '')")
            }
        }
        return parts.isEmpty ? "''" : "(" + parts.joined(separator: " || ") + ")"
    }

    // MARK: Expressions

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
        case .int(let i): return i < 0 ? "(\(i))" : "\(i)"
        case .text(let t): return dialect.text(t)
        case .date(let d): return dialect.date(CivilDate.format(d))
        default: throw unsupported("the value `\(value.display)` (only text, whole numbers, dates and booleans are compiled yet)",
                                   "值 `\(value.display)`(目前只编译文本、整数、日期和布尔值)", bound)
        }
    }

    mutating func expression(_ bound: Bound, _ scope: Scope) throws(Unsupported) -> Piece {
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
            return try columnRead(record(target, scope), table: table, column: column)
        case .forward:
            // As a value (`h.enterprise is missing`): its key, NULL when the reference is empty.
            return Piece(value: try record(bound, scope).key, reads: nil)
        case .not(let operand):
            let inner = try expression(operand, scope)
            return Piece(value: "(NOT \(inner.value))", reads: inner.reads)
        case .negate(let operand) where bound.type == .int:
            let inner = try expression(operand, scope)
            return Piece(value: "(-\(inner.value))", reads: inner.reads)
        case .and(let a, let b):
            let left = try expression(a, scope), right = try expression(b, scope)
            return Piece(value: "(\(left.value) AND \(right.value))",
                         reads: SQLCompiler.join([left.reads, SQLCompiler.when("(\(left.value)) IS NOT FALSE", right.reads)]))
        case .or(let a, let b):
            let left = try expression(a, scope), right = try expression(b, scope)
            return Piece(value: "(\(left.value) OR \(right.value))",
                         reads: SQLCompiler.join([left.reads, SQLCompiler.when("(\(left.value)) IS NOT TRUE", right.reads)]))
        case .isMissing(let operand, let negated):
            let inner = try expression(operand, scope)
            return Piece(value: "(\(inner.value) IS \(negated ? "NOT " : "")NULL)", reads: inner.reads)
        case .compare(let op, let a, let b):
            return try comparison(op, a, b, bound, scope)
        case .arithmetic(let op, let a, let b):
            return try arithmetic(op, a, b, bound, scope)
        case .membership(let element, let list, let negated):
            guard isConstant(list), case .list(let items) = try fold(list) else {
                throw unsupported("`in` a list that is not written out", "`属于` 一个未写明的列表", bound)
            }
            guard [RType.text, .int, .date, .bool].contains(element.type), !items.contains(where: \.isMissing) else {
                throw unsupported("`in` with this kind of list", "这种列表的 `属于`", bound)
            }
            let inner = try expression(element, scope)
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
                    inner[argument.slot] = .record(try record(argument.value, scope))
                    continue
                }
                let value = try expression(argument.value, scope)
                reads.append(value.reads)
                inner[argument.slot] = .value(value.value)
            }
            let result = try expression(body, inner)
            reads.append(result.reads)
            return Piece(value: result.value, reads: SQLCompiler.join(reads))
        case .quantifier(let quantifier, let slot, _, let collection, let condition):
            return try self.quantifier(quantifier, slot: slot, collection, condition, scope)
        case .aggregate(.count, let slot, _, let collection, nil, let filter):
            return try count(slot: slot, collection, filter, scope)
        case .aggregate(let aggregate, let slot, _, let collection, let value?, let filter)
            where aggregate != .count && (bound.type == .int || (aggregate != .sum && [RType.date, .text].contains(bound.type))):
            return try total(aggregate, slot: slot, collection, value, filter, bound, scope)
        case .aggregate(let aggregate, _, _, _, _, _):
            throw unsupported("the aggregate `\(aggregate.rawValue)` of \(bound.type) values (not compiled yet)", "\(bound.type) 值的聚合 `\(aggregate.rawValue)`(尚未编译)", bound)
        case .hostCall(let function, _):
            throw unsupported("the host function `\(function.name)`, which only the host can run", "宿主函数 `\(function.name)`,只有宿主程序能运行", bound)
        case .call(let builtin, let arguments):
            return try call(builtin, arguments, bound, scope)
        default:
            throw unsupported("`\(bound.source?.text(of: bound.span) ?? "this expression")` (not compiled yet)",
                              "`\(bound.source?.text(of: bound.span) ?? "此表达式")`(尚未编译)", bound)
        }
    }

    /// Both sides are read left first; the right is not evaluated when the left is missing.
    mutating func comparison(_ op: BinaryOperator, _ a: Bound, _ b: Bound, _ bound: Bound, _ scope: Scope) throws(Unsupported) -> Piece {
        let comparable: Set<RType> = [.int, .text, .date, .bool]
        guard comparable.contains(a.type), a.type == b.type else {
            throw unsupported("comparing \(a.type) with \(b.type) (not compiled yet)", "比较 \(a.type) 与 \(b.type)(尚未编译)", bound)
        }
        let left = try expression(a, scope), right = try expression(b, scope)
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

    mutating func arithmetic(_ op: BinaryOperator, _ a: Bound, _ b: Bound, _ bound: Bound, _ scope: Scope) throws(Unsupported) -> Piece {
        switch (a.type, b.type, op) {
        case (.int, .int, .add), (.int, .int, .subtract), (.int, .int, .multiply):
            // Both systems raise an error on 64-bit overflow rather than wrap.
            let left = try expression(a, scope), right = try expression(b, scope)
            return Piece(value: "(\(left.value) \(op.rawValue) \(right.value))",
                         reads: SQLCompiler.join([left.reads, SQLCompiler.when("(\(left.value)) IS NOT NULL", right.reads)]))
        case (.date, .date, .subtract):
            let left = try expression(a, scope), right = try expression(b, scope)
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
            let date = try expression(dateSide, scope)
            let (months, monthsOverflow) = duration.months.multipliedReportingOverflow(by: sign)
            let (days, daysOverflow) = duration.days.multipliedReportingOverflow(by: sign)
            guard !monthsOverflow, !daysOverflow else { throw unsupported("this duration", "此时长", bound) }
            return Piece(value: dialect.add(months: months, days: days, to: date.value), reads: date.reads)
        default:
            throw unsupported("`\(op.rawValue)` on \(a.type) and \(b.type) (not compiled yet)", "\(a.type) 与 \(b.type) 的 `\(op.rawValue)`(尚未编译)", bound)
        }
    }

    /// `some`/`all`/`none`: the elements' truth counted (never a bare EXISTS, which would lose
    /// unknown); the missing cells of the elements read before the first that decides, and its own.
    mutating func quantifier(_ quantifier: Quantifier, slot: Int, _ collection: Bound, _ condition: Bound, _ scope: Scope) throws(Unsupported) -> Piece {
        let rows = try self.rows(collection, scope)
        var inner = scope
        inner[slot] = .row(alias: rows.alias, table: rows.table)
        let element = try expression(condition, inner)
        let c = element.value
        let value: String
        switch quantifier {
        case .some:
            value = "(SELECT CASE WHEN count(*) FILTER (WHERE (\(c)) IS TRUE) > 0 THEN TRUE WHEN count(*) FILTER (WHERE (\(c)) IS NULL) > 0 THEN NULL ELSE FALSE END \(rows.clause()))"
        case .all:
            value = "(SELECT CASE WHEN count(*) FILTER (WHERE (\(c)) IS FALSE) > 0 THEN FALSE WHEN count(*) FILTER (WHERE (\(c)) IS NULL) > 0 THEN NULL ELSE TRUE END \(rows.clause()))"
        case .none:
            value = "(SELECT CASE WHEN count(*) FILTER (WHERE (\(c)) IS TRUE) > 0 THEN FALSE WHEN count(*) FILTER (WHERE (\(c)) IS NULL) > 0 THEN NULL ELSE TRUE END \(rows.clause()))"
        }
        let decides = quantifier == .all ? "(\(c)) IS FALSE" : "(\(c)) IS TRUE"
        return Piece(value: rows.unlessMissing(value), reads: element.reads.map { readsUpTo(decides, $0, rows) })
    }

    /// `count x in … where f`: missing if `f` is unknown for an element (the count stops there).
    mutating func count(slot: Int, _ collection: Bound, _ filter: Bound?, _ scope: Scope) throws(Unsupported) -> Piece {
        let rows = try self.rows(collection, scope)
        guard let filter else { return Piece(value: rows.unlessMissing("(SELECT count(*) \(rows.clause()))"), reads: nil) }
        var inner = scope
        inner[slot] = .row(alias: rows.alias, table: rows.table)
        let element = try expression(filter, inner)
        let f = element.value
        let value = "(SELECT CASE WHEN count(*) FILTER (WHERE (\(f)) IS NULL) > 0 THEN NULL ELSE count(*) FILTER (WHERE (\(f)) IS TRUE) END \(rows.clause()))"
        return Piece(value: rows.unlessMissing(value), reads: element.reads.map { readsUpTo("(\(f)) IS NULL", $0, rows) })
    }

    /// `sum`/`min`/`max x in … where f of v`: missing if `f` is unknown or `v` missing for an
    /// element (the loop stops there); a sum over nothing is 0, a minimum or maximum missing.
    mutating func total(_ aggregate: Aggregate, slot: Int, _ collection: Bound, _ value: Bound, _ filter: Bound?,
                        _ bound: Bound, _ scope: Scope) throws(Unsupported) -> Piece {
        let rows = try self.rows(collection, scope)
        var inner = scope
        inner[slot] = .row(alias: rows.alias, table: rows.table)
        let f = try filter.map { (b: Bound) throws(Unsupported) in try expression(b, inner) }
        let v = try expression(value, inner)
        let holds = f.map { "(\($0.value)) IS TRUE" } ?? "TRUE"
        let stops = (f.map { "(\($0.value)) IS NULL OR " } ?? "") + "((\(holds)) AND (\(v.value)) IS NULL)"
        let operand = bound.type == .text ? dialect.byteOrder(v.value) : v.value
        let result: String
        switch aggregate {
        case .sum: result = "coalesce(sum(\(operand)) FILTER (WHERE \(holds)), 0)"
        case .min: result = "min(\(operand)) FILTER (WHERE \(holds))"
        default: result = "max(\(operand)) FILTER (WHERE \(holds))"
        }
        let sql = "(SELECT CASE WHEN count(*) FILTER (WHERE \(stops)) > 0 THEN NULL ELSE \(result) END \(rows.clause()))"
        let reads = SQLCompiler.join([f?.reads, SQLCompiler.when(holds, v.reads)])
        return Piece(value: rows.unlessMissing(sql), reads: reads.map { readsUpTo(stops, $0, rows) })
    }

    /// The functions whose meaning both systems share exactly. Arguments are read in order, up
    /// to the first missing one (which makes the result missing); `coalesce` reads its fallback
    /// only when the value is missing.
    mutating func call(_ builtin: Builtin, _ arguments: [Bound], _ bound: Bound, _ scope: Scope) throws(Unsupported) -> Piece {
        var pieces: [Piece] = []
        for argument in arguments { pieces.append(try expression(argument, scope)) }
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
        case (.contains, 2):
            value = dialect == .postgres ? "(strpos(\(v[0]), \(v[1])) > 0)" : "contains(\(v[0]), \(v[1]))"
        case (.startsWith, 2):
            value = "starts_with(\(v[0]), \(v[1]))"
        case (.endsWith, 2):
            value = dialect == .postgres ? "(right(\(v[0]), char_length(\(v[1]))) = \(v[1]))" : "ends_with(\(v[0]), \(v[1]))"
        case (.length, 1) where arguments[0].type == .text:
            // Code points, as the interpreter counts.
            value = dialect == .postgres ? "CAST(char_length(\(v[0])) AS BIGINT)" : "CAST(length(\(v[0])) AS BIGINT)"
        case (.year, 1), (.month, 1), (.day, 1), (.weekday, 1):
            let field = [Builtin.year: "year", .month: "month", .day: "day", .weekday: "isodow"][builtin] ?? "year"
            value = "CAST(extract(\(field) FROM \(v[0])) AS BIGINT)"
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

    /// The missing cells of each element in key order, up to and including the first element
    /// for which `stop` holds.
    mutating func readsUpTo(_ stop: String, _ reads: String, _ rows: Rows) -> String {
        let (v, w) = (alias("r"), alias("r"))
        let key = keyColumn(rows.alias, rows.table)
        return "(SELECT string_agg(\(w).m, '' ORDER BY \(dialect.byteOrder("\(w).k"))) FROM ("
            + "SELECT \(v).k, \(v).m, sum(\(v).d) OVER (ORDER BY \(dialect.byteOrder("\(v).k")) ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS b FROM ("
            + "SELECT \(key) AS k, \(reads) AS m, CASE WHEN \(stop) THEN 1 ELSE 0 END AS d \(rows.clause())) \(v)) \(w) WHERE coalesce(\(w).b, 0) = 0)"
    }

    /// The rows a quantifier or aggregate runs over: a table, or the rows referencing a record.
    mutating func rows(_ collection: Bound, _ scope: Scope) throws(Unsupported) -> Rows {
        switch collection.kind {
        case .tableRows(let table):
            let alias = self.alias()
            return Rows(table: table, alias: alias, from: "FROM \(dialect.identifier(program.schema.tables[table].name)) \(alias)", condition: nil)
        case .reverse(let target, let table, let column):
            let outer = try record(target, scope)
            let alias = self.alias()
            let schema = program.schema.tables[table]
            return Rows(table: table, alias: alias, from: "FROM \(dialect.identifier(schema.name)) \(alias)",
                        condition: "\(alias).\(dialect.identifier(schema.columns[column].name)) = \(outer.key)",
                        ofMissing: outer.alias == nil ? outer.key : nil)
        default:
            throw unsupported("a quantifier or aggregate over `\(collection.source?.text(of: collection.span) ?? "a list")` (only tables and `x.referencing` rows are compiled yet)",
                              "对 `\(collection.source?.text(of: collection.span) ?? "列表")` 的量词或聚合(目前只编译表和反向引用)", collection)
        }
    }

    /// A record in SQL: a row under an alias, or the key of a row reached through a reference
    /// (NULL when the reference is empty), whose columns are looked up.
    struct Record {
        let table: Int
        let alias: String?
        let key: String
    }

    func record(_ bound: Bound, _ scope: Scope) throws(Unsupported) -> Record {
        switch bound.kind {
        case .local(let slot, _):
            switch scope[slot] {
            case .row(let alias, let table)?: return Record(table: table, alias: alias, key: keyColumn(alias, table))
            case .record(let record)?: return record
            default: break
            }
        case .forward(let target, let table, let column, let targetTable):
            // The reference column holds the target's key; an empty one is no record (and is
            // not a missing cell of its own: the interpreter records only the columns read).
            let parent = try record(target, scope)
            return Record(table: targetTable, alias: nil, key: columnValue(parent, table: table, column: column))
        default: break
        }
        throw unsupported("`\(bound.source?.text(of: bound.span) ?? "this record")` as a record", "把 `\(bound.source?.text(of: bound.span) ?? "此记录")` 当作记录", bound)
    }

    func keyColumn(_ alias: String, _ table: Int) -> String {
        let schema = program.schema.tables[table]
        return "\(alias).\(dialect.identifier(schema.columns[schema.keyColumn].name))"
    }

    /// A column of a record: straight from its row, or looked up by its key.
    func columnValue(_ record: Record, table: Int, column: Int) -> String {
        let schema = program.schema.tables[table]
        if let alias = record.alias { return "\(alias).\(dialect.identifier(schema.columns[column].name))" }
        if column == schema.keyColumn { return record.key }
        return "(SELECT z.\(dialect.identifier(schema.columns[column].name)) FROM \(dialect.identifier(schema.name)) z "
            + "WHERE z.\(dialect.identifier(schema.columns[schema.keyColumn].name)) = \(record.key))"
    }

    /// A row's key as reports show it.
    func keyText(alias: String, table: Int) -> String {
        keyText(keyColumn(alias, table), table: table)
    }

    func keyText(_ key: String, table: Int) -> String {
        let schema = program.schema.tables[table]
        return (try? display(key, schema.columns[schema.keyColumn].type, null: "''")) ?? key
    }

    /// A column read: its value, and the cell named (`hazards H010.deadline`) when it is missing.
    func columnRead(_ record: Record, table: Int, column: Int) -> Piece {
        let schema = program.schema.tables[table]
        let value = columnValue(record, table: table, column: column)
        guard column != schema.keyColumn else { return Piece(value: value, reads: nil) }
        let item = "\(dialect.text(schema.name + " ")) || \(keyText(record.key, table: table)) || \(dialect.text("." + schema.columns[column].name)) || chr(30)"
        let present = record.alias == nil ? "\(record.key) IS NOT NULL AND " : ""
        return Piece(value: value, reads: "CASE WHEN \(present)\(value) IS NULL THEN \(item) END")
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
