import ArgumentParser
import Foundation
import Redline
import RedlinePostgres
import RedlineXLSX

/// `redline run RULES... --data DIR`: one decision per subject, strongest action first.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Evaluate rules over data as of a date and print the decisions."
    )

    @Argument(help: "Rule files (.rl), checked together as one policy.")
    var rules: [String]

    @OptionGroup var data: DataOptions

    @Option(help: "Output format: table, csv, json, or xlsx (a workbook with the decisions and a summary; needs --output or a redirected standard output).")
    var format: String = "table"

    @Option(help: "Write the report to this file (atomically) instead of standard output. It may not be a file the run reads; an existing one keeps its permissions, and is left as it was when the run fails.")
    var output: String?

    @Flag(name: .customLong("raw-csv"), help: "Write CSV text cells as they are; by default a cell starting with = + - @, tab or CR gets a leading ' so that spreadsheets do not run it as a formula.")
    var rawCSV = false

    @Flag(help: "Begin a CSV report with a UTF-8 byte-order mark, so that Excel on Chinese Windows reads its Chinese text as UTF-8.")
    var bom = false

    @Option(help: "Where the rules are evaluated: `interpreter` (default; the data is loaded here), or `postgres`: the policy is compiled to SQL and run inside the database --data postgresql://… names, which sends back only the decisions.")
    var engine: String = "interpreter"

    @OptionGroup var diagnosticOptions: DiagnosticOptions

    @OptionGroup var limitOptions: LimitOptions

    func validate() throws {
        if engine != "interpreter" && engine != "postgres" { throw ValidationError("--engine must be interpreter or postgres") }
        if engine == "postgres" && !DatabaseURL.isDatabase(data.directory) {
            throw ValidationError("--engine postgres runs the policy inside a database: give --data postgresql://USER@HOST:PORT/DB")
        }
        if engine == "postgres" && data.lenient {
            throw ValidationError("--lenient skips bad rows as a load reads them; --engine postgres reads none (the data is checked in the database, and a bad row stops the run)")
        }
        if bom && format != "csv" { throw ValidationError("--bom is for --format csv") }
        if rules.isEmpty { throw ValidationError("give at least one rule file") }
        if ReportFormat(rawValue: format) == nil && format != "xlsx" { throw ValidationError("--format must be table, csv, json or xlsx") }
        if format == "xlsx" && output == nil && isatty(1) != 0 {
            throw ValidationError("--format xlsx writes a workbook: give --output FILE.xlsx (or redirect standard output)")
        }
    }

    func run() throws {
        // From the start: Ctrl-C while loading ends the command like Ctrl-C while evaluating.
        let interrupt = LimitOptions.interruptFlag()
        let profile = ProcessInfo.processInfo.environment["REDLINE_PROFILE"] != nil
        var mark = Date()
        func phase(_ name: String) {
            if profile { Output.error("  [\(name)] \(String(format: "%.3f", Date().timeIntervalSince(mark))) s\n") }
            mark = Date()
        }
        let reportFormat = ReportFormat(rawValue: format) ?? (format == "xlsx" ? .csv : .table)
        if engine == "postgres" { return try runInDatabase(reportFormat) }
        // JSON reports show every column of the evidence records (so of the tables evidence comes
        // from); tables and CSV show keys and messages, so their runs store only the text columns
        // the rules read.
        let (program, dataset, date) = try data.prepare(ruleFiles: rules, language: diagnosticOptions.language,
                                                        hashFiles: reportFormat == .json,
                                                        columns: reportFormat == .json ? .readByRulesAndEvidence : .readByRules)
        phase("prepare (compile and load)")
        // Every file this run reads, which --output may never replace: checked before the work.
        let inputs = rules + dataset.files.map(\.path) + (data.calendar.map { [$0] } ?? [])
        if let output { try Output.checkOutputTarget(output, reads: inputs) }
        // CSV and JSON reports are rendered as the subjects are decided; tables and workbooks are
        // made from decisions.
        let detail: RunDetail = reportFormat == .json ? .jsonReport : (format == "csv" ? .csvReport(raw: rawCSV) : .decidingRule)
        let result = program.run(on: dataset, asOf: date, limits: limitOptions.limits, cancellation: interrupt, detail: detail)
        phase("evaluate")
        if let stop = result.stopped {
            // A report of some subjects would read as complete: none is written.
            let language = diagnosticOptions.language
            Output.error(language == .zh
                ? "redline: 运行已停止:\(stop.message(.zh));已评估 \(stop.subjectsEvaluated) / \(result.subjectCount) 个对象,未输出报告\n"
                : "redline: the run was stopped: \(stop.message()); \(stop.subjectsEvaluated) of \(result.subjectCount) subjects were evaluated, and no report was written\n")
            throw ExitCode(1)
        }
        var writer = ReportWriter(program: program, dataset: dataset)
        writer.rawCSV = rawCSV
        let failed = result.ruleCounts.reduce(0) { $0 + $1.failed }
        if let output, failed > 0 {
            // A failed run decides nothing reliably: the previous report stays as it was.
            Output.error(writer.summary(result, language: diagnosticOptions.language))
            Output.error("redline: \(failed) rule outcome\(failed == 1 ? "" : "s") failed; the report was not written to `\(output)`, which is left as it was\n")
            throw ExitCode(1)
        }
        do {
            try write(writer, result, date: date, format: reportFormat, inputs: inputs)
        } catch is RenderingStopped {
            let stop = writer.renderingStopped(result)
            let language = diagnosticOptions.language
            Output.error(language == .zh
                ? "redline: 输出报告时运行已停止:\(stop?.message(.zh) ?? "");未输出报告\(output.map { ",`\($0)` 保持原样" } ?? "")\n"
                : "redline: the run was stopped while its report was written: \(stop?.message() ?? ""); no report was written\(output.map { ", and `\($0)` is left as it was" } ?? "")\n")
            throw ExitCode(1)
        }
        phase("render and write")
        Output.error(writer.summary(result, language: diagnosticOptions.language))
        if failed > 0 { throw ExitCode(1) }
        // Everything is written: end here rather than free a million rows' tables piece by piece.
        Foundation.exit(0)
    }

    /// The report, to --output (atomically) or standard output.
    func write(_ writer: ReportWriter, _ result: RunResult, date: CalendarDate, format reportFormat: ReportFormat, inputs: [String]) throws {
        if format == "xlsx" {
            var report = [Array(try workbook(writer, result, date: date))]
            if let output { try Output.writeAtomically(parts: &report, to: output, reads: inputs) } else { Output.write(bytes: report[0]) }
            return
        }
        let bom: [UInt8] = self.bom ? [0xEF, 0xBB, 0xBF] : []
        // Rendered as the subjects were decided: written in parallel pieces.
        if let output, var parts = writer.renderedParts(result, as: reportFormat) {
            if !bom.isEmpty { parts.insert(bom, at: 0) }
            try Output.writeAtomically(parts: &parts, to: output, reads: inputs)
            return
        }
        // Pieces are written as they are rendered (a JSON report's chunks overlap its writing).
        // A limit can stop the rendering of a JSON run's entries (they are rendered after the
        // run, `PendingJSON`): a report to a file is then not kept, and one to standard output
        // is rendered whole before any of it is written.
        if let output {
            try Output.writeAtomically(to: output, reads: inputs) { write in
                if !bom.isEmpty { try write(bom) }
                try writer.streamParts(result, as: reportFormat, write)
                if writer.renderingStopped(result) != nil { throw RenderingStopped() }
            }
        } else {
            let parts = writer.renderParts(result, as: reportFormat)
            if writer.renderingStopped(result) != nil { throw RenderingStopped() }
            if !bom.isEmpty { Output.write(bytes: bom) }
            for part in parts { Output.write(bytes: part) }
        }
    }

    /// A limit stopped the rendering of the report: no report is kept (`run` says why).
    struct RenderingStopped: Error {}

    /// `--engine postgres`: the policy compiled to SQL runs inside the database, which checks
    /// its tables (types, keys, references) and sends back the decisions, and for JSON the
    /// evidence records; the report is rendered as the interpreter's is.
    func runInDatabase(_ reportFormat: ReportFormat) throws {
        let language = diagnosticOptions.language
        let date = try Output.parseDate(data.asOf, option: "--as-of")
        let program = Program.compile(try Output.readRuleFiles(rules))
        if !program.diagnostics.isEmpty { Output.error(DiagnosticRenderer.text(program.diagnostics, language: language)) }
        if program.hasErrors { throw ExitCode(1) }
        let calendar = try CalendarOption.resolve(data.calendar, language: language)
        let inputs = rules + (data.calendar.map { [$0] } ?? [])
        if let output { _ = try Output.checkOutputTarget(output, reads: inputs) }
        let run: DatabaseRun
        do {
            let database = try PostgresDatabase(url: data.directory, schema: data.schema)
            run = try program.run(in: database, asOf: date, calendar: calendar, evidenceValues: reportFormat == .json)
        } catch let error as DatabaseError {
            // As a load from the database says it: the URL (no password) in the file's place.
            Output.error("\(DatabaseURL.redacted(data.directory)): \(language == .zh ? "错误" : "error"): \(language == .zh ? error.zh : error.en)\n")
            throw ExitCode(1)
        } catch DatabaseRunError.notCompiled(let diagnostics) {
            Output.error(DiagnosticRenderer.text(diagnostics, language: language))
            Output.error(language == .zh ? "redline: 该策略无法在数据库中运行;不加 --engine 时由解释器运行\n"
                                         : "redline: the policy cannot run inside the database; without --engine the interpreter runs it\n")
            throw ExitCode(1)
        } catch DatabaseRunError.database(let error) {
            Output.error("\(DatabaseURL.redacted(data.directory)): \(language == .zh ? "错误" : "error"): \(language == .zh ? error.zh : error.en)\n")
            throw ExitCode(1)
        }
        var writer = ReportWriter(program: program, databaseRun: run)
        writer.rawCSV = rawCSV
        try write(writer, run.result, date: date, format: reportFormat, inputs: inputs)
        Output.error(writer.summary(run.result, language: language))
    }

    /// The decisions on one sheet and the summary (counts per action and per rule) on another.
    func workbook(_ writer: ReportWriter, _ result: RunResult, date: CalendarDate) throws -> Data {
        let decisions = writer.reportRows(result).map { $0.map(WorkbookWriter.Cell.text) }
        var summary: [[WorkbookWriter.Cell]] = [[.text("as of"), .text(date.description)],
                                                [.text("subjects evaluated"), .number(String(result.subjectCount))], [],
                                                [.text("action"), .text("subjects")]]
        for (action, count) in result.actionCounts.sorted(by: { $0.key < $1.key }) { summary.append([.text(action), .number(String(count))]) }
        summary.append([])
        summary.append([.text("rule"), .text("fired"), .text("undetermined"), .text("failed")])
        for count in result.ruleCounts {
            summary.append([.text(count.rule), .number(String(count.fired)), .number(String(count.undetermined)), .number(String(count.failed))])
        }
        do {
            return try WorkbookWriter.data([WorkbookWriter.Sheet(name: "decisions", rows: decisions), WorkbookWriter.Sheet(name: "summary", rows: summary)])
        } catch {
            Output.error("redline: the workbook could not be written: \(error)\n")
            throw ExitCode(1)
        }
    }
}

/// `redline explain RULES... --data DIR SUBJECT`: every rule's outcome for one subject, and why.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain every rule's outcome for one subject."
    )

    @Argument(help: "Rule files (.rl), then the subject's key.")
    var arguments: [String]

    @OptionGroup var data: DataOptions

    @OptionGroup var diagnosticOptions: DiagnosticOptions

    @OptionGroup var limitOptions: LimitOptions

    func validate() throws {
        if arguments.count < 2 { throw ValidationError("give the rule files and then the subject's key") }
    }

    func run() throws {
        let subject = arguments[arguments.count - 1]
        let (program, dataset, date) = try data.prepare(ruleFiles: Array(arguments.dropLast()), language: diagnosticOptions.language)
        guard let explanation = program.explain(subject: subject, on: dataset, asOf: date, limits: limitOptions.limits,
                                                   cancellation: LimitOptions.interruptFlag(), language: diagnosticOptions.language) else {
            Output.error("redline: no subject has the key `\(subject)`\n")
            throw ExitCode(1)
        }
        Output.write(explanation.text)
    }

}
