import Foundation

/// One declared table asked of a database: its name and the declared columns, in order.
public struct DatabaseTableRequest: Sendable {
    /// The declared table's name; the database table of the same name is read.
    public let name: String
    /// The declared columns; only these are read.
    public let columns: [String]
}

/// One table's rows as a database gave them: CSV text (UTF-8, a header line naming the columns,
/// then one line per row; an empty field is missing), which the loader checks exactly as it
/// checks a CSV file.
public struct DatabaseTable: Sendable {
    /// The table as the database names it, for messages (`public.hazards`).
    public let name: String
    /// The rows as CSV.
    public let csv: Data

    /// A table's rows as CSV text, named as the database names the table.
    public init(name: String, csv: Data) {
        self.name = name
        self.csv = csv
    }
}

/// A database that cannot be read (no connection, no such table, a refused query), with the
/// reason in both languages, on one line. It never holds a password.
public struct DatabaseError: Error, Sendable {
    /// The reason in English.
    public let en: String
    /// The reason in Chinese.
    public let zh: String
    /// A reason in both languages.
    public init(_ en: String, zh: String) {
        self.en = en
        self.zh = zh
    }
}

/// Reads the declared tables, in the order asked, from the database a URL names. The core
/// library speaks to no database itself (it stays Foundation-only): the `redline` command plugs
/// in RedlinePostgres's reader, and a host may plug in its own.
public typealias DatabaseReader = @Sendable (_ url: String, _ tables: [DatabaseTableRequest]) throws -> [DatabaseTable]

/// Database URLs as `--data` takes them.
public enum DatabaseURL {
    /// Whether `--data` names a database (`postgresql://…` or `postgres://…`) rather than a folder.
    public static func isDatabase(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://")
    }

    /// The URL as it may be shown: a password (`user:secret@host`) and a `password=` parameter
    /// are left out, whatever else the URL holds.
    public static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let scheme = url[..<schemeEnd.upperBound]
        var rest = String(url[schemeEnd.upperBound...])
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        // The password ends at the last `@` of the authority (a password may hold `@` unescaped).
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                rest = String(userInfo[..<colon]) + String(rest[at...])
            }
        }
        guard let query = rest.firstIndex(of: "?") else { return scheme + rest }
        let parameters = rest[rest.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false)
            .filter { !$0.lowercased().hasPrefix("password=") }
        let base = String(rest[..<query])
        return scheme + base + (parameters.isEmpty ? "" : "?" + parameters.joined(separator: "&"))
    }
}

/// A database table's CSV text and the way back from the CSV reader's places to the database's
/// rows: a message names the table, the row's key and the column (`table public.hazards, key
/// H002, column deadline`), since a database row has no line number a person could look up.
struct DatabaseTableAsCSV {
    /// What messages name as the file: the redacted URL and the table.
    let place: String
    let table: String
    let columns: [String]
    let keyColumn: Int?

    init(place: String, table: String, csv: Data, keyColumnName: String?) {
        self.place = place
        self.table = table
        let headerEnd = csv.firstIndex(of: 0x0A) ?? csv.endIndex
        let header = String(decoding: csv[csv.startIndex..<headerEnd], as: UTF8.self)
        let names = DatabaseTableAsCSV.fields(header).map(\.text)
        columns = names
        keyColumn = keyColumnName.flatMap { names.firstIndex(of: $0) }
    }

    /// A CSV line's fields, with the character column (1-based) where each starts.
    static func fields(_ line: String) -> [(text: String, start: Int)] {
        var fields: [(text: String, start: Int)] = []
        var current = "", start = 1, column = 1, quoted = false, atFieldStart = true
        var characters = Array(line)
        if characters.last == "\r" { characters.removeLast() }
        var index = 0
        while index < characters.count {
            let c = characters[index]
            if quoted {
                if c == "\"" {
                    if index + 1 < characters.count, characters[index + 1] == "\"" {
                        current.append("\""); index += 1; column += 1
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(c)
                }
            } else if c == "," {
                fields.append((current, start))
                current = ""; start = column + 1; atFieldStart = true
                index += 1; column += 1
                continue
            } else if c == "\"" && atFieldStart {
                quoted = true
            } else {
                current.append(c)
            }
            atFieldStart = false
            index += 1; column += 1
        }
        fields.append((current, start))
        return fields
    }

    /// A diagnostic of the CSV reader, placed in the database: row, key and column.
    func relocate(_ d: Diagnostic) -> Diagnostic {
        guard d.file == place else { return d }
        let line = d.location.line
        let text: LocalizedText
        var location = d.location
        if line <= 1 {
            text = LocalizedText(d.text.en + " (table `\(table)`, its columns)", zh: d.text.zh + "(表 `\(table)` 的列)")
        } else {
            let fields = DatabaseTableAsCSV.fields(d.lineText)
            let field = max(0, fields.lastIndex { $0.start <= d.caretColumn } ?? 0)
            let column = columns.indices.contains(field) ? columns[field] : "\(field + 1)"
            let row = line - 1
            if let keyColumn, fields.indices.contains(keyColumn), !fields[keyColumn].text.isEmpty {
                let key = fields[keyColumn].text
                text = LocalizedText(d.text.en + " (table `\(table)`, key `\(key)`, column `\(column)`)",
                                     zh: d.text.zh + "(表 `\(table)`,键 `\(key)`,列 `\(column)`)")
            } else {
                text = LocalizedText(d.text.en + " (table `\(table)`, row \(row), column `\(column)`)",
                                     zh: d.text.zh + "(表 `\(table)`,第 \(row) 行,列 `\(column)`)")
            }
            location = SourceLocation(line: row, column: field + 1)
        }
        return Diagnostic(severity: d.severity, text: text, hint: d.hintText, file: d.file, location: location,
                          lineText: d.lineText, caretColumn: d.caretColumn, caretLength: d.caretLength, notes: d.notes)
    }
}

extension Program {
    /// Loads every declared table from the database `url` names, through `options.databaseReader`:
    /// each table's rows come as CSV text and are checked exactly as a CSV file is.
    func loadData(database url: String, options: LoadOptions) -> DataLoadResult {
        let started = Date()
        let schema = checked.schema
        let shown = DatabaseURL.redacted(url)
        func unreadable(_ text: LocalizedText) -> DataLoadResult {
            var result = DataLoadResult(dataset: nil, diagnostics: [Diagnostic(.error, text, file: shown)], errorCount: 1)
            result.sourceUnreadable = true
            return result
        }
        guard let reader = options.databaseReader else { return unreadable(Catalog.noDatabaseReader(shown)) }
        let requests = schema.tables.map { DatabaseTableRequest(name: $0.name, columns: $0.columns.map(\.name)) }
        let tables: [DatabaseTable]
        do {
            tables = try reader(url, requests)
        } catch let error as DatabaseError {
            return unreadable(LocalizedText(error.en, zh: error.zh))
        } catch {
            // A host's own error type: its description is not shown, since it might hold the URL.
            return unreadable(Catalog.databaseUnreadable)
        }
        guard tables.count == requests.count else { return unreadable(Catalog.databaseUnreadable) }
        var relocations: [DatabaseTableAsCSV] = []
        var prepared: [(table: TableSchema, path: String, format: String, contents: Data?)] = []
        for (declared, table) in zip(schema.tables, tables) {
            let place = "\(shown) \(table.name)"
            let key = declared.columns.indices.contains(declared.keyColumn) ? declared.columns[declared.keyColumn].name : nil
            relocations.append(DatabaseTableAsCSV(place: place, table: table.name, csv: table.csv, keyColumnName: key))
            prepared.append((declared, place, "database", table.csv))
        }
        let result = load(prepared, options: options, started: started, issues: IssueList(limit: options.maxErrors))
        let moved = result.diagnostics.map { diagnostic in relocations.reduce(diagnostic) { $1.relocate($0) } }
        return DataLoadResult(dataset: result.dataset, diagnostics: moved, errorCount: result.errorCount)
    }
}

extension Catalog {
    static func noDatabaseReader(_ url: String) -> LocalizedText {
        LocalizedText("`\(url)` is a database, and this program reads none (the `redline` command does; a host gives LoadOptions.databaseReader)",
                      zh: "`\(url)` 是数据库,本程序不读取数据库(`redline` 命令可以;宿主程序可提供 LoadOptions.databaseReader)")
    }
    static let databaseUnreadable = LocalizedText("the database could not be read", zh: "无法读取数据库")
}
