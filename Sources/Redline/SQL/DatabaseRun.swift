import Foundation

/// A database that runs compiled policies itself (`redline run --engine postgres`). The core
/// library speaks to none: RedlinePostgres supplies PostgreSQL's, a host may supply its own.
public protocol SQLDatabase {
    /// The dialect the database runs.
    var dialect: SQLDialect { get }
    /// Where the data is, as reports may show it (no password).
    var name: String { get }
    /// Checks that each table exists with the declared columns, stored as types the compiled SQL
    /// compares as the interpreter does (a date column as a date, not as text); throws a
    /// `DatabaseError` naming the first table or column that is not.
    func checkTables(_ tables: [(name: String, columns: [(name: String, type: String)])]) throws
    /// Runs a statement for the rest of the session (the script's settings).
    func execute(_ statement: String) throws
    /// A query's rows, as text; nil for NULL. Every query of one run sees the same snapshot.
    func rows(_ query: String) throws -> [[String?]]
}

/// Why a policy could not be run in a database.
public enum DatabaseRunError: Error {
    /// A rule cannot be compiled to SQL (the diagnostics name rule and construct).
    case notCompiled([Diagnostic])
    /// The database refused, or its data is not what the rules declare.
    case database(DatabaseError)
}

/// The decisions a database computed with the compiled policy, as a `RunResult` the report
/// writer renders like the interpreter's, and the evidence records' values for JSON reports.
public struct DatabaseRun: Sendable {
    /// The decisions: per subject with an outcome, every rule that fired or was undetermined,
    /// with evidence, message and missing cells.
    public let result: RunResult
    /// Where the data was (a database URL without its password, and the schema).
    public let source: String
    /// The calendar working days were counted with.
    public let calendar: WorkCalendar
    /// The SQL system that computed the decisions.
    public let dialect: SQLDialect
    /// Per table, the evidence records' values by key, in declared column order.
    let records: [[String: [Value]]]
    /// Seconds spent checking the data.
    let checkSeconds: Double
}

extension Program {
    /// Runs the policy inside `database`: checks that the tables hold what the rules declare
    /// (types, non-empty and unique keys, references that resolve: what a load checks and the
    /// compiled SQL assumes), runs the compiled query, and with `evidenceValues` reads the
    /// evidence records' values (for JSON reports). The decisions are those `run(on:asOf:)`
    /// gives for the same rows.
    public func run(in database: SQLDatabase, asOf: CalendarDate, calendar: WorkCalendar = .china,
                    evidenceValues: Bool = false) throws(DatabaseRunError) -> DatabaseRun {
        guard !hasErrors else { throw .notCompiled(diagnostics) }
        // Tables and CSV show the deciding rule's evidence and message; JSON every fired rule's.
        var compiler = SQLCompiler(program: checked, dialect: database.dialect, today: asOf.dayNumber, calendar: calendar,
                                   everyRule: true, everyRuleDetail: evidenceValues)
        let compiled = compiler.script(header: "")
        guard let query = compiled.query else { throw .notCompiled(compiled.diagnostics) }
        do {
            let started = Date()
            try database.checkTables(compiled.tables)
            for setting in compiled.settings { try database.execute(setting) }
            try checkKeysAndReferences(database)
            let checked = Date()
            let rows = try database.rows(query)
            var subjects = 0
            var subjectTables: [Int] = []
            for rule in self.checked.rules where !subjectTables.contains(rule.subjectTable) { subjectTables.append(rule.subjectTable) }
            for table in subjectTables {
                let schema = self.checked.schema.tables[table]
                subjects += Int(try database.rows("SELECT count(*) FROM \(database.dialect.identifier(schema.name))").first?.first??.description ?? "0") ?? 0
            }
            let decisions = try self.decisions(rows)
            let records = evidenceValues ? try self.records(of: decisions, in: database) : Array(repeating: [:], count: self.checked.schema.tables.count)
            var actionCounts: [String: Int] = [:]
            var fired = [String: Int](), undetermined = [String: Int]()
            for decision in decisions {
                actionCounts[decision.action ?? "undetermined", default: 0] += 1
                for outcome in decision.outcomes {
                    if outcome.kind == .fired { fired[outcome.rule, default: 0] += 1 } else { undetermined[outcome.rule, default: 0] += 1 }
                }
            }
            let names = self.checked.rules.map(\.name)
            let result = RunResult(asOf: asOf, decisions: decisions, subjectCount: subjects, actionCounts: actionCounts,
                                   ruleCounts: names.map { ($0, fired[$0] ?? 0, undetermined[$0] ?? 0, 0) },
                                   evaluationSeconds: Date().timeIntervalSince(checked), rules: names)
            return DatabaseRun(result: result, source: database.name, calendar: calendar, dialect: database.dialect, records: records,
                               checkSeconds: checked.timeIntervalSince(started))
        } catch let error as DatabaseError {
            throw .database(error)
        } catch {
            throw .database(DatabaseError("\(error)", zh: "\(error)"))
        }
    }

    /// What a load would refuse and the compiled SQL cannot see: a missing or repeated key, a
    /// reference naming no record. The first few of each are named.
    func checkKeysAndReferences(_ database: SQLDatabase) throws {
        let dialect = database.dialect
        let tables = checked.schema.tables
        for table in tables {
            let name = dialect.identifier(table.name), key = dialect.identifier(table.columns[table.keyColumn].name)
            let empty = table.columns[table.keyColumn].type == .text ? " OR \(key) = ''" : ""
            if let count = try database.rows("SELECT count(*) FROM \(name) WHERE \(key) IS NULL\(empty)").first?.first ?? nil, count != "0" {
                throw DatabaseError("table `\(table.name)`: \(count) row\(count == "1" ? " has" : "s have") no key (`\(table.columns[table.keyColumn].name)` is empty)",
                                    zh: "表 `\(table.name)`:\(count) 行没有键(`\(table.columns[table.keyColumn].name)` 为空)")
            }
            let repeated = try database.rows("SELECT \(key), count(*) FROM \(name) GROUP BY \(key) HAVING count(*) > 1 ORDER BY \(dialect.byteOrder(key)) LIMIT 3")
            if !repeated.isEmpty {
                let shown = repeated.map { "\($0[0] ?? "") (\($0[1] ?? "") rows)" }.joined(separator: ", ")
                throw DatabaseError("table `\(table.name)`: the key `\(table.columns[table.keyColumn].name)` is repeated: \(shown)",
                                    zh: "表 `\(table.name)`:键 `\(table.columns[table.keyColumn].name)` 重复:\(shown)")
            }
            for column in table.columns {
                guard let target = column.target else { continue }
                let targetTable = tables[target]
                let reference = "r.\(dialect.identifier(column.name))"
                let dangling = try database.rows(
                    "SELECT DISTINCT \(reference) FROM \(name) r WHERE \(reference) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM \(dialect.identifier(targetTable.name)) t "
                        + "WHERE t.\(dialect.identifier(targetTable.columns[targetTable.keyColumn].name)) = \(reference)) ORDER BY 1 LIMIT 3")
                if !dangling.isEmpty {
                    let shown = dangling.map { "`\($0[0] ?? "")`" }.joined(separator: ", ")
                    throw DatabaseError("table `\(table.name)`: `\(column.name)` names \(shown), which \(dangling.count == 1 ? "is no key" : "are no keys") of `\(targetTable.name)`",
                                        zh: "表 `\(table.name)`:`\(column.name)` 引用的 \(shown) 不是 `\(targetTable.name)` 的键")
                }
            }
        }
    }

    /// The decisions from the rows of an every-rule query: the report's columns, then per rule
    /// its outcome, missing cells, message and evidence lists.
    func decisions(_ rows: [[String?]]) throws -> [Decision] {
        let schema = checked.schema
        let labelled = schema.tables.contains { $0.labelColumn != nil }
        let base = labelled ? 6 : 5
        var subjectTables: [Int] = []
        for rule in checked.rules where !subjectTables.contains(rule.subjectTable) { subjectTables.append(rule.subjectTable) }
        let ruleTables = checked.rules.map { $0.subjectTable }
        var decisions: [Decision] = []
        decisions.reserveCapacity(rows.count)
        for row in rows {
            func cell(_ index: Int) -> String? { index < row.count ? row[index] : nil }
            // Which subject table this row is of: the one whose rules have outcomes here.
            var position = base
            var outcomes: [RuleOutcome] = []
            var table: Int? = nil
            for (index, rule) in checked.rules.enumerated() {
                let kind = cell(position), missing = cell(position + 1), message = cell(position + 2)
                let lists = (0..<rule.evidence.count).map { cell(position + 3 + $0) }
                position += 3 + rule.evidence.count
                guard let kind else { continue }
                table = ruleTables[index]
                var evidence: [RecordID] = []
                for (variable, list) in zip(rule.evidence, lists) {
                    guard let list, !list.isEmpty, let evidenceTable = rowsTable(variable.collection) else { continue }
                    for key in list.split(separator: ";", omittingEmptySubsequences: false) {
                        evidence.append(RecordID(table: schema.tables[evidenceTable].name, key: String(key), tableIndex: evidenceTable, row: -1))
                    }
                }
                let missingFields = (missing ?? "").split(separator: "\u{1E}").compactMap { item in MissingField(item: String(item), schema: schema) }
                outcomes.append(RuleOutcome(rule: rule.name, action: schema.actions[rule.action], kind: kind == "fired" ? .fired : .undetermined,
                                            evidence: evidence, message: kind == "fired" ? (message ?? "") : nil,
                                            missing: missingFields, error: nil))
            }
            guard let subjectTable = table ?? subjectTables.first else { continue }
            let label = labelled ? cell(1) : nil
            let subject = RecordID(table: schema.tables[subjectTable].name, key: cell(0) ?? "",
                                   label: schema.tables[subjectTable].labelColumn == nil || label == "" ? nil : label,
                                   tableIndex: subjectTable, row: -1)
            let action = cell(base - 4).flatMap { $0 == "undetermined" ? nil : $0 }
            decisions.append(Decision(subject: subject, action: action, outcomes: outcomes))
        }
        return decisions
    }

    /// The table a quantifier's collection is rows of.
    func rowsTable(_ collection: Bound) -> Int? {
        switch collection.kind {
        case .tableRows(let table), .reverse(_, let table, _): return table
        default: return nil
        }
    }

    /// The values of every evidence record, read by key from each table.
    func records(of decisions: [Decision], in database: SQLDatabase) throws -> [[String: [Value]]] {
        let schema = checked.schema
        var keys = Array(repeating: Set<String>(), count: schema.tables.count)
        for decision in decisions {
            for outcome in decision.outcomes { for record in outcome.evidence { keys[record.tableIndex].insert(record.key) } }
        }
        let dialect = database.dialect
        var records = Array(repeating: [String: [Value]](), count: schema.tables.count)
        for (index, wanted) in keys.enumerated() where !wanted.isEmpty {
            let table = schema.tables[index]
            let key = dialect.identifier(table.columns[table.keyColumn].name)
            let columns = table.columns.map { column -> String in
                let name = dialect.identifier(column.name)
                return column.type == .bool ? "CASE WHEN \(name) THEN 'true' WHEN NOT \(name) THEN 'false' END" : "CAST(\(name) AS \(dialect.textType))"
            }
            // In batches: a statement holds at most a few thousand keys.
            let sorted = wanted.sorted()
            var start = 0
            while start < sorted.count {
                let batch = sorted[start..<min(start + 5_000, sorted.count)]
                start += 5_000
                let list = batch.map { dialect.text($0) }.joined(separator: ", ")
                let query = "SELECT \(columns.joined(separator: ", ")) FROM \(dialect.identifier(table.name)) WHERE CAST(\(key) AS \(dialect.textType)) IN (\(list))"
                for row in try database.rows(query) {
                    let values = table.columns.enumerated().map { column, declared in Value.parse(row[column], as: declared.type) }
                    records[index][row[table.keyColumn] ?? ""] = values
                }
            }
        }
        return records
    }
}

extension MissingField {
    /// `hazards H010.deadline` as the compiled SQL lists it: the table, the key, the column.
    init?(item: String, schema: Schema) {
        guard let space = item.firstIndex(of: " "), let dot = item.lastIndex(of: "."), space < dot else { return nil }
        let table = String(item[..<space])
        guard let tableIndex = schema.tables.firstIndex(where: { $0.name == table }) else { return nil }
        self.init(record: RecordID(table: table, key: String(item[item.index(after: space)..<dot]), tableIndex: tableIndex, row: -1),
                  column: String(item[item.index(after: dot)...]))
    }
}

extension Value {
    /// A database's text for a value of a declared type (ISO dates, true/false, digits).
    static func parse(_ text: String?, as type: RType) -> Value {
        guard let text else { return .missing }
        switch type {
        case .int: return Int64(text).map(Value.int) ?? .text(text)
        case .bool: return text == "true" ? .bool(true) : (text == "false" ? .bool(false) : .text(text))
        case .date: return CalendarDate(iso: text).map { .date($0.dayNumber) } ?? .text(text)
        case .decimal: return DecimalNumber(parsing: Substring(text)).map(Value.decimal) ?? .text(text)
        default: return .text(text)
        }
    }
}
