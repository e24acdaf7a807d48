import ArgumentParser
import Foundation
import Redline

/// `redline query --data DIR [RULES...] 'QUERY'`: one exploratory query over the tables.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run one query over the data: from h in hazards where … group by … select … sort by … limit N.",
        discussion: """
        Example: major hazards still open in coal mines, by county, largest count first:
          redline query --data Rules/sample Rules/three-always.rl --as-of 2024-06-30 \\
            'from h in hazards where h.level == "major" and unrectified(h, today) and h.enterprise.industry == "coal"
             group by h.enterprise.county select county: h.enterprise.county, open: count sort by open desc'
        """
    )

    @Argument(help: "Rule files whose tables and definitions the query uses, then the query.")
    var arguments: [String]

    @OptionGroup var data: DataOptions

    @Option(help: "Output format: table, csv or json.")
    var format: String = "table"

    @Flag(name: .customLong("raw-csv"), help: "Write CSV text cells as they are (by default one starting with = + - @, tab or CR gets a leading ').")
    var rawCSV = false

    @Flag(help: "Begin CSV output with a UTF-8 byte-order mark (for Excel on Chinese Windows).")
    var bom = false

    @OptionGroup var diagnosticOptions: DiagnosticOptions

    @OptionGroup var limitOptions: LimitOptions

    func validate() throws {
        if bom && format != "csv" { throw ValidationError("--bom is for --format csv") }
        if arguments.count < 2 { throw ValidationError("give the rule files declaring the tables, then the query") }
        if ReportFormat(rawValue: format) == nil { throw ValidationError("--format must be table, csv or json") }
    }

    func run() throws {
        let text = arguments[arguments.count - 1]
        let language = diagnosticOptions.language
        let (program, dataset, date) = try data.prepare(ruleFiles: Array(arguments.dropLast()), language: language)
        let result = program.query(text, on: dataset, asOf: date, limits: limitOptions.limits, cancellation: LimitOptions.interruptFlag())
        guard result.succeeded else {
            Output.error(DiagnosticRenderer.text(result.diagnostics, language: language))
            throw ExitCode(1)
        }
        Output.write((bom ? "\u{FEFF}" : "") + result.render(ReportFormat(rawValue: format) ?? .table, rawCSV: rawCSV))
        Output.error(result.countLine(language)
                     + " (\(String(format: "%.3f", result.seconds)) s)\n")
    }
}
