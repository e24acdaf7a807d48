import Foundation
import Testing
@testable import Redline

/// The REPL's logic without a terminal: lines in, output, continuation or diagnostics out.
@Suite struct SessionTests {
    func session() throws -> Session {
        let url = Support.root.appendingPathComponent("Rules/three-always.rl")
        let session = Session(rules: [RuleSource(name: "Rules/three-always.rl", bytes: [UInt8](try Data(contentsOf: url)))],
                              asOf: EngineSupport.asOf)
        let previous = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(Support.root.path)
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        guard case .output = session.loadData("Rules/sample") else { throw CocoaError(.fileReadUnknown) }
        return session
    }

    func output(_ response: Session.Response) -> String? {
        if case .output(let text) = response { return text }
        return nil
    }

    @Test func expressionsAndQueries() throws {
        let s = try session()
        #expect(output(s.submit("count h in hazards where h.level == \"major\"")) == "12\n")
        #expect(output(s.submit("0.1 + 0.2")) == "0.3\n")
        #expect(output(s.submit("missing or false")) == "unknown\n")
        let table = try #require(output(s.submit("from h in hazards where h.level == \"major\" and h.enterprise.county == \"郊区\" select h.id, h.deadline")))
        #expect(table == "h.id  h.deadline\n----  ----------\nH007  2024-04-30\nH008  2024-05-15\n2 rows\n")
    }

    @Test func multiLineInputContinues() throws {
        let s = try session()
        #expect(s.submit("(1 +") == .needsMore)
        #expect(s.isContinuing)
        #expect(output(s.submit("  2)")) == "3\n")
        #expect(s.submit("define recent(h) =") == .needsMore)
        #expect(s.submit("  h.found_on >= 2024-04-01 and") == .needsMore)
        // A complete construct ends the input without an empty line.
        #expect(output(s.submit("  h.level == \"major\"")) == "added\n")
        #expect(output(s.submit("count h in hazards where recent(h)")) == "7\n")
        // A backslash continues a line that is complete on its own.
        #expect(s.submit("from h in hazards where recent(h) \\") == .needsMore)
        #expect(output(s.submit("  select h.id limit 1")) == "h.id\n----\nH001\n1 of 7 rows (limit 1)\n")
        // A rule typed at the prompt joins the session and :run.
        #expect(s.submit("rule watch \"近期重大隐患\" for e in enterprises") == .needsMore)
        #expect(s.submit("  when some h in e.hazards where recent(h)") == .needsMore)
        #expect(output(s.submit("  then suspend e because \"近期 {h.id}\"")) == "added\n")
        #expect(output(s.submit(":rules"))?.contains("watch ") == true)
    }

    @Test func errorsShowTheCaretAndTheSessionGoesOn() throws {
        let s = try session()
        guard case .error(let text) = s.submit("from h in hazards where h.deadlin < today") else { Issue.record("no error"); return }
        #expect(text == """
        <query>:1:27: error: table `hazards` has no column or reference `deadlin`
         1 | from h in hazards where h.deadlin < today
           |                           ^^^^^^^ did you mean `deadline`?

        """)
        #expect(output(s.submit("1 + 1")) == "2\n")
        guard case .error(let unknown) = s.submit(":rnu") else { Issue.record("no error"); return }
        #expect(unknown == "unknown command `:rnu` (did you mean `:run`?); :help lists them\n")
        // An unfinished input abandoned (Ctrl-C) leaves nothing behind.
        #expect(s.submit("(1 +") == .needsMore)
        s.abandonInput()
        #expect(output(s.submit("5")) == "5\n")
    }

    @Test func metaCommands() throws {
        let s = try session()
        #expect(output(s.submit(":tables"))?.contains("hazards      18") == true)
        #expect(output(s.submit(":schema hazards"))?.contains("enterprise_id     text   -> enterprises (.enterprise)") == true)
        #expect(output(s.submit(":run"))?.contains("E007     close         close_overdue_major_hazard  H007;H008") == true)
        #expect(output(s.submit(":explain E008"))?.contains("hazards H010.deadline is missing") == true)
        #expect(output(s.submit(":why-not E003 close_overdue_major_hazard"))?.contains("`h.rectified_on > on` is false") == true)
        #expect(output(s.submit(":format csv")) == "format csv\n")
        #expect(output(s.submit("from e in enterprises where e.id == \"E007\" select e.name")) == "e.name\n\"阳泉市\"\"金石\"\"化工有限公司,二厂\"\n")
        #expect(output(s.submit(":as-of 2024-05-01")) == "as of 2024-05-01\n")
        #expect(output(s.submit("today")) == "2024-05-01\n")
        #expect(output(s.submit(":timing on"))  == "timing on\n")
        #expect(output(s.submit("1"))?.hasPrefix("1\n(") == true)
        #expect(output(s.submit(":reset")) == "reset\n")
        #expect(output(s.submit("today")) == "2024-06-30\n")
        #expect(output(s.submit(":help"))?.contains(":why-not SUBJECT RULE") == true)
        #expect(s.submit(":quit") == .quit)
    }

    @Test func longResultsAreCut() throws {
        let s = try session()
        s.rowLimit = 5
        let text = try #require(output(s.submit("hazards")))
        #expect(text.hasSuffix("… 13 more rows\n"))
        #expect(text.split(separator: "\n").count == 2 + 5 + 1)
        // A statement spread over lines still ends with an empty line when it is unfinished.
        #expect(s.submit("[1,") == .needsMore)
        guard case .error = s.submit("") else { Issue.record("an unfinished input ended by an empty line is an error"); return }
    }

    @Test func completion() throws {
        let s = try session()
        #expect(s.completions(for: "haz", before: "count h in ") == ["hazards"])
        #expect(s.completions(for: "dead", before: "from h in hazards where h.") == ["deadline"])
        #expect(s.completions(for: "coun", before: "from h in hazards where h.enterprise.") == ["county"])
        #expect(s.completions(for: "", before: "some h in e.hazards where h.").contains("rectified_on") == false)
        #expect(s.completions(for: "inspe", before: "from e in enterprises where count i in e.") == ["inspections"])
        #expect(s.completions(for: ":ru", before: "") == [":rules", ":run"])
        #expect(s.completions(for: "三", before: ":load Rules/").isEmpty)
        #expect(s.completions(for: "Rules/three", before: ":load ") == ["Rules/three-always.rl", "Rules/three-always.test.rl"])
        #expect(s.completions(for: "存", before: "") == ["存在"])
        #expect(s.completions(for: "unrect", before: "from h in hazards where ") == ["unrectified"])
    }

    /// With `--lang zh` (or a Chinese `LANG`) the REPL answers in Chinese: its replies, its help,
    /// its explanations and its diagnostics.
    @Test func repliesInChinese() throws {
        let s = try session()
        s.language = .zh
        func error(_ response: Session.Response) -> String? {
            if case .error(let text) = response { return text }
            return nil
        }
        #expect(output(s.submit(":as-of")) == "截至 2024-06-30\n")
        #expect(error(s.submit(":as-of 2024-02-30")) == "`2024-02-30` 不是日期:请写成 YYYY-MM-DD\n")
        #expect(error(s.submit(":tabels")) == "没有命令 `:tabels`(是否想写 `:tables`?);:help 可列出全部命令\n")
        #expect(output(s.submit(":help"))?.contains("把规则文件中的声明加入会话") == true)
        #expect(output(s.submit("from h in hazards where h.id == \"H007\" select h.id"))?.hasSuffix("1 行\n") == true)
        #expect(output(s.submit(":why-not E006 refer_illegal_production"))?.hasPrefix("规则 refer_illegal_production 对 enterprises E006:未触发") == true)
        #expect(error(s.submit(":explain E999")) == "没有键为 `E999` 的对象\n")
    }
}
