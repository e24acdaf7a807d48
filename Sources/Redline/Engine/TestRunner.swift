import Foundation

/// The outcome of a program's rule tests.
public struct TestReport: Sendable {
    /// Cases that met every expectation.
    public let passed: Int
    /// Cases that did not.
    public let failed: Int
    /// Rules no case made fire, and `and`/`or` branches never seen true or never seen false.
    public let uncovered: [String]
    /// The report for a terminal: each failure with expected and actual side by side and the
    /// explanation of the actual outcome, then coverage and a closing count.
    public let text: String
}

extension Program {
    /// Runs every `test` declared in the rule files: builds each case's tables from its rows,
    /// evaluates the rules as of the test's date, and compares the decisions with the expectations.
    /// Each case is one evaluation under `limits`; `cancellation` stops them all.
    /// A test's `given data` folder must lie inside the test file's folder unless `allowDataOutside`:
    /// rule code has no file access, and a test file is no way to read `/etc`.
    public func runTests(language: Language = .en, limits: EvaluationLimits = EvaluationLimits(),
                         cancellation: CancellationFlag? = nil, allowDataOutside: Bool = false,
                         calendar: WorkCalendar = .china, spreadsheetReader: SpreadsheetReader? = nil) -> TestReport {
        TestRunner(program: self, language: language, limits: limits, cancellation: cancellation,
                   allowDataOutside: allowDataOutside, calendar: calendar, spreadsheetReader: spreadsheetReader).run()
    }
}

struct TestRunner {
    let program: Program
    let language: Language
    var limits = EvaluationLimits()
    var cancellation: CancellationFlag? = nil
    var allowDataOutside = false
    /// The calendar of every test that names none.
    var calendar: WorkCalendar = .china
    /// Reads workbooks in `given data` folders.
    var spreadsheetReader: SpreadsheetReader? = nil

    private func say(_ text: LocalizedText) -> String { text.in(language) }

    func run() -> TestReport {
        let coverage = CoverageRecorder()
        var passed = 0, failed = 0
        var out = ""
        var fired: Set<String> = []
        let tests = program.units.flatMap { unit in
            unit.declarations.compactMap { declaration -> (SourceFile, TestDecl)? in
                if case .test(let test) = declaration { return (unit.source, test) }
                return nil
            }
        }
        for (source, test) in tests {
            let caseRows: [[TestValue]] = test.cases?.rows ?? [[]]
            for (index, row) in caseRows.enumerated() {
                var variables: [String: TestValue] = [:]
                if let cases = test.cases { for (column, value) in zip(cases.columns, row) { variables[column.text] = value } }
                let label = test.cases == nil ? "" : " " + say(Catalog.testCase(index + 1, zip(test.cases?.columns ?? [], row).map {
                    "\($0.text) = \(describe($1, variables: [:]))"
                }.joined(separator: ", ")))
                let location = "\(source.name):\(source.location(of: test.span.start))"
                let failures = runCase(test, in: source, variables: variables, coverage: coverage, fired: &fired)
                if failures.isEmpty {
                    passed += 1
                    out += say(Catalog.testPassed) + " \(test.name)\(label)\n"
                } else {
                    failed += 1
                    out += say(Catalog.testFailed) + " \(test.name)\(label) — \(location)\n"
                    for failure in failures { out += failure.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n") + "\n" }
                }
            }
        }
        var uncovered: [String] = []
        for rule in program.checked.rules where !fired.contains(rule.name) {
            uncovered.append(say(Catalog.testRuleNeverFired(rule.name, "\(rule.source.name):\(rule.source.location(of: rule.span.start))")))
        }
        for branch in coverage.branches {
            if !branch.seen.contains(Truth.yes) { uncovered.append(say(Catalog.testBranchNever(branch.text, true: true, branch.location))) }
            if !branch.seen.contains(Truth.no) { uncovered.append(say(Catalog.testBranchNever(branch.text, true: false, branch.location))) }
        }
        if !uncovered.isEmpty {
            out += "\n" + say(Catalog.testNotExercised) + "\n" + uncovered.map { "  " + $0 + "\n" }.joined()
        }
        out += "\n" + say(Catalog.testTotals(passed: passed, failed: failed)) + "\n"
        return TestReport(passed: passed, failed: failed, uncovered: uncovered, text: out)
    }

    private func value(_ value: TestValue, _ variables: [String: TestValue]) -> Value {
        switch value {
        case .literal(let v, _): return v
        case .word(let name):
            if let bound = variables[name.text] { return self.value(bound, [:]) }
            return .text(name.text)
        }
    }

    private func describe(_ v: TestValue, variables: [String: TestValue]) -> String {
        value(v, variables).literal
    }

    /// One case: the tables as CSV, a run, the expectations compared. Returns the failures.
    private func runCase(_ test: TestDecl, in source: SourceFile, variables: [String: TestValue], coverage: CoverageRecorder,
                         fired: inout Set<String>) -> [String] {
        let schema = program.checked.schema
        var csv: [String: String] = [:]
        var problems: [String] = []
        for given in test.givens {
            guard let table = schema.table(named: given.table.text) else {
                problems.append(say(Catalog.testUnknownTable(given.table.text))
                                + (Suggestions.nearest(to: given.table.text, in: schema.tables.map(\.name)).map { say(Catalog.testDidYouMean($0)) } ?? ""))
                continue
            }
            for column in given.columns where table.columnIndex[column.text] == nil {
                problems.append(say(Catalog.testUnknownColumn(column.text, table: table.name))
                                + (Suggestions.nearest(to: column.text, in: table.columns.map(\.name)).map { say(Catalog.testDidYouMean($0)) } ?? ""))
            }
            var text = csv[table.name] ?? (table.columns.map(\.name).joined(separator: ",") + "\n")
            for row in given.rows {
                var cells = Array(repeating: "", count: table.columns.count)
                for (column, cell) in zip(given.columns, row) {
                    guard let index = table.columnIndex[column.text] else { continue }
                    let v = value(cell, variables)
                    cells[index] = v.isMissing ? "" : CSVText.field(v.display)
                }
                text += cells.joined(separator: ",") + "\n"
            }
            csv[table.name] = text
        }
        if !problems.isEmpty { return problems }
        // Data folders and calendars are found next to the file that declares the test, and
        // (links and `..` resolved first) must really be inside its folder.
        let base = (source.name as NSString).deletingLastPathComponent
        func beside(_ name: String) -> (path: String, inside: Bool) {
            let path = name.hasPrefix("/") || base.isEmpty ? name : (base as NSString).appendingPathComponent(name)
            let real = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
            let home = URL(fileURLWithPath: base.isEmpty ? "." : base).standardizedFileURL.resolvingSymlinksInPath().path
            return (path, allowDataOutside || real == home || real.hasPrefix(home.hasSuffix("/") ? home : home + "/"))
        }
        var options = LoadOptions(calendar: calendar)
        options.spreadsheetReader = spreadsheetReader
        if let named = test.calendar {
            if named == TestDecl.noCalendar {
                options.calendar = .mondayToFriday
            } else {
                let found = beside(named)
                guard found.inside else { return [say(Catalog.testDataOutside(named, base: base.isEmpty ? "." : base, calendar: true))] }
                options.calendarPath = found.path
            }
        }
        let loaded: DataLoadResult
        if let folder = test.dataFolder {
            let found = beside(folder)
            guard found.inside else {
                return [say(Catalog.testDataOutside(folder, base: base.isEmpty ? "." : base))]
            }
            loaded = program.loadData(directory: found.path, options: options)
        } else {
            loaded = program.loadData(csv: csv, name: "<test \(test.name)>", options: options)
        }
        guard let dataset = loaded.dataset else {
            return [say(Catalog.testRowsInvalid) + "\n" + DiagnosticRenderer.text(loaded.diagnostics, language: language)]
        }
        let date = test.asOf.map { CalendarDate(dayNumber: $0) } ?? CalendarDate.today()
        var engine = RuleEngine(program: program.checked, dataset: dataset, limits: limits, cancellation: cancellation)
        engine.coverage = coverage
        let result = engine.run(asOf: date)
        if let stop = result.stopped { return [stop.message(language)] }
        for decision in result.decisions {
            for outcome in decision.outcomes where outcome.kind == .fired { fired.insert(outcome.rule) }
        }
        var failures: [String] = []
        for expectation in test.expects {
            let subject = value(expectation.subject, variables).display
            let decision = result.decisions.first { $0.subject.key == subject }
            var wanted = value(expectation.outcome, variables).display
            if ["none", "没有", "无"].contains(wanted) { wanted = "none" }
            if ContextualWord.undetermined.contains(wanted) { wanted = "undetermined" }
            let actual = decision?.action ?? ((decision?.isUndetermined ?? false) ? "undetermined" : "none")
            var ok = actual == wanted
            var expectedText = "\(subject)  \(wanted)"
            var actualText = "\(subject)  \(actual)"
            if let decision, let deciding = decision.decidingOutcome {
                actualText += " \(say(Catalog.testBy)) \(deciding.rule)"
                if !deciding.evidence.isEmpty { actualText += " \(say(Catalog.testEvidence)) " + deciding.evidence.map(\.key).joined(separator: ", ") }
            }
            if let rule = expectation.rule {
                expectedText += " \(say(Catalog.testBy)) \(rule.text)"
                if decision?.decidingOutcome?.rule != rule.text { ok = false }
            }
            if let evidence = expectation.evidence {
                let keys = evidence.map { value($0, variables).display }
                expectedText += " \(say(Catalog.testEvidence)) " + keys.joined(separator: ", ")
                if decision?.decidingOutcome?.evidence.map(\.key) != keys { ok = false }
            }
            guard !ok else { continue }
            var failure = "\(say(Catalog.testExpected))  \(expectedText)\n\(say(Catalog.testActual))  \(actualText)"
            if let explanation = program.explain(subject: subject, on: dataset, asOf: date, language: language) {
                failure += "\n" + explanation.text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
            } else {
                failure += "\n  " + say(Catalog.testNoSubject(subject))
            }
            failures.append(failure)
        }
        return failures
    }
}
