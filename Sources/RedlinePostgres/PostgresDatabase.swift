import Foundation
import Redline

/// PostgreSQL as the engine that runs a compiled policy (`redline run --engine postgres`):
/// one connection, one read-only repeatable-read transaction for the checks, the query and the
/// evidence records, so they all see one snapshot of a register that is being written.
public final class PostgresDatabase: SQLDatabase {
    public let dialect = SQLDialect.postgres
    public let name: String
    private let schema: String
    private let connection: PostgresConnection

    /// Connects to `url` and reads the tables of `schema`. Throws a one-line `DatabaseError`
    /// (never holding the password) when the connection fails.
    public init(url: String, schema: String = "public") throws {
        guard let pq = LibPQ.shared else {
            throw DatabaseError("running in PostgreSQL needs its client library libpq, which this system lacks (Debian: apt-get install libpq5)",
                                zh: "在 PostgreSQL 中运行需要其客户端库 libpq,本机没有(Debian:apt-get install libpq5)")
        }
        connection = try PostgresConnection(pq, url: url)
        self.schema = schema
        name = DatabaseURL.redacted(url) + " (schema \(schema))"
        try connection.execute("SET client_encoding TO 'UTF8'")
        try connection.execute("SET DateStyle TO 'ISO, YMD'")
        try connection.execute("SET lock_timeout TO '60s'")
        try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try connection.execute("SET LOCAL search_path TO \(try connection.identifier(schema))")
    }

    deinit {
        try? connection.execute("COMMIT")
        connection.close()
    }

    /// PostgreSQL's types (information_schema's names) that hold each declared type as the
    /// compiled SQL compares it. A date kept as text, say, would compare as text: the interpreter
    /// converts it when it loads the table, the SQL engine cannot.
    static let accepted: [String: Set<String>] = [
        "BIGINT": ["bigint", "integer", "smallint"],
        "DATE": ["date"],
        "BOOLEAN": ["boolean"],
        "TEXT": ["text", "character varying", "character"],
        "NUMERIC": ["numeric"],
    ]

    public func checkTables(_ tables: [(name: String, columns: [(name: String, type: String)])]) throws {
        for table in tables {
            let types = try connection.columnTypes(schema: schema, table: table.name)
            guard !types.isEmpty else { throw try connection.noSuchTable(schema: schema, table: table.name) }
            for column in table.columns {
                guard let type = types[column.name] else {
                    throw DatabaseError("the table `\(schema).\(table.name)` has no column `\(column.name)`, which the rules declare",
                                        zh: "表 `\(schema).\(table.name)` 没有规则声明的列 `\(column.name)`")
                }
                guard PostgresDatabase.accepted[column.type]?.contains(type) ?? false else {
                    let wanted = PostgresDatabase.accepted[column.type]?.sorted().first ?? column.type.lowercased()
                    throw DatabaseError("the column `\(schema).\(table.name).\(column.name)` is `\(type)` in the database, and the rules declare it as `\(wanted)`: the SQL engine compares values as stored, so convert the column, or run without --engine (the interpreter converts each value as it loads it)",
                                        zh: "数据库中的列 `\(schema).\(table.name).\(column.name)` 是 `\(type)`,规则声明为 `\(wanted)`:SQL 引擎按存储的类型比较,请转换该列,或不加 --engine 运行(解释器加载时逐值转换)")
                }
            }
        }
    }

    public func execute(_ statement: String) throws {
        try connection.execute(statement)
    }

    public func rows(_ query: String) throws -> [[String?]] {
        try connection.values(query)
    }
}
