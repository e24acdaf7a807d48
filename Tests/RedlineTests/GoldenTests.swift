import Foundation
import Testing
@testable import Redline

/// Each policy in Rules/ on Rules/sample: decisions (CSV and JSON) and explanations compared byte
/// for byte with Tests/Fixtures/golden; `REDLINE_RECORD=1 swift test` re-records them.
@Suite struct GoldenTests {
    static let explained: [String: [String]] = [
        "three-always.rl": ["E002", "E003", "E005", "E006", "E007", "E008", "E011"],
        "三个一律.rl": ["E002", "E008"],
        "rectification-ledger.rl": ["H010", "H015", "E005"],
    ]

    func compare(_ actual: String, _ path: String) throws {
        let url = Support.fixtures.appendingPathComponent("golden").appendingPathComponent(path)
        if Support.recording {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = (try? String(contentsOf: url, encoding: .utf8)) ?? "<missing golden file \(path)>"
        #expect(actual == expected, "\(path) differs; re-record with REDLINE_RECORD=1 if the change is intended")
    }

    @Test(arguments: ["three-always.rl", "三个一律.rl", "rectification-ledger.rl"])
    func policyOnSample(_ file: String) throws {
        let program = try EngineSupport.program("Rules/" + file)
        #expect(program.diagnostics.isEmpty)
        let loaded = EngineSupport.load(program, EngineSupport.sample, hash: true)
        let dataset = try #require(loaded.dataset)
        let result = program.run(on: dataset, asOf: EngineSupport.asOf)
        let writer = ReportWriter(program: program, dataset: dataset)
        let stem = (file as NSString).deletingPathExtension
        try compare(writer.render(result, as: .csv), "\(stem)/decisions.csv")
        try compare(writer.render(result, as: .json), "\(stem)/decisions.json")
        try compare(writer.render(result, as: .table), "\(stem)/decisions.txt")
        for subject in GoldenTests.explained[file] ?? [] {
            let explanation = try #require(program.explain(subject: subject, on: dataset, asOf: EngineSupport.asOf))
            try compare(explanation.text, "\(stem)/explain-\(subject).txt")
        }
    }

    /// The Chinese-keyword policy decides exactly as the English one.
    @Test func bothKeywordLanguagesDecideAlike() throws {
        var decided: [[String: String]] = []
        for file in ["Rules/three-always.rl", "Rules/三个一律.rl"] {
            let program = try EngineSupport.program(file)
            let dataset = try #require(EngineSupport.load(program, EngineSupport.sample).dataset)
            decided.append(EngineSupport.actions(program.run(on: dataset, asOf: EngineSupport.asOf)))
        }
        #expect(decided[0] == decided[1])
        #expect(decided[0].count == 7)
    }

    /// Explanations evaluate the parts of each rule's own plan: for every subject of the sample
    /// under every policy, no part of a condition is planned again on its own.
    @Test(arguments: ["three-always.rl", "三个一律.rl", "rectification-ledger.rl"])
    func explanationsReadTheRulesOwnPlans(_ file: String) throws {
        let program = try EngineSupport.program("Rules/" + file)
        let dataset = try #require(EngineSupport.load(program, EngineSupport.sample).dataset)
        let checked = program.checked
        var explained = 0
        for table in Set(checked.rules.map(\.subjectTable)) {
            for row in 0..<dataset.tables[table].rowCount {
                let explainer = Explainer(program: checked, dataset: dataset, limits: EvaluationLimits())
                let key = dataset.keyText(table: table, row: Int32(row))
                let explanation = try #require(explainer.explain(subject: key, asOf: EngineSupport.asOf))
                #expect(!explanation.rules.isEmpty)
                #expect(explainer.registry.misses == 0, "\(file) \(key): \(explainer.registry.misses) parts planned again")
                explained += 1
            }
        }
        #expect(explained > 10)
    }
}
