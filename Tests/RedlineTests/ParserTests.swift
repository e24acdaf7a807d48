import Testing
@testable import Redline

@Suite struct ParserTests {
    func tree(_ text: String) -> String {
        let (expr, diagnostics) = Support.expression(text)
        guard let expr, diagnostics.isEmpty else { return "errors: " + diagnostics.map(\.message).joined(separator: "; ") }
        return Support.sexpr(expr)
    }

    @Test func precedence() {
        #expect(tree("1 + 2 * 3") == "(+ 1 (* 2 3))")
        #expect(tree("1 - 2 - 3") == "(- (- 1 2) 3)")
        #expect(tree("-a.b * 2") == "(* (- (. a b)) 2)")
        #expect(tree("a < b + 1 and c or d") == "(or (and (< a (+ b 1)) c) d)")
        #expect(tree("not a == b and c") == "(and (not (== a b)) c)")
        #expect(tree("a or b and c") == "(or a (and b c))")
        #expect(tree("x is missing or x is not missing and x is present") == "(or (missing x) (and (present x) (present x)))")
        #expect(tree("x not in [1, 2] and y in z") == "(and (not-in x [1 2]) (in y z))")
        #expect(tree("a + 30 days") == "(+ a 30days)")
        #expect(tree("h.enterprise.hazards") == "(. (. h enterprise) hazards)")
        #expect(tree("contains(lower(a), \"x{b + 1}\")") == "(contains (lower a) \"x{(+ b 1)}\")")
    }

    @Test func quantifiersReachToTheEnd() {
        #expect(tree("a and some h in e.hazards where h.x > 1 and h.y") == "(and a (some h (. e hazards) (and (> (. h x) 1) (. h y))))")
        #expect(tree("(count h in e.hazards where h.major) > 2") == "(> (count h (. e hazards) (. h major)) 2)")
        #expect(tree("sum h.fine for h in e.hazards") == "(sum (. h fine) h (. e hazards))")
        #expect(tree("存在 h 属于 e.hazards 满足 h.level == \"major\" 且 非 h.ok") == "(some h (. e hazards) (and (== (. h level) \"major\") (not (. h ok))))")
    }

    @Test func comparisonsDoNotChain() {
        #expect(tree("1 < 2 < 3") == "errors: expected one comparison, found `<`")
    }

    @Test func singleEqualIsReportedAndReadAsEquality() {
        let (expr, diagnostics) = Support.expression("a = 1")
        #expect(diagnostics.map(\.message) == ["`=` is not a comparison"])
        #expect(expr.map(Support.sexpr) == "(== a 1)")
    }

    @Test func recoveryReportsEveryBrokenDeclaration() {
        let text = """
        table t key id { id: text, n: int }
        actions a < b
        rule r1 for x in t when (x.n > 1 then a x
        rule r2 for x in t when x.n > then a x
        define d(p = p
        rule r3 for x in t when x.n > 1 then a x
        table u { id text }
        """
        let program = Program.compile([RuleSource(name: "r.rl", text: text)])
        #expect(program.diagnostics.filter { $0.severity == .error }.map(\.location.line) == [3, 4, 5, 7])
        // The healthy rule after the broken ones is still checked and kept.
        #expect(program.ruleNames == ["r3"])
    }

    @Test func depthLimitOnHugeNesting() {
        let deep = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
        let (_, diagnostics) = Support.expression(deep)
        #expect(diagnostics.map(\.message) == ["expression nested too deeply (the limit is 200 levels)"])
        let long = Array(repeating: "1", count: 100_000).joined(separator: " + ")
        #expect(Support.expression(long).1.map(\.message) == ["expression nested too deeply (the limit is 200 levels)"])
        let negations = String(repeating: "not ", count: 100_000) + "true"
        #expect(Support.expression(negations).1.count == 1)
        let members = "a" + String(repeating: ".b", count: 100_000)
        #expect(Support.expression(members).1.map(\.message) == ["expression nested too deeply (the limit is 200 levels)"])
        // Just under the limit is fine.
        let fine = String(repeating: "(", count: 150) + "1" + String(repeating: ")", count: 150)
        #expect(Support.expression(fine).1.isEmpty)
    }

    @Test func deeplyNestedFileDoesNotCrash() {
        let text = "actions a\ndefine d = " + String(repeating: "[", count: 100_000)
        let program = Program.compile([RuleSource(name: "deep.rl", text: text)])
        #expect(program.diagnostics.count == 1)
    }

    @Test func closerMismatchNamesItsOpener() {
        let (_, diagnostics) = Support.expression("f(a, [b, c)")
        #expect(diagnostics.first?.message == "expected `]` to close `[` at line 1, column 6, found `)`")
        #expect(diagnostics.first?.notes.first?.message == "`[` opened here")
    }
}
