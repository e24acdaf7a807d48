import Foundation
import Redline
import RedlineExprGen

/// One fuzz input, run through the public API the way a user's input would be. Its first byte
/// chooses what the rest is: a rule file, an expression, a query over the sample data, a
/// hazards CSV file, the choices of the expression generator, date and duration arithmetic
/// built from 64-bit numbers, or a hazards JSON file. Whatever the bytes, the only acceptable outcomes are results and
/// diagnostics; a crash, a hang or a sanitizer report is a bug.
enum FuzzCase {
    static let asOf = CalendarDate(iso: "2024-06-30") ?? CalendarDate.today()
    /// Small limits, so an input that loops for long is cut short rather than timing out.
    static let limits = EvaluationLimits(maxSteps: 200_000, maxWorkdays: 2_000)
    /// The repository root (the fuzzer runs from it, or `REDLINE_ROOT` names it).
    static let root = ProcessInfo.processInfo.environment["REDLINE_ROOT"] ?? FileManager.default.currentDirectoryPath
    static let sampleFolder = root + "/Rules/sample"

    static let policy: Program = {
        let path = root + "/Rules/three-always.rl"
        let bytes = FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
        return Program.compile([RuleSource(name: path, bytes: bytes)])
    }()
    static let sample: Dataset? = policy.loadData(directory: sampleFolder).dataset

    /// A folder holding the sample's files, where each CSV input replaces hazards.csv.
    static let csvFolder: String = {
        let folder = NSTemporaryDirectory() + "redline-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in ["enterprises", "orders", "inspections"] {
            try? FileManager.default.removeItem(atPath: "\(folder)/\(name).csv")
            try? FileManager.default.copyItem(atPath: "\(sampleFolder)/\(name).csv", toPath: "\(folder)/\(name).csv")
        }
        return folder
    }()

    /// `REDLINE_FUZZ_MODE=N` holds every input to mode N (its first byte is still skipped), so a
    /// fuzzing run can spend its whole time on one mode.
    static let fixedMode: UInt8? = ProcessInfo.processInfo.environment["REDLINE_FUZZ_MODE"].flatMap { UInt8($0) }

    static func run(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let body = Array(bytes.dropFirst())
        switch (fixedMode ?? first) % 8 {
        case 0, 7: rules(body)
        case 1: expression(String(decoding: body, as: UTF8.self))
        case 2: query(String(decoding: body, as: UTF8.self))
        case 3: hazardsFile(body)
        case 4: generated(body)
        case 5: dateArithmetic(body)
        default: hazardsFile(body, json: true)
        }
    }

    /// A rule file: compiled, its diagnostics rendered; if it compiles, its rule tests run, and it
    /// is evaluated over the sample data (when the sample has its tables) with every report.
    static func rules(_ body: [UInt8]) {
        let program = Program.compile([RuleSource(name: "fuzz.rl", bytes: body)])
        _ = DiagnosticRenderer.text(program.diagnostics, language: .zh)
        _ = DiagnosticRenderer.json(program.diagnostics)
        guard !program.hasErrors else { return }
        _ = program.runTests()
        guard let data = program.loadData(directory: sampleFolder, options: LoadOptions(lenient: true)).dataset else { return }
        let result = program.run(on: data, asOf: asOf, limits: limits)
        let writer = ReportWriter(program: program, dataset: data)
        for format in [ReportFormat.csv, .json, .table] { _ = writer.render(result, as: format) }
        if let subject = result.decisions.first?.subject.key {
            _ = program.explain(subject: subject, on: data, asOf: asOf, limits: limits)
        }
    }

    /// An expression, with the three-always policy's definitions and tables in scope.
    static func expression(_ text: String) {
        let result = policy.evaluate(text, asOf: asOf, data: sample, limits: limits)
        _ = DiagnosticRenderer.text(result.diagnostics)
    }

    static func query(_ text: String) {
        guard let sample else { return }
        let answer = policy.query(text, on: sample, asOf: asOf, limits: limits)
        for format in [ReportFormat.table, .csv, .json] { _ = answer.render(format) }
    }

    /// The expression generator's table and rows, for its expressions.
    static let generatorProgram = Program.compile([RuleSource(name: "t.rl", text: ExpressionGenerator.tableDeclaration)])
    static let generatorData: Dataset? = {
        let folder = NSTemporaryDirectory() + "redline-fuzz-t-\(getpid())"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: folder + "/t.csv", contents: Data(ExpressionGenerator.tableRows.utf8)) else { return nil }
        return generatorProgram.loadData(directory: folder).dataset
    }()

    /// Well-typed expressions whose choices are the input's bytes: evaluated alone, and the
    /// conditions also as rules over the generator's table.
    static func generated(_ body: [UInt8]) {
        var generator = ExpressionGenerator(bytes: body)
        for index in 0..<8 {
            let expression = index % 2 == 0 ? generator.expression(.bool, subject: true) : generator.expression()
            if !expression.usesSubject {
                let result = generatorProgram.evaluate(expression.text, asOf: asOf, data: generatorData, limits: limits)
                _ = result.literal
                _ = DiagnosticRenderer.text(result.diagnostics)
            }
            guard expression.type == .bool, let data = generatorData else { continue }
            let text = ExpressionGenerator.tableDeclaration + "\nrule check for e in t when \(expression.text) then flag e because \"{e.id}\"\n"
            let program = Program.compile([RuleSource(name: "t.rl", text: text)])
            guard !program.hasErrors else { continue }
            let result = program.run(on: data, asOf: asOf, limits: limits)
            for format in [ReportFormat.csv, .json, .table] { _ = ReportWriter(program: program, dataset: data).render(result, as: format) }
            _ = program.explain(subject: "r0", on: data, asOf: asOf, limits: limits)
        }
    }

    /// Dates, durations and working days from the input's 64-bit numbers: every operator and
    /// date function at the edges of its range.
    static func dateArithmetic(_ body: [UInt8]) {
        var random = SeededRandom(bytes: body)
        func number() -> Int64 {
            let raw = Int64(bitPattern: random.next())
            switch random.below(4) {
            case 0: return raw
            case 1: return raw % 100_000
            case 2: return raw % 400
            default: return [Int64.max, Int64.min, 0, 1, -1, 2_932_896, -719_162, 100_000, 100_001][random.below(9)]
            }
        }
        func literal(_ n: Int64) -> String { n == Int64.min ? "(-9223372036854775807 - 1)" : "(\(n))" }
        func date() -> String {
            let day = Int(random.below(3_652_059))
            return "(0001-01-01 + \(day) days)"
        }
        func duration() -> String {
            let unit = ["days", "weeks", "months", "years", "workdays"][random.below(5)]
            return "(\(literal(number())) * 1 \(unit))"
        }
        let forms = [
            { "\(date()) + \(duration())" }, { "\(date()) - \(duration())" }, { "\(duration()) + \(date())" },
            { "\(date()) + (\(duration()) + \(duration()))" }, { "\(date()) - (\(duration()) - \(duration()))" },
            { "\(date()) - \(date())" }, { "workdays_between(\(date()), \(date()))" }, { "days_between(\(date()), \(date()))" },
            { "\(duration()) < \(duration())" }, { "\(duration()) == \(duration())" }, { "-\(duration())" },
            { "\"{\(duration())}\"" }, { "year(\(date()) + \(duration()))" }, { "sum d for d in [\(duration()), \(duration())]" },
            { "\(literal(number())) * \(duration())" }, { "round(\(literal(number())) / \(literal(number())), \(literal(number())))" },
        ]
        for _ in 0..<8 {
            let text = forms[random.below(forms.count)]()
            let result = policy.evaluate(text, asOf: asOf, data: sample, limits: limits)
            _ = result.literal
            _ = DiagnosticRenderer.text(result.diagnostics)
        }
    }

    /// Bytes as hazards.csv (or hazards.json) beside the sample's other tables, loaded strictly
    /// and leniently.
    static func hazardsFile(_ body: [UInt8], json: Bool = false) {
        for stale in ["hazards.csv", "hazards.json"] { try? FileManager.default.removeItem(atPath: csvFolder + "/" + stale) }
        guard FileManager.default.createFile(atPath: csvFolder + (json ? "/hazards.json" : "/hazards.csv"), contents: Data(body)) else { return }
        for lenient in [false, true] {
            let loaded = policy.loadData(directory: csvFolder, options: LoadOptions(lenient: lenient, hashFiles: true,
                                                                                   columns: lenient ? .readByRules : .all))
            _ = DiagnosticRenderer.text(loaded.diagnostics)
            if let data = loaded.dataset {
                let result = policy.run(on: data, asOf: asOf, limits: limits)
                _ = ReportWriter(program: policy, dataset: data).render(result, as: .csv)
            }
        }
    }
}
