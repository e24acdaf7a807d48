import Foundation
import Testing
@testable import Redline

@Suite struct DiagnosticTests {
    @Test func caretLinesUpUnderChineseText() {
        let text = "规则 检查 对于 e 属于 企业表 当 e.名称 == \"x\" 则 停产 e\n"
        let rendered = Support.check("处置 停产\n" + text, name: "中文.rl")
        #expect(rendered == """
        中文.rl:2:15: error: unknown name `企业表`
         2 | 规则 检查 对于 e 属于 企业表 当 e.名称 == "x" 则 停产 e
           |                       ^^^^^^

        """)
    }

    @Test func caretAfterTabsKeepsTabs() {
        let rendered = Support.check("actions a\nrule r for x in t\n\twhen\tx then a x")
        #expect(rendered.contains(" 2 | rule r for x in t\n   |                 ^"))
    }

    @Test func missingCloserAtEndOfFile() {
        let rendered = Support.check("actions a\ndefine d = (1 + 2", name: "eof.rl")
        #expect(rendered == """
        eof.rl:2:18: error: expected `)` to close `(` at line 2, column 12, found end of file
         2 | define d = (1 + 2
           |                  ^
        eof.rl:2:12: note: `(` opened here
         2 | define d = (1 + 2
           |            ^

        """)
    }

    @Test func chineseMessages() {
        let program = Program.compile([RuleSource(name: "t.rl", text: "表 t 主键 id { id: 文本, d: 日起 }")])
        #expect(DiagnosticRenderer.text(program.diagnostics, language: .zh) == """
        t.rl:1:24: 错误: 未知类型 `日起`
         1 | 表 t 主键 id { id: 文本, d: 日起 }
           |                             ^^^^ 是不是想写 `日期`?

        """)
    }

    @Test func jsonForEditors() {
        let program = Program.compile([RuleSource(name: "t.rl", text: "actions a\nrule r for x in y when true then a x")])
        #expect(DiagnosticRenderer.json(program.diagnostics) == """
        [
          {"file": "t.rl", "line": 2, "column": 17, "endColumn": 18, "severity": "error", "message": "unknown name `y`"}
        ]

        """)
    }

    /// Each wrong rule file under Tests/Fixtures/diagnostics has its rendered diagnostics in a
    /// `.expected` file beside it; `REDLINE_RECORD=1 swift test` rewrites them.
    @Test func goldenDiagnostics() throws {
        let folder = Support.fixtures.appendingPathComponent("diagnostics")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".rl") }.sorted()
        #expect(files.count >= 8)
        for file in files {
            let url = folder.appendingPathComponent(file)
            let program = Program.compile([RuleSource(name: file, bytes: [UInt8](try Data(contentsOf: url)))])
            let rendered = DiagnosticRenderer.text(program.diagnostics)
            let expectedURL = url.deletingPathExtension().appendingPathExtension("expected")
            if Support.recording {
                try rendered.write(to: expectedURL, atomically: true, encoding: .utf8)
                continue
            }
            let expected = (try? String(contentsOf: expectedURL, encoding: .utf8)) ?? "<no .expected file>"
            #expect(rendered == expected, "\(file)")
            #expect(!program.diagnostics.isEmpty, "\(file) should have diagnostics")
        }
    }

    /// A very long source line (a minified JSON record, a ragged row of a wide file) is shown as
    /// a window around the caret, which still points at the same characters.
    @Test func longLinesAreShownAroundTheCaret() {
        let line = String(repeating: "x", count: 5_000) + "ABCDE" + String(repeating: "y", count: 5_000)
        for (column, length) in [(5_001, 5), (1, 3), (10_004, 2), (1, 10_005)] {
            let d = Diagnostic(severity: .error, text: LocalizedText("bad", zh: "坏"), file: "f.csv",
                               location: SourceLocation(line: 3, column: column), lineText: line, caretColumn: column, caretLength: length)
            let lines = DiagnosticRenderer.text([d]).split(separator: "\n").map(String.init)
            #expect(lines.count == 3)
            let shown = String(lines[1].dropFirst(" 3 | ".count))
            let carets = String(lines[2].dropFirst("   | ".count))
            #expect(shown.count <= DiagnosticRenderer.maxShownCharacters + 2)
            // The caret sits under the characters it points at in the full line.
            let offset = carets.prefix { $0 == " " }.count
            let underlined = carets.filter { $0 == "^" }.count
            let start = shown.index(shown.startIndex, offsetBy: offset)
            let expected = line.dropFirst(column - 1).prefix(min(length, underlined))
            #expect(shown[start...].hasPrefix(expected), "\(column): \(shown) / \(carets)")
            #expect(underlined >= 1 && underlined <= length)
        }
    }

    /// Display widths: ASCII one column, Chinese two, combining marks none (also those inside
    /// the wide ranges).
    @Test func displayWidths() {
        #expect(DisplayWidth.of("H00000001") == 9)
        #expect(DisplayWidth.of("重大隐患 H1") == 11)
        #expect(DisplayWidth.of("e\u{0301}") == 1)
        #expect(DisplayWidth.of("か\u{3099}") == 2)
        #expect(DisplayWidth.of("\u{302A}") == 0)
        #expect(DisplayWidth.of("，") == 2)
    }
}
