import Foundation
import Redline

/// One fuzz input, run through the public API the way a user's input would be. Its first byte
/// chooses what the rest is: a rule file, an expression, a query over the sample data, or a
/// hazards CSV file. Whatever the bytes, the only acceptable outcomes are results and
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

    static func run(_ bytes: [UInt8]) {
        guard let mode = bytes.first else { return }
        let body = Array(bytes.dropFirst())
        switch mode % 4 {
        case 0: rules(body)
        case 1: expression(String(decoding: body, as: UTF8.self))
        case 2: query(String(decoding: body, as: UTF8.self))
        default: hazardsFile(body)
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

    /// Bytes as hazards.csv beside the sample's other tables, loaded strictly and leniently.
    static func hazardsFile(_ body: [UInt8]) {
        guard FileManager.default.createFile(atPath: csvFolder + "/hazards.csv", contents: Data(body)) else { return }
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
