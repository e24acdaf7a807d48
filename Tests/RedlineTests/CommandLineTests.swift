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
        let version = try Support.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("redline \(RedlineVersion.number) (holiday calendar cn 2004–2026, sha256 "))
        let help = try Support.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("check"))
    }
}

/// `run`, `explain` and `query` end to end.
@Suite struct RunCommandTests {
    @Test func runPrintsDecisionsAndSummary() throws {
        let result = try Support.run(["run", "Rules/three-always.rl", "--data", "Rules/sample", "--as-of", "2024-06-30", "--format", "csv"])
        #expect(result.status == 0)
        let golden = try String(contentsOf: Support.fixtures.appendingPathComponent("golden/three-always/decisions.csv"), encoding: .utf8)
        #expect(result.stdout == golden)
        #expect(result.stderr.contains("as of 2024-06-30: 12 subjects evaluated, 7 with an outcome"))
        #expect(result.stderr.contains("actions: refer 2, close 3, suspend 1, undetermined 1"))
        let zh = try Support.run(["run", "Rules/three-always.rl", "--data", "Rules/sample", "--as-of", "2024-06-30", "--format", "csv", "--lang", "zh"])
        #expect(zh.stdout == golden)
        #expect(zh.stderr.hasPrefix("截至 2024-06-30:共求值 12 个对象,其中 7 个有结果\n  处置:refer 2, close 3, suspend 1, undetermined 1\n"))
        #expect(zh.stderr.contains("  规则 close_overdue_major_hazard:触发 5,无法判定 1\n"))
    }

    @Test func tableAlignsChineseText() throws {
        let result = try Support.run(["run", "Rules/rectification-ledger.rl", "--data", "Rules/sample", "--as-of", "2024-06-30"])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        // Every row's message column starts at the same display column.
        let starts = lines.map { line -> Int in
            let prefix = line.components(separatedBy: "  ").dropLast().joined(separator: "  ")
            return DisplayWidth.of(prefix)
        }
        #expect(Set(starts.dropFirst(2)).count <= 2)
        #expect(lines.count == 2 + 13)
    }

    @Test func outputIsWrittenWhole() throws {
        let folder = try EngineSupport.folder([:])
        let target = folder + "/report.json"
        try "previous report".write(toFile: target, atomically: true, encoding: .utf8)
        let result = try Support.run(["run", "Rules/three-always.rl", "--data", "Rules/sample", "--as-of", "2024-06-30",
                                      "--format", "json", "--output", target])
        #expect(result.status == 0)
        #expect(result.stdout == "")
        let written = try String(contentsOfFile: target, encoding: .utf8)
        #expect(written.hasPrefix("{\n  \"as_of\": \"2024-06-30\""))
        // A failed run leaves the previous report untouched.
        let failed = try Support.run(["run", "Rules/three-always.rl", "--data", "Rules/calendar", "--output", target])
        #expect(failed.status == 1)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == written)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["report.json"])
        // The CSV report written in pieces to a file is the report printed to stdout.
        let csv = try Support.run(["run", "Rules/three-always.rl", "--data", "Rules/sample", "--as-of", "2024-06-30",
                                   "--format", "csv", "--output", folder + "/report.csv"])
        #expect(csv.status == 0)
        let golden = try String(contentsOf: Support.fixtures.appendingPathComponent("golden/three-always/decisions.csv"), encoding: .utf8)
        #expect(try String(contentsOfFile: folder + "/report.csv", encoding: .utf8) == golden)
        // A folder that does not exist: a clear error, exit 1, nothing left behind.
        let nowhere = try Support.run(["run", "Rules/three-always.rl", "--data", "Rules/sample", "--output", folder + "/missing/report.csv"])
        #expect(nowhere.status == 1)
        #expect(nowhere.stderr.contains("redline: cannot write `\(folder)/missing/report.csv`"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["report.csv", "report.json"])
    }

    @Test func badDataExitsOneWithEveryError() throws {
        var files = try EngineSupport.sampleFiles()
        files["hazards.csv"] = files["hazards.csv"]!.replacingOccurrences(of: "2024-06-01,,", with: "2024-13-45,,")
            .replacingOccurrences(of: "H011,E009", with: "H011,E099")
        let folder = try EngineSupport.folder(files.mapValues { Array($0.utf8) })
        let strict = try Support.run(["run", "Rules/three-always.rl", "--data", folder])
        #expect(strict.status == 1)
        #expect(strict.stdout == "")
        #expect(strict.stderr.contains("`2024-13-45` in column `deadline` is not a date"))
        #expect(strict.stderr.contains("`E099` in column `enterprise_id` is not a key of table `enterprises`"))
        #expect(strict.stderr.contains("pass --lenient to skip bad rows"))
        let lenient = try Support.run(["run", "Rules/three-always.rl", "--data", folder, "--lenient", "--as-of", "2024-06-30"])
        #expect(lenient.status == 0)
        #expect(lenient.stderr.contains("skipped rows: 2 (bad value 1, unknown reference 1)"))
    }

    @Test func explainSaysWhyNot() throws {
        let result = try Support.run(["explain", "Rules/three-always.rl", "--data", "Rules/sample", "--as-of", "2024-06-30", "E006"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("orders O002: `o.issued_on < i.date` is false: `o.issued_on` is 2024-06-01, `i.date` is 2024-06-01"))
        // In Chinese for inspectors and policy staff; the values and names stay as written.
        let zh = try Support.run(["explain", "Rules/three-always.rl", "--data", "Rules/sample", "--as-of", "2024-06-30", "E006", "--lang", "zh"])
        #expect(zh.status == 0)
        #expect(zh.stdout.hasPrefix("enterprises E006 忻州五台山非煤矿山有限公司,截至 2024-06-30:close\n"))
        #expect(zh.stdout.contains("规则 refer_illegal_production “凡是冒险违法组织生产的不法业主一律移送司法”:未触发"))
        #expect(zh.stdout.contains("orders O002:`o.issued_on < i.date` 为假:`o.issued_on` 为 2024-06-01,`i.date` 为 2024-06-01"))
        #expect(zh.stdout.contains("证据:hazards H006"))
        let unknown = try Support.run(["explain", "Rules/three-always.rl", "--data", "Rules/sample", "E999"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "redline: no subject has the key `E999`\n")
    }

    @Test func queryGroupsAndSorts() throws {
        let query = """
        from h in hazards where h.level == "major" and unrectified(h, today) and h.found_on <= today
        group by h.enterprise.county select county: h.enterprise.county, open: count sort by open desc, county limit 3
        """
        let result = try Support.run(["query", "--data", "Rules/sample", "--as-of", "2024-06-30", "Rules/three-always.rl", query, "--format", "csv"])
        #expect(result.status == 0)
        #expect(result.stdout == "county,open\n郊区,2\n云冈区,1\n五台县,1\n")
        let bad = try Support.run(["query", "--data", "Rules/sample", "Rules/three-always.rl", "from h in hazards where h.levl == 1"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("did you mean `level`?"))
    }
}

/// `redline test`: the cases beside every policy pass; a wrong expectation fails readably.
@Suite struct RuleTestCommandTests {
    @Test func everyPolicyInRulesPassesItsTests() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Support.root.appendingPathComponent("Rules").path)
            .filter { $0.hasSuffix(".rl") }.sorted().map { "Rules/" + $0 }
        let result = try Support.run(["test"] + files)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("19 passed, 0 failed"))
        #expect(result.stdout.contains("12 passed, 0 failed"))
        #expect(!result.stdout.contains("not exercised"))
        // Every policy file has its own tests.
        for policy in files where !policy.hasSuffix(".test.rl") {
            #expect(files.contains((policy as NSString).deletingPathExtension + ".test.rl"), "\(policy) has no tests")
        }
    }

    @Test func wrongExpectationFailsWithAReadableReport() throws {
        let result = try Support.run(["test", "Tests/Fixtures/tests/wrong-expectation.rl"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("FAILED  rectified on time, but the expectation says close — Tests/Fixtures/tests/wrong-expectation.rl:11:1"))
        #expect(result.stdout.contains("  expected  E1  close\n  actual    E1  none\n"))
        #expect(result.stdout.contains("`h.rectified_on is missing` is false: `h.rectified_on` is 2024-06-15"))
        // Coverage lists what no case exercised.
        #expect(result.stdout.contains("rule close_overdue never fired"))
        #expect(result.stdout.contains("0 passed, 1 failed"))
    }

    @Test func testsNameUnknownTablesAndColumns() throws {
        let source = """
        table t key id { id: text, level: int }
        actions a
        rule r for x in t when x.level > 1 then a x
        test "typo" as of 2024-01-01
          given t (id, levl) ("A", 2)
          expect A a
        """
        let report = Program.compile([RuleSource(name: "typo.rl", text: source)]).runTests()
        #expect(report.failed == 1)
        #expect(report.text.contains("table `t` has no column `levl`; did you mean `level`?"))
        #expect(report.text.contains("0 passed, 1 failed"))
        // The same report for Chinese-speaking policy staff (`redline test --lang zh`).
        let zh = Program.compile([RuleSource(name: "typo.rl", text: source)]).runTests(language: .zh)
        #expect(zh.text.contains("未通过  typo — typo.rl:4:1"))
        #expect(zh.text.contains("表 `t` 没有列 `levl`;是否想写 `level`?"))
        #expect(zh.text.contains("0 个通过,1 个未通过"))
    }

    /// Every fuzz seed (and every input a fuzzer once crashed on, kept beside them) replays
    /// through the compiler, evaluator, query engine and CSV reader without a crash.
    @Test func fuzzSeedsReplayWithoutCrashing() throws {
        let folder = Support.root.appendingPathComponent("Tests/Fixtures/fuzz-seeds")
        let seeds = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { folder.appendingPathComponent($0).path }
        #expect(seeds.count >= 20)
        let replay = Process()
        replay.executableURL = Support.redlineBinary.deletingLastPathComponent().appendingPathComponent("redline-fuzz")
        replay.arguments = seeds
        replay.currentDirectoryURL = Support.root
        let output = Pipe()
        replay.standardOutput = output
        try replay.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        replay.waitUntilExit()
        #expect(replay.terminationStatus == 0)
        #expect(printed.split(separator: "\n").count == seeds.count)
    }

    /// The generator refuses what it cannot use, with a usage line, rather than guessing.
    @Test func generatorRefusesBadArguments() throws {
        func generate(_ arguments: [String]) throws -> (Int32, String) {
            let process = Process()
            process.executableURL = Support.redlineBinary.deletingLastPathComponent().appendingPathComponent("redline-gen")
            process.arguments = arguments
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, text)
        }
        let seed = try generate(["--enterprises", "10", "--seed", "abc", "--out", "/tmp/redline-gen-unused"])
        #expect(seed.0 == 2)
        #expect(seed.1.hasPrefix("redline-gen: --seed needs a whole number"))
        let count = try generate(["--enterprises", "-5"])
        #expect(count.0 == 2)
        #expect(count.1.hasPrefix("redline-gen: --enterprises needs a whole number"))
        let nowhere = try generate(["--enterprises", "10", "--out", "/proc/redline-nowhere"])
        #expect(nowhere.0 == 1)
        #expect(nowhere.1.hasPrefix("redline-gen: cannot write to `/proc/redline-nowhere`"))
        let order = try generate(["--enterprises", "10", "--order", "random", "--out", "/tmp/redline-gen-unused"])
        #expect(order.0 == 2)
        #expect(order.1.hasPrefix("redline-gen: --order is `register`"))
    }
}
