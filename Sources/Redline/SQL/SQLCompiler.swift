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
    /// Statements the script runs before the query (PostgreSQL: `SET jit = off`; Spark: ANSI
    /// arithmetic, so that overflow is an error as in the interpreter, and `CACHE TABLE` for the
    /// steps the query names more than once).
    public var settings: [String] = []
    /// The tables the query reads, each with its columns and their types in the dialect, in
    /// declaration order: what a host registers before running the query (the Spark driver does).
    public var tables: [(name: String, columns: [(name: String, type: String)])] = []
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
///
/// The query has no correlated subqueries (Spark runs none that read an enclosing row inside an
/// aggregate, or two levels out). Each quantifier and aggregate is a group: its collection's
/// rows joined to the rows it is evaluated on (`Level`), grouped by their keys, and joined back
/// by those keys (SQLCompiler+Levels.swift). Every join is on a key or a reference, so the plan
/// partitions by subject: what lets Spark spread it over machines (SCALING.md).
struct SQLCompiler {
    let program: CheckedProgram
    let dialect: SQLDialect
    let today: Int32
    let calendar: WorkCalendar
    var aliasCount = 0
    /// The groups' definitions, each before the first that joins it.
    var groups: [String] = []
    /// Every rule's outcome in the rows too, not just the deciding rule's (`DatabaseRun`): after
    /// the report's columns, per rule in declaration order, its outcome (`fired`,
    /// `undetermined` or NULL), its missing cells (chr(30)-joined), its message and its evidence
    /// keys per evidence variable (`;`-joined), NULL for a rule over another table.
    var everyRule = false
    /// With `everyRule`: evidence, messages and missing cells for every rule that fired or was
    /// undetermined (JSON reports), not only for the rule that decides each subject.
    var everyRuleDetail = false
    /// Whether expressions build their missing-cell lists: only where a rule is undetermined.
    var recordReads = false
    /// Numbers the lookups through references, which functions that change nothing else add.
    let lookupNames = Counter()

    final class Counter {
        private var value = 0
        func next() -> Int {
            value += 1
            return value
        }
    }

    init(program: CheckedProgram, dialect: SQLDialect, today: Int32, calendar: WorkCalendar, everyRule: Bool = false, everyRuleDetail: Bool = false) {
        self.program = program
        self.dialect = dialect
        self.today = today
        self.calendar = calendar
        self.everyRule = everyRule
        self.everyRuleDetail = everyRule && everyRuleDetail
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

    /// What a variable's slot stands for: a row of a table under an alias, a record reached
    /// through a reference (`large(h.enterprise)`), or a value.
    enum Binding {
        case row(alias: String, table: Int)
        case record(Record)
        case value(String)
    }
    typealias Scope = [Int: Binding]

    mutating func alias(_ prefix: String = "q") -> String {
        aliasCount += 1
        return "\(prefix)\(aliasCount)"
    }

    /// An internal column name, quoted for the dialect.
    func name(_ text: String) -> String { dialect.identifier(text) }

    // MARK: The script

    /// For Spark, which holds no keys or references of its own: what a load refuses and the SQL
    /// assumes, as queries that give one row (`redline_problem`, the message) when the data has
    /// it: keys missing or repeated, references naming no record. Scripts/redline-spark.py stops
    /// on the first such row; under `spark-sql -f` the row is printed.
    func dataChecks() -> [String] {
        var checks: [String] = []
        let tables = program.schema.tables
        for table in tables {
            let tableName = name(table.name), keyName = table.columns[table.keyColumn].name, key = name(keyName)
            let empty = table.columns[table.keyColumn].type == .text ? " OR \(key) = ''" : ""
            checks.append("SELECT \(dialect.text("table `\(table.name)`: ")) || CAST(count(*) AS STRING) || \(dialect.text(" rows have no key (`\(keyName)` is empty)")) "
                          + "AS redline_problem FROM \(tableName) WHERE \(key) IS NULL\(empty) HAVING count(*) > 0")
            checks.append("SELECT \(dialect.text("table `\(table.name)`: the key `\(keyName)` is repeated: ")) || array_join(slice(array_sort(collect_list(CAST(k AS STRING))), 1, 3), ', ') "
                          + "AS redline_problem FROM (SELECT \(key) AS k FROM \(tableName) GROUP BY \(key) HAVING count(*) > 1) HAVING count(*) > 0")
            for column in table.columns {
                guard let target = column.target else { continue }
                let targetTable = tables[target]
                let reference = "r.\(name(column.name))"
                checks.append("SELECT \(dialect.text("table `\(table.name)`: `\(column.name)` names ")) || array_join(slice(array_sort(collect_list(CAST(k AS STRING))), 1, 3), ', ') "
                              + "|| \(dialect.text(", which name no row of `\(targetTable.name)`")) AS redline_problem FROM (SELECT DISTINCT \(reference) AS k FROM \(tableName) r "
                              + "LEFT ANTI JOIN \(name(targetTable.name)) t ON t.\(name(targetTable.columns[targetTable.keyColumn].name)) = \(reference) "
                              + "WHERE \(reference) IS NOT NULL) HAVING count(*) > 0")
            }
        }
        return checks
    }

    /// A construct that cannot be compiled, as the diagnostic naming the rule.
    func diagnostic(_ error: Unsupported, _ rule: CheckedRule) -> Diagnostic {
        let text = LocalizedText("rule `\(rule.name)` cannot be compiled to SQL: \(error.what.en)",
                                 zh: "规则 `\(rule.name)` 无法编译为 SQL:\(error.what.zh)")
        return Diagnostic(.error, text, at: error.span == .none ? rule.span : error.span, in: error.source ?? rule.source)
    }

    mutating func script(header: String) -> SQLCompilation {
        var diagnostics: [Diagnostic] = []
        var ctes: [String] = []
        var selects: [String] = []
        var prelude: [String] = []
        let labelled = program.schema.tables.contains { $0.labelColumn != nil }
        var subjectTables: [Int] = []
        for rule in program.rules where !subjectTables.contains(rule.subjectTable) { subjectTables.append(rule.subjectTable) }
        for (tableNumber, table) in subjectTables.enumerated() {
            let rules = program.rules.indices.filter { program.rules[$0].subjectTable == table }
            var failed = false
            if let (tableCTEs, select) = decisions(tableNumber, table, rules, labelled: labelled, prelude: &prelude,
                                                   diagnostics: &diagnostics, failed: &failed), !failed {
                ctes.append(contentsOf: tableCTEs)
                selects.append(select)
            }
        }
        guard diagnostics.isEmpty else { return SQLCompilation(sql: nil, diagnostics: diagnostics) }
        let output = (labelled ? ["subject", "label"] : ["subject"]) + ["action", "rule", "evidence", "message"]
        var query: String
        if selects.isEmpty {
            // No rules: no decisions, with the report's columns.
            query = "SELECT " + output.map { "CAST(NULL AS \(dialect.textType)) AS \($0)" }.joined(separator: ", ") + " WHERE FALSE"
        } else {
            query = "WITH " + ctes.joined(separator: ",\n") + "\n"
            var shown = output.map { "f.\($0)" }
            if everyRule {
                for (index, rule) in program.rules.enumerated() {
                    shown += ["__o\(index)", "__x\(index)", "__g\(index)"].map { "f.\(name($0))" }
                    shown += rule.evidence.indices.map { "f.\(name("__e\(index)_\($0)"))" }
                }
            }
            query += "SELECT \(shown.joined(separator: ", "))\nFROM (\n\(selects.joined(separator: "\n  UNION ALL\n"))\n) f\n"
            query += "ORDER BY f.\(name("__table")), f.\(name("__oi")), \(dialect.byteOrder("f.\(name("__ot"))"))"
        }
        var sql = header
        for table in program.schema.tables {
            sql += "-- reads \(table.name) (" + table.columns.map { "\($0.name) \(dialect.columnType($0.type))" }.joined(separator: ", ") + ")\n"
        }
        // What the query joins on: index these (registers keep them as primary and foreign keys).
        for table in program.schema.tables {
            sql += "-- key \(table.name).\(table.columns[table.keyColumn].name)\n"
            for column in table.columns {
                guard let target = column.target else { continue }
                let targetTable = program.schema.tables[target]
                sql += "-- reference \(table.name).\(column.name) -> \(targetTable.name).\(targetTable.columns[targetTable.keyColumn].name)\n"
            }
        }
        let statements = dialect.settings + (dialect == .spark ? dataChecks() : []) + prelude
        for statement in statements { sql += statement + ";\n" }
        sql += query + ";\n"
        let tables = program.schema.tables.map { table in
            (name: table.name, columns: table.columns.map { (name: $0.name, type: dialect.columnType($0.type)) })
        }
        return SQLCompilation(sql: sql, diagnostics: [], query: query, settings: statements, tables: tables)
    }

    /// The decisions for one subject table, in three steps, each over the subjects that need it:
    /// every rule's truth for every subject (`__s`) and the deciding rule (the strongest action
    /// fired, the first such rule in order), keeping the subjects with an outcome (`__d`); then
    /// evidence and message for the subjects a rule decides (every fired rule with `everyRuleDetail`),
    /// and the missing cells for those it leaves undetermined (`__x`); then the report's columns.
    /// Most subjects fire nothing: their evidence, messages and missing cells are never built.
    mutating func decisions(_ tableNumber: Int, _ table: Int, _ rules: [Int], labelled: Bool, prelude: inout [String],
                            diagnostics: inout [Diagnostic], failed: inout Bool) -> (ctes: [String], select: String)? {
        let s = "s", dialect = self.dialect
        let truth = { (index: Int) in "\(s).\(dialect.identifier("__t\(index)"))" }
        let schema = program.schema.tables[table]
        let tableName = name(schema.name)
        let subjectKey = keyColumn(s, table)
        // 1. Truths, for every subject.
        let truthLevel = Level.subject(from: "FROM \(tableName) s", key: subjectKey, plainTable: tableName)
        var conditions: [Int: String] = [:]
        recordReads = false
        for index in rules {
            let rule = program.rules[index]
            let scope: Scope = [rule.subjectSlot: .row(alias: s, table: table)]
            do throws(Unsupported) {
                conditions[index] = try expression(rule.condition, scope, truthLevel).value
            } catch {
                diagnostics.append(diagnostic(error, rule))
                failed = true
            }
        }
        guard !failed else { return nil }
        var ctes = groups
        groups = []
        let truthColumns = rules.map { "\(conditions[$0] ?? "NULL") AS \(name("__t\($0)"))" }
        ctes.append("\(name("__s\(tableNumber)")) AS (\n  SELECT s.*,\n    \(truthColumns.joined(separator: ",\n    "))\n  \(truthLevel.from(using: truthColumns))\n)")
        let byStrength = rules.sorted { (program.rules[$0].action, -$0) > (program.rules[$1].action, -$1) }
        let deciding = "CASE " + byStrength.map { "WHEN \(truth($0)) IS TRUE THEN \($0)" }.joined(separator: " ") + " END"
        let anyUnknown = rules.map { "\(truth($0)) IS NULL" }.joined(separator: " OR ")
        let decided = name("__d"), miss = name("__miss")
        let decidedTable = name("__d\(tableNumber)")
        let decidedBody = "SELECT s.* FROM (SELECT \(s).*, \(deciding) AS \(decided) FROM \(name("__s\(tableNumber)")) \(s)) s\n"
            + "  WHERE \(s).\(decided) IS NOT NULL OR \(anyUnknown)"
        if dialect == .spark {
            // Spark computes a WITH query again wherever it is named, and the later steps name
            // this one many times: it is a view of its own, cached once.
            prelude.append("CREATE OR REPLACE TEMPORARY VIEW \(decidedTable) AS\nWITH \(ctes.joined(separator: ",\n"))\n\(decidedBody)")
            prelude.append("CACHE TABLE \(decidedTable)")
            ctes = []
        } else {
            ctes.append("\(decidedTable) AS (\n  \(decidedBody)\n)")
        }
        // 2. Evidence and messages where a rule decides; missing cells where one is undetermined.
        let assembly = Level.subject(from: "FROM \(decidedTable) s", key: subjectKey)
        var columns: [String] = []
        for index in rules {
            let rule = program.rules[index]
            let scope: Scope = [rule.subjectSlot: .row(alias: s, table: table)]
            let fired = everyRuleDetail ? "\(name("__t\(index)")) IS TRUE" : "\(decided) = \(index)"
            let evidenceLevel = Level.subject(from: "FROM (SELECT * FROM \(decidedTable) WHERE \(fired)) s", key: subjectKey)
            let unknown = everyRuleDetail ? "\(name("__t\(index)")) IS NULL" : "\(name("__t\(index)")) IS NULL AND \(decided) IS NULL"
            let readsLevel = Level.subject(from: "FROM (SELECT * FROM \(decidedTable) WHERE \(unknown)) s", key: subjectKey)
            do throws(Unsupported) {
                let (lists, evidence, message) = try evidenceAndMessage(rule, scope, evidenceLevel)
                columns.append("\(evidence) AS \(name("__e\(index)"))")
                if everyRule {
                    for (n, list) in lists.enumerated() { columns.append("\(list) AS \(name("__e\(index)_\(n)"))") }
                }
                columns.append("\(message) AS \(name("__g\(index)"))")
                recordReads = true
                defer { recordReads = false }
                let reads = try expression(rule.condition, scope, readsLevel).reads
                columns.append("\(reads ?? "CAST(NULL AS \(dialect.textType))") AS \(name("__r\(index)"))")
            } catch {
                diagnostics.append(diagnostic(error, rule))
                failed = true
            }
            assembly.adopt(evidenceLevel)
            assembly.adopt(readsLevel)
        }
        guard !failed else { return nil }
        ctes += groups
        groups = []
        ctes.append("\(name("__x\(tableNumber)")) AS (\n  SELECT s.*,\n    \(columns.joined(separator: ",\n    "))\n  \(assembly.from(using: columns))\n)")
        // 3. The report's columns.
        let missingLists = rules.map { index -> String in
            "CASE WHEN \(truth(index)) IS NULL THEN NULLIF(\(dialect.distinctItems("coalesce(\(s).\(name("__r\(index)")), '')")), '') END"
        }
        let missing = rules.count == 1 ? missingLists[0] : "concat_ws(chr(30), \(missingLists.joined(separator: ", ")))"
        ctes.append("\(name("__m\(tableNumber)")) AS (\n  SELECT \(s).*, CASE WHEN \(s).\(decided) IS NULL THEN \(missing) END AS \(miss)\n"
                    + "  FROM \(name("__x\(tableNumber)")) \(s)\n)")
        let key = "\(s).\(name(schema.columns[schema.keyColumn].name))"
        let label = schema.labelColumn.map { (try? display("\(s).\(name(schema.columns[$0].name))", schema.columns[$0].type, null: "''")) ?? "''" } ?? "''"
        func choose(_ value: (Int) -> String, otherwise: String) -> String {
            "CASE \(s).\(decided) " + rules.map { "WHEN \($0) THEN \(value($0))" }.joined(separator: " ") + " ELSE \(otherwise) END"
        }
        let undeterminedRules = rules.count == 1 ? dialect.text(program.rules[rules[0]].name)
            : "concat_ws(';', " + rules.map { "CASE WHEN \(truth($0)) IS NULL THEN \(dialect.text(program.rules[$0].name)) END" }.joined(separator: ", ") + ")"
        // The report's order: by key, whole numbers by value, other keys by their text (ISO dates
        // and code points sort as the interpreter sorts them).
        let keyType = schema.columns[schema.keyColumn].type
        let byNumber = keyType == .int ? key : "CAST(NULL AS BIGINT)"
        let byText = keyType == .int ? "CAST(NULL AS \(dialect.textType))" : keyText(key, table: table)
        var select = ["\(tableNumber) AS \(name("__table"))", "\(byNumber) AS \(name("__oi"))", "\(byText) AS \(name("__ot"))",
                      "\(keyText(key, table: table)) AS subject"]
        if labelled { select.append("\(label) AS label") }
        select.append("\(choose({ dialect.text(program.schema.actions[program.rules[$0].action]) }, otherwise: "'undetermined'")) AS action")
        select.append("\(choose({ dialect.text(program.rules[$0].name) }, otherwise: undeterminedRules)) AS rule")
        select.append("\(choose({ "\(s).\(name("__e\($0)"))" }, otherwise: "coalesce(replace(\(s).\(miss), chr(30), ';'), '')")) AS evidence")
        select.append("\(choose({ "\(s).\(name("__g\($0)"))" }, otherwise: "CASE WHEN coalesce(\(s).\(miss), '') = '' THEN '' ELSE 'missing data: ' || replace(\(s).\(miss), chr(30), ', ') END")) AS message")
        if everyRule {
            let none = "CAST(NULL AS \(dialect.textType))"
            for (index, rule) in program.rules.enumerated() {
                let here = rules.contains(index)
                select.append((here ? "CASE WHEN \(truth(index)) IS TRUE THEN 'fired' WHEN \(truth(index)) IS NULL THEN 'undetermined' END" : none) + " AS \(name("__o\(index)"))")
                select.append((here ? missingLists[rules.firstIndex(of: index) ?? 0] : none) + " AS \(name("__x\(index)"))")
                select.append((here ? "CASE WHEN \(truth(index)) IS TRUE THEN \(s).\(name("__g\(index)")) END" : none) + " AS \(name("__g\(index)"))")
                for n in rule.evidence.indices {
                    select.append((here ? "CASE WHEN \(truth(index)) IS TRUE THEN \(s).\(name("__e\(index)_\(n)")) END" : none) + " AS \(name("__e\(index)_\(n)"))")
                }
            }
        }
        return (ctes, "  SELECT \(select.joined(separator: ",\n    "))\n  FROM \(name("__m\(tableNumber)")) \(s)")
    }

    /// Evidence and message. Evidence: every element of each top-level `some` for which its
    /// condition holds, per variable (`;`-joined keys in key order, NULL for none), and all of them
    /// as the report shows them. Message: a part that uses an evidence variable is rendered once
    /// per piece of evidence, distinct results joined by `、` in the evidence's order, as the
    /// interpreter renders it. One group per evidence variable gives its keys and the parts
    /// that use it.
    mutating func evidenceAndMessage(_ rule: CheckedRule, _ scope: Scope, _ level: Level) throws(Unsupported) -> (lists: [String], evidence: String, message: String) {
        struct Variable {
            let child: Level
            let rows: Rows
            let inner: Scope
            let holds: String
            var rowColumns: [(String, String)]
            var windows: [(String, String)] = []
            var outputs: [(String, String)]
        }
        var variables: [Variable] = []
        for variable in rule.evidence {
            let (child, rows, inner) = try enter(variable.collection, slot: variable.slot, scope, level)
            let holds = try expression(variable.condition, inner, child).value
            variables.append(Variable(child: child, rows: rows, inner: inner, holds: holds,
                                      rowColumns: [("zc", holds), ("zt", keyText(keyColumn(rows.alias, rows.table), table: rows.table))],
                                      outputs: [("ze", dialect.orderedAggregate("CASE WHEN zc IS TRUE THEN zt END", separator: "';'",
                                                                                orderBy: keyOrder("zkc", rows.table)))]))
        }
        // The message's parts: SQL, or (variable, output) for a part shown per piece of evidence.
        enum Part { case sql(String), perEvidence(Int, String) }
        var parts: [Part] = []
        if let message = rule.message {
            let pieces: [BoundTemplatePart]
            switch message.kind {
            case .constant(let value): pieces = [.literal(value.display)]
            case .template(let template): pieces = template
            default: pieces = [.value(message)]
            }
            for piece in pieces {
                switch piece {
                case .literal(let text): parts.append(.sql(dialect.text(text)))
                case .value(let bound):
                    var slots: [Int] = []
                    bound.visit { node in
                        if case .local(let slot, _) = node.kind, rule.evidence.contains(where: { $0.slot == slot }), !slots.contains(slot) { slots.append(slot) }
                    }
                    if slots.count > 1 {
                        throw Unsupported(what: LocalizedText("a message part that uses two evidence variables", zh: "同时使用两个证据变量的消息片段"),
                                          span: bound.span, source: bound.source)
                    }
                    guard let slot = slots.first, let index = rule.evidence.firstIndex(where: { $0.slot == slot }) else {
                        parts.append(.sql(try display(try expression(bound, scope, level).value, bound.type, span: bound.span, source: bound.source)))
                        continue
                    }
                    // Each distinct rendering once, at the first element (in key order) that shows it.
                    let variable = variables[index]
                    let shown = try display(try expression(bound, variable.inner, variable.child).value, bound.type, span: bound.span, source: bound.source)
                    let n = variables[index].windows.count
                    let partition = (level.keys.indices.map { "zk\($0)" } + ["zp\(n)"]).joined(separator: ", ")
                    variables[index].rowColumns.append(("zp\(n)", "CASE WHEN (\(variable.holds)) IS TRUE THEN \(shown) END"))
                    variables[index].windows.append(("zw\(n)", "row_number() OVER (PARTITION BY \(partition) ORDER BY \(keyOrder("zkc", variable.rows.table)))"))
                    variables[index].outputs.append(("zg\(n)", dialect.orderedAggregate("CASE WHEN zp\(n) IS NOT NULL AND zw\(n) = 1 THEN zp\(n) END",
                                                                                       separator: "'、'", orderBy: keyOrder("zkc", variable.rows.table))))
                    parts.append(.perEvidence(index, "zg\(n)"))
                }
            }
        }
        var aliases: [String] = []
        for variable in variables {
            aliases.append(group(variable.child, at: level, table: variable.rows.table, rows: variable.rowColumns,
                                 windows: variable.windows, outputs: variable.outputs))
        }
        let lists = aliases.map { "\($0).ze" }
        let evidence = lists.isEmpty ? "''" : (lists.count == 1 ? "coalesce(\(lists[0]), '')" : "concat_ws(';', \(lists.joined(separator: ", ")))")
        let rendered = parts.map { part -> String in
            switch part {
            case .sql(let sql): return sql
            case .perEvidence(let index, let output): return "coalesce(\(aliases[index]).\(output), '')"
            }
        }
        let message = rule.message == nil || rendered.isEmpty ? "''" : "(" + rendered.joined(separator: " || ") + ")"
        return (lists, evidence, message)
    }
}
