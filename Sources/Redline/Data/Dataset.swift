import Foundation

/// How data is loaded.
public struct LoadOptions: Sendable {
    /// Skip bad rows (counted by reason) instead of failing the load.
    public var lenient: Bool
    /// How many data errors are kept for display; all are counted.
    public var maxErrors: Int
    /// Compute each file's SHA-256 (for reports that must name their inputs exactly).
    public var hashFiles: Bool
    /// A calendar CSV (`date,kind` with kind `holiday` or `workday`) for `workdays`.
    public var calendarPath: String?

    /// Strict loading, 100 errors shown, no hashing, Monday-to-Friday working days.
    public init(lenient: Bool = false, maxErrors: Int = 100, hashFiles: Bool = false, calendarPath: String? = nil) {
        self.lenient = lenient
        self.maxErrors = maxErrors
        self.hashFiles = hashFiles
        self.calendarPath = calendarPath
    }
}

/// A data file that was read.
public struct DataFile: Sendable {
    /// The path as given.
    public let path: String
    /// The table it fills.
    public let table: String
    /// `UTF-8`, `UTF-8 (BOM)`, `GB18030`, or `JSON`.
    public let encoding: String
    /// Rows kept.
    public let rows: Int
    /// Hex SHA-256 of the file's bytes, when requested.
    public let sha256: String?
}

/// Loaded tables for one program: typed columns, keys and references resolved. Immutable once
/// loaded; many evaluations may read it at once.
public final class Dataset: @unchecked Sendable {
    let schema: Schema
    let tables: [TableData]
    let calendar: WorkCalendar?
    /// The files read, in table order.
    public let files: [DataFile]
    /// Rows skipped by `lenient` loading, by reason.
    public let skippedRows: [String: Int]
    /// Seconds spent loading.
    public let loadSeconds: Double

    init(schema: Schema, tables: [TableData], calendar: WorkCalendar?, files: [DataFile], skippedRows: [String: Int], loadSeconds: Double) {
        self.schema = schema
        self.tables = tables
        self.calendar = calendar
        self.files = files
        self.skippedRows = skippedRows
        self.loadSeconds = loadSeconds
    }

    /// Number of rows of a table, by name.
    public func rowCount(of table: String) -> Int? {
        schema.tableIndex[table].map { tables[$0].rowCount }
    }

    @inline(__always)
    func isWorkday(_ day: Int32) -> Bool {
        calendar?.isWorkday(day) ?? CivilDate.isWeekday(day)
    }

    /// The key of a row as text (for reports).
    func keyText(table: Int, row: Int32) -> String {
        let data = tables[table]
        return data.columns[schema.tables[table].keyColumn].value(Int(row)).display
    }
}

/// The outcome of loading: the dataset, or the errors that prevented it.
public struct DataLoadResult: Sendable {
    /// The loaded data (nil when there were errors and loading was not lenient).
    public let dataset: Dataset?
    /// Data errors, rendered like code errors (the first `maxErrors`).
    public let diagnostics: [Diagnostic]
    /// How many data errors there were in all.
    public let errorCount: Int
}

extension Program {
    /// Loads `DIR/T.csv` (or `T.json`, `T.jsonl`) for every declared table `T`.
    public func loadData(directory: String, options: LoadOptions = LoadOptions()) -> DataLoadResult {
        let started = Date()
        let schema = checked.schema
        let issues = IssueList(limit: options.maxErrors)
        var fatal: [Diagnostic] = []
        // Find every file first, so a missing one is reported before any parsing.
        var sources: [(table: TableSchema, path: String, format: String)] = []
        for table in schema.tables {
            let candidates = ["csv", "json", "jsonl"].map { (format: $0, path: (directory as NSString).appendingPathComponent("\(table.name).\($0)")) }
            if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) {
                sources.append((table, found.path, found.format))
            } else {
                fatal.append(Diagnostic(severity: .error, text: Catalog.noDataFile(table.name, directory: directory), file: directory,
                                        location: SourceLocation(line: 0, column: 0), lineText: "", caretColumn: 1, caretLength: 1))
            }
        }
        if !fatal.isEmpty { return DataLoadResult(dataset: nil, diagnostics: fatal, errorCount: fatal.count) }

        // Tables load in parallel: they are independent until references are linked.
        let found = sources
        let slots = LoadSlots(count: sources.count)
        DispatchQueue.concurrentPerform(iterations: found.count) { index in
            let source = found[index]
            guard let data = FileManager.default.contents(atPath: source.path) else {
                slots.set(index, nil, DataFile(path: source.path, table: source.table.name, encoding: "?", rows: 0, sha256: nil))
                return
            }
            let (table, file) = TableLoading.load(source.table, path: source.path, format: source.format, data: data,
                                                  options: options, issues: issues)
            slots.set(index, table, file)
        }
        var calendar: WorkCalendar? = nil
        if let calendarPath = options.calendarPath {
            calendar = TableLoading.loadCalendar(calendarPath, issues: issues)
        }
        let loaded = slots.tables
        if loaded.contains(where: { $0 == nil }) || (!options.lenient && issues.total > 0) {
            return DataLoadResult(dataset: nil, diagnostics: issues.kept.map(\.diagnostic) + fatal, errorCount: issues.total + fatal.count)
        }
        var linker = Linker(schema: schema, tables: loaded.compactMap { $0 }, lenient: options.lenient, issues: issues)
        linker.link()
        if !options.lenient && issues.total > 0 {
            return DataLoadResult(dataset: nil, diagnostics: issues.kept.map(\.diagnostic), errorCount: issues.total)
        }
        var skipped: [String: Int] = [:]
        for (reason, count) in issues.counts { skipped[reason.rawValue] = count }
        let files = zip(slots.files, linker.tables).map { file, table in
            DataFile(path: file.path, table: file.table, encoding: file.encoding, rows: table.rowCount, sha256: file.sha256)
        }
        let dataset = Dataset(schema: schema, tables: linker.tables, calendar: calendar, files: files,
                              skippedRows: skipped, loadSeconds: Date().timeIntervalSince(started))
        return DataLoadResult(dataset: dataset, diagnostics: issues.kept.map(\.diagnostic), errorCount: issues.total)
    }
}

/// Results of parallel loads, one slot per table.
private final class LoadSlots: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var tables: [TableData?]
    private(set) var files: [DataFile]

    init(count: Int) {
        tables = Array(repeating: nil, count: count)
        files = Array(repeating: DataFile(path: "", table: "", encoding: "", rows: 0, sha256: nil), count: count)
    }

    func set(_ index: Int, _ table: TableData?, _ file: DataFile) {
        lock.lock(); defer { lock.unlock() }
        tables[index] = table
        files[index] = file
    }
}

/// Reading one data file into a table.
enum TableLoading {
    static func load(_ table: TableSchema, path: String, format: String, data: Data, options: LoadOptions,
                     issues: IssueList) -> (TableData?, DataFile) {
        let sha = options.hashFiles ? data.withUnsafeBytes { SHA256.hex($0.bindMemory(to: UInt8.self)) } : nil
        if format != "csv" {
            let result = JSONTableReader(table: table, file: path, issues: issues).read(data, linesFormat: format == "jsonl")
            return (result, DataFile(path: path, table: table.name, encoding: "JSON", rows: result?.rowCount ?? 0, sha256: sha))
        }
        guard let (bytes, encoding) = TextEncoding.decode(data) else {
            issues.add(DataIssue(reason: .badValue, table: table.index, row: 0,
                                 diagnostic: Diagnostic(severity: .error, text: Catalog.unreadableEncoding, file: path,
                                                        location: SourceLocation(line: 1, column: 1), lineText: "", caretColumn: 1, caretLength: 1)))
            return (nil, DataFile(path: path, table: table.name, encoding: "?", rows: 0, sha256: sha))
        }
        var reader = CSVTableReader(table: table, file: path, lenient: options.lenient, issues: issues)
        let result = bytes.withUnsafeBytes { reader.read($0.bindMemory(to: UInt8.self)) }
        return (result, DataFile(path: path, table: table.name, encoding: encoding.rawValue, rows: result?.rowCount ?? 0, sha256: sha))
    }

    /// A calendar CSV: `date,kind` rows, kind `holiday`/`假日` or `workday`/`工作日`.
    static func loadCalendar(_ path: String, issues: IssueList) -> WorkCalendar? {
        let schema = TableSchema(index: -1, name: "calendar", columns: [
            ColumnSchema(name: "date", type: .date, optional: false, target: nil),
            ColumnSchema(name: "kind", type: .text, optional: false, target: nil),
        ], declaration: TableDecl(name: Name(text: "calendar", span: .none), key: nil, columns: [], span: .none),
           source: SourceFile(name: path, text: ""))
        guard let data = FileManager.default.contents(atPath: path),
              let (table, _) = Optional(load(schema, path: path, format: "csv", data: data, options: LoadOptions(), issues: issues)),
              let table, case .date(let days) = table.columns[0], case .text(let kinds, let pool) = table.columns[1] else {
            issues.add(DataIssue(reason: .badValue, table: -1, row: 0,
                                 diagnostic: Diagnostic(severity: .error, text: LocalizedText("cannot read the calendar", zh: "无法读取日历文件"),
                                                        file: path, location: SourceLocation(line: 0, column: 0), lineText: "",
                                                        caretColumn: 1, caretLength: 1)))
            return nil
        }
        var holidays: Set<Int32> = [], workdays: Set<Int32> = []
        for row in 0..<table.rowCount where days[row] != ColumnData.missingDate && kinds[row] >= 0 {
            switch pool.string(kinds[row]).lowercased() {
            case "holiday", "假日", "节假日", "休息日": holidays.insert(days[row])
            case "workday", "工作日", "调休上班": workdays.insert(days[row])
            default:
                issues.add(DataIssue(reason: .badValue, table: -1, row: row,
                                     diagnostic: Diagnostic(severity: .error,
                                                            text: Catalog.badValue(pool.string(kinds[row]), column: "kind",
                                                                                   expected: LocalizedText("holiday or workday", zh: "holiday 或 workday")),
                                                            file: path, location: SourceLocation(line: Int(table.lines[row]), column: 1),
                                                            lineText: "", caretColumn: 1, caretLength: 1)))
            }
        }
        return WorkCalendar(holidays: holidays, workdays: workdays)
    }
}
