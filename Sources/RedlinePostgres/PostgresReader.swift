import Foundation
import Redline

/// Reads declared tables from PostgreSQL (and the systems that speak its protocol: openGauss,
/// Kingbase, Highgo) for `--data postgresql://USER@HOST:PORT/DB`. Each table is streamed with
/// `COPY (SELECT the declared columns …) TO STDOUT` as CSV and handed to the loader, which checks
/// it exactly as it checks a CSV file. All tables are read in one read-only, repeatable-read
/// transaction, so they are one consistent snapshot even while the register is being written.
public enum PostgresReader {
    /// A reader for `LoadOptions.databaseReader`, taking tables from `schema`.
    public static func reader(schema: String = "public") -> DatabaseReader {
        { url, tables in try read(url: url, schema: schema, tables: tables) }
    }

    /// The declared tables' rows, in the order asked.
    public static func read(url: String, schema: String, tables: [DatabaseTableRequest]) throws -> [DatabaseTable] {
        guard let pq = LibPQ.shared else {
            throw DatabaseError("reading PostgreSQL needs its client library libpq, which this system lacks (Debian: apt-get install libpq5)",
                                zh: "读取 PostgreSQL 需要其客户端库 libpq,本机没有(Debian:apt-get install libpq5)")
        }
        let connection = try PostgresConnection(pq, url: url)
        defer { connection.close() }
        // Dates as 2024-05-01 whatever the server's default; text as UTF-8 whatever the database's.
        try connection.execute("SET client_encoding TO 'UTF8'")
        try connection.execute("SET DateStyle TO 'ISO, YMD'")
        // A table locked by a long migration fails the load rather than hanging it.
        try connection.execute("SET lock_timeout TO '60s'")
        try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        let schemaName = try connection.identifier(schema)
        var read: [DatabaseTable] = []
        for table in tables {
            let types = try connection.columnTypes(schema: schema, table: table.name)
            guard !types.isEmpty else { throw try connection.noSuchTable(schema: schema, table: table.name) }
            var expressions: [String] = []
            for column in table.columns {
                // A declared column the table lacks is left out; the loader then reports it
                // as it reports a CSV file's missing column.
                guard let type = types[column] else { continue }
                expressions.append(try PostgresReader.expression(for: try connection.identifier(column), type: type))
            }
            let select = expressions.isEmpty ? "SELECT" : "SELECT " + expressions.joined(separator: ", ")
            let copy = "COPY (\(select) FROM \(schemaName).\(try connection.identifier(table.name))) TO STDOUT WITH (FORMAT csv, HEADER true)"
            read.append(DatabaseTable(name: "\(schema).\(table.name)", csv: try connection.copyOut(copy)))
        }
        try connection.execute("COMMIT")
        return read
    }

    /// A column as the text the CSV reader expects of its declared type: booleans as
    /// `true`/`false` (COPY writes `t`/`f`), times with a zone as local time (`2024-05-01 00:00:00`,
    /// which a date column takes only at midnight). Everything else is PostgreSQL's own text:
    /// exact for numeric, ISO for dates.
    static func expression(for column: String, type: String) throws -> String {
        switch type {
        case "boolean": return "CASE WHEN \(column) THEN 'true' WHEN NOT \(column) THEN 'false' END AS \(column)"
        case "timestamp with time zone": return "to_char(\(column), 'YYYY-MM-DD HH24:MI:SS') AS \(column)"
        default: return column
        }
    }
}

/// One libpq connection; every failure becomes a one-line `DatabaseError` without the password.
final class PostgresConnection {
    private let pq: LibPQ
    private var connection: LibPQ.Connection?
    /// Texts never shown: the URL's password, as written and percent-decoded.
    private let secrets: [String]

    init(_ pq: LibPQ, url: String) throws {
        self.pq = pq
        secrets = PostgresConnection.passwords(in: url)
        // A host that never answers fails after ten seconds instead of hanging the load.
        var target = url
        if !url.contains("connect_timeout=") { target += (url.contains("?") ? "&" : "?") + "connect_timeout=10" }
        if !url.contains("application_name=") { target += "&application_name=redline" }
        connection = target.withCString { pq.connect($0) }
        guard let connection else {
            throw DatabaseError("cannot connect: out of memory", zh: "无法连接:内存不足")
        }
        guard pq.status(connection) == LibPQ.connectionOK else {
            let reason = scrubbed(pq.errorMessage(connection))
            close()
            throw DatabaseError("cannot connect: \(reason)", zh: "无法连接:\(reason)")
        }
    }

    func close() {
        if let connection { pq.finish(connection) }
        connection = nil
    }

    /// The password parts of a URL (`user:secret@`, `password=secret`), raw and decoded.
    static func passwords(in url: String) -> [String] {
        var found: [String] = []
        if let schemeEnd = url.range(of: "://") {
            let rest = url[schemeEnd.upperBound...]
            let authority = rest[..<(rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex)]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                found.append(String(authority[authority.index(after: colon)..<at]))
            }
        }
        if let query = url.firstIndex(of: "?") {
            for parameter in url[url.index(after: query)...].split(separator: "&") where parameter.lowercased().hasPrefix("password=") {
                found.append(String(parameter.dropFirst("password=".count)))
            }
        }
        let decoded = found.compactMap { $0.removingPercentEncoding }
        // Longest first, so a password holding another is replaced whole.
        return Set(found + decoded).filter { !$0.isEmpty }.sorted { ($0.count, $0) > ($1.count, $1) }
    }

    /// libpq's message on one line, with any password taken out.
    private func scrubbed(_ message: UnsafeMutablePointer<CChar>?) -> String {
        var text = message.map { String(cString: $0) } ?? "unknown error"
        for secret in secrets { text = text.replacingOccurrences(of: secret, with: "***") }
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" })
        return words.joined(separator: " ")
    }

    private func failure(_ result: LibPQ.Result?, doing what: String) -> DatabaseError {
        let reason = scrubbed(result.flatMap { pq.resultErrorMessage($0) }.flatMap { $0.pointee == 0 ? nil : $0 } ?? pq.errorMessage(connection))
        return DatabaseError("\(what) failed: \(reason)", zh: "\(what) 失败:\(reason)")
    }

    /// Runs a statement that returns no rows.
    func execute(_ sql: String) throws {
        let result = sql.withCString { pq.exec(connection, $0) }
        defer { pq.clear(result) }
        let status = pq.resultStatus(result)
        guard status == LibPQ.commandOK || status == LibPQ.tuplesOK else { throw failure(result, doing: sql) }
    }

    /// Rows of a query, each a list of texts (nil for NULL is not needed by the callers: "").
    func rows(_ sql: String, columns: Int32) throws -> [[String]] {
        let result = sql.withCString { pq.exec(connection, $0) }
        defer { pq.clear(result) }
        guard pq.resultStatus(result) == LibPQ.tuplesOK else { throw failure(result, doing: "a catalog query") }
        return (0..<pq.tupleCount(result)).map { row in
            (0..<columns).map { column in pq.value(result, row, column).map { String(cString: $0) } ?? "" }
        }
    }

    /// Rows of a query, every column, NULL as nil.
    func values(_ sql: String) throws -> [[String?]] {
        let result = sql.withCString { pq.exec(connection, $0) }
        defer { pq.clear(result) }
        guard pq.resultStatus(result) == LibPQ.tuplesOK else { throw failure(result, doing: "the query") }
        let columns = pq.fieldCount(result)
        return (0..<pq.tupleCount(result)).map { row in
            (0..<columns).map { column in
                pq.isNull(result, row, column) != 0 ? nil : pq.value(result, row, column).map { String(cString: $0) } ?? ""
            }
        }
    }

    /// An identifier quoted for SQL (`"hazards"`, `"隐患"`).
    func identifier(_ name: String) throws -> String {
        try escaped(name, with: pq.escapeIdentifier)
    }

    /// A string literal quoted for SQL.
    func literal(_ text: String) throws -> String {
        try escaped(text, with: pq.escapeLiteral)
    }

    private func escaped(_ text: String, with escape: @convention(c) (LibPQ.Connection?, UnsafePointer<CChar>?, Int) -> UnsafeMutablePointer<CChar>?) throws -> String {
        let quoted = text.withCString { escape(connection, $0, strlen($0)) }
        guard let quoted else { throw failure(nil, doing: "quoting `\(text)`") }
        defer { pq.freeMemory(quoted) }
        return String(cString: quoted)
    }

    /// A table's columns and their types (`information_schema` names: `boolean`, `date`, …);
    /// empty when the schema has no such table or view.
    func columnTypes(schema: String, table: String) throws -> [String: String] {
        let sql = "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = \(try literal(schema)) AND table_name = \(try literal(table))"
        var types: [String: String] = [:]
        for row in try rows(sql, columns: 2) { types[row[0]] = row[1] }
        return types
    }

    /// The error for a declared table the schema lacks, naming the tables it has.
    func noSuchTable(schema: String, table: String) throws -> DatabaseError {
        let sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = \(try literal(schema)) ORDER BY table_name"
        let names = try rows(sql, columns: 1).map { $0[0] }
        let has = names.isEmpty ? ("it has no tables (is the schema right? --schema chooses it)", "该模式下没有表(模式对吗?用 --schema 指定)")
            : ("it has " + names.prefix(20).map { "`\($0)`" }.joined(separator: ", ") + (names.count > 20 ? ", …" : ""),
               "其中的表:" + names.prefix(20).map { "`\($0)`" }.joined(separator: "、") + (names.count > 20 ? "……" : ""))
        return DatabaseError("the database has no table `\(schema).\(table)`, which the rules declare; \(has.0)",
                             zh: "数据库中没有规则声明的表 `\(schema).\(table)`;\(has.1)")
    }

    /// The CSV text a `COPY … TO STDOUT` sends, row by row.
    func copyOut(_ sql: String) throws -> Data {
        let started = sql.withCString { pq.exec(connection, $0) }
        guard pq.resultStatus(started) == LibPQ.copyOut else {
            defer { pq.clear(started) }
            throw failure(started, doing: "reading a table")
        }
        pq.clear(started)
        var data = Data()
        var buffer: UnsafeMutablePointer<CChar>? = nil
        while true {
            let count = pq.copyData(connection, &buffer, 0)
            if count > 0, let bytes = buffer {
                data.append(UnsafeRawPointer(bytes).assumingMemoryBound(to: UInt8.self), count: Int(count))
                pq.freeMemory(bytes)
                buffer = nil
                continue
            }
            if let bytes = buffer { pq.freeMemory(bytes) }
            // -1: the copy is done, its outcome in the next result; -2: the connection failed.
            if count == -2 { throw failure(nil, doing: "reading a table") }
            break
        }
        // The results after the copy say whether it ended well; libpq needs them all read.
        var failed: DatabaseError? = nil
        while let result = pq.nextResult(connection) {
            if pq.resultStatus(result) != LibPQ.commandOK, failed == nil { failed = failure(result, doing: "reading a table") }
            pq.clear(result)
        }
        if let failed { throw failed }
        return data
    }
}
