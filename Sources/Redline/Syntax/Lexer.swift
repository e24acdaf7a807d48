/// Turns a source's scalars into tokens, reporting every bad character, literal or encoding
/// problem as a diagnostic and going on.
///
/// Full-width forms that Chinese input methods produce (（ ）， ： ＝ １２) are read as their ASCII
/// forms outside text literals; “curly quotes” delimit text like straight ones.
struct Lexer {
    let source: SourceFile
    private var position: Int
    private let end: Int
    private(set) var diagnostics: [Diagnostic] = []
    private var tokens: [Token] = []
    private var atLineStart = true
    private let invalidOffsets: Set<Int>

    /// Lexes the whole source, or only `range` (the inside of a `{…}` interpolation).
    init(source: SourceFile, range: Range<Int>? = nil) {
        self.source = source
        self.position = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? source.scalars.count
        self.invalidOffsets = Set(source.invalidUTF8Offsets)
        if range == nil {
            for offset in source.invalidUTF8Offsets {
                diagnostics.append(Diagnostic(.error, Catalog.invalidUTF8, at: SourceSpan(start: offset, end: offset + 1),
                                              in: source, hint: Catalog.invalidUTF8Hint))
            }
        }
    }

    /// All tokens, ending with `.endOfFile`.
    mutating func tokenize() -> [Token] {
        while true {
            skipBlanksAndComments()
            guard position < end else { break }
            lexToken()
        }
        tokens.append(Token(kind: .endOfFile, span: SourceSpan(start: end, end: end), startsLine: true))
        return tokens
    }

    // MARK: Characters

    /// The scalar as the grammar sees it: full-width ASCII forms folded to ASCII.
    static func normalized(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let v = scalar.value
        if v >= 0xFF01, v <= 0xFF5E, let folded = Unicode.Scalar(v - 0xFEE0) { return folded }
        if v == 0x3000 { return " " }
        return scalar
    }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        let index = position + ahead
        return index < end ? Lexer.normalized(source.scalars[index]) : nil
    }

    private func raw(_ index: Int) -> Unicode.Scalar? {
        index < end ? source.scalars[index] : nil
    }

    static func isIdentifierStart(_ s: Unicode.Scalar) -> Bool {
        s == "_" || (s.properties.isAlphabetic && s.properties.generalCategory != .otherNumber)
    }

    static func isIdentifierContinue(_ s: Unicode.Scalar) -> Bool {
        if isIdentifierStart(s) { return true }
        switch s.properties.generalCategory {
        case .decimalNumber, .nonspacingMark, .spacingMark, .connectorPunctuation: return true
        default: return false
        }
    }

    static func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 48 && s.value <= 57 }

    private static func isBlank(_ s: Unicode.Scalar) -> Bool {
        s == " " || s == "\t" || s == "\r" || s == "\u{FEFF}" || s == "\u{00A0}" || s == "\u{000B}" || s == "\u{000C}"
    }

    private mutating func skipBlanksAndComments() {
        while let scalar = peek() {
            if scalar == "\n" {
                atLineStart = true
                position += 1
            } else if Lexer.isBlank(scalar) {
                position += 1
            } else if scalar == "#" {
                while let next = peek(), next != "\n" { position += 1 }
            } else {
                return
            }
        }
    }

    private mutating func emit(_ kind: TokenKind, from start: Int) {
        tokens.append(Token(kind: kind, span: SourceSpan(start: start, end: position), startsLine: atLineStart))
        atLineStart = false
    }

    private mutating func report(_ text: LocalizedText, _ span: SourceSpan, hint: LocalizedText? = nil) {
        diagnostics.append(Diagnostic(.error, text, at: span, in: source, hint: hint))
    }

    // MARK: Tokens

    private mutating func lexToken() {
        let start = position
        guard let scalar = peek() else { return }
        if invalidOffsets.contains(position) {
            // Already reported as invalid UTF-8.
            position += 1
            emit(.invalid, from: start)
            return
        }
        if Lexer.isIdentifierStart(scalar) { return lexWord() }
        if Lexer.isDigit(scalar) { return lexNumber() }
        if scalar == "\"" || source.scalars[position] == "“" { return lexText() }
        position += 1
        let next = peek()
        switch scalar {
        case "(": emit(.leftParen, from: start)
        case ")": emit(.rightParen, from: start)
        case "[", "【": emit(.leftBracket, from: start)
        case "]", "】": emit(.rightBracket, from: start)
        case "{": emit(.leftBrace, from: start)
        case "}": emit(.rightBrace, from: start)
        case ",", "、": emit(.comma, from: start)
        case ":": emit(.colon, from: start)
        case ".": emit(.dot, from: start)
        case "?": emit(.question, from: start)
        case "+": emit(.plus, from: start)
        case "*", "×": emit(.star, from: start)
        case "/", "÷": emit(.slash, from: start)
        case "≤": emit(.lessEqual, from: start)
        case "≥": emit(.greaterEqual, from: start)
        case "≠": emit(.notEqual, from: start)
        case "-":
            if next == ">" { position += 1; emit(.arrow, from: start) } else { emit(.minus, from: start) }
        case "→": emit(.arrow, from: start)
        case "=":
            if next == "=" { position += 1; emit(.equalEqual, from: start) } else { emit(.equal, from: start) }
        case "<":
            if next == "=" { position += 1; emit(.lessEqual, from: start) } else { emit(.less, from: start) }
        case ">":
            if next == "=" { position += 1; emit(.greaterEqual, from: start) } else { emit(.greater, from: start) }
        case "!":
            if next == "=" {
                position += 1
                emit(.notEqual, from: start)
            } else {
                report(Catalog.unexpectedCharacter("!"), SourceSpan(start: start, end: position), hint: Catalog.useNotHint)
                emit(.invalid, from: start)
            }
        default:
            report(Catalog.unexpectedCharacter(String(source.scalars[start])), SourceSpan(start: start, end: position))
            emit(.invalid, from: start)
        }
    }

    private mutating func lexWord() {
        let start = position
        var word = String.UnicodeScalarView()
        while let scalar = peek(), Lexer.isIdentifierContinue(scalar) {
            word.append(scalar)
            position += 1
        }
        let text = String(word)
        if let keyword = Keyword.bySpelling[text] {
            emit(.keyword(keyword), from: start)
        } else {
            emit(.identifier(text), from: start)
        }
    }

    private mutating func lexNumber() {
        let start = position
        if let date = dateLiteralLength(), date > 0 {
            let digits = (start..<(start + date)).map { UInt8(Lexer.normalized(source.scalars[$0]).value & 0x7F) }
            position += date
            if let day = CivilDate.parse(digits) {
                emit(.date(day), from: start)
            } else {
                report(Catalog.invalidDate(String(decoding: digits, as: UTF8.self)), SourceSpan(start: start, end: position),
                       hint: Catalog.invalidDateHint)
                emit(.invalid, from: start)
            }
            return
        }
        var text = ""
        while let scalar = peek(), Lexer.isDigit(scalar) {
            text.unicodeScalars.append(scalar)
            position += 1
        }
        var isDecimal = false
        if peek() == ".", let after = peek(1), Lexer.isDigit(after) {
            isDecimal = true
            text += "."
            position += 1
            while let scalar = peek(), Lexer.isDigit(scalar) {
                text.unicodeScalars.append(scalar)
                position += 1
            }
        }
        let span = SourceSpan(start: start, end: position)
        if isDecimal {
            if let value = DecimalNumber(parsing: Substring(text)) {
                emit(.decimal(value), from: start)
            } else {
                report(Catalog.numberTooLarge(text), span)
                emit(.invalid, from: start)
            }
        } else if let value = Int64(text) {
            emit(.integer(value), from: start)
        } else {
            report(Catalog.numberTooLarge(text), span)
            emit(.invalid, from: start)
        }
    }

    /// 10 when a `YYYY-MM-DD` date starts here (not followed by another digit), else nil.
    private func dateLiteralLength() -> Int? {
        let pattern = "dddd-dd-dd"
        for (offset, expected) in pattern.unicodeScalars.enumerated() {
            guard let scalar = peek(offset) else { return nil }
            if expected == "d" ? !Lexer.isDigit(scalar) : scalar != "-" { return nil }
        }
        if let after = peek(10), Lexer.isDigit(after) { return nil }
        return 10
    }

    private mutating func lexText() {
        let start = position
        let opener = source.scalars[position]
        position += 1
        var pieces: [TextPiece] = []
        var literal = ""
        func closes(_ s: Unicode.Scalar) -> Bool { opener == "“" ? (s == "”" || s == "\"") : s == "\"" }
        let reportedBefore = diagnostics.count
        var closed = false
        while true {
            guard let scalar = raw(position), scalar != "\n" else {
                // An unclosed `{` already explains why the text runs on: one message per mistake.
                if diagnostics.count > reportedBefore { break }
                report(Catalog.unterminatedText, SourceSpan(start: start, end: position),
                       hint: Catalog.unterminatedTextHint(opener == "“" ? "”" : "\""))
                break
            }
            if closes(scalar) { position += 1; closed = true; break }
            if scalar == "\\" {
                lexEscape(into: &literal)
            } else if scalar == "{" {
                if !literal.isEmpty { pieces.append(.literal(literal)); literal = "" }
                if let inner = lexInterpolation() { pieces.append(.interpolation(inner)) }
            } else {
                literal.unicodeScalars.append(scalar)
                position += 1
            }
        }
        if !literal.isEmpty || pieces.isEmpty { pieces.append(.literal(literal)) }
        // A text that runs to the end of the line is reported once; the parser skips the rest.
        emit(closed ? .text(pieces) : .invalid, from: start)
    }

    private mutating func lexEscape(into literal: inout String) {
        let start = position
        position += 1
        guard let code = raw(position), code != "\n" else {
            report(Catalog.badEscape("\\"), SourceSpan(start: start, end: position))
            return
        }
        position += 1
        switch code {
        case "n": literal += "\n"
        case "t": literal += "\t"
        case "r": literal += "\r"
        case "\\", "\"", "{", "}", "”": literal.unicodeScalars.append(code)
        case "u":
            var hex = ""
            if raw(position) == "{" {
                position += 1
                while let digit = raw(position), digit != "}", digit != "\n", hex.count <= 8 {
                    hex.unicodeScalars.append(digit)
                    position += 1
                }
                if raw(position) == "}" { position += 1 }
            }
            if let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) {
                literal.unicodeScalars.append(scalar)
            } else {
                report(Catalog.badEscape("\\u{\(hex)}"), SourceSpan(start: start, end: position), hint: Catalog.badUnicodeEscapeHint)
            }
        default:
            report(Catalog.badEscape("\\" + String(code)), SourceSpan(start: start, end: position), hint: Catalog.badEscapeHint)
        }
    }

    /// At `{` inside a text literal: the span of the expression up to the matching `}`.
    private mutating func lexInterpolation() -> SourceSpan? {
        let open = position
        position += 1
        // What the scan is inside: code (with its count of open `{`), or text that a quote
        // opened, which may hold `{…}` of its own: `"a {"b {c} d"} e"`.
        enum Inside { case code(braces: Int), text(closer: Unicode.Scalar) }
        var stack: [Inside] = [.code(braces: 0)]
        // `#` would run a comment to the end of the line, past the `}` and the closing quote.
        var comment: Int? = nil
        while let scalar = raw(position), scalar != "\n", let top = stack.last {
            switch top {
            case .text(let closer):
                if scalar == "\\" {
                    position += 1
                } else if scalar == "{" {
                    stack.append(.code(braces: 0))
                } else if scalar == closer || (closer == "”" && scalar == "\"") {
                    stack.removeLast()
                }
            case .code(let braces):
                if scalar == "\"" {
                    stack.append(.text(closer: "\""))
                } else if scalar == "“" {
                    stack.append(.text(closer: "”"))
                } else if scalar == "#" {
                    if comment == nil { comment = position }
                } else if scalar == "{" {
                    stack[stack.count - 1] = .code(braces: braces + 1)
                } else if scalar == "}" {
                    if braces > 0 {
                        stack[stack.count - 1] = .code(braces: braces - 1)
                    } else if stack.count > 1 {
                        stack.removeLast()
                    } else {
                        let inner = SourceSpan(start: open + 1, end: position)
                        position += 1
                        if let comment {
                            report(Catalog.commentInInterpolation, SourceSpan(start: comment, end: comment + 1), hint: Catalog.commentInInterpolationHint)
                            return nil
                        }
                        if inner.start == inner.end {
                            report(Catalog.emptyInterpolation, SourceSpan(start: open, end: position), hint: Catalog.emptyInterpolationHint)
                            return nil
                        }
                        return inner
                    }
                }
            }
            position += 1
        }
        report(Catalog.unclosedInterpolation, SourceSpan(start: open, end: open + 1), hint: Catalog.unclosedInterpolationHint)
        return nil
    }
}
