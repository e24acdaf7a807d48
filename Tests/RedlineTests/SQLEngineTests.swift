import Foundation
import Testing
@testable import Redline
@testable import RedlinePostgres

/// `redline run --engine postgres`: the policy compiled to SQL runs inside PostgreSQL, and the
/// report is the interpreter's report of the same rows, in every format.
@Suite struct SQLEngineTests {
    /// The JSON report without what only one engine can say: the data files a load read (the
    /// engine names the database instead) and the evidence records' line numbers.
    static func comparableJSON(_ text: String) throws -> NSDictionary {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        object["data_files"] = nil
        object["database"] = nil
        let decisions = (object["decisions"] as? [[String: Any]] ?? []).map { decision -> [String: Any] in
            var decision = decision
            decision["rules"] = (decision["rules"] as? [[String: Any]] ?? []).map { rule -> [String: Any] in
                var rule = rule
                rule["evidence"] = (rule["evidence"] as? [[String: Any]])?.map { record -> [String: Any] in
                    var record = record
                    record["line"] = nil
                    return record
                }
                return rule
            }
            return decision
        }
        object["decisions"] = decisions
        return object as NSDictionary
    }

    /// The summary without its timings.
    static func untimed(_ summary: String) -> String {
        summary.split(separator: "\n").filter { !$0.contains("time:") }.joined(separator: "\n")
    }

    /// Generated registers with gaps (undetermined rules), every policy the compiler takes:
    /// table, CSV and JSON reports, and the summary, from the engine as from the interpreter
    /// reading the same tables.
    @Test(.enabled(if: PostgresSupport.available), arguments: SQLTests.policies)
    func theEngineReportsWhatTheInterpreterReports(policy: String) throws {
        let generated = try SQLSupport.generatedRegisters()
        let program = try EngineSupport.program(policy)
        let dataset = try #require(program.loadData(directory: generated).dataset)
        let folder = try SQLSupport.canonicalFolder(program, dataset)
        let schema = try PostgresSupport.copy(program, folder: folder)
        defer { PostgresSupport.drop(schema) }
        try PostgresSupport.indexReferences(program, schema: schema)
        let url = try #require(PostgresSupport.url)
        for format in ["csv", "table", "json"] {
            let arguments = ["run", policy, "--data", url, "--schema", schema, "--as-of", "2024-06-30", "--format", format]
            let interpreted = try Support.run(arguments)
            let engine = try Support.run(arguments + ["--engine", "postgres"])
            #expect(interpreted.status == 0, "\(interpreted.stderr)")
            #expect(engine.status == 0, "\(engine.stderr)")
            if format == "json" {
                #expect(try SQLEngineTests.comparableJSON(engine.stdout) == SQLEngineTests.comparableJSON(interpreted.stdout), "\(policy)")
                #expect(engine.stdout.contains("\"database\": {\"source\": \"\(DatabaseURL.redacted(url)) (schema \(schema))\""))
            } else {
                #expect(engine.stdout == interpreted.stdout, "\(policy) \(format)")
            }
            #expect(SQLEngineTests.untimed(engine.stderr) == SQLEngineTests.untimed(interpreted.stderr), "\(policy) \(format)")
            #expect(interpreted.stdout.split(separator: "\n").count > 100)
        }
    }

    /// What a load would refuse, the engine refuses too, before deciding anything: a column of
    /// another type than declared, a repeated key, a reference naming no record.
    @Test(.enabled(if: PostgresSupport.available))
    func dataTheSQLCannotTrustStopsTheRun() throws {
        let program = try EngineSupport.program("Rules/three-always.rl")
        let sample = try #require(EngineSupport.load(program, EngineSupport.sample).dataset)
        let folder = try SQLSupport.canonicalFolder(program, sample)
        let url = try #require(PostgresSupport.url)
        func run(_ schema: String) throws -> (status: Int32, stdout: String, stderr: String) {
            try Support.run(["run", "Rules/three-always.rl", "--data", url, "--schema", schema, "--as-of", "2024-06-30", "--engine", "postgres"])
        }
        let textDates = try PostgresSupport.copy(program, folder: folder, asText: ["hazards.deadline"])
        defer { PostgresSupport.drop(textDates) }
        let typed = try run(textDates)
        #expect(typed.status == 1)
        #expect(typed.stderr.contains("error: the column `\(textDates).hazards.deadline` is `text` in the database, and the rules declare it as `date`"), "\(typed.stderr)")
        #expect(typed.stdout.isEmpty)

        let broken = try PostgresSupport.copy(program, folder: folder)
        defer { PostgresSupport.drop(broken) }
        let connection = try PostgresSupport.connection()
        defer { connection.close() }
        try connection.execute("INSERT INTO \(broken).hazards (id, enterprise_id, level) VALUES ('H900', 'E404', 'major')")
        let dangling = try run(broken)
        #expect(dangling.status == 1)
        #expect(dangling.stderr == "\(DatabaseURL.redacted(url)): error: table `hazards`: `enterprise_id` names `E404`, which is no key of `enterprises`\n", "\(dangling.stderr)")
        try connection.execute("UPDATE \(broken).hazards SET id = 'H001', enterprise_id = 'E001' WHERE id = 'H900'")
        let repeated = try run(broken)
        #expect(repeated.status == 1)
        #expect(repeated.stderr.contains("error: table `hazards`: the key `id` is repeated: H001 (2 rows)"), "\(repeated.stderr)")
        try connection.execute("UPDATE \(broken).hazards SET id = NULL WHERE id = 'H001' AND level = 'major' AND found_on IS NULL")
        let keyless = try run(broken)
        #expect(keyless.stderr.contains("error: table `hazards`: 1 row has no key (`id` is empty)"), "\(keyless.stderr)")
    }

    /// A policy the compiler cannot take names the construct and says how to run it instead;
    /// `--engine postgres` needs a database and takes no --lenient.
    @Test(.enabled(if: PostgresSupport.available))
    func whatCannotRunInTheDatabaseIsNamed() throws {
        let folder = try EngineSupport.folder(["p.rl": Array("""
        table enterprises key id { id: text, county: text }
        actions flag
        rule lowered
          for e in enterprises
          when lower(e.county) == "a"
          then flag e
        """.utf8)])
        let url = try #require(PostgresSupport.url)
        let run = try Support.run(["run", folder + "/p.rl", "--data", url, "--engine", "postgres"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("rule `lowered` cannot be compiled to SQL: the function `lower` here"), "\(run.stderr)")
        #expect(run.stderr.contains("the policy cannot run inside the database; without --engine the interpreter runs it"))
        let folderData = try Support.run(["run", "Rules/three-always.rl", "--data", "Rules/sample", "--engine", "postgres"])
        #expect(folderData.status == 2)
        #expect(folderData.stderr.contains("--engine postgres runs the policy inside a database"))
        let lenient = try Support.run(["run", "Rules/three-always.rl", "--data", url, "--engine", "postgres", "--lenient"])
        #expect(lenient.status == 2)
    }
}
