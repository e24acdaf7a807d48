import Testing
@testable import Redline

@Suite struct LexerTests {
    @Test func chineseIdentifiersAndKeywords() {
        let (kinds, diagnostics) = Support.tokens("规则 限期不整改 对于 e 属于 企业 当 存在 h 满足 且 或者 非 今天")
        #expect(diagnostics.isEmpty)
        #expect(kinds == [.keyword(.rule), .identifier("限期不整改"), .keyword(.for), .identifier("e"), .keyword(.in),
                          .identifier("企业"), .keyword(.when), .keyword(.some), .identifier("h"), .keyword(.where),
                          .keyword(.and), .keyword(.or), .keyword(.not), .keyword(.today)])
    }

    @Test func everyKeywordHasAChineseAlias() {
        for keyword in Keyword.allCases {
            let chinese = keyword.spellings.dropFirst()
            #expect(!chinese.isEmpty, "\(keyword) has no Chinese alias")
            for spelling in chinese {
                #expect(Support.tokens(spelling).kinds == [.keyword(keyword)])
            }
            #expect(Support.tokens(keyword.spellings[0]).kinds == [.keyword(keyword)])
        }
    }

    @Test func fullWidthPunctuationAndDigits() {
        let (kinds, diagnostics) = Support.tokens("（１２，３４）：＝＝ ＜＝")
        #expect(diagnostics.isEmpty)
        #expect(kinds == [.leftParen, .integer(12), .comma, .integer(34), .rightParen, .colon, .equalEqual, .lessEqual])
        // Full-width characters inside text are kept as written.
        #expect(Support.tokens("\"（一）\"").kinds == [.text([.literal("（一）")])])
        // Curly quotes delimit text, as Chinese input methods type them.
        #expect(Support.tokens("“重大隐患”").kinds == [.text([.literal("重大隐患")])])
    }

    @Test func numbersDatesAndDurations() {
        #expect(Support.tokens("42 3.25 2024-06-30").kinds == [.integer(42), .decimal(DecimalNumber(parsing: "3.25")!), .date(CivilDate.parse("2024-06-30")!)])
        #expect(Support.tokens("2024-02-29").kinds == [.date(CivilDate.parse("2024-02-29")!)])
        // Not a date pattern: arithmetic.
        #expect(Support.tokens("2024-6-30").kinds == [.integer(2024), .minus, .integer(6), .minus, .integer(30)])
        // Units are words after a number, so `days` stays usable as a column name elsewhere.
        #expect(Support.tokens("30 days 3个月").kinds == [.integer(30), .identifier("days"), .integer(3), .identifier("个月")])
    }

    @Test func textEscapesAndInterpolation() {
        let (kinds, diagnostics) = Support.tokens(#""a\"b\\c\n\{x\} \u{4E2D}{h.id}!""#)
        #expect(diagnostics.isEmpty)
        guard case .text(let pieces) = kinds.first else { Issue.record("not text"); return }
        #expect(pieces.count == 3)
        #expect(pieces[0] == .literal("a\"b\\c\n{x} 中"))
        if case .interpolation(let span) = pieces[1] { #expect(span.end - span.start == 4) } else { Issue.record("no interpolation") }
        #expect(pieces[2] == .literal("!"))
    }

    @Test func badInputIsReportedNotFatal() {
        let cases: [(String, String)] = [
            ("2024-13-01", "`2024-13-01` is not a date: the month must be 01 to 12"),
            ("2023-02-29", "`2023-02-29` is not a date: month 2 of 2023 has 28 days"),
            ("99999999999999999999", "the number `99999999999999999999` is too large (integers are 64-bit; decimals stay below 10^20)"),
            ("\"open", "text is not closed before the end of the line"),
            ("\"\\q\"", "unknown escape `\\q` in text"),
            ("\"{x\"", "`{` in text is not closed"),
            ("a @ b", "unexpected character `@`"),
            ("!a", "unexpected character `!`"),
        ]
        for (input, message) in cases {
            let diagnostics = Support.tokens(input).diagnostics
            #expect(diagnostics.map(\.message) == [message], "input: \(input)")
        }
    }

    @Test func invalidUTF8IsADiagnostic() {
        let bytes: [UInt8] = Array("rule a ".utf8) + [0xFF, 0xFE] + Array(" x\n".utf8)
        let program = Program.compile([RuleSource(name: "bad.rl", bytes: bytes)])
        #expect(program.hasErrors)
        #expect(program.diagnostics.first?.message == "the file is not valid UTF-8 here")
        #expect(program.diagnostics.first?.location == SourceLocation(line: 1, column: 8))
        // GBK bytes for 规则 are not UTF-8 either.
        let gbk: [UInt8] = [0xB9, 0xE6, 0xD4, 0xF2]
        #expect(Program.compile([RuleSource(name: "gbk.rl", bytes: gbk)]).diagnostics.first?.hint == "save the file as UTF-8 (it may be GBK)")
    }

    @Test func byteOrderMarkIsIgnored() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("actions a < b".utf8)
        #expect(Program.compile([RuleSource(name: "bom.rl", bytes: bytes)]).diagnostics.isEmpty)
    }
}
