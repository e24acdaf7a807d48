import Foundation
import Testing
@testable import Redline
@testable import RedlinePostgres

/// The PostgreSQL server the tests use: Scripts/postgres-start starts it (Scripts/test does, and
/// sets REDLINE_REQUIRE_SYSTEMS=1 so that a missing server fails the run instead of skipping).
enum PostgresSupport {
    static let environment = ProcessInfo.processInfo.environment
    /// Over the local socket, trusted.
    static let url = environment["REDLINE_TEST_PG"]
    /// Over TCP, password required.
    static let tcpURL = environment["REDLINE_TEST_PG_TCP"]
    static var available: Bool { url != nil && LibPQ.shared != nil }

    static func connection() throws -> PostgresConnection {
        guard let pq = LibPQ.shared, let url else { throw DatabaseError("no test server", zh: "没有测试服务器") }
        return try PostgresConnection(pq, url: url)
    }

    /// A new schema holding each declared table's CSV file from `folder`, with columns typed as
    /// declared (or as text, for the columns named in `asText`, so that bad values can be stored).
    static func copy(_ program: Program, folder: String, asText: Set<String> = []) throws -> String {
        let schema = "t_" + UUID().uuidString.prefix(8).lowercased()
        let connection = try connection()
        defer { connection.close() }
        try connection.execute("CREATE SCHEMA \(schema)")
        for table in program.checked.schema.tables {
            let text = try String(contentsOfFile: folder + "/\(table.name).csv", encoding: .utf8)
            var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            let header = DatabaseTableAsCSV.fields(lines.removeFirst()).map(\.text)
            let columns = try header.map { name -> String in
                let declared = table.columns.first { $0.name == name }
                let type: String
                switch declared?.type {
                case .int?: type = "bigint"
                case .decimal?: type = "numeric"
                case .bool?: type = "boolean"
                case .date?: type = "date"
                default: type = "text"
                }
                return "\(try connection.identifier(name)) \(asText.contains("\(table.name).\(name)") ? "text" : type)"
            }
            let booleans = Set(header.indices.filter { index in
                !asText.contains("\(table.name).\(header[index])") && table.columns.first { $0.name == header[index] }?.type == .bool
            })
            try connection.execute("CREATE TABLE \(schema).\(try connection.identifier(table.name)) (\(columns.joined(separator: ", ")))")
            var start = 0
            while start < lines.count {
                let rows = try lines[start..<min(start + 500, lines.count)].map { line in
                    let cells = try DatabaseTableAsCSV.fields(line).enumerated().map { index, field -> String in
                        guard !field.text.isEmpty else { return "NULL" }
                        // Redline's spellings of a boolean (是, 1, yes) as PostgreSQL's.
                        if booleans.contains(index), let value = Array(field.text.utf8).withUnsafeBufferPointer(FieldParsing.bool) {
                            return value ? "true" : "false"
                        }
                        return try connection.literal(field.text)
                    }
                    return "(" + cells.joined(separator: ", ") + ")"
                }
                try connection.execute("INSERT INTO \(schema).\(try connection.identifier(table.name)) VALUES \(rows.joined(separator: ", "))")
                start += 500
            }
        }
        return schema
    }

    /// A unique index on each key and an index on each reference column, as a register keeps for
    /// its primary and foreign keys: the compiled SQL looks up each subject's referencing rows and
    /// the record a reference names.
    static func indexReferences(_ program: Program, schema: String) throws {
        let connection = try connection()
        defer { connection.close() }
        for table in program.checked.schema.tables {
            try connection.execute("CREATE UNIQUE INDEX ON \(schema).\(try connection.identifier(table.name)) (\(try connection.identifier(table.columns[table.keyColumn].name)))")
            for column in table.columns where column.target != nil {
                try connection.execute("CREATE INDEX ON \(schema).\(try connection.identifier(table.name)) (\(try connection.identifier(column.name)))")
            }
            try connection.execute("ANALYZE \(schema).\(try connection.identifier(table.name))")
        }
    }

    static func drop(_ schema: String) {
        guard let connection = try? connection() else { return }
        try? connection.execute("DROP SCHEMA \(schema) CASCADE")
        connection.close()
    }

    static func report(_ program: Program, _ dataset: Dataset) -> String {
        ReportWriter(program: program, dataset: dataset).render(program.run(on: dataset, asOf: EngineSupport.asOf), as: .csv)
    }

    static func options(schema: String) -> LoadOptions {
        var options = LoadOptions(calendarPath: Support.root.appendingPathComponent(EngineSupport.calendar).path)
        options.databaseReader = PostgresReader.reader(schema: schema)
        return options
    }
}

@Suite struct PostgresTests {
    /// Scripts/test promises these tests run: without a server (or DuckDB, for SQLTests) they
    /// fail there, not skip.
    @Test func theSystemsAreThereWhenTheTestScriptPromisesThem() {
        if PostgresSupport.environment["REDLINE_REQUIRE_SYSTEMS"] == "1" {
            #expect(PostgresSupport.available, "REDLINE_TEST_PG is not set or libpq is missing: run Scripts/postgres-start")
            #expect(SQLSupport.duckdbAvailable, "Python's duckdb is missing: pip install duckdb")
            #expect(SQLSupport.sparkAvailable, "pyspark or Java is missing: pip install pyspark, apt-get install openjdk-17-jre-headless")
        }
    }

    @Test func aURLIsShownWithoutItsPassword() {
        #expect(DatabaseURL.redacted("postgresql://ann:s3cr3t@db.example:5432/regs") == "postgresql://ann@db.example:5432/regs")
        #expect(DatabaseURL.redacted("postgres://ann:p@ss@db/regs?sslmode=require&password=x1&application_name=a")
                == "postgres://ann@db/regs?sslmode=require&application_name=a")
        #expect(DatabaseURL.redacted("postgresql://ann@db/regs") == "postgresql://ann@db/regs")
        #expect(DatabaseURL.redacted("postgresql:///regs?host=/tmp") == "postgresql:///regs?host=/tmp")
        #expect(DatabaseURL.isDatabase("PostgreSQL://x/y") && DatabaseURL.isDatabase("postgres://x") && !DatabaseURL.isDatabase("Rules/sample"))
        #expect(PostgresConnection.passwords(in: "postgresql://ann:p%40ss@db/regs?password=two") == ["p%40ss", "p@ss", "two"])
    }

    @Test func aHostWithoutADatabaseReaderIsToldSo() throws {
        let program = try EngineSupport.program("Rules/three-always.rl")
        let loaded = program.loadData(directory: "postgresql://ann:secret@db/regs")
        #expect(loaded.dataset == nil)
        #expect(loaded.diagnostics.first?.message.contains("`postgresql://ann@db/regs` is a database, and this program reads none") == true)
        #expect(!DiagnosticRenderer.text(loaded.diagnostics).contains("secret"))
    }

    @Test(.enabled(if: PostgresSupport.available), arguments: ["Rules/three-always.rl", "Rules/rectification-ledger.rl", "Rules/三个一律.rl"])
    func aPolicyDecidesFromPostgreSQLAsFromCSV(policy: String) throws {
        let program = try EngineSupport.program(policy)
        let folder = Support.root.appendingPathComponent(EngineSupport.sample).path
        let schema = try PostgresSupport.copy(program, folder: folder)
        defer { PostgresSupport.drop(schema) }
        let url = try #require(PostgresSupport.url)
        let fromDatabase = program.loadData(directory: url, options: PostgresSupport.options(schema: schema))
        let database = try #require(fromDatabase.dataset, "\(DiagnosticRenderer.text(fromDatabase.diagnostics))")
        let csv = try #require(EngineSupport.load(program, EngineSupport.sample).dataset)
        #expect(PostgresSupport.report(program, database) == PostgresSupport.report(program, csv))
        #expect(database.files.allSatisfy { $0.encoding == "database" && $0.path.hasSuffix(" \(schema).\($0.table)") })
        #expect(database.files.map(\.rows) == csv.files.map(\.rows))
    }

    /// Register-order data at 20,000 enterprises: every decision, rule and evidence list the
    /// same from the database as from the CSV files.
    @Test(.enabled(if: PostgresSupport.available))
    func generatedRegistersDecideFromPostgreSQLAsFromCSV() throws {
        let folder = try EngineSupport.folder([:])
        let generator = Process()
        generator.executableURL = Support.redlineBinary.deletingLastPathComponent().appendingPathComponent("redline-gen")
        generator.arguments = ["--enterprises", "20000", "--seed", "7", "--out", folder]
        try generator.run()
        generator.waitUntilExit()
        #expect(generator.terminationStatus == 0)
        let program = try EngineSupport.program("Rules/three-always.rl")
        let schema = try PostgresSupport.copy(program, folder: folder)
        defer { PostgresSupport.drop(schema) }
        var options = PostgresSupport.options(schema: schema)
        options.calendarPath = nil
        let url = try #require(PostgresSupport.url)
        let database = try #require(program.loadData(directory: url, options: options).dataset)
        let csv = try #require(program.loadData(directory: folder).dataset)
        #expect(database.rowCount(of: "hazards") == csv.rowCount(of: "hazards"))
        #expect(csv.rowCount(of: "hazards") ?? 0 > 20_000)
        let report = PostgresSupport.report(program, database)
        #expect(report == PostgresSupport.report(program, csv))
        #expect(report.split(separator: "\n").count > 1000)
    }

    /// A bad value stored in the database is reported as a bad CSV cell is, naming the table,
    /// the row's key and the column; the CLI exits 1 with the URL shown without its password.
    @Test(.enabled(if: PostgresSupport.available))
    func aBadValueInTheDatabaseIsReportedLikeABadCell() throws {
        let program = try EngineSupport.program("Rules/three-always.rl")
        let folder = try EngineSupport.folder(try EngineSupport.sampleFiles().mapValues { [UInt8]($0.utf8) })
        let hazards = folder + "/hazards.csv"
        var text = try String(contentsOfFile: hazards, encoding: .utf8)
        text = text.replacingOccurrences(of: "H002,E002,major,顶板管理,2024-04-10,2024-06-01", with: "H002,E002,major,顶板管理,2024-04-10,2024-13-01")
        try text.write(toFile: hazards, atomically: true, encoding: .utf8)
        let schema = try PostgresSupport.copy(program, folder: folder, asText: ["hazards.deadline"])
        defer { PostgresSupport.drop(schema) }
        let url = try #require(PostgresSupport.url)
        let run = try Support.run(["run", "Rules/three-always.rl", "--data", url, "--schema", schema, "--as-of", "2024-06-30"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("`2024-13-01` in column `deadline` is not a date"))
        #expect(run.stderr.contains("(table `\(schema).hazards`, key `H002`, column `deadline`)"), "\(run.stderr)")
        #expect(run.stderr.contains("\(DatabaseURL.redacted(url)) \(schema).hazards:2:6: error:"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        // With --lenient the row is skipped and the rest decided.
        let lenient = try Support.run(["run", "Rules/three-always.rl", "--data", url, "--schema", schema, "--as-of", "2024-06-30", "--lenient", "--format", "csv"])
        #expect(lenient.status == 0)
        #expect(lenient.stderr.contains("warning: skipped:"))
        #expect(lenient.stdout.contains("E001"))
    }

    @Test(.enabled(if: PostgresSupport.available))
    func aMissingTableNamesWhatTheSchemaHas() throws {
        let program = try EngineSupport.program("Rules/three-always.rl")
        let schema = try PostgresSupport.copy(program, folder: Support.root.appendingPathComponent(EngineSupport.sample).path)
        defer { PostgresSupport.drop(schema) }
        let connection = try PostgresSupport.connection()
        try connection.execute("DROP TABLE \(schema).orders")
        connection.close()
        let url = try #require(PostgresSupport.url)
        let run = try Support.run(["run", "Rules/three-always.rl", "--data", url, "--schema", schema])
        #expect(run.status == 1)
        #expect(run.stderr.contains("error: the database has no table `\(schema).orders`, which the rules declare; it has `enterprises`, `hazards`, `inspections`"), "\(run.stderr)")
        let none = try Support.run(["run", "Rules/three-always.rl", "--data", url, "--schema", "no_such_schema"])
        #expect(none.status == 1)
        #expect(none.stderr.contains("it has no tables (is the schema right? --schema chooses it)"))
    }

    /// A wrong password and a server that is not there: one clear line, exit 1, and the
    /// password never printed.
    @Test(.enabled(if: PostgresSupport.available))
    func connectionFailuresAreOneLineWithoutThePassword() throws {
        let tcp = try #require(PostgresSupport.tcpURL)
        let wrong = tcp.replacingOccurrences(of: "postgresql://redline@", with: "postgresql://redline:Wrong-Secret-42@")
        for url in [wrong, "postgresql://redline:Wrong-Secret-42@127.0.0.1:1/redline_test"] {
            let run = try Support.run(["run", "Rules/three-always.rl", "--data", url])
            #expect(run.status == 1)
            #expect(!run.stderr.contains("Wrong-Secret-42"))
            let first = try #require(run.stderr.split(separator: "\n").first)
            #expect(first.hasPrefix("\(DatabaseURL.redacted(url)): error: cannot connect: "), "\(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        }
        let auth = try Support.run(["run", "Rules/three-always.rl", "--data", wrong])
        #expect(auth.stderr.contains("password authentication failed for user \"redline\""), "\(auth.stderr)")
        // The right password over TCP reads the tables.
        let program = try EngineSupport.program("Rules/three-always.rl")
        let schema = try PostgresSupport.copy(program, folder: Support.root.appendingPathComponent(EngineSupport.sample).path)
        defer { PostgresSupport.drop(schema) }
        let right = tcp.replacingOccurrences(of: "postgresql://redline@", with: "postgresql://redline:redline-test-secret@")
        let run = try Support.run(["run", "Rules/three-always.rl", "--data", right, "--schema", schema, "--as-of", "2024-06-30", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.contains("redline-test-secret") && !run.stderr.contains("redline-test-secret"))
        #expect(run.stdout.contains("\"path\": \"\(DatabaseURL.redacted(right)) \(schema).hazards\", \"table\": \"hazards\", \"encoding\": \"database\""),
                "\(run.stdout.prefix(2000))")
    }

    /// `query`, `explain` and the REPL take the same URL.
    @Test(.enabled(if: PostgresSupport.available))
    func queryExplainAndTheREPLReadPostgreSQL() throws {
        let program = try EngineSupport.program("Rules/three-always.rl")
        let schema = try PostgresSupport.copy(program, folder: Support.root.appendingPathComponent(EngineSupport.sample).path)
        defer { PostgresSupport.drop(schema) }
        let url = try #require(PostgresSupport.url)
        let query = "from h in hazards where h.level == \"major\" group by h.enterprise.county select county: h.enterprise.county, n: count sort by county"
        let fromCSV = try Support.run(["query", "--data", "Rules/sample", "Rules/three-always.rl", "--format", "csv", query])
        let fromDatabase = try Support.run(["query", "--data", url, "--schema", schema, "Rules/three-always.rl", "--format", "csv", query])
        #expect(fromDatabase.status == 0, "\(fromDatabase.stderr)")
        #expect(fromDatabase.stdout == fromCSV.stdout)
        #expect(fromCSV.stdout.split(separator: "\n").count > 2)
        let explainCSV = try Support.run(["explain", "Rules/three-always.rl", "--data", "Rules/sample", "--as-of", "2024-06-30", "E002"])
        let explainDatabase = try Support.run(["explain", "Rules/three-always.rl", "--data", url, "--schema", schema, "--as-of", "2024-06-30", "E002"])
        #expect(explainDatabase.status == 0, "\(explainDatabase.stderr)")
        #expect(explainDatabase.stdout == explainCSV.stdout)
        let repl = try Support.run(["repl", "--data", url, "--schema", schema, "--as-of", "2024-06-30", "Rules/three-always.rl"],
                                   stdin: "from h in hazards where h.level == \"major\" select h.id\n")
        #expect(repl.status == 0, "\(repl.stderr)")
        #expect(repl.stdout.contains("H001\nH002\n"), "\(repl.stdout)")
    }
}
