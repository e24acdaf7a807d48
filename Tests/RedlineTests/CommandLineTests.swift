import Foundation
import Testing
@testable import Redline

/// The `redline` binary end to end: output and exit codes (0 success, 1 errors, 2 usage).
@Suite struct CommandLineTests {
    @Test func checkCleanFilesExitsZero() throws {
        let result = try Support.run(["check", "Rules/three-always.rl", "Rules/三个一律.rl"])
        #expect(result.status == 0)
        #expect(result.stderr == "")
    }

    @Test func checkReportsErrorsAndExitsOne() throws {
        let result = try Support.run(["check", "Tests/Fixtures/diagnostics/typo-in-column.rl"])
        #expect(result.status == 1)
        let expected = try String(contentsOf: Support.fixtures.appendingPathComponent("diagnostics/typo-in-column.expected"), encoding: .utf8)
        #expect(result.stderr == expected.replacingOccurrences(of: "typo-in-column.rl:", with: "Tests/Fixtures/diagnostics/typo-in-column.rl:"))
    }

    @Test func checkJsonAndChinese() throws {
        let json = try Support.run(["check", "--format", "json", "Tests/Fixtures/diagnostics/unknown-action.rl"])
        #expect(json.status == 1)
        #expect(json.stdout.contains("\"message\": \"unknown action `refre`\", \"hint\": \"did you mean `refer`?\""))
        let zh = try Support.run(["check", "Tests/Fixtures/diagnostics/unknown-action.rl"], environment: ["LANG": "zh_CN.UTF-8"])
        #expect(zh.stderr.contains("错误: 未知处置 `refre`"))
    }

    @Test func evalPrintsTheValue() throws {
        let result = try Support.run(["eval", "2024-01-31 + 1 month"])
        #expect(result.status == 0)
        #expect(result.stdout == "2024-02-29\n")
        let asOf = try Support.run(["eval", "--as-of", "2024-06-30", "today - 30 days"])
        #expect(asOf.stdout == "2024-05-31\n")
        let withRules = try Support.run(["eval", "--rules", "Rules/three-always.rl", "--as-of", "2024-06-30", "count e in enterprises"])
        #expect(withRules.status == 1)
        #expect(withRules.stderr.contains("no data is loaded for table `enterprises`"))
    }

    @Test func evalErrorsExitOne() throws {
        let result = try Support.run(["eval", "1 / 0"])
        #expect(result.status == 1)
        #expect(result.stderr == "<expr>:1:1: error: division by zero\n 1 | 1 / 0\n   | ^^^^^\n")
        #expect(try Support.run(["eval", "(1 +"]).status == 1)
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try Support.run(["frobnicate"]).status == 2)
        #expect(try Support.run(["eval"]).status == 2)
        #expect(try Support.run(["check"]).status == 2)
        #expect(try Support.run(["check", "no-such-file.rl"]).status == 2)
        #expect(try Support.run(["eval", "--as-of", "2024-02-30", "today"]).status == 2)
        #expect(try Support.run(["check", "--format", "xml", "Rules/three-always.rl"]).status == 2)
        let help = try Support.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("check"))
    }
}
