import ArgumentParser
import Foundation
import Redline

/// `redline sql RULES... --dialect duckdb|postgres|spark [--as-of DATE]`: the policy as one SQL script
/// whose rows are the CSV report `redline run` prints.
struct SQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Compile the rules to one SQL query giving the decisions `run --format csv` gives.",
        discussion: """
        The query reads tables with the declared names and columns (text, bigint, numeric, boolean,
        date) and gives subject, label, action, rule, evidence and message, in the report's order.
        `today` is the --as-of date, folded into the query with the working days counted from it.
        A construct that cannot be compiled is an error naming the rule and the construct.
        Spark: Scripts/redline-spark.py SCRIPT --data DIR runs the script over CSV or Parquet tables.
        Example: redline sql Rules/three-always.rl --dialect duckdb --as-of 2024-06-30 > decisions.sql
        """
    )

    @Argument(help: "The rule files.")
    var rules: [String]

    @Option(help: "The SQL system: duckdb, postgres or spark.")
    var dialect: String

    @Option(name: .customLong("as-of"), help: "The date `today` stands for (YYYY-MM-DD; default: the current date).")
    var asOf: String?

    @Option(help: "Write the script to this file instead of standard output.")
    var output: String?

    @OptionGroup var calendarOption: CalendarOption

    @OptionGroup var diagnosticOptions: DiagnosticOptions

    func validate() throws {
        if SQLDialect(rawValue: dialect) == nil { throw ValidationError("--dialect must be duckdb, postgres or spark") }
        if rules.isEmpty { throw ValidationError("give the rule files to compile") }
    }

    func run() throws {
        let date = try Output.parseDate(asOf, option: "--as-of")
        let language = diagnosticOptions.language
        let program = Program.compile(try Output.readRuleFiles(rules))
        if program.hasErrors {
            Output.error(DiagnosticRenderer.text(program.diagnostics, language: language))
            throw ExitCode(1)
        }
        let calendar = try calendarOption.resolve(language: language)
        let compiled = program.compileSQL(dialect: SQLDialect(rawValue: dialect) ?? .duckdb, asOf: date, calendar: calendar, ruleFiles: rules)
        guard let sql = compiled.sql else {
            Output.error(DiagnosticRenderer.text(compiled.diagnostics, language: language))
            throw ExitCode(1)
        }
        if let output {
            var parts = [Array(sql.utf8)]
            try Output.writeAtomically(parts: &parts, to: output, reads: rules)
        } else {
            Output.write(sql)
        }
    }
}
