/// Rule tests: `test "name" as of DATE`, then `given`, `expect` and `cases` clauses.
extension Parser {
    mutating func parseTest() throws(Abort) -> TestDecl {
        let keyword = advance()
        guard case .text(let pieces) = current.kind else { throw fail(expected: Catalog.testName) }
        let nameToken = advance()
        let name = pieces.map { piece -> String in
            if case .literal(let text) = piece { return text }
            return ""
        }.joined()
        var asOf: Int32? = nil
        if let word = current.identifier, ContextualWord.as.contains(word) || ContextualWord.asOf.contains(word) {
            _ = advance()
            if let of = current.identifier, ContextualWord.of.contains(of) { _ = advance() }
            guard case .date(let day) = current.kind else { throw fail(expected: Catalog.aDate) }
            _ = advance()
            asOf = day
        }
        var givens: [GivenDecl] = []
        var dataFolder: String? = nil
        var calendar: String? = nil
        var expects: [ExpectDecl] = []
        var cases: GivenDecl? = nil
        while let word = current.identifier {
            if ContextualWord.given.contains(word) {
                _ = advance()
                if let folder = current.identifier, ContextualWord.data.contains(folder), case .text(let pieces) = peek(1).kind {
                    _ = advance()
                    _ = advance()
                    dataFolder = pieces.map { piece -> String in
                        if case .literal(let text) = piece { return text }
                        return ""
                    }.joined()
                    continue
                }
                // `given calendar "FILE"` or `given calendar none`; a table named `calendar` is
                // still `given calendar (columns) …`.
                if let word = current.identifier, ContextualWord.calendar.contains(word) {
                    if case .text(let pieces) = peek(1).kind {
                        _ = advance()
                        _ = advance()
                        calendar = pieces.map { piece -> String in
                            if case .literal(let text) = piece { return text }
                            return ""
                        }.joined()
                        continue
                    }
                    if case .keyword(.none) = peek(1).kind {
                        _ = advance()
                        _ = advance()
                        calendar = TestDecl.noCalendar
                        continue
                    }
                }
                givens.append(try parseRows(table: try expectName(Catalog.tableName)))
            } else if ContextualWord.cases.contains(word) {
                let start = advance()
                cases = try parseRows(table: Name(text: "cases", span: start.span))
            } else if ContextualWord.expect.contains(word) {
                expects.append(try parseExpect())
            } else {
                throw fail(expected: Catalog.testClause)
            }
        }
        if !(atEnd || current.keyword?.startsDeclaration == true) { throw fail(expected: Catalog.testClause) }
        return TestDecl(name: name, nameSpan: nameToken.span, asOf: asOf, givens: givens, dataFolder: dataFolder, calendar: calendar, expects: expects, cases: cases,
                        span: keyword.span.union(previous.span))
    }

    /// `(col, col) (v, v) (v, v) …`
    private mutating func parseRows(table: Name) throws(Abort) -> GivenDecl {
        let open = try expect(.leftParen, Catalog.punctuation("("))
        var columns: [Name] = []
        repeat { columns.append(try expectName(Catalog.columnName)) } while match(.comma)
        _ = try expectCloser(.rightParen, for: open)
        var rows: [[TestValue]] = []
        while check(.leftParen) {
            let rowOpen = advance()
            var row: [TestValue] = []
            if !check(.rightParen) {
                repeat { row.append(try parseTestValue()) } while match(.comma)
            }
            _ = try expectCloser(.rightParen, for: rowOpen)
            if row.count != columns.count {
                diagnostics.append(Diagnostic(.error, Catalog.rowWidth(row.count, columns.count), at: rowOpen.span.union(previous.span), in: source))
            }
            rows.append(row)
        }
        return GivenDecl(table: table, columns: columns, rows: rows)
    }

    private mutating func parseExpect() throws(Abort) -> ExpectDecl {
        let start = advance()
        let subject = try parseTestValue()
        let outcome: TestValue
        if check(.none) {
            let token = advance()
            outcome = .word(Name(text: "none", span: token.span))
        } else {
            outcome = .word(try expectName(Catalog.anOutcome))
        }
        var rule: Name? = nil
        var evidence: [TestValue]? = nil
        if let word = current.identifier, ContextualWord.by.contains(word) {
            _ = advance()
            rule = try expectName(Catalog.ruleName)
        }
        if let word = current.identifier, ContextualWord.evidence.contains(word) {
            _ = advance()
            var items: [TestValue] = []
            repeat { items.append(try parseTestValue()) } while match(.comma)
            evidence = items
        }
        return ExpectDecl(subject: subject, outcome: outcome, rule: rule, evidence: evidence, span: start.span.union(previous.span))
    }

    private mutating func parseTestValue() throws(Abort) -> TestValue {
        let token = current
        switch token.kind {
        case .identifier(let name):
            _ = advance()
            return .word(Name(text: name, span: token.span))
        case .integer(let value): _ = advance(); return .literal(.int(value), token.span)
        case .decimal(let value): _ = advance(); return .literal(.decimal(value), token.span)
        case .date(let day): _ = advance(); return .literal(.date(day), token.span)
        case .keyword(.true), .keyword(.false): _ = advance(); return .literal(.bool(token.keyword == .true), token.span)
        case .keyword(.missing): _ = advance(); return .literal(.missing, token.span)
        case .keyword(.none): _ = advance(); return .word(Name(text: "none", span: token.span))
        case .minus:
            _ = advance()
            guard case .integer(let value) = current.kind else { throw fail(expected: Catalog.aValue) }
            _ = advance()
            return .literal(.int(-value), token.span.union(previous.span))
        case .text(let pieces):
            _ = advance()
            let text = pieces.map { piece -> String in
                if case .literal(let t) = piece { return t }
                return ""
            }.joined()
            return .literal(.text(text), token.span)
        default:
            throw fail(expected: Catalog.aValue)
        }
    }
}

extension Catalog {
    static let testName = LocalizedText("the test's name in quotes", zh: "带引号的测试名称")
    static let aDate = LocalizedText("a date (YYYY-MM-DD)", zh: "日期(YYYY-MM-DD)")
    static let testClause = LocalizedText("`given`, `expect` or `cases`", zh: "`已知`、`预期` 或 `用例`")
    static let anOutcome = LocalizedText("an action, `none` or `undetermined`", zh: "处置、`没有` 或 `无法判定`")
    static let aValue = LocalizedText("a value (text, number, date, true, false, missing or a name)", zh: "值(文本、数字、日期、真、假、缺失或名称)")
    static func rowWidth(_ got: Int, _ expected: Int) -> LocalizedText {
        LocalizedText("this row has \(got) value\(got == 1 ? "" : "s") but \(expected) column\(expected == 1 ? " is" : "s are") named",
                      zh: "此行有 \(got) 个值,但列出了 \(expected) 列")
    }
}
