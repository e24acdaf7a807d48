import Foundation
import Testing
@testable import Redline

/// Hostile input, honest failure: each case is input a regulator could meet, the exact message it
/// must produce and the exit code (1 rules and data, 2 usage); nothing crashes, hangs, is lost
/// silently or overwritten.
@Suite struct HostileInputTests {
    /// A copy of Rules/sample in a fresh folder, with hazards.csv replaced when given.
    static func sample(hazards: String? = nil) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("redline-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["enterprises", "hazards", "orders", "inspections"] {
            try FileManager.default.copyItem(at: Support.root.appendingPathComponent("Rules/sample/\(name).csv"),
                                             to: folder.appendingPathComponent("\(name).csv"))
        }
        if let hazards { try Data(hazards.utf8).write(to: folder.appendingPathComponent("hazards.csv")) }
        return folder
    }

    static let header = "id,enterprise_id,level,category,found_on,deadline,rectified_on,responsible_unit\n"

    static func run(_ folder: URL, _ extra: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
        try Support.run(["run", "Rules/three-always.rl", "--data", folder.path, "--as-of", "2024-06-30"] + extra)
    }

    /// The first line of standard error, with the folder's path taken out.
    static func firstLine(_ text: String, _ folder: URL) -> String {
        String(text.split(separator: "\n").first ?? "").replacingOccurrences(of: folder.path + "/", with: "")
    }

    @Test(arguments: [
        ("today + 9223372036854775807 days", "<expr>:1:1: error: the date falls outside years 1 to 9999"),
        ("today + 9223372036854775807 * 1 week", "<expr>:1:9: error: `*` overflows (integers are 64-bit)"),
        ("2024-06-30 + 100001 workdays", "<expr>:1:1: error: a duration of more than 100000 workdays (the limit on working days in one duration)"),
        ("round(2.5, -9223372036854775807) == 0", "true"),
        ("100000000 / 3", "33333333.333333333333"),
        ("\"{(-9223372036854775807 - 1) * 1 day}\"", "\"-9223372036854775808 days\""),
    ])
    func arithmeticNeverTraps(_ expression: String, _ expected: String) throws {
        let result = try Support.run(["eval", "--as-of", "2024-06-30", expression])
        let got = result.status == 0 ? result.stdout.trimmingCharacters(in: .newlines) : String(result.stderr.split(separator: "\n").first ?? "")
        #expect(got == expected)
        #expect(result.status == (expected.contains("error:") ? 1 : 0))
    }

    @Test(arguments: [
        (header + "H1,E001,\"major,重大,2024-05-01,2024-06-15,,x\nH2,E002,major,重大,2024-05-01,2024-06-15,,x\n",
         "hazards.csv:2:9: error: this quote opens a value that is never closed"),
        (header + "H1,E001,\"major\"x,重大,2024-05-01,2024-06-15,,x\n", "hazards.csv:2:16: error: text after the closing quote of a value"),
        (header + "H1,E001,ma\u{0}jor,重大,2024-05-01,2024-06-15,,x\n", "hazards.csv:2:1: error: this row holds a NUL byte (0x00)"),
        ("id,enterprise_id,level,level,category,found_on,deadline,rectified_on,responsible_unit\n",
         "hazards.csv:1:1: error: column `level` appears twice in the header (fields 3 and 4)"),
    ])
    func malformedCSVIsAnError(_ hazards: String, _ expected: String) throws {
        let folder = try HostileInputTests.sample(hazards: hazards)
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try HostileInputTests.run(folder)
        #expect(result.status == 1)
        #expect(HostileInputTests.firstLine(result.stderr, folder) == expected)
        #expect(result.stdout == "")
    }

    @Test func lenientCountsEveryRowItSkips() throws {
        // The unclosed quote no longer swallows the rows after it: H2 and H3 are read, H1 is skipped.
        let folder = try HostileInputTests.sample(hazards: HostileInputTests.header
            + "H1,E001,\"major,重大,2024-05-01,2024-06-15,,x\nH2,E002,major,重大,2024-05-01,2024-06-15,,x\nH3,E003,\"a\"b,重大,2024-05-01,2024-06-15,,x\nH4,E004,major,重大,2024-05-01,2024-06-15,,x\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try HostileInputTests.run(folder, ["--lenient", "--format", "csv"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("skipped rows: 2 (bad quoting 2)"))
        #expect(result.stdout.contains("\nE002,") && result.stdout.contains("\nE004,"))
        #expect(!result.stdout.contains("\nE001,") && !result.stdout.contains("\nE003,"))
    }

    @Test func pipesAndDevicesAreRefusedNotRead() throws {
        let folder = try HostileInputTests.sample()
        defer { try? FileManager.default.removeItem(at: folder) }
        let hazards = folder.appendingPathComponent("hazards.csv")
        try FileManager.default.removeItem(at: hazards)
        #expect(mkfifo(hazards.path, 0o644) == 0)
        let result = try HostileInputTests.run(folder)
        #expect(result.status == 1)
        #expect(result.stderr.contains("`\(hazards.path)` is not a regular file (a pipe, device or folder); give a data file"))
        let calendar = try Support.run(["run", "Rules/three-always.rl", "--data", "Rules/sample", "--calendar", hazards.path])
        #expect(calendar.status == 1)
        let rules = try Support.run(["check", hazards.path])
        #expect(rules.status == 2)
        #expect(rules.stderr == "redline: `\(hazards.path)` is not a regular file (a pipe, device or folder); give a rule file\n")
    }

    @Test func outputNeverReplacesAnInputOrADevice() throws {
        let folder = try HostileInputTests.sample()
        defer { try? FileManager.default.removeItem(at: folder) }
        let hazards = folder.appendingPathComponent("hazards.csv").path
        let before = try String(contentsOfFile: hazards, encoding: .utf8)
        let intoData = try HostileInputTests.run(folder, ["--output", hazards])
        #expect(intoData.status == 2)
        #expect(intoData.stderr.hasSuffix("redline: --output `\(hazards)` is a file this run reads; write the report to another file\n"))
        #expect(try String(contentsOfFile: hazards, encoding: .utf8) == before)
        #expect(try HostileInputTests.run(folder, ["--output", "Rules/three-always.rl"]).status == 2)
        let device = try HostileInputTests.run(folder, ["--output", "/dev/null"])
        #expect(device.status == 2)
        #expect(device.stderr.contains("--output `/dev/null` exists and is not a regular file"))
        let link = folder.appendingPathComponent("link.csv")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: hazards)
        #expect(try HostileInputTests.run(folder, ["--output", link.path]).status == 2)
        #expect(try String(contentsOfFile: hazards, encoding: .utf8) == before)
    }

    @Test func aFailedRunLeavesTheOutputAsItWas() throws {
        let folder = try HostileInputTests.sample()
        defer { try? FileManager.default.removeItem(at: folder) }
        let rules = folder.appendingPathComponent("failing.rl")
        try """
            table enterprises key id { id: text }
            actions flag
            rule broken for e in enterprises when 1 / (length(e.id) - 4) > 0 then flag e
            """.write(to: rules, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("report.csv")
        try "previous\n".write(to: output, atomically: true, encoding: .utf8)
        #expect(chmod(output.path, 0o640) == 0)
        let result = try Support.run(["run", rules.path, "--data", folder.path, "--output", output.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("rule outcomes failed; the report was not written to `\(output.path)`, which is left as it was"))
        #expect(try String(contentsOf: output, encoding: .utf8) == "previous\n")
        // A good run replaces it, keeping its permissions.
        let good = try HostileInputTests.run(folder, ["--format", "csv", "--output", output.path])
        #expect(good.status == 0)
        #expect(try String(contentsOf: output, encoding: .utf8).hasPrefix("subject,label,action,rule,evidence,message\n"))
        var status = stat()
        #expect(stat(output.path, &status) == 0 && status.st_mode & 0o777 == 0o640)
    }

    @Test func writeErrorsOnStandardOutputAreReported() throws {
        for arguments in [["eval", "1"], ["run", "Rules/three-always.rl", "--data", "Rules/sample", "--as-of", "2024-06-30"]] {
            let process = Process()
            process.executableURL = Support.redlineBinary
            process.arguments = arguments
            process.currentDirectoryURL = Support.root
            process.standardOutput = try #require(FileHandle(forWritingAtPath: "/dev/full"))
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            process.waitUntilExit()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus == 1)
            #expect(message.contains("redline: cannot write to standard output: No space left on device"))
        }
    }

    @Test func spreadsheetFormulasAndTerminalControlsAreNeutralised() throws {
        let folder = try HostileInputTests.sample()
        let original = try String(contentsOf: Support.root.appendingPathComponent("Rules/sample/enterprises.csv"), encoding: .utf8)
        let enterprises = original.replacingOccurrences(of: "山西晋阳煤业有限公司", with: "\"=HYPERLINK(\"\"http://x\"\")\"")
            .replacingOccurrences(of: "大同塔山矿业有限责任公司", with: "\u{1B}[2Jx\u{7}")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(enterprises.utf8).write(to: folder.appendingPathComponent("enterprises.csv"))
        let query = ["query", "--data", folder.path, "Rules/three-always.rl"]
        let csv = try Support.run(query + ["--format", "csv", "from e in enterprises select e.name, n: -5"])
        #expect(csv.stdout.contains("\"'=HYPERLINK(\"\"http://x\"\")\",-5"))
        let raw = try Support.run(query + ["--format", "csv", "--raw-csv", "from e in enterprises select e.name"])
        #expect(raw.stdout.contains("\"=HYPERLINK(\"\"http://x\"\")\""))
        let table = try Support.run(query + ["from e in enterprises select e.name"])
        #expect(table.stdout.contains("\\u{1B}[2Jx\\u{7}"))
        #expect(!table.stdout.contains("\u{1B}"))
    }

    @Test func printedErrorsAreCappedAndInTheSessionsLanguage() throws {
        let text = (0..<250).map { "define d\($0) = nope\($0)" }.joined(separator: "\n")
        let diagnostics = Program.compile([RuleSource(name: "many.rl", text: text)]).diagnostics
        // Each definition: an unknown name, and a warning that it is never used.
        #expect(diagnostics.count == 500)
        let rendered = DiagnosticRenderer.text(diagnostics)
        #expect(rendered.split(separator: "\n").filter { $0.hasPrefix("many.rl:") }.count == 100)
        #expect(rendered.hasSuffix("… and 400 more not shown (500 in all)\n"))
        #expect(DiagnosticRenderer.text(diagnostics, language: .zh).hasSuffix("……另有 400 条未显示(共 500 条)\n"))

        let folder = try HostileInputTests.sample(hazards: HostileInputTests.header + "H1,E001,major,重大,2024-13-01,2024-06-15,,x\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let lenient = try HostileInputTests.run(folder, ["--lenient", "--lang", "zh"])
        #expect(HostileInputTests.firstLine(lenient.stderr, folder).hasPrefix("hazards.csv:2:18: 警告: 已跳过: 列 `found_on` 中的 `2024-13-01` 不是日期"))
        let strict = try HostileInputTests.run(folder, ["--lang", "zh"])
        #expect(strict.status == 1)
        #expect(strict.stderr.hasSuffix("redline: 数据有 1 个错误;请修正,或加 --lenient 跳过有错的行\n"))
    }

    @Test func ruleTestsReadDataOnlyBesideThemselves() {
        let text = """
            table enterprises key id { id: text }
            actions flag
            rule r for e in enterprises when true then flag e
            test "reads elsewhere" as of 2024-06-30
              given data "../../../../../../../../etc"
              expect E1 flag
            """
        let program = Program.compile([RuleSource(name: "/tmp/redline-tests/p.rl", text: text)])
        let refused = program.runTests()
        #expect(refused.failed == 1)
        #expect(refused.text.contains("the test's data folder `../../../../../../../../etc` is outside `/tmp/redline-tests`"))
        #expect(!program.runTests(allowDataOutside: true).text.contains("is outside"))
    }

    /// Long chains and cycles of definitions are walked without recursion: 115,000 of them once
    /// overflowed the checker's stack. Run as a process, so a crash fails this test only.
    @Test func longDefinitionChainsAndCyclesGetDiagnostics() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("redline-chain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var chain = "define d0 = 1\n"
        for i in 1...115_000 { chain += "define d\(i) = d\(i - 1) + 1\n" }
        try Data(chain.utf8).write(to: folder.appendingPathComponent("chain.rl"))
        let deep = try Support.run(["check", folder.appendingPathComponent("chain.rl").path])
        #expect(deep.status == 1)
        #expect(deep.stderr.contains("error: definitions call each other more than 64 levels deep"))
        #expect(deep.stderr.components(separatedBy: "levels deep").count == 2)

        var cycle = ""
        for i in 0..<115_000 { cycle += "define c\(i) = c\((i + 1) % 115_000) + 1\n" }
        try Data(cycle.utf8).write(to: folder.appendingPathComponent("cycle.rl"))
        let loop = try Support.run(["check", folder.appendingPathComponent("cycle.rl").path])
        #expect(loop.status == 1)
        #expect(loop.stderr.contains("cycle.rl:1:8: error: definitions cannot refer to themselves: `c0` → `c1` → `c2` → `c3` → `c4` → `c5` → … → `c114996` → `c114997` → `c114998` → `c114999` → `c0`\n"))
    }
}
