import ArgumentParser
import Foundation
import Redline
import RedlinePostgres
import RedlineXLSX

/// `redline repl [--data DIR] [--as-of DATE] [RULES...]`: the interactive shell.
struct ReplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "Explore data and rules interactively (history, tab completion, multi-line input)."
    )

    @Argument(help: "Rule files declaring the tables and definitions to start with.")
    var rules: [String] = []

    @Option(name: .customLong("data"), help: "Folder with the data to load at start, or a PostgreSQL database: postgresql://USER@HOST:PORT/DB.")
    var directory: String?

    @Option(help: "The PostgreSQL schema whose tables a postgresql:// data source reads.")
    var schema: String = "public"

    @Option(name: .customLong("as-of"), help: "The date `today` stands for (YYYY-MM-DD; default: the current date).")
    var asOf: String?

    @OptionGroup var calendarOption: CalendarOption

    @OptionGroup var diagnosticOptions: DiagnosticOptions

    func run() throws {
        let date = try Output.parseDate(asOf, option: "--as-of")
        let session = Session(rules: try Output.readRuleFiles(rules), asOf: date)
        session.language = diagnosticOptions.language
        session.calendar = try calendarOption.resolve(language: session.language)
        session.spreadsheetReader = WorkbookReader.reader
        session.databaseReader = PostgresReader.reader(schema: schema)
        let interactive = isatty(0) != 0
        var failed = !session.startupDiagnostics.filter { $0.severity == .error }.isEmpty
        if !session.startupDiagnostics.isEmpty {
            Output.error(DiagnosticRenderer.text(session.startupDiagnostics, language: session.language))
        }
        if let directory {
            switch session.loadData(directory) {
            case .output(let text): if interactive { Output.write(text) }
            case .error(let text): Output.error(text); failed = true
            default: break
            }
        }
        if interactive {
            ReadlineShell(session: session).run()
        } else if try !PlainShell(session: session).run() || failed {
            throw ExitCode(1)
        }
    }
}

/// Without a terminal: lines from stdin, no prompts, non-zero exit if any input failed.
struct PlainShell {
    let session: Session

    func run() throws -> Bool {
        var ok = true
        while let line = readLine(strippingNewline: true) {
            switch session.submit(line) {
            case .needsMore: continue
            case .output(let text): Output.write(text)
            case .error(let text): Output.error(text); ok = false
            case .quit: return ok
            }
        }
        if session.isContinuing {
            // End of input finishes what was open, as an empty line would.
            switch session.submit("") {
            case .output(let text): Output.write(text)
            case .error(let text): Output.error(text); ok = false
            default: break
            }
        }
        return ok
    }
}
