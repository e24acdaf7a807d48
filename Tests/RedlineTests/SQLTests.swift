import Foundation
import Testing
@testable import Redline
@testable import RedlinePostgres

/// Differential tests of `redline sql`: the compiled script, run in DuckDB and in PostgreSQL over
/// the same rows the interpreter loaded, gives exactly the interpreter's CSV report.
enum SQLSupport {
    /// Each table as the interpreter read it, written back as plain CSV (ISO dates, true/false,
    /// missing as an empty field): the systems then hold exactly the values `run` decided on.
    static func canonicalFolder(_ program: Program, _ dataset: Dataset) throws -> String {
        let folder = try EngineSupport.folder([:])
        for (index, table) in program.checked.schema.tables.enumerated() {
            let data = dataset.tables[index]
            var bytes: [UInt8] = []
            let header = table.columns.map(\.name)
            for (n, name) in header.enumerated() {
                if n > 0 { bytes.append(0x2C) }
                CSVText.appendField(name, to: &bytes, raw: true)
            }
            bytes.append(0x0A)
            for row in 0..<data.rowCount {
                for column in table.columns.indices {
                    if column > 0 { bytes.append(0x2C) }
                    let value = data.columns[column].value(row)
                    if !value.isMissing {
                        let text = value.display
                        bytes.append(contentsOf: Array("\"".utf8) + Array(text.replacingOccurrences(of: "\"", with: "\"\"").utf8) + Array("\"".utf8))
                    }
                }
                bytes.append(0x0A)
            }
            try Data(bytes).write(to: URL(fileURLWithPath: folder + "/\(table.name).csv"))
        }
        return folder
    }

    /// Empties a column's field in every `n`th row of a CSV file (fields hold no commas here).
    static func blank(_ path: String, columns: [String: Int]) throws {
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        for index in 1..<lines.count {
            var fields = lines[index].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for (column, every) in columns {
                if let position = header.firstIndex(of: column), index % every == 0, position < fields.count { fields[position] = "" }
            }
            lines[index] = fields.joined(separator: ",")
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func duckdbType(_ type: RType) -> String {
        switch type {
        case .int: return "BIGINT"
        case .decimal: return "DECIMAL(38,18)"
        case .bool: return "BOOLEAN"
        case .date: return "DATE"
        default: return "VARCHAR"
        }
    }

    /// Rows of CSV text (no field holds a line break in these reports).
    static func rows(_ csv: String) -> [[String]] {
        csv.split(separator: "\n", omittingEmptySubsequences: true).map { DatabaseTableAsCSV.fields(String($0)).map(\.text) }
    }

    static var duckdbAvailable: Bool {
        (try? Support.run(["python3", "-c", "import duckdb"], executable: URL(fileURLWithPath: "/usr/bin/env")))?.status == 0
    }

    /// The compiled script's rows in DuckDB, over the canonical CSV files.
    static func duckdb(_ program: Program, _ folder: String, script: String) throws -> [[String]] {
        var types: [String: [[String]]] = [:]
        for table in program.checked.schema.tables { types[table.name] = table.columns.map { [$0.name, duckdbType($0.type)] } }
        let typesPath = folder + "/types.json", scriptPath = folder + "/script.sql"
        try JSONSerialization.data(withJSONObject: types).write(to: URL(fileURLWithPath: typesPath))
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let driver = Support.fixtures.appendingPathComponent("sql/run_duckdb.py").path
        let run = try Support.run(["python3", driver, folder, typesPath, scriptPath], executable: URL(fileURLWithPath: "/usr/bin/env"))
        guard run.status == 0 else { throw DatabaseError("DuckDB failed: \(run.stderr)", zh: "DuckDB 失败") }
        return rows(run.stdout)
    }

    /// The compiled script's rows in PostgreSQL, over the same rows copied into a new schema.
    static func postgres(_ program: Program, _ folder: String, compiled: SQLCompilation) throws -> [[String]] {
        let schema = try PostgresSupport.copy(program, folder: folder)
        defer { PostgresSupport.drop(schema) }
        try PostgresSupport.indexReferences(program, schema: schema)
        let connection = try PostgresSupport.connection()
        defer { connection.close() }
        try connection.execute("SET search_path TO \(schema)")
        for setting in compiled.settings { try connection.execute(setting) }
        let query = try #require(compiled.query)
        let csv = try connection.copyOut("COPY (\(query)\n) TO STDOUT WITH (FORMAT csv, HEADER true)")
        return rows(String(decoding: csv, as: UTF8.self))
    }

    static var sparkAvailable: Bool {
        (try? Support.run(["python3", "-c", "import pyspark"], executable: URL(fileURLWithPath: "/usr/bin/env")))?.status == 0
            && (try? Support.run(["java", "-version"], executable: URL(fileURLWithPath: "/usr/bin/env")))?.status == 0
    }

    /// A script to run in Spark, the folder it reads, and the file its decisions go to.
    struct SparkJob: Codable {
        let script: String
        let data: String
        let out: String
        /// Read the tables from Parquet folders written from `data` first.
        var parquet = false
        /// Write the decisions with Spark's CSV writer (the driver's --output) and join its parts.
        var folder = false
    }

    /// Runs every job in one Spark session (local[2]) through Scripts/redline-spark.py's own code;
    /// returns each job's printed output, or its error.
    static func spark(_ jobs: [SparkJob]) throws -> [Result<String, DatabaseError>] {
        let folder = try EngineSupport.folder([:])
        let jobsPath = folder + "/jobs.json"
        try JSONEncoder().encode(jobs).write(to: URL(fileURLWithPath: jobsPath))
        let driver = Support.fixtures.appendingPathComponent("sql/run_spark.py").path
        let run = try Support.run(["python3", driver, jobsPath], executable: URL(fileURLWithPath: "/usr/bin/env"))
        guard run.status == 0 else { throw DatabaseError("Spark failed: \(run.stderr.suffix(2000))", zh: "Spark 失败") }
        return jobs.map { job in
            if let error = try? String(contentsOfFile: job.out + ".err", encoding: .utf8) { return .failure(DatabaseError(error, zh: error)) }
            return Result { try String(contentsOfFile: job.out, encoding: .utf8) }.mapError { DatabaseError("\($0)", zh: "\($0)") }
        }
    }

    /// Register-order data at 20,000 enterprises (about 100,000 hazards) with gaps: some dates,
    /// flags, levels and kinds blanked, so that rules come out undetermined.
    static func generatedRegisters() throws -> String {
        let generated = try EngineSupport.folder([:])
        let generator = Process()
        generator.executableURL = Support.redlineBinary.deletingLastPathComponent().appendingPathComponent("redline-gen")
        generator.arguments = ["--enterprises", "20000", "--seed", "11", "--out", generated]
        try generator.run()
        generator.waitUntilExit()
        guard generator.terminationStatus == 0 else { throw DatabaseError("redline-gen failed", zh: "redline-gen 失败") }
        try blank(generated + "/hazards.csv", columns: ["deadline": 53, "found_on": 71, "rectified_on": 7, "level": 89])
        try blank(generated + "/inspections.csv", columns: ["date": 61, "producing": 43])
        try blank(generated + "/orders.csv", columns: ["issued_on": 67, "kind": 97])
        return generated
    }

    static func interpreter(_ program: Program, _ dataset: Dataset, asOf: CalendarDate) -> [[String]] {
        ReportWriter(program: program, dataset: dataset).reportRows(program.run(on: dataset, asOf: asOf))
    }
}

@Suite struct SQLTests {
    static let policies = ["Rules/three-always.rl", "Rules/rectification-ledger.rl", "Rules/三个一律.rl", "Tests/Fixtures/sql/constructs.rl"]

    @Test(.enabled(if: SQLSupport.duckdbAvailable), arguments: SQLTests.policies)
    func duckDBDecidesAsTheInterpreterOnTheSample(policy: String) throws {
        let program = try EngineSupport.program(policy)
        let dataset = try #require(EngineSupport.load(program, EngineSupport.sample).dataset)
        let folder = try SQLSupport.canonicalFolder(program, dataset)
        for date in ["2024-06-30", "2024-05-15", "2025-01-01"] {
            let asOf = try #require(CalendarDate(iso: date))
            let calendar = dataset.calendar
            let compiled = program.compileSQL(dialect: .duckdb, asOf: asOf, calendar: calendar)
            let script = try #require(compiled.sql, "\(DiagnosticRenderer.text(compiled.diagnostics))")
            let expected = SQLSupport.interpreter(program, dataset, asOf: asOf)
            let actual = try SQLSupport.duckdb(program, folder, script: script)
            #expect(actual == expected, "as of \(date)")
            #expect(expected.count > 3)
        }
    }

    /// Register-order data at 20,000 enterprises (about 100,000 hazards, with missing cells):
    /// every policy, in DuckDB and PostgreSQL, row for row the interpreter's report.
    @Test(.enabled(if: SQLSupport.duckdbAvailable && PostgresSupport.available), arguments: SQLTests.policies)
    func generatedRegistersDecideAsTheInterpreter(policy: String) throws {
        let generated = try SQLSupport.generatedRegisters()
        let program = try EngineSupport.program(policy)
        let dataset = try #require(program.loadData(directory: generated).dataset)
        let folder = try SQLSupport.canonicalFolder(program, dataset)
        let asOf = EngineSupport.asOf
        let expected = SQLSupport.interpreter(program, dataset, asOf: asOf)
        #expect(expected.count > 1000)
        #expect(expected.contains { $0.contains("undetermined") })
        let duckdb = program.compileSQL(dialect: .duckdb, asOf: asOf, calendar: dataset.calendar)
        let fromDuckDB = try SQLSupport.duckdb(program, folder, script: try #require(duckdb.sql))
        #expect(fromDuckDB.count == expected.count)
        #expect(fromDuckDB == expected)
        let postgres = program.compileSQL(dialect: .postgres, asOf: asOf, calendar: dataset.calendar)
        let fromPostgres = try SQLSupport.postgres(program, folder, compiled: postgres)
        #expect(fromPostgres.count == expected.count)
        #expect(fromPostgres == expected)
        if fromDuckDB != expected, let first = zip(fromDuckDB, expected).first(where: { $0 != $1 }) {
            Issue.record("first difference: DuckDB \(first.0) interpreter \(first.1)")
        }
    }

    /// The command end to end: `redline sql` run in DuckDB prints, byte for byte, what
    /// `redline run --format csv` prints.
    @Test(.enabled(if: SQLSupport.duckdbAvailable))
    func theSQLCommandsScriptPrintsTheRunReport() throws {
        let program = try EngineSupport.program("Rules/three-always.rl")
        let dataset = try #require(program.loadData(directory: Support.root.appendingPathComponent("Rules/sample").path).dataset)
        let folder = try SQLSupport.canonicalFolder(program, dataset)
        let compiled = try Support.run(["sql", "Rules/three-always.rl", "--dialect", "duckdb", "--as-of", "2024-06-30", "--output", folder + "/script.sql"])
        #expect(compiled.status == 0, "\(compiled.stderr)")
        var types: [String: [[String]]] = [:]
        for table in program.checked.schema.tables { types[table.name] = table.columns.map { [$0.name, SQLSupport.duckdbType($0.type)] } }
        try JSONSerialization.data(withJSONObject: types).write(to: URL(fileURLWithPath: folder + "/types.json"))
        let driver = Support.fixtures.appendingPathComponent("sql/run_duckdb.py").path
        let fromSQL = try Support.run(["python3", driver, folder, folder + "/types.json", folder + "/script.sql"], executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(fromSQL.status == 0, "\(fromSQL.stderr)")
        let run = try Support.run(["run", "Rules/three-always.rl", "--data", "Rules/sample", "--as-of", "2024-06-30", "--format", "csv"])
        #expect(fromSQL.stdout == run.stdout)
        #expect(run.stdout.contains("undetermined") && run.stdout.contains("\"阳泉市\"\"金石\"\"化工有限公司,二厂\""))
    }

    /// What cannot be compiled is an error at compile time naming the rule and the construct,
    /// never SQL that decides differently.
    /// Spark (local[2], through the shipped driver Scripts/redline-spark.py): every policy on the
    /// sample as of three dates and on the generated registers, row for row the interpreter's
    /// report; and the driver's output byte for byte what `redline run --format csv` prints.
    @Test(.enabled(if: SQLSupport.sparkAvailable))
    func sparkDecidesAsTheInterpreter() throws {
        let generated = try SQLSupport.generatedRegisters()
        var jobs: [SQLSupport.SparkJob] = []
        var expected: [[[String]]] = []
        var names: [String] = []
        for policy in SQLTests.policies {
            let program = try EngineSupport.program(policy)
            for (data, dates) in [(EngineSupport.sample, ["2024-06-30", "2024-05-15", "2025-01-01"]), (generated, ["2024-06-30"])] {
                let dataset = try #require(program.loadData(directory: data.hasPrefix("/") ? data : Support.root.appendingPathComponent(data).path).dataset)
                let folder = try SQLSupport.canonicalFolder(program, dataset)
                for date in dates {
                    let asOf = try #require(CalendarDate(iso: date))
                    let compiled = program.compileSQL(dialect: .spark, asOf: asOf, calendar: dataset.calendar)
                    let script = try #require(compiled.sql, "\(DiagnosticRenderer.text(compiled.diagnostics))")
                    let path = folder + "/script-\(date).sql"
                    try script.write(toFile: path, atomically: true, encoding: .utf8)
                    jobs.append(SQLSupport.SparkJob(script: path, data: folder, out: folder + "/out-\(date).csv"))
                    expected.append(SQLSupport.interpreter(program, dataset, asOf: asOf))
                    names.append("\(policy) on \(data == generated ? "generated registers" : data) as of \(date)")
                }
            }
        }
        // The command end to end: the script `redline sql` writes, printed by the driver.
        let program = try EngineSupport.program("Rules/three-always.rl")
        let sample = try #require(program.loadData(directory: Support.root.appendingPathComponent("Rules/sample").path).dataset)
        let canonical = try SQLSupport.canonicalFolder(program, sample)
        let compiled = try Support.run(["sql", "Rules/three-always.rl", "--dialect", "spark", "--as-of", "2024-06-30", "--output", canonical + "/cli.sql"])
        #expect(compiled.status == 0, "\(compiled.stderr)")
        jobs.append(SQLSupport.SparkJob(script: canonical + "/cli.sql", data: canonical, out: canonical + "/cli.csv"))
        // The same from Parquet folders, and written as part files by the executors.
        jobs.append(SQLSupport.SparkJob(script: canonical + "/cli.sql", data: canonical, out: canonical + "/parquet.csv", parquet: true, folder: true))
        // What a load refuses stops the run: a reference naming no row, a repeated key.
        let dangling = try SQLSupport.canonicalFolder(program, sample)
        try (try String(contentsOfFile: dangling + "/hazards.csv", encoding: .utf8) + "\"H900\",\"E404\",\"major\",,,,,\n")
            .write(toFile: dangling + "/hazards.csv", atomically: true, encoding: .utf8)
        jobs.append(SQLSupport.SparkJob(script: canonical + "/cli.sql", data: dangling, out: dangling + "/out.csv"))
        let repeated = try SQLSupport.canonicalFolder(program, sample)
        try (try String(contentsOfFile: repeated + "/orders.csv", encoding: .utf8) + "\"O001\",\"E001\",\"close\",\"2024-01-01\"\n")
            .write(toFile: repeated + "/orders.csv", atomically: true, encoding: .utf8)
        jobs.append(SQLSupport.SparkJob(script: canonical + "/cli.sql", data: repeated, out: repeated + "/out.csv"))
        let results = try SQLSupport.spark(jobs)
        for (index, name) in names.enumerated() {
            switch results[index] {
            case .success(let output):
                let rows = SQLSupport.rows(output)
                #expect(rows.count == expected[index].count, "\(name)")
                #expect(rows == expected[index], "\(name)")
                if rows != expected[index], let first = zip(rows, expected[index]).first(where: { $0 != $1 }) {
                    Issue.record("\(name): first difference: Spark \(first.0) interpreter \(first.1)")
                }
            case .failure(let error):
                Issue.record("\(name): \(error.en)")
            }
        }
        let run = try Support.run(["run", "Rules/three-always.rl", "--data", "Rules/sample", "--as-of", "2024-06-30", "--format", "csv"])
        #expect(try results[names.count].get() == run.stdout)
        let fromParts = SQLSupport.rows(try results[names.count + 1].get())
        #expect(fromParts == SQLSupport.rows(run.stdout))
        #expect(fromParts.count > 3)
        #expect(throws: DatabaseError.self) { try results[names.count + 2].get() }
        if case .failure(let error) = results[names.count + 2] {
            #expect(error.en == "table `hazards`: `enterprise_id` names E404, which name no row of `enterprises`\n")
        }
        if case .failure(let error) = results[names.count + 3] {
            #expect(error.en == "table `orders`: the key `id` is repeated: O001\n")
        } else {
            Issue.record("a repeated key was not refused")
        }
    }

    @Test func whatCannotBeCompiledIsNamed() throws {
        let rules = """
        table enterprises key id { id: text, county: text, employees: int, score: decimal }
        table hazards key id { id: text, enterprise_id: text -> enterprises, level: text, found_on: date }
        actions flag
        rule county_flag
          for h in hazards
          when lower(h.enterprise.county) == "小店区"
          then flag h
        rule staff
          for e in enterprises
          when (sum e.score * 2 for h in e.hazards) > 3.5
          then flag e
        rule later
          for h in hazards
          when h.found_on + 3 workdays < today
          then flag h
        """
        let program = Program.compile([RuleSource(name: "unsupported.rl", bytes: Array(rules.utf8))])
        #expect(!program.hasErrors, "\(DiagnosticRenderer.text(program.diagnostics))")
        for dialect in SQLDialect.allCases {
            let compiled = program.compileSQL(dialect: dialect, asOf: EngineSupport.asOf)
            #expect(compiled.sql == nil)
            let text = DiagnosticRenderer.text(compiled.diagnostics)
            #expect(text.contains("unsupported.rl:6:8: error: rule `county_flag` cannot be compiled to SQL: the function `lower` here"), "\(text)")
            #expect(text.contains("rule `staff` cannot be compiled to SQL: comparing decimal with decimal"), "\(text)")
            #expect(text.contains("rule `later` cannot be compiled to SQL: working days counted from a date that differs by row"), "\(text)")
        }
        let cli = try Support.run(["sql", "Rules/three-always.rl", "--dialect", "oracle"])
        #expect(cli.status == 2)
        #expect(cli.stderr.contains("--dialect must be duckdb, postgres or spark"))
    }

    @Test(.enabled(if: PostgresSupport.available), arguments: SQLTests.policies)
    func postgreSQLDecidesAsTheInterpreterOnTheSample(policy: String) throws {
        let program = try EngineSupport.program(policy)
        let dataset = try #require(EngineSupport.load(program, EngineSupport.sample).dataset)
        let folder = try SQLSupport.canonicalFolder(program, dataset)
        for date in ["2024-06-30", "2024-05-15", "2025-01-01"] {
            let asOf = try #require(CalendarDate(iso: date))
            let compiled = program.compileSQL(dialect: .postgres, asOf: asOf, calendar: dataset.calendar)
            _ = try #require(compiled.sql, "\(DiagnosticRenderer.text(compiled.diagnostics))")
            #expect(try SQLSupport.postgres(program, folder, compiled: compiled) == SQLSupport.interpreter(program, dataset, asOf: asOf), "as of \(date)")
        }
    }
}
