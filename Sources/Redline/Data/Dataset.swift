import Foundation

/// How data is loaded.
public struct LoadOptions: Sendable {
    /// Skip bad rows (counted by reason) instead of failing the load.
    public var lenient: Bool
    /// How many data errors are kept for display; all are counted.
    public var maxErrors: Int
    /// Compute each file's SHA-256 (for reports that must name their inputs exactly).
    public var hashFiles: Bool
    /// A calendar CSV (`date,kind` with kind `holiday` or `workday`) for `workdays`; it replaces `calendar`.
    public var calendarPath: String?
    /// The calendar for `workdays` when no `calendarPath` is given: nil for China's, built in,
    /// or the one the host chooses (`WorkCalendar.mondayToFriday` for none).
    public var calendar: WorkCalendar?
    /// Which columns are stored.
    public var columns: ColumnSelection
    /// Reads `T.xlsx` workbooks; nil: workbooks are refused with a message.
    public var spreadsheetReader: SpreadsheetReader?
    /// Reads the tables of a database URL given instead of a folder (`postgresql://…`); nil:
    /// such a URL is refused with a message.
    public var databaseReader: DatabaseReader?

    /// Strict loading, 100 errors shown, no hashing, China's working days, every column.
    public init(lenient: Bool = false, maxErrors: Int = 100, hashFiles: Bool = false, calendarPath: String? = nil,
                calendar: WorkCalendar? = nil, columns: ColumnSelection = .all) {
        self.calendar = calendar
        self.lenient = lenient
        self.maxErrors = maxErrors
        self.hashFiles = hashFiles
        self.calendarPath = calendarPath
        self.columns = columns
    }
}

/// Which of the declared columns loading stores.
public enum ColumnSelection: Sendable {
    /// Every declared column: for queries and the REPL, which may read any of them.
    case all
    /// Keys, references, every non-text column, and the text columns the program's rules read.
    /// A text column no rule reads is delimited but not stored (it reads as missing), which saves
    /// most of the loading time of wide files (names, addresses). Nothing that could be an error
    /// is skipped: text has no bad values, and every other column is still converted and checked.
    /// Queries refuse the columns left out; `run` and `explain` of the same program are unaffected.
    case readByRules
    /// What `readByRules` keeps, and every column of the tables whose rows can be evidence (a
    /// `some` variable's rows): what a JSON report shows, whose evidence records carry all their
    /// values while subjects show only key and label.
    case readByRulesAndEvidence
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
    /// The working-day calendar in force.
    public let calendar: WorkCalendar
    /// The files read, in table order.
    public let files: [DataFile]
    /// Per table: columns left out by `ColumnSelection.readByRules`.
    let unreadColumns: [Set<Int>]
    /// Rows skipped by `lenient` loading, by reason.
    public let skippedRows: [String: Int]
    /// Seconds spent loading.
    public let loadSeconds: Double

    init(schema: Schema, tables: [TableData], calendar: WorkCalendar, files: [DataFile], unreadColumns: [Set<Int>],
         skippedRows: [String: Int], loadSeconds: Double) {
        self.schema = schema
        self.unreadColumns = unreadColumns
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

    /// The row of `table` whose key is `key`, nil if there is none (for a host's bindings).
    public func record(_ table: String, key: String) -> RecordID? {
        guard let index = schema.tableIndex[table], let row = row(table: index, key: key) else { return nil }
        return RecordNamer(schema: schema, dataset: self).id(table: index, row: row)
    }

    /// The row with this key: through the key index when there is one, else by a scan.
    func row(table: Int, key: String) -> Int32? {
        let data = tables[table]
        let keyColumn = schema.tables[table].keyColumn
        if case .text(_, let pool) = data.columns[keyColumn], pool.storage.isIndexed {
            guard let id = pool.lookup(key), Int(id) < data.rowByKeyId.count else { return nil }
            let row = data.rowByKeyId[Int(id)]
            return row >= 0 ? row : nil
        }
        for row in 0..<data.rowCount where data.columns[keyColumn].value(row).display == key { return Int32(row) }
        return nil
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
    /// Nothing could be read at all (no connection to the database, no such table): the
    /// diagnostics say why, and no row was checked.
    public var sourceUnreadable = false
}

extension Program {
    /// Loads `DIR/T.csv` (or `T.json`, `T.jsonl`, or `T.xlsx` with `options.spreadsheetReader`)
    /// for every declared table `T`; or, when `directory` is a database URL (`postgresql://…`),
    /// every declared table from that database through `options.databaseReader`.
    public func loadData(directory: String, options: LoadOptions = LoadOptions()) -> DataLoadResult {
        if DatabaseURL.isDatabase(directory) { return loadData(database: directory, options: options) }
        let started = Date()
        let schema = checked.schema
        let issues = IssueList(limit: options.maxErrors)
        var fatal: [Diagnostic] = []
        // Find every file first, so a missing one is reported before any parsing.
        var sources: [(table: TableSchema, path: String, format: String)] = []
        for table in schema.tables {
            let candidates = ["csv", "json", "jsonl", "xlsx", "xls"].map { (format: $0, path: (directory as NSString).appendingPathComponent("\(table.name).\($0)")) }
            if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) {
                // A FIFO or a device would block the load, or never end: refused before any read.
                guard TableLoading.isRegularFile(found.path) else {
                    fatal.append(Diagnostic(.error, Catalog.notRegularFile(found.path), file: found.path))
                    continue
                }
                if found.format == "xls" {
                    fatal.append(Diagnostic(.error, Catalog.oldExcel(found.path), file: found.path))
                    continue
                }
                if found.format == "xlsx", options.spreadsheetReader == nil {
                    fatal.append(Diagnostic(.error, Catalog.noSpreadsheetReader(found.path), file: found.path))
                    continue
                }
                sources.append((table, found.path, found.format))
            } else {
                fatal.append(Diagnostic(.error, Catalog.noDataFile(table.name, directory: directory), file: directory))
            }
        }
        if !fatal.isEmpty { return DataLoadResult(dataset: nil, diagnostics: fatal, errorCount: fatal.count) }
        // Workbooks are read into CSV text first, then loaded like CSV; their messages are moved
        // back to the sheet's rows and cells afterwards.
        var sheets: [SheetAsCSV] = []
        var prepared: [(table: TableSchema, path: String, format: String, contents: Data?)] = []
        for source in sources {
            guard source.format == "xlsx", let reader = options.spreadsheetReader else {
                prepared.append((source.table, source.path, source.format, nil))
                continue
            }
            do {
                let sheet = SheetAsCSV(path: source.path, try reader(source.path, source.table.name))
                sheets.append(sheet)
                prepared.append((source.table, source.path, "xlsx", sheet.csv))
            } catch let error as SpreadsheetError {
                fatal.append(Diagnostic(.error, LocalizedText(error.en, zh: error.zh), file: source.path))
            } catch {
                fatal.append(Diagnostic(.error, LocalizedText("cannot read the workbook: \(error)", zh: "无法读取工作簿:\(error)"), file: source.path))
            }
        }
        if !fatal.isEmpty { return DataLoadResult(dataset: nil, diagnostics: fatal, errorCount: fatal.count) }
        let result = load(prepared, options: options, started: started, issues: issues)
        guard !sheets.isEmpty else { return result }
        let moved = result.diagnostics.map { diagnostic in sheets.reduce(diagnostic) { $1.relocate($0) } }
        return DataLoadResult(dataset: result.dataset, diagnostics: moved, errorCount: result.errorCount)
    }

    /// Loads every declared table from CSV text in memory (`table name → text`), checked exactly
    /// as files are; a declared table without text, or text for an undeclared table, is an error.
    /// Files are named `<memory>/TABLE`.
    public func loadData(csvTexts: [String: String], options: LoadOptions = LoadOptions()) -> DataLoadResult {
        let schema = checked.schema
        var fatal: [Diagnostic] = []
        for name in csvTexts.keys.sorted() where schema.tableIndex[name] == nil {
            fatal.append(Diagnostic(.error, LocalizedText("CSV text was given for `\(name)`, which the rules do not declare",
                                                          zh: "为规则未声明的表 `\(name)` 提供了 CSV 文本"), file: "<memory>/\(name)"))
        }
        for table in schema.tables where csvTexts[table.name] == nil {
            fatal.append(Diagnostic(.error, LocalizedText("no CSV text was given for table `\(table.name)`", zh: "没有提供表 `\(table.name)` 的 CSV 文本"),
                                    file: "<memory>/\(table.name)"))
        }
        if !fatal.isEmpty { return DataLoadResult(dataset: nil, diagnostics: fatal, errorCount: fatal.count) }
        let sources = schema.tables.map { table -> (TableSchema, String, String, Data?) in
            (table, "<memory>/\(table.name)", "csv", Data((csvTexts[table.name] ?? "").utf8))
        }
        return load(sources, options: options, started: Date(), issues: IssueList(limit: options.maxErrors))
    }

    /// Loads tables given as CSV text (rule tests build their data this way); a missing table is empty.
    func loadData(csv tables: [String: String], name: String, options: LoadOptions = LoadOptions()) -> DataLoadResult {
        let schema = checked.schema
        let sources = schema.tables.map { table -> (TableSchema, String, String, Data?) in
            let text = tables[table.name] ?? table.columns.map(\.name).joined(separator: ",") + "\n"
            return (table, "\(name)/\(table.name)", "csv", Data(text.utf8))
        }
        return load(sources, options: options, started: Date(), issues: IssueList(limit: options.maxErrors))
    }

    /// Per table: the text columns that are neither keys nor references and that no rule reads
    /// (in its condition, evidence or message, through any definition it calls).
    func unreadTextColumns(keepingEvidenceTables: Bool = false) -> [Set<Int>] {
        let schema = checked.schema
        var read = schema.tables.map { _ in Set<Int>() }
        func note(_ bound: Bound) {
            bound.visit { node in
                switch node.kind {
                case .column(_, let table, let column), .forward(_, let table, let column, _), .reverse(_, let table, let column):
                    if read.indices.contains(table) { read[table].insert(column) }
                default: break
                }
            }
        }
        for rule in checked.rules {
            note(rule.condition)
            if let message = rule.message { note(message) }
            for variable in rule.evidence { note(variable.collection); note(variable.condition) }
        }
        var evidenceTables: Set<Int> = []
        if keepingEvidenceTables {
            for rule in checked.rules {
                for variable in rule.evidence {
                    switch variable.collection.kind {
                    case .reverse(_, let table, _), .tableRows(let table): evidenceTables.insert(table)
                    default:
                        // Any other collection of records: its elements' table.
                        if case .record(let table) = variable.type { evidenceTables.insert(table) } else { evidenceTables.formUnion(schema.tables.indices) }
                    }
                }
            }
        }
        return schema.tables.map { table in
            if evidenceTables.contains(table.index) { return [] }
            return Set(table.columns.indices.filter { column in
                column != table.keyColumn && column != table.labelColumn && table.columns[column].type == .text && table.columns[column].target == nil
                    && !read[table.index].contains(column)
            })
        }
    }

    func load(_ sources: [(table: TableSchema, path: String, format: String, contents: Data?)], options: LoadOptions,
                      started: Date, issues: IssueList) -> DataLoadResult {
        let schema = checked.schema
        let fatal: [Diagnostic] = []

        for source in sources where source.contents == nil { TableLoading.readAhead(source.path) }

        // File hashes are computed beside the loading, one task per file: SHA-256 reads at a
        // few hundred MB/s, and done before each file's parse it would add its whole time.
        let hashes = ParallelSlots<String>(count: schema.tables.count)
        let hashing = DispatchGroup()
        if options.hashFiles {
            for source in sources {
                let (table, path, contents) = (source.table.index, source.path, source.contents)
                let workbook = source.format == "xlsx"
                DispatchQueue.global().async(group: hashing) {
                    // A workbook is named by its own bytes, not the CSV text made from it.
                    let data = workbook ? TableLoading.mapped(path) : contents ?? TableLoading.mapped(path)
                    if let data { hashes.set(table, data.withUnsafeBytes { SHA256.hex($0.bindMemory(to: UInt8.self)) }) }
                }
            }
        }
        // Referenced tables load first, so that references resolve to rows while the
        // referencing files are parsed; each file is parsed in chunks on all cores.
        var loaded: [TableData?] = Array(repeating: nil, count: schema.tables.count)
        var files: [DataFile?] = Array(repeating: nil, count: schema.tables.count)
        var increasing = Array(repeating: false, count: schema.tables.count)
        let referenced = Set(schema.tables.flatMap { $0.columns.compactMap(\.target) })
        let sourceByTable = Dictionary(uniqueKeysWithValues: sources.map { ($0.table.index, $0) })
        // One lookup structure per referenced table, shared by every table that references it.
        var referenceTargets: [Int: ColumnBuilder.ReferenceTarget] = [:]
        let unread: [Set<Int>]
        switch options.columns {
        case .all: unread = schema.tables.map { _ in Set<Int>() }
        case .readByRules: unread = unreadTextColumns()
        case .readByRulesAndEvidence: unread = unreadTextColumns(keepingEvidenceTables: true)
        }
        for level in TableLoading.levels(schema) {
            for table in level {
                guard let source = sourceByTable[table] else { continue }
                var targets: [Int: ColumnBuilder.ReferenceTarget] = [:]
                for (c, column) in schema.tables[table].columns.enumerated() {
                    guard let target = column.target, target != table else { continue }
                    targets[c] = referenceTargets[target]
                }
                let result = PhaseTimer.measure("load \(source.table.name)") {
                    TableLoading.load(source.table, path: source.path, format: source.format, contents: source.contents, options: options,
                                      targets: targets, unread: unread[table], issues: issues)
                }
                loaded[table] = result.table
                files[table] = result.file
                increasing[table] = result.keysIncreasing
                if referenced.contains(table), let data = result.table {
                    referenceTargets[table] = PhaseTimer.measure("index \(source.table.name) keys") {
                        TableLoading.indexKeys(of: data, keyColumn: schema.tables[table].keyColumn, increasing: result.keysIncreasing)
                    }
                }
            }
        }
        var calendar = options.calendar ?? .china
        if let calendarPath = options.calendarPath {
            // A calendar with an error is never used in part, `--lenient` or not: every working
            // day counted by it would be in doubt.
            let calendarIssues = IssueList(limit: options.maxErrors)
            let read = TableLoading.loadCalendar(calendarPath, issues: calendarIssues)
            guard let read, calendarIssues.total == 0 else {
                return DataLoadResult(dataset: nil, diagnostics: calendarIssues.kept.map(\.diagnostic),
                                      errorCount: max(1, calendarIssues.total))
            }
            calendar = read
        }
        if loaded.contains(where: { $0 == nil }) {
            return DataLoadResult(dataset: nil, diagnostics: issues.kept.map(\.diagnostic) + fatal, errorCount: issues.total + fatal.count)
        }
        var linker = Linker(schema: schema, tables: loaded.compactMap { $0 }, keysIncreasing: increasing, lenient: options.lenient, issues: issues)
        PhaseTimer.measure("link") { linker.link() }
        if !options.lenient && issues.total > 0 {
            return DataLoadResult(dataset: nil, diagnostics: issues.kept.map(\.diagnostic), errorCount: issues.total)
        }
        var skipped: [String: Int] = [:]
        for (reason, count) in issues.counts { skipped[reason.rawValue] = count }
        hashing.wait()
        let dataFiles = zip(files, linker.tables).map { file, table in
            DataFile(path: file?.path ?? "", table: table.name, encoding: file?.encoding ?? "", rows: table.rowCount,
                     sha256: hashes.get(table.index))
        }
        let dataset = Dataset(schema: schema, tables: linker.tables, calendar: calendar, files: dataFiles, unreadColumns: unread,
                              skippedRows: skipped, loadSeconds: Date().timeIntervalSince(started))
        return DataLoadResult(dataset: dataset, diagnostics: issues.kept.map(\.diagnostic), errorCount: issues.total)
    }
}

/// Checks on files given as input.
public enum InputFile {
    /// Whether the path names a regular file (after following links): data, calendars and rule
    /// files must be, since reading a FIFO or a device may block or never end.
    public static func isRegular(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
    }
}

/// Reading one data file into a table.
enum TableLoading {
    /// The lookups a referenced table's keys need, built side by side once it is loaded: the key
    /// pool's own index (lookups by key text: the linker, a host's `record`, the REPL) and the
    /// `KeyIndex` that resolves the references of the files read after it. Each inserts a
    /// million keys at random places, one cache miss after another; on two cores the second
    /// costs no time. Nil when the key is not text (references are then resolved by the linker).
    static func indexKeys(of data: TableData, keyColumn: Int, increasing: Bool) -> ColumnBuilder.ReferenceTarget? {
        guard case .text(let ids, let pool) = data.columns[keyColumn] else { return nil }
        let index = ParallelSlots<KeyIndex>(count: 1)
        let building = DispatchGroup()
        DispatchQueue.global().async(group: building) { index.set(0, KeyIndex(keys: pool, keyIdByRow: ids)) }
        var storage = pool.storage
        storage.buildIndex()
        let indexed = TextPool(storage)
        data.columns[keyColumn] = .text(ids, indexed)
        building.wait()
        guard let keyIndex = index.get(0) else { return nil }
        return ColumnBuilder.ReferenceTarget(table: data.name, index: keyIndex, keyColumn: data.columns[keyColumn],
                                             skippedKeys: data.skippedKeys, increasingKeys: increasing)
    }

    /// A data file mapped into memory, with the kernel asked to read all of it ahead. Parsing
    /// touches a mapped file in several places at once (one chunk per core); on a cold page cache
    /// each first touch of a page would otherwise wait for its own small read, which made a load
    /// that takes 1.3 s from the cache take 16 s from disk (reading the same files in order takes
    /// half a second). Each file stays mapped only while its table loads; `readAhead` starts the
    /// later files' reading without holding them.
    static func mapped(_ path: String) -> Data? {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else { return nil }
        data.withUnsafeBytes { raw in
            // Page-aligned when the file is mapped; otherwise (a small file read into memory)
            // the advice is refused, which is harmless.
            if let base = raw.baseAddress, raw.count > 0 {
                _ = madvise(UnsafeMutableRawPointer(mutating: base), raw.count, MADV_WILLNEED)
            }
        }
        return data
    }

    /// Asks the kernel to bring a file into the page cache in the background: the tables loaded
    /// later are read from disk while the earlier ones are parsed, without being held in memory.
    static func isRegularFile(_ path: String) -> Bool { InputFile.isRegular(path) }

    static func readAhead(_ path: String) {
        #if canImport(Glibc)
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return }
        _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_WILLNEED)
        close(descriptor)
        #endif
    }

    /// Groups of tables to load in order: a table comes after every table it references
    /// (tables in a reference cycle load together and are linked afterwards).
    static func levels(_ schema: Schema) -> [[Int]] {
        var level = Array(repeating: 0, count: schema.tables.count)
        // Longest reference chain, bounded by the table count so cycles stop.
        for _ in 0..<schema.tables.count {
            var changed = false
            for table in schema.tables {
                for target in table.columns.compactMap(\.target) where target != table.index {
                    if level[table.index] < level[target] + 1, level[target] + 1 < schema.tables.count {
                        level[table.index] = level[target] + 1
                        changed = true
                    }
                }
            }
            if !changed { break }
        }
        let top = level.max() ?? 0
        return (0...top).map { l in schema.tables.indices.filter { level[$0] == l } }
    }

    struct Loaded {
        let table: TableData?
        let file: DataFile
        let keysIncreasing: Bool
    }

    /// One file's table. (Its hash, when wanted, is computed by `Program.load`, beside the parsing.)
    static func load(_ table: TableSchema, path: String, format: String, contents: Data? = nil, options: LoadOptions,
                     targets: [Int: ColumnBuilder.ReferenceTarget], unread: Set<Int> = [], issues: IssueList) -> Loaded {
        guard let data = contents ?? TableLoading.mapped(path) else {
            issues.add(DataIssue(reason: .badValue, table: table.index, row: 0,
                                 diagnostic: Diagnostic(.error, LocalizedText("cannot read the file", zh: "无法读取文件"), file: path)))
            return Loaded(table: nil, file: DataFile(path: path, table: table.name, encoding: "?", rows: 0, sha256: nil), keysIncreasing: false)
        }
        if format != "csv" && format != "xlsx" && format != "host" && format != "database" {
            let result = JSONTableReader(table: table, file: path, issues: issues).read(data, linesFormat: format == "jsonl")
            return Loaded(table: result, file: DataFile(path: path, table: table.name, encoding: "JSON", rows: result?.rowCount ?? 0, sha256: nil),
                          keysIncreasing: false)
        }
        // Read as UTF-8 (validated as values are read); if that fails, as GB18030.
        var reader = CSVTableReader(table: table, file: path, targets: targets)
        reader.unread = unread
        var encoding: TextEncoding = data.starts(with: [0xEF, 0xBB, 0xBF]) ? .utf8WithBOM : .utf8
        let attempt = IssueList(limit: options.maxErrors)
        let skip = encoding == .utf8WithBOM ? 3 : 0
        var outcome = data.withUnsafeBytes { raw -> CSVLoading.Outcome in
            let buffer = raw.bindMemory(to: UInt8.self)
            return CSVLoading.read(UnsafeBufferPointer(rebasing: buffer[skip...]), reader: reader, options: options,
                                   issues: attempt)
        }
        var issuesFound = attempt
        // The reader validates every byte of every record (columns no rule reads included), so a
        // file is in one encoding whatever the rules use, and `run` and `query` agree.
        let notUTF8 = outcome.notUTF8
        if notUTF8 {
            let mixed = data.withUnsafeBytes { raw in
                TextEncoding.mixedLine(UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[skip...]))
            }
            if let mixed {
                let line = mixed.line
                issues.add(DataIssue(reason: .badValue, table: table.index, row: 0,
                                     diagnostic: Diagnostic(severity: .error, text: Catalog.mixedEncoding(line: line, utf8Lines: mixed.utf8Lines),
                                                            hint: Catalog.mixedEncodingHint, file: path,
                                                            location: SourceLocation(line: line, column: mixed.column),
                                                            lineText: mixed.text, caretColumn: mixed.column, caretLength: 1)))
                return Loaded(table: nil, file: DataFile(path: path, table: table.name, encoding: "?", rows: 0, sha256: nil), keysIncreasing: false)
            }
            guard let utf8 = TextEncoding.gb18030ToUTF8(data) else {
                issues.add(DataIssue(reason: .badValue, table: table.index, row: 0,
                                     diagnostic: Diagnostic(.error, Catalog.unreadableEncoding, file: path, line: 1)))
                return Loaded(table: nil, file: DataFile(path: path, table: table.name, encoding: "?", rows: 0, sha256: nil), keysIncreasing: false)
            }
            encoding = .gb18030
            let retry = IssueList(limit: options.maxErrors)
            issuesFound = retry
            outcome = utf8.withUnsafeBufferPointer { buffer in
                CSVLoading.read(buffer, reader: reader, options: options, issues: retry)
            }
        }
        issues.absorb(issuesFound)
        return Loaded(table: outcome.table,
                      file: DataFile(path: path, table: table.name, encoding: ["xlsx": "XLSX", "host": "host", "database": "database"][format] ?? encoding.rawValue,
                                     rows: outcome.table?.rowCount ?? 0, sha256: nil),
                      keysIncreasing: outcome.keysIncreasing)
    }

    /// A calendar CSV: `date,kind` rows, kind `holiday`/`假日` or `workday`/`工作日`.
    static func loadCalendar(_ path: String, issues: IssueList) -> WorkCalendar? {
        guard isRegularFile(path) else {
            issues.add(DataIssue(reason: .badValue, table: -1, row: 0, diagnostic: Diagnostic(.error, Catalog.notRegularFile(path, calendar: true), file: path)))
            return nil
        }
        guard let data = TableLoading.mapped(path) else {
            issues.add(DataIssue(reason: .badValue, table: -1, row: 0,
                                 diagnostic: Diagnostic(.error, LocalizedText("cannot read the calendar", zh: "无法读取日历文件"), file: path)))
            return nil
        }
        return loadCalendar(name: path, contents: data, issues: issues)
    }

    /// A calendar from a CSV's bytes, named `name` in messages and reports.
    static func loadCalendar(name path: String, contents: Data, issues: IssueList) -> WorkCalendar? {
        let schema = TableSchema(index: -1, name: "calendar", columns: [
            ColumnSchema(name: "date", type: .date, optional: false, target: nil),
            ColumnSchema(name: "kind", type: .text, optional: false, target: nil),
        ], declaration: TableDecl(name: Name(text: "calendar", span: .none), key: nil, columns: [], span: .none),
           source: SourceFile(name: path, text: ""))
        let loaded = load(schema, path: path, format: "csv", contents: contents, options: LoadOptions(), targets: [:], issues: issues)
        guard let table = loaded.table, case .date(let days) = table.columns[0], case .text(let kinds, let pool) = table.columns[1] else {
            issues.add(DataIssue(reason: .badValue, table: -1, row: 0,
                                 diagnostic: Diagnostic(.error, LocalizedText("cannot read the calendar", zh: "无法读取日历文件"), file: path)))
            return nil
        }
        var holidays: Set<Int32> = [], workdays: Set<Int32> = []
        for row in 0..<table.rowCount where days[row] != ColumnData.missingDate && kinds[row] >= 0 {
            switch pool.string(kinds[row]).lowercased() {
            case "holiday", "假日", "节假日", "休息日": holidays.insert(days[row])
            case "workday", "工作日", "调休上班": workdays.insert(days[row])
            default:
                issues.add(DataIssue(reason: .badValue, table: -1, row: row,
                                     diagnostic: Diagnostic(.error,
                                                            Catalog.badValue(pool.string(kinds[row]), column: "kind",
                                                                             expected: LocalizedText("holiday or workday", zh: "holiday 或 workday")),
                                                            file: path, line: Int(table.lines[row]))))
            }
        }
        let digest = contents.withUnsafeBytes { raw in SHA256.hex(raw.bindMemory(to: UInt8.self)) }
        return WorkCalendar(holidays: holidays, workdays: workdays, name: path, sha256: digest)
    }
}
