import Foundation

/// A table's rows from the host's memory instead of a file: by row (each row the table's
/// columns by name) or column by column from Swift arrays. `Program.loadData(tables:)` checks
/// them exactly as it checks a CSV file — types, keys, references, the same messages — and names
/// the place as `(table hazards, row 3, column deadline)`, rows counted from 1.
public struct HostTable: Sendable {
    /// The declared table these rows are for.
    public let name: String
    /// The column names, in the order of each row's values.
    public let columns: [String]
    /// The rows; each has one value per column (a shorter row is missing its last values).
    public let rows: [[HostValue]]

    /// Rows as arrays of values, in the order of `columns`.
    public init(_ name: String, columns: [String], rows: [[HostValue]]) {
        self.name = name
        self.columns = columns
        self.rows = rows
    }

    /// Rows as dictionaries from column name to value; a column a row leaves out is missing
    /// there. Columns are taken in sorted order (the loader finds them by name).
    public init(_ name: String, records: [[String: HostValue]]) {
        var names = Set<String>()
        for record in records { names.formUnion(record.keys) }
        let columns = names.sorted()
        self.init(name, columns: columns, rows: records.map { record in columns.map { record[$0] ?? .missing } })
    }

    /// Column by column, from typed Swift arrays (nil is missing). Columns of different lengths
    /// are padded with missing values, and the load then reports whatever that makes wrong.
    public init(_ name: String, columnsByName: [(name: String, values: HostColumn)]) {
        let count = columnsByName.map(\.values.count).max() ?? 0
        let cells = columnsByName.map(\.values.hostValues)
        self.init(name, columns: columnsByName.map(\.name),
                  rows: (0..<count).map { row in cells.map { row < $0.count ? $0[row] : .missing } })
    }
}

/// One column's values as a Swift array of their own type; nil is missing.
public enum HostColumn: Sendable {
    case text([String?])
    case int([Int64?])
    case decimal([Decimal?])
    case bool([Bool?])
    case date([CalendarDate?])
    case values([HostValue])

    /// How many rows the column has.
    public var count: Int {
        switch self {
        case .text(let v): return v.count
        case .int(let v): return v.count
        case .decimal(let v): return v.count
        case .bool(let v): return v.count
        case .date(let v): return v.count
        case .values(let v): return v.count
        }
    }

    var hostValues: [HostValue] {
        switch self {
        case .text(let v): return v.map { $0.map(HostValue.text) ?? .missing }
        case .int(let v): return v.map { $0.map(HostValue.int) ?? .missing }
        case .decimal(let v): return v.map { $0.map(HostValue.decimal) ?? .missing }
        case .bool(let v): return v.map { $0.map(HostValue.bool) ?? .missing }
        case .date(let v): return v.map { $0.map(HostValue.date) ?? .missing }
        case .values(let v): return v
        }
    }
}

extension HostValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral {
    /// `"E001"` is `.text("E001")`.
    public init(stringLiteral value: String) { self = .text(value) }
    /// `120` is `.int(120)`.
    public init(integerLiteral value: Int64) { self = .int(value) }
    /// `true` is `.bool(true)`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// `nil` is `missing`.
    public init(nilLiteral: ()) { self = .missing }
}

extension Program {
    /// Loads every declared table from the host's rows, with the checks and messages of a CSV
    /// load. A declared table with no `HostTable` is an error, as is a `HostTable` for a table
    /// the rules do not declare, or one given twice. The dataset's files are named
    /// `<host>/TABLE`, encoding `host`; with `options.hashFiles` each is hashed as its CSV text.
    public func loadData(tables: [HostTable], options: LoadOptions = LoadOptions()) -> DataLoadResult {
        let started = Date()
        let schema = checked.schema
        var fatal: [Diagnostic] = []
        var given: [String: HostTable] = [:]
        for table in tables {
            let place = "<host>/\(table.name)"
            if schema.tableIndex[table.name] == nil {
                fatal.append(Diagnostic(severity: .error, text: LocalizedText("rows were given for `\(table.name)`, which the rules do not declare",
                                                                              zh: "为规则未声明的表 `\(table.name)` 提供了数据"),
                                        hint: Suggestions.hint(Suggestions.nearest(to: table.name, in: schema.tables.map(\.name))), file: place,
                                        location: SourceLocation(line: 0, column: 0), lineText: "", caretColumn: 1, caretLength: 1))
            } else if given[table.name] != nil {
                fatal.append(Diagnostic(.error, LocalizedText("rows for `\(table.name)` were given twice", zh: "表 `\(table.name)` 的数据给了两次"), file: place))
            } else {
                given[table.name] = table
            }
        }
        for table in schema.tables where given[table.name] == nil && !tables.contains(where: { $0.name == table.name }) {
            fatal.append(Diagnostic(.error, LocalizedText("no rows were given for table `\(table.name)`", zh: "没有提供表 `\(table.name)` 的数据"),
                                    file: "<host>/\(table.name)"))
        }
        var sheets: [SheetAsCSV] = []
        var prepared: [(table: TableSchema, path: String, format: String, contents: Data?)] = []
        for table in schema.tables {
            guard let host = given[table.name] else { continue }
            let place = "<host>/\(table.name)"
            var cells: [[String]] = [host.columns]
            cells.reserveCapacity(host.rows.count + 1)
            for (index, row) in host.rows.enumerated() {
                var line: [String] = []
                line.reserveCapacity(host.columns.count)
                for (column, value) in row.prefix(max(host.columns.count, 1)).enumerated() {
                    guard let cell = HostTable.cell(value) else {
                        let name = host.columns.indices.contains(column) ? host.columns[column] : "\(column + 1)"
                        fatal.append(Diagnostic(.error, LocalizedText("\(Planner.typeName(value)) cannot be a cell (table `\(table.name)`, row \(index + 1), column `\(name)`)",
                                                                      zh: "单元格不能是\(Planner.typeName(value))(表 `\(table.name)`,第 \(index + 1) 行,列 `\(name)`)"),
                                                file: place))
                        line.append("")
                        continue
                    }
                    line.append(cell)
                }
                cells.append(line)
            }
            var sheet = SheetAsCSV(path: place, Spreadsheet(sheet: table.name, rows: cells, rowNumbers: Array(1...cells.count)))
            sheet.hostColumns = host.columns
            sheets.append(sheet)
            prepared.append((table, place, "host", sheet.csv))
        }
        if !fatal.isEmpty { return DataLoadResult(dataset: nil, diagnostics: Array(fatal.prefix(options.maxErrors)), errorCount: fatal.count) }
        let result = load(prepared, options: options, started: started, issues: IssueList(limit: options.maxErrors))
        let moved = result.diagnostics.map { diagnostic in sheets.reduce(diagnostic) { $1.relocate($0) } }
        return DataLoadResult(dataset: result.dataset, diagnostics: moved, errorCount: result.errorCount)
    }
}

extension HostTable {
    /// A value as the text a CSV cell would hold; nil for lists and records.
    static func cell(_ value: HostValue) -> String? {
        switch value {
        case .missing: return ""
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .decimal(let d): return HostValue.plain(d)
        case .text(let t): return t
        case .date(let d): return d.description
        case .duration(let d): return d.description
        case .list, .record: return nil
        }
    }
}
