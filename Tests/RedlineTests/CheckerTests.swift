import Foundation
import Testing
@testable import Redline

@Suite struct CheckerTests {
    static let tables = """
    table enterprises key id { id: text, name: text }
    table hazards key id { id: text, enterprise_id: text -> enterprises, level: text, deadline: date, rectified_on: date? }
    actions suspend < close

    """

    func errors(_ rules: String) -> [String] {
        Program.compile([RuleSource(name: "t.rl", text: CheckerTests.tables + rules)]).diagnostics.filter { $0.severity == .error }.map { d in
            d.message + (d.hint.map { " | " + $0 } ?? "")
        }
    }

    @Test func threeAlwaysChecksCleanInBothLanguages() throws {
        for name in ["three-always.rl", "三个一律.rl"] {
            let url = Support.root.appendingPathComponent("Rules").appendingPathComponent(name)
            let program = Program.compile([RuleSource(name: name, bytes: [UInt8](try Data(contentsOf: url)))])
            #expect(program.diagnostics.isEmpty, "\(name): \(DiagnosticRenderer.text(program.diagnostics))")
            #expect(program.ruleNames.count == 3)
            #expect(program.actions == ["suspend", "close", "refer"])
        }
    }

    @Test func unknownNamesSuggestTheNearest() {
        #expect(errors("rule r for h in hazards when h.deadlin < today then close h") ==
                ["table `hazards` has no column or reference `deadlin` | did you mean `deadline`?"])
        #expect(errors("rule r for h in hazard when true then close h") == ["unknown name `hazard` | did you mean `hazards`?"])
        #expect(errors("rule r for h in hazards when true then clsoe h") == ["unknown action `clsoe` | did you mean `close`?"])
        #expect(errors("rule r for h in hazards when contians(h.level, \"m\") then close h") ==
                ["unknown function `contians` | did you mean `contains`?"])
        #expect(errors("rule r for e in enterprises when some h in e.hazard where true then close e") ==
                ["table `enterprises` has no column or reference `hazard` | did you mean `hazards`?"])
    }

    @Test func referencesNavigateBothWays() {
        #expect(errors("""
        rule r for h in hazards when h.enterprise.name == "x" then close h
        rule s for e in enterprises when some h in e.hazards where h.enterprise == e then close e
        """).isEmpty)
    }

    @Test func typeErrorsNameBothTypes() {
        #expect(errors("rule r for h in hazards when h.deadline < \"2024-01-01\" then close h") == ["`<` cannot combine date and text"])
        #expect(errors("rule r for h in hazards when h.deadline + 30 > today then close h") ==
                ["`+` cannot combine date and int | add a duration, e.g. `30 days`"])
        #expect(errors("rule r for h in hazards when h.level then close h") == ["the condition must be a condition (bool), but it is text"])
        #expect(errors("rule r for h in hazards when year(h.level) > 1 then close h") ==
                ["argument 1 of `year` must be date, but it is text | signature: year(date) -> int"])
    }

    @Test func definitionCyclesAreRejected() {
        #expect(errors("""
        define a(x) = b(x) and true
        define b(x) = c(x)
        define c(x) = a(x)
        define self_ref = self_ref
        """) == ["definitions cannot refer to themselves: `a` → `b` → `c` → `a`",
                 "definitions cannot refer to themselves: `self_ref` → `self_ref`"])
    }

    @Test func definitionsAreCheckedAtEachUse() {
        #expect(errors("""
        define overdue(h) = h.deadlin < today
        rule r for h in hazards when overdue(h) then close h
        """) == ["table `hazards` has no column or reference `deadlin` | did you mean `deadline`?"])
        #expect(errors("""
        define overdue(h: hazards, on: date) = h.deadline < on
        rule r for h in hazards when overdue(h, "x") then close h
        """) == ["parameter `on` is declared date, but the argument is text"])
    }

    @Test func duplicatesPointAtTheFirstDeclaration() {
        let program = Program.compile([RuleSource(name: "t.rl", text: CheckerTests.tables + """
        rule r for h in hazards when true then close h
        rule r for h in hazards when true then close h
        """)])
        let errors = program.diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.message) == ["rule `r` is declared twice"])
        #expect(errors.first?.notes.first?.location.line == 4)
    }

    @Test func messageMayUseTheEvidenceVariable() {
        #expect(errors("""
        rule r for e in enterprises when some h in e.hazards where h.level == "major" then close e because "隐患 {h.id}"
        rule s for e in enterprises when true then close e because "{x.id}"
        """) == ["unknown name `x`"])
    }

    @Test func actionSubjectMustBeTheRuleSubject() {
        #expect(errors("rule r for h in hazards when true then close x") ==
                ["the action must name the rule's subject `h` | did you mean `h`?"])
    }

    /// A chain of definitions deeper than the limit is one error, not one per definition.
    @Test func definitionChainTooDeepIsReportedOnce() {
        var text = "table t key id { id: text, n: int }\nactions a\n"
        for level in 0..<70 { text += "define d\(level)(x) = d\(level + 1)(x) + 1\n" }
        text += "define d70(x) = x\nrule r for e in t when d0(e.n) > 1 then a e\n"
        let program = Program.compile([RuleSource(name: "deep.rl", text: text)])
        let deep = program.diagnostics.filter { $0.message.contains("more than 64 levels deep") }
        #expect(deep.count == 1)
        #expect(program.hasErrors)
    }
}
