import Foundation
import Testing
@testable import Redline

/// Grammar.md is kept exact: its examples are parsed and evaluated, its tables compared with the code.
@Suite struct GrammarTests {
    static let text: String = (try? String(contentsOf: Support.root.appendingPathComponent("Grammar.md"), encoding: .utf8)) ?? ""

    /// The bodies of fenced blocks with the given info string.
    static func blocks(_ info: String) -> [String] {
        var result: [String] = []
        var current: [String]? = nil
        for line in text.components(separatedBy: "\n") {
            if current == nil, line == "```" + info {
                current = []
            } else if current != nil, line == "```" {
                result.append(current!.joined(separator: "\n"))
                current = nil
            } else if current != nil {
                current!.append(line)
            }
        }
        return result
    }

    /// Table rows (`| a | b | … |`) of the section starting at a heading.
    static func rows(after heading: String) -> [[String]] {
        guard let range = text.range(of: heading) else { return [] }
        var rows: [[String]] = []
        var started = false
        for line in text[range.upperBound...].components(separatedBy: "\n") {
            if line.hasPrefix("|") {
                started = true
                let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                rows.append(cells.map { $0.trimmingCharacters(in: .whitespaces) })
            } else if started {
                break
            }
        }
        return Array(rows.dropFirst(2))
    }

    @Test func everyRuleFileExampleChecksClean() {
        let examples = GrammarTests.blocks("redline")
        #expect(!examples.isEmpty)
        for example in examples {
            let program = Program.compile([RuleSource(name: "Grammar.md", text: example)])
            #expect(program.diagnostics.isEmpty, "\(DiagnosticRenderer.text(program.diagnostics))")
        }
    }

    @Test func everyExpressionExampleEvaluatesAsDocumented() {
        var count = 0
        for block in GrammarTests.blocks("redline-eval") {
            for line in block.components(separatedBy: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                guard let marker = line.range(of: "# =>", options: .backwards) else {
                    Issue.record("example without `# =>`: \(line)")
                    continue
                }
                let expression = line[..<marker.lowerBound].trimmingCharacters(in: .whitespaces)
                let expected = line[marker.upperBound...].trimmingCharacters(in: .whitespaces)
                #expect(Support.eval(expression) == expected, "\(expression)")
                count += 1
            }
        }
        #expect(count >= 30)
    }

    @Test func everyQueryExampleParsesAndChecks() throws {
        let program = try EngineSupport.program("Rules/three-always.rl")
        let dataset = try #require(EngineSupport.load(program, EngineSupport.sample).dataset)
        let queries = GrammarTests.blocks("redline-query").flatMap { $0.components(separatedBy: "\n") }.filter { !$0.isEmpty }
        #expect(queries.count >= 4)
        for query in queries {
            let result = program.query(query, on: dataset, asOf: EngineSupport.asOf)
            #expect(result.succeeded, "\(query): \(DiagnosticRenderer.text(result.diagnostics))")
        }
    }

    @Test func keywordTableMatchesTheLexer() {
        let rows = GrammarTests.rows(after: "**Keywords.**")
        #expect(rows.count == Keyword.allCases.count)
        for row in rows where row.count >= 2 {
            let english = row[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let chinese = row[1].components(separatedBy: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "` ")) }
            guard let keyword = Keyword.bySpelling[english] else { Issue.record("not a keyword: \(english)"); continue }
            #expect(keyword.spellings == [english] + chinese, "\(english)")
        }
    }

    @Test func functionTableMatchesTheBuiltins() {
        let rows = GrammarTests.rows(after: "## 9. Standard library")
        #expect(rows.count == Builtin.allCases.count)
        for row in rows where row.count >= 4 {
            let name = row[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            guard let builtin = Builtin.byName[name] else { Issue.record("not a function: \(name)"); continue }
            #expect(builtin.names == [name, row[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))])
            #expect(builtin.signature == row[2])
            // The example: "`call` is `value`".
            let parts = row[3].components(separatedBy: "` is `")
            if parts.count == 2 {
                let call = String(parts[0].dropFirst()), value = String(parts[1].dropLast())
                #expect(Support.eval(call) == value, "\(call)")
            } else {
                Issue.record("example not in the form `call` is `value`: \(row[3])")
            }
        }
    }

    @Test func precedenceTableMatchesTheParser() {
        // One probe per adjacent pair of levels: the tighter operator groups first.
        let probes: [(String, String)] = [
            ("a or b and c", "(or a (and b c))"),
            ("a and not b", "(and a (not b))"),
            ("not a == b", "(not (== a b))"),
            ("a == b + c", "(== a (+ b c))"),
            ("a + b * c", "(+ a (* b c))"),
            ("-a * b", "(* (- a) b)"),
            ("-a.b", "(- (. a b))"),
        ]
        for (input, expected) in probes {
            #expect(Support.expression(input).0.map(Support.sexpr) == expected)
        }
    }
}
