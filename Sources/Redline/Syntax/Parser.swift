/// Recursive-descent parser: tokens to declarations, collecting every syntax error.
///
/// A mistake inside a declaration abandons that declaration (one message per mistake) and parsing
/// resumes at the next line that starts with a declaration keyword. Nesting is bounded by
/// `Parser.maxDepth`, so even 100,000 open parentheses give one clear error, not a stack overflow.
struct Parser {
    /// The deepest nesting of expressions accepted below the top one, counting parentheses,
    /// operators and calls: 200 nested parentheses pass, 201 do not.
    static let maxDepth = 200
    /// The same bound as a count of levels that includes the top expression.
    static let maxLevels = maxDepth + 1

    let source: SourceFile
    private(set) var tokens: [Token]
    var index = 0
    var diagnostics: [Diagnostic] = []
    /// Node ids are unique across every file of a program.
    var nextId: Int
    var depth = 0
    /// Whether a mistake was found at the end of the input: the input may simply be unfinished
    /// (the REPL then asks for another line).
    var reachedEndUnfinished = false

    /// Thrown to abandon the current declaration after its error has been reported.
    struct Abort: Error {}

    init(source: SourceFile, firstId: Int = 0) {
        var lexer = Lexer(source: source)
        self.tokens = lexer.tokenize()
        self.diagnostics = lexer.diagnostics
        self.source = source
        self.nextId = firstId
    }

    /// A parser over the inside of an interpolation `{…}`.
    init(source: SourceFile, range: Range<Int>, firstId: Int, depth: Int) {
        var lexer = Lexer(source: source, range: range)
        self.tokens = lexer.tokenize()
        self.diagnostics = lexer.diagnostics
        self.source = source
        self.nextId = firstId
        self.depth = depth
    }

    // MARK: Token access

    var current: Token { tokens[index] }
    var previous: Token { tokens[max(0, index - 1)] }

    func peek(_ ahead: Int) -> Token { tokens[min(index + ahead, tokens.count - 1)] }

    var atEnd: Bool { current.kind == .endOfFile }

    mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    func check(_ kind: TokenKind) -> Bool { current.kind == kind }

    func check(_ keyword: Keyword) -> Bool { current.keyword == keyword }

    mutating func match(_ kind: TokenKind) -> Bool {
        guard check(kind) else { return false }
        _ = advance()
        return true
    }

    mutating func match(_ keyword: Keyword) -> Bool {
        guard check(keyword) else { return false }
        _ = advance()
        return true
    }

    mutating func makeId() -> Int {
        defer { nextId += 1 }
        return nextId
    }

    mutating func node(_ kind: ExprKind, _ span: SourceSpan, children: [Expr] = []) -> Expr {
        Expr(id: makeId(), span: span, kind: kind, height: 1 + (children.map(\.height).max() ?? 0))
    }

    // MARK: Errors

    /// Reports "expected X, found Y" at the current token and abandons the declaration.
    mutating func fail(expected: LocalizedText, hint: LocalizedText? = nil) -> Abort {
        if current.kind == .endOfFile { reachedEndUnfinished = true }
        var hint = hint
        if let name = current.identifier, let keyword = Catalog.gluedKeyword(in: name) {
            hint = Catalog.gluedKeywordHint(keyword)
        }
        diagnostics.append(Diagnostic(.error, Catalog.expected(expected, found: describe(current)),
                                      at: current.span, in: source, hint: hint))
        return Abort()
    }

    mutating func expect(_ kind: TokenKind, _ what: LocalizedText) throws(Abort) -> Token {
        guard check(kind) else { throw fail(expected: what) }
        return advance()
    }

    mutating func expect(_ keyword: Keyword) throws(Abort) -> Token {
        guard check(keyword) else { throw fail(expected: Catalog.keyword(keyword)) }
        return advance()
    }

    mutating func expectName(_ what: LocalizedText) throws(Abort) -> Name {
        if case .identifier(let text) = current.kind {
            return Name(text: text, span: advance().span)
        }
        var hint: LocalizedText? = nil
        if let keyword = current.keyword { hint = Catalog.keywordNotNameHint(keyword) }
        throw fail(expected: what, hint: hint)
    }

    /// Expects the closer of `opener`, or reports which opener it was meant to close and where.
    mutating func expectCloser(_ closer: TokenKind, for opener: Token) throws(Abort) -> Token {
        if check(closer) { return advance() }
        if current.kind == .endOfFile { reachedEndUnfinished = true }
        let openLocation = source.location(of: opener.span.start)
        let note = Diagnostic(.note, Catalog.openedHere(Parser.spelling(of: opener.kind)), at: opener.span, in: source)
        diagnostics.append(Diagnostic(.error,
                                      Catalog.expectedCloser(Parser.spelling(of: closer), opener: Parser.spelling(of: opener.kind),
                                                             at: openLocation, found: describe(current)),
                                      at: current.span, in: source, notes: [note]))
        throw Abort()
    }

    mutating func enterNesting() throws(Abort) {
        depth += 1
        if depth > Parser.maxLevels { throw tooDeep(at: current.span) }
    }

    /// Reports that nesting passed `maxDepth`; the caller throws the result.
    mutating func tooDeep(at span: SourceSpan) -> Abort {
        diagnostics.append(Diagnostic(.error, Catalog.tooDeep(Parser.maxDepth), at: span, in: source, hint: Catalog.tooDeepHint))
        return Abort()
    }

    func describe(_ token: Token) -> LocalizedText {
        switch token.kind {
        case .endOfFile: return LocalizedText("end of file", zh: "文件结尾")
        case .identifier(let name): return LocalizedText("name `\(name)`", zh: "名称 `\(name)`")
        case .keyword: return LocalizedText("keyword `\(source.text(of: token.span))`", zh: "关键字 `\(source.text(of: token.span))`")
        case .integer, .decimal: return LocalizedText("number `\(source.text(of: token.span))`", zh: "数字 `\(source.text(of: token.span))`")
        case .date: return LocalizedText("date `\(source.text(of: token.span))`", zh: "日期 `\(source.text(of: token.span))`")
        case .text: return LocalizedText("text", zh: "文本")
        case .invalid: return LocalizedText("`\(source.text(of: token.span))`", zh: "`\(source.text(of: token.span))`")
        default: return LocalizedText("`\(Parser.spelling(of: token.kind))`", zh: "`\(Parser.spelling(of: token.kind))`")
        }
    }

    static func spelling(of kind: TokenKind) -> String {
        switch kind {
        case .leftParen: return "("
        case .rightParen: return ")"
        case .leftBracket: return "["
        case .rightBracket: return "]"
        case .leftBrace: return "{"
        case .rightBrace: return "}"
        case .comma: return ","
        case .colon: return ":"
        case .dot: return "."
        case .question: return "?"
        case .arrow: return "->"
        case .plus: return "+"
        case .minus: return "-"
        case .star: return "*"
        case .slash: return "/"
        case .equalEqual: return "=="
        case .notEqual: return "!="
        case .less: return "<"
        case .lessEqual: return "<="
        case .greater: return ">"
        case .greaterEqual: return ">="
        case .equal: return "="
        case .keyword(let k): return k.spellings[0]
        case .identifier(let name): return name
        default: return "?"
        }
    }

    // MARK: Files

    /// Parses a whole file.
    mutating func parseFile() -> [Declaration] {
        var declarations: [Declaration] = []
        while !atEnd {
            if case .invalid = current.kind { _ = advance(); continue }
            let start = index
            do {
                declarations.append(try parseDeclaration())
            } catch {
                synchronize(from: start)
            }
        }
        return declarations
    }

    /// Skips to the next line that starts with a declaration keyword.
    mutating func synchronize(from start: Int) {
        if index == start { _ = advance() }
        while !atEnd {
            if current.startsLine, let keyword = current.keyword, keyword.startsDeclaration { return }
            _ = advance()
        }
    }

    mutating func parseDeclaration() throws(Abort) -> Declaration {
        depth = 0
        switch current.keyword {
        case .table: return .table(try parseTable())
        case .actions: return .actions(try parseActions())
        case .define: return .define(try parseDefine())
        case .rule: return .rule(try parseRule())
        case .test: return .test(try parseTest())
        default:
            var hint: LocalizedText? = nil
            if let name = current.identifier, let guess = Suggestions.nearest(to: name, in: Catalog.declarationWords) {
                hint = Suggestions.hint(guess)
            }
            throw fail(expected: Catalog.aDeclaration, hint: hint)
        }
    }

    /// Parses one standalone expression (for `redline eval` and the REPL).
    mutating func parseStandaloneExpression() -> Expr? {
        do {
            let expr = try parseExpression()
            guard atEnd else { throw fail(expected: Catalog.endOfExpression) }
            return expr
        } catch {
            return nil
        }
    }
}
