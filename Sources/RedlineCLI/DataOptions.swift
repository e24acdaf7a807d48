import ArgumentParser
import Foundation
import Redline
import RedlinePostgres
import RedlineXLSX

/// Options of the commands that evaluate rules over data.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: "Folder with one file per table (T.csv, T.json, T.jsonl or T.xlsx), or a PostgreSQL database: postgresql://USER@HOST:PORT/DB.")
    var directory: String

    @Option(help: "The PostgreSQL schema whose tables --data postgresql://… reads.")
    var schema: String = "public"

    @Option(name: .customLong("as-of"), help: "The date `today` stands for (YYYY-MM-DD; default: the current date).")
    var asOf: String?

    @Flag(help: "Skip bad rows (counted in the summary) instead of stopping.")
    var lenient = false

    @Option(help: "Holiday calendar for working days: a CSV (date,kind: holiday or workday), or `none` for Monday to Friday; default China's, built in (2004–2026).")
    var calendar: String?

    /// Compiles the rule files and loads the data; prints diagnostics and exits 1 on errors.
    /// `columns`: `.readByRules` when the report shows only keys and messages (table, CSV).
    func prepare(ruleFiles: [String], language: Language, hashFiles: Bool = false,
                 columns: ColumnSelection = .all) throws -> (Program, Dataset, CalendarDate) {
        let date = try Output.parseDate(asOf, option: "--as-of")
        let program = Program.compile(try Output.readRuleFiles(ruleFiles))
        if !program.diagnostics.isEmpty {
            Output.error(DiagnosticRenderer.text(program.diagnostics, language: language))
        }
        if program.hasErrors { throw ExitCode(1) }
        var isDirectory: ObjCBool = false
        guard DatabaseURL.isDatabase(directory)
                || (FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue) else {
            Output.error("redline: `\(directory)` is not a folder\n")
            throw ExitCode(2)
        }
        var options = LoadOptions(lenient: lenient, hashFiles: hashFiles, calendarPath: calendar == "none" ? nil : calendar,
                                  calendar: calendar == "none" ? .mondayToFriday : .china, columns: columns)
        options.spreadsheetReader = WorkbookReader.reader
        options.databaseReader = PostgresReader.reader(schema: schema)
        let loaded = program.loadData(directory: directory, options: options)
        if !loaded.diagnostics.isEmpty {
            var text = DiagnosticRenderer.text(loaded.diagnostics, language: language)
            if loaded.errorCount > loaded.diagnostics.count {
                let rest = loaded.errorCount - loaded.diagnostics.count
                text += language == .zh ? "……另有 \(rest) 个数据错误(共 \(loaded.errorCount) 个)\n"
                    : "… \(rest) more data errors (\(loaded.errorCount) in all)\n"
            }
            if loaded.dataset != nil {
                text = language == .zh ? text.replacingOccurrences(of: ": 错误: ", with: ": 警告: 已跳过: ")
                    : text.replacingOccurrences(of: ": error: ", with: ": warning: skipped: ")
            }
            Output.error(text)
        }
        guard let dataset = loaded.dataset else {
            if loaded.sourceUnreadable { throw ExitCode(1) }
            Output.error(language == .zh
                ? "redline: 数据有 \(loaded.errorCount) 个错误;请修正,或加 --lenient 跳过有错的行\n"
                : "redline: the data has \(loaded.errorCount) error\(loaded.errorCount == 1 ? "" : "s"); fix them, or pass --lenient to skip bad rows\n")
            throw ExitCode(1)
        }
        return (program, dataset, date)
    }
}

/// `--calendar FILE|none` for the commands that take no data folder (`eval`, `repl`, `test`).
struct CalendarOption: ParsableArguments {
    @Option(help: "Holiday calendar for working days: a CSV (date,kind: holiday or workday), or `none` for Monday to Friday; default China's, built in (2004–2026).")
    var calendar: String?

    /// The calendar chosen; a file that cannot be read is reported (exit 1; 2 if it is not a file).
    func resolve(language: Language) throws -> WorkCalendar {
        try CalendarOption.resolve(calendar, language: language)
    }

    static func resolve(_ choice: String?, language: Language) throws -> WorkCalendar {
        guard let choice else { return .china }
        if choice == "none" { return .mondayToFriday }
        guard InputFile.isRegular(choice) else {
            Output.error("redline: --calendar `\(choice)` is not a regular file; give a calendar CSV, or `none`\n")
            throw ExitCode(2)
        }
        let loaded = WorkCalendar.load(path: choice)
        guard let calendar = loaded.calendar else {
            Output.error(DiagnosticRenderer.text(loaded.diagnostics, language: language))
            throw ExitCode(1)
        }
        return calendar
    }
}
