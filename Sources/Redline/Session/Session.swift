import Foundation

/// An interactive session, as the REPL uses it: lines in, output or diagnostics out. It keeps the
/// rules typed or loaded so far, the loaded data, the as-of date and the output format. It has no
/// terminal: the REPL shell (or a test) feeds it lines and prints what comes back. One session
/// serves one user: feed it from one thread (only `cancellation` may be used from another).
public final class Session: @unchecked Sendable {
    /// What the session says to one line.
    public enum Response: Equatable, Sendable {
        /// The input is unfinished (an open bracket, a declaration still going): send more lines.
        case needsMore
        /// Output to show.
        case output(String)
        /// Something went wrong; the text is the rendered diagnostic. The session goes on.
        case error(String)
        /// The user asked to leave.
        case quit
    }

    /// Rows shown before "… N more rows".
    public var rowLimit = 50
    /// Language of diagnostics.
    public var language: Language = .en

    func say(_ text: LocalizedText) -> String { text.in(language) }
    /// Lets a host stop a long evaluation (Ctrl-C).
    public let cancellation = CancellationFlag()

    var sources: [RuleSource] = []
    var program: Program
    var dataset: Dataset?
    var dataDirectory: String?
    var asOf: CalendarDate
    /// The working-day calendar (`:calendar`): China's unless the host or the user chooses.
    public var calendar: WorkCalendar = .china
    /// Reads `T.xlsx` in `:data` folders (the `redline` command gives RedlineXLSX's).
    public var spreadsheetReader: SpreadsheetReader?
    /// Reads `:data postgresql://…` (the `redline` command gives RedlinePostgres's).
    public var databaseReader: DatabaseReader?
    var format: ReportFormat = .table
    var timing = false
    var pending: [String] = []
    /// Scripts being read by `:read`, nested.
    var readDepth = 0
    private var inputCount = 0
    private let initial: (sources: [RuleSource], data: String?, asOf: CalendarDate)

    /// A session with rule files (already read by the host), optional data, and an as-of date.
    public init(rules: [RuleSource] = [], asOf: CalendarDate = CalendarDate.today()) {
        self.sources = rules
        self.program = Program.compile(rules)
        self.asOf = asOf
        self.initial = (rules, nil, asOf)
    }

    /// Diagnostics of the rules the session started with (shown once at start).
    public var startupDiagnostics: [Diagnostic] { program.diagnostics }

    /// Whether lines are being collected for an unfinished input.
    public var isContinuing: Bool { !pending.isEmpty }

    /// Drops an unfinished input (Ctrl-C at a continuation prompt).
    public func abandonInput() { pending.removeAll() }

    /// Loads data for the session's tables (`:data DIR` does the same).
    @discardableResult
    public func loadData(_ directory: String) -> Response {
        let started = Date()
        var options = LoadOptions(calendar: calendar)
        options.spreadsheetReader = spreadsheetReader
        options.databaseReader = databaseReader
        let loaded = program.loadData(directory: directory, options: options)
        guard let data = loaded.dataset else {
            return .error(DiagnosticRenderer.text(loaded.diagnostics, language: language)
                          + say(Catalog.couldNotLoad(DatabaseURL.redacted(directory), errors: loaded.errorCount)) + "\n")
        }
        dataset = data
        dataDirectory = directory
        let rows = data.files.map { "\($0.table) \($0.rows)" }.joined(separator: ", ")
        return .output(say(Catalog.loadedData(rows, Session.seconds(Date().timeIntervalSince(started)))) + "\n")
    }

    static func seconds(_ value: Double) -> String {
        value < 1 ? "\(Int((value * 1000).rounded())) ms" : String(format: "%.2f s", value)
    }

    /// Takes one line of input.
    public func submit(_ line: String) -> Response {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if pending.isEmpty {
            if trimmed.isEmpty { return .output("") }
            if trimmed.hasPrefix(":") { return command(trimmed) }
        } else if trimmed.isEmpty {
            // An empty line ends an unfinished input: evaluate what there is, errors and all.
            let text = pending.joined(separator: "\n")
            pending.removeAll()
            return evaluate(text, force: true)
        }
        // A trailing backslash continues a complete line too (a long query over several lines).
        if trimmed.hasSuffix("\\") {
            pending.append(String(trimmed.dropLast()))
            return .needsMore
        }
        pending.append(line)
        let text = pending.joined(separator: "\n")
        let response = evaluate(text, force: false)
        if response != .needsMore { pending.removeAll() }
        return response
    }

    enum InputKind { case declaration, query, expression }

    func kind(of text: String) -> InputKind {
        let source = SourceFile(name: "<input>", text: text)
        var lexer = Lexer(source: source)
        let tokens = lexer.tokenize()
        guard let first = tokens.first else { return .expression }
        if first.keyword?.startsDeclaration == true { return .declaration }
        if let word = first.identifier, QueryWord.from.contains(word) { return .query }
        return .expression
    }

    private func evaluate(_ text: String, force: Bool) -> Response {
        let started = Date()
        let response: Response
        switch kind(of: text) {
        case .declaration: response = declare(text, force: force)
        case .query: response = query(text, force: force)
        case .expression: response = expression(text, force: force)
        }
        if timing, case .output(let out) = response {
            return .output(out + "(\(Session.seconds(Date().timeIntervalSince(started))))\n")
        }
        return response
    }

    /// Whether the text stops in the middle of something (so the REPL should ask for more).
    private func unfinished(_ text: String, query: Bool) -> Bool {
        var parser = Parser(source: SourceFile(name: "<input>", text: text))
        if query { _ = parser.parseQuery() } else { _ = parser.parseStandaloneExpression() }
        return parser.reachedEndUnfinished
    }

    private func declare(_ text: String, force: Bool) -> Response {
        inputCount += 1
        let source = RuleSource(name: "<input \(inputCount)>", text: text)
        var parser = Parser(source: source.file)
        let declarations = parser.parseFile()
        if parser.reachedEndUnfinished && !force { inputCount -= 1; return .needsMore }
        let definedHere = Set(declarations.compactMap { declaration -> String? in
            if case .define(let decl) = declaration { return decl.name.text }
            return nil
        })
        let candidate = Program.compile(sources + [source])
        let fresh = candidate.diagnostics.filter { $0.file == source.file.name }
        if fresh.contains(where: { $0.severity == .error }) {
            return .error(DiagnosticRenderer.text(fresh, language: language))
        }
        // A definition typed at the prompt is not used yet: that warning is for rule files.
        let shown = fresh.filter { diagnostic in !definedHere.contains { Catalog.unusedDefinition($0).en == diagnostic.message } }
        let tablesChanged = candidate.tableNames != program.tableNames
        sources.append(source)
        program = candidate
        if tablesChanged, dataset != nil {
            dataset = nil
            return .output(say(Catalog.addedTablesChanged) + "\n")
        }
        return .output(DiagnosticRenderer.text(shown, language: language) + say(Catalog.added) + "\n")
    }

    private func query(_ text: String, force: Bool) -> Response {
        if !force, unfinished(text, query: true) { return .needsMore }
        cancellation.reset()
        let result = program.query(text, on: dataset, asOf: asOf, cancellation: cancellation)
        guard result.succeeded else { return .error(DiagnosticRenderer.text(result.diagnostics, language: language)) }
        var out = result.render(format, maxRows: format == .table ? rowLimit : nil)
        if format == .table { out += result.countLine(language) + "\n" }
        return .output(out)
    }

    private func expression(_ text: String, force: Bool) -> Response {
        if !force, unfinished(text, query: false) { return .needsMore }
        cancellation.reset()
        let result = program.evaluate(text, asOf: asOf, data: dataset, calendar: calendar, cancellation: cancellation)
        guard let value = result.raw else { return .error(DiagnosticRenderer.text(result.diagnostics, language: language)) }
        return .output(render(value, literal: result.literal ?? value.literal) + "\n")
    }

    /// A list of records is shown as a table of their columns; anything else as written in rules.
    private func render(_ value: Value, literal: String) -> String {
        guard case .list(let items) = value, let dataset,
              case .record(let first)? = items.first, items.allSatisfy({ if case .record(let r) = $0 { return r.table == first.table } else { return false } })
        else {
            if case .record(let ref) = value, let dataset { return "\(program.checked.schema.tables[Int(ref.table)].name) \(dataset.keyText(table: Int(ref.table), row: ref.row))" }
            return literal
        }
        let table = Int(first.table)
        let schema = program.checked.schema.tables[table]
        let rows: [[String]] = items.prefix(format == .table ? rowLimit : items.count).map { item in
            guard case .record(let ref) = item else { return [] }
            return schema.columns.indices.map { QueryEngine.describe(dataset.tables[table].columns[$0].value(Int(ref.row)), schema: program.checked.schema, dataset: dataset) }
        }
        var out = TextTable.render(header: schema.columns.map(\.name), rows: rows)
        if items.count > rows.count { out += say(Catalog.moreRows(items.count - rows.count)) + "\n" }
        return out.hasSuffix("\n") ? String(out.dropLast()) : out
    }

    /// Starts over: the rules, data and date the session began with.
    func reset() {
        sources = initial.sources
        program = Program.compile(sources)
        asOf = initial.asOf
        format = .table
        timing = false
        pending.removeAll()
        if let directory = dataDirectory { loadData(directory) }
    }
}
