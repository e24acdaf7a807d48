import BigInt
import Foundation
import Testing
import RedlineExprGen
@testable import Redline

/// Random well-typed expressions, evaluated by the real evaluator (`Program.evaluate`, and as a
/// rule's condition over a small table, which takes the condition nodes' fast paths) and by the
/// reference evaluator; any difference is shrunk to a small expression and printed.
///
/// `REDLINE_DIFF_SEED` and `REDLINE_DIFF_COUNT` choose another seed and size (README, "Testing").
@Suite struct DifferentialTests {
    @Test func randomExpressionsAgreeWithTheReference() throws {
        let environment = ProcessInfo.processInfo.environment
        let seed = UInt64(environment["REDLINE_DIFF_SEED"] ?? "") ?? 20_261_201
        let count = Int(environment["REDLINE_DIFF_COUNT"] ?? "") ?? 6_000
        let harness = try DifferentialHarness()
        var failures: [String] = []
        var compared = 0, asRules = 0
        for index in 0..<count {
            var generator = ExpressionGenerator(seed: DifferentialHarness.seed(seed, index))
            let expression = index % 3 == 0 ? generator.expression(.bool, subject: true) : generator.expression()
            let outcome = harness.compare(expression)
            compared += outcome.evaluated ? 1 : 0
            asRules += outcome.asRule ? 1 : 0
            guard let problem = outcome.problem else { continue }
            let small = harness.minimise(expression)
            failures.append("seed \(seed) index \(index): \(problem)\n    \(expression.text)\n  minimised: \(small.text)\n    \(harness.compare(small).problem ?? "(agrees)")")
            if failures.count >= 8 { break }
        }
        #expect(failures.isEmpty, "\(failures.count) differences:\n\(failures.joined(separator: "\n"))")
        // The comparison means something only if both paths ran for most expressions.
        #expect(compared + asRules >= count)
        #expect(asRules >= count / 3)
    }

    /// The generator itself: deterministic for a seed, and varied.
    @Test func generatorIsDeterministicAndVaried() {
        var a = ExpressionGenerator(seed: 7), b = ExpressionGenerator(seed: 7)
        var texts: Set<String> = []
        for _ in 0..<200 {
            let x = a.expression(), y = b.expression()
            #expect(x.text == y.text)
            texts.insert(x.text)
        }
        #expect(texts.count > 150)
    }

    /// The reference finds a planted difference: a wrong answer must not agree.
    @Test func harnessReportsADifference() throws {
        let harness = try DifferentialHarness()
        #expect(harness.compareTexts("1 + 1", expected: .int(3)) != nil)
        #expect(harness.compareTexts("1 + 1", expected: .int(2)) == nil)
    }
}

/// The program with the generator's table, its data, and the comparisons.
struct DifferentialHarness {
    let program: Program
    let dataset: Dataset
    let rows: [[String: ReferenceEvaluator.Value]]
    let columnNames: [String]
    static let asOf = CalendarDate(iso: "2024-06-30")!

    static func seed(_ seed: UInt64, _ index: Int) -> UInt64 { seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(index) }

    init() throws {
        program = Program.compile([RuleSource(name: "t.rl", text: ExpressionGenerator.tableDeclaration)])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("redline-diff-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let csv = ExpressionGenerator.tableRows
        try csv.write(to: folder.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
        // The reference evaluator counts Monday to Friday: so does Redline here.
        let loaded = program.loadData(directory: folder.path, options: LoadOptions(calendar: .mondayToFriday))
        guard let dataset = loaded.dataset else { throw HarnessError.data(DiagnosticRenderer.text(loaded.diagnostics)) }
        self.dataset = dataset
        let table = program.checked.schema.tables[0]
        columnNames = table.columns.map(\.name)
        rows = (0..<dataset.tables[0].rowCount).map { row in
            var values: [String: ReferenceEvaluator.Value] = [:]
            for (index, name) in table.columns.map(\.name).enumerated() {
                values[name] = ReferenceEvaluator.convert(dataset.tables[0].columns[index].value(row))
            }
            return values
        }
    }

    enum HarnessError: Error { case data(String) }

    struct Outcome {
        var problem: String? = nil
        var evaluated = false
        var asRule = false
    }

    func reference() -> ReferenceEvaluator {
        ReferenceEvaluator(rows: rows, columnNames: columnNames,
                           today: BigInt(Int(DifferentialHarness.asOf.dayNumber)) + ReferenceEvaluator.epochOffset)
    }

    /// Both evaluations of one expression; a problem names the first difference.
    func compare(_ expression: GeneratedExpression) -> Outcome {
        var outcome = Outcome()
        if !expression.usesSubject {
            outcome.evaluated = true
            if let problem = compareValue(expression.text) { outcome.problem = problem; return outcome }
        }
        if expression.type == .bool {
            outcome.asRule = true
            outcome.problem = compareRule(expression.text)
        }
        return outcome
    }

    /// `Program.evaluate` against the reference walking the same checked tree.
    func compareValue(_ text: String) -> String? {
        let source = SourceFile(name: "<expr>", text: text)
        var parser = Parser(source: source)
        guard let parsed = parser.parseStandaloneExpression(), parser.diagnostics.isEmpty else {
            return "does not parse: \(parser.diagnostics.first?.message ?? "?")"
        }
        var checker = Checker()
        checker.schema = program.checked.schema
        checker.definitions = program.checked.definitions
        checker.beginCompilation()
        let bound = checker.bind(parsed, Env(), source)
        if checker.bag.hasErrors || bound.containsError {
            return "does not check: \(checker.bag.items.first { $0.severity == .error }?.message ?? "?")"
        }
        var walker = reference()
        let expected: Result<ReferenceEvaluator.Value, ReferenceEvaluator.Failure>
        do { expected = .success(try walker.evaluate(bound)) } catch { expected = .failure(error) }
        let actual = program.evaluate(text, asOf: DifferentialHarness.asOf, data: dataset, calendar: .mondayToFriday)
        return difference(actual.raw, actual.diagnostics.first { $0.severity == .error }?.message, expected)
    }

    /// For tests of the harness: a planted expectation.
    func compareTexts(_ text: String, expected: ReferenceEvaluator.Value) -> String? {
        let actual = program.evaluate(text, asOf: DifferentialHarness.asOf, data: dataset, calendar: .mondayToFriday)
        return difference(actual.raw, actual.diagnostics.first?.message, .success(expected))
    }

    private func difference(_ value: Value?, _ error: String?, _ expected: Result<ReferenceEvaluator.Value, ReferenceEvaluator.Failure>) -> String? {
        switch expected {
        case .success(let want):
            guard let value else { return "Redline: error \(error ?? "?"); reference: \(ReferenceEvaluator.display(want))" }
            if !DifferentialHarness.isCanonical(value) { return "Redline's value \(value.literal) is not canonical" }
            let got = ReferenceEvaluator.convert(value)
            return got == want ? nil : "Redline: \(value.literal); reference: \(ReferenceEvaluator.back(want).literal)"
        case .failure(let failure):
            guard let error else { return "Redline: \(value?.literal ?? "?"); reference: error \(failure)" }
            let category = ReferenceEvaluator.category(error)
            return category == failure ? nil : "Redline: error \(error); reference: error \(failure)"
        }
    }

    static func isCanonical(_ value: Value) -> Bool {
        switch value {
        case .decimal(let d): return d.scale == 0 || d.mantissa % 10 != 0
        case .list(let items): return items.allSatisfy(isCanonical)
        default: return true
        }
    }

    /// The expression as a rule's condition over the table: each subject's outcome against the
    /// reference's truth value for that row.
    func compareRule(_ condition: String) -> String? {
        let text = ExpressionGenerator.tableDeclaration + "\nrule check for e in t when \(condition) then flag e\n"
        let rules = Program.compile([RuleSource(name: "t.rl", text: text)])
        if rules.hasErrors { return "rule does not check: \(rules.diagnostics.first { $0.severity == .error }?.message ?? "?")" }
        guard let rule = rules.checked.rules.first else { return "no rule" }
        let result = rules.run(on: dataset, asOf: DifferentialHarness.asOf)
        let table = dataset.tables[0]
        let order = (table.keyOrder ?? Array(0..<Int32(table.rowCount)))
        for row in order {
            var walker = reference()
            walker.slots[rule.subjectSlot] = .row(Int(row))
            let key = table.columns[0].value(Int(row)).display
            let outcome = result.decisions.first { $0.subject.key == key }?.outcomes.first
            let kind = outcome?.kind ?? .notFired
            do {
                let want = try walker.evaluate(rule.condition)
                let expected: RuleOutcome.Kind = want == .bool(true) ? .fired : (want == .bool(false) ? .notFired : .undetermined)
                if kind != expected { return "rule for \(key): Redline \(kind) \(outcome?.error ?? ""); reference \(expected)" }
            } catch {
                guard kind == .failed, let message = outcome?.error else { return "rule for \(key): Redline \(kind); reference: error \(error)" }
                if ReferenceEvaluator.category(message) != error { return "rule for \(key): Redline error \(message); reference: error \(error)" }
            }
        }
        return nil
    }

    /// Greedy shrinking: keep any smaller candidate that still differs.
    func minimise(_ expression: GeneratedExpression) -> GeneratedExpression {
        var current = expression
        var attempts = 0
        var shrunk = true
        while shrunk, attempts < 400 {
            shrunk = false
            for candidate in current.shrinkCandidates.sorted(by: { $0.size < $1.size }) {
                attempts += 1
                if attempts >= 400 { break }
                let outcome = compare(candidate)
                if let problem = outcome.problem, !problem.contains("does not") {
                    current = candidate
                    shrunk = true
                    break
                }
            }
        }
        return current
    }
}
