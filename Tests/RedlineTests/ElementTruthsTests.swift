import Foundation
import Testing
@testable import Redline

/// Conditions computed for every row before a run (`ElementTruths`) decide exactly as the same
/// conditions evaluated element by element: the same outcomes, evidence, messages and missing
/// cells, errors absorbed or reported in the same places, and the same steps counted.
@Suite struct ElementTruthsTests {
    static let policy = """
    table enterprises key id { id: text, name: text }
    table hazards key id { id: text, enterprise_id: text -> enterprises, level: text, size: int?, found_on: date? }
    actions note < warn < act
    define open_major(h) = h.level == "major" and h.found_on is present and h.found_on <= today
    rule some_major "某" for e in enterprises
      when some h in e.hazards where open_major(h) and h.size * 1000000000000 > 5
      then act e because "{h.id} {h.size}"
    rule all_major "全" for e in enterprises
      when all h in e.hazards where h.level == "major"
      then warn e because "{e.name}"
    rule none_big "无" for e in enterprises
      when none h in e.hazards where h.size > 10
      then note e because "{e.id}"
    rule through_hazard "经" for h in hazards
      when some x in h.enterprise.hazards where x.size < 0
      then note h because "{x.id}"
    """

    /// Enterprises whose hazards mix true, false, unknown (missing cells) and failing (overflow)
    /// elements in every order, and some with none.
    static func data() throws -> String {
        var enterprises = "id,name\n", hazards = "id,enterprise_id,level,size,found_on\n"
        let sizes = ["1", "20", "", "99999999", "-3", "0"]
        let levels = ["major", "general", ""]
        let dates = ["2024-01-01", "", "2025-01-01"]
        var h = 0
        for e in 0..<400 {
            enterprises += "E\(1000 + e),企业\(e)\n"
            for k in 0..<(e % 5) {
                h += 1
                hazards += "H\(10000 + h),E\(1000 + (e * 7 + k * 13) % 400),\(levels[(e + k) % 3]),\(sizes[(e * 3 + k) % 6]),\(dates[(e + 2 * k) % 3])\n"
            }
        }
        return try EngineSupport.folder(["enterprises.csv": Array(enterprises.utf8), "hazards.csv": Array(hazards.utf8)])
    }

    static func run(_ program: Program, _ data: Dataset, precompute: Bool, maxSteps: Int = 1_000_000) -> RunResult {
        var engine = RuleEngine(program: program.checked, dataset: data, limits: EvaluationLimits(maxSteps: maxSteps), cancellation: nil)
        engine.precomputes = precompute
        return engine.run(asOf: CalendarDate(iso: "2024-06-30")!)
    }

    static func described(_ result: RunResult) -> [String] {
        result.decisions.map { decision in
            decision.subject.key + " " + (decision.action ?? "-") + " " + decision.outcomes.map { outcome in
                "\(outcome.rule):\(outcome.kind.rawValue):\(outcome.evidence.map(\.key)):\(outcome.message ?? ""):\(outcome.missing.map(\.description)):\(outcome.error ?? "")"
            }.joined(separator: " | ")
        }
    }

    @Test func aRunDecidesAsTheConditionsEvaluatedElementByElement() throws {
        let program = Program.compile([RuleSource(name: "p.rl", text: ElementTruthsTests.policy)])
        #expect(!program.hasErrors, "\(DiagnosticRenderer.text(program.diagnostics))")
        let data = try #require(program.loadData(directory: try ElementTruthsTests.data()).dataset)
        let fast = ElementTruthsTests.run(program, data, precompute: true)
        let slow = ElementTruthsTests.run(program, data, precompute: false)
        #expect(ElementTruthsTests.described(fast) == ElementTruthsTests.described(slow))
        #expect(fast.ruleCounts.map(\.fired) == slow.ruleCounts.map(\.fired))
        #expect(fast.ruleCounts.map(\.undetermined) == slow.ruleCounts.map(\.undetermined))
        #expect(fast.ruleCounts.map(\.failed) == slow.ruleCounts.map(\.failed))
        // Every kind of element occurs: fired, undetermined and failed rules.
        #expect(fast.ruleCounts.contains { $0.failed > 0 } && fast.ruleCounts.contains { $0.undetermined > 0 })
        #expect(fast.decisions.count > 100)
    }

    /// A step budget stops both runs after the same subjects: steps are counted per element the
    /// quantifier would visit, even when its verdict was computed before the run.
    @Test(arguments: [150, 400, 777, 1500])
    func stepsAreCountedAsElementByElement(maxSteps: Int) throws {
        let program = Program.compile([RuleSource(name: "p.rl", text: ElementTruthsTests.policy)])
        let data = try #require(program.loadData(directory: try ElementTruthsTests.data()).dataset)
        let fast = ElementTruthsTests.run(program, data, precompute: true, maxSteps: maxSteps)
        let slow = ElementTruthsTests.run(program, data, precompute: false, maxSteps: maxSteps)
        #expect(fast.stopped?.subjectsEvaluated == slow.stopped?.subjectsEvaluated)
        #expect(fast.stopped != nil)
        #expect(ElementTruthsTests.described(fast) == ElementTruthsTests.described(slow))
    }
}
