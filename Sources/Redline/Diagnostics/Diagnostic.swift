/// One problem found in a rule file, a data file or an expression, with where it is and a hint.
///
/// Diagnostics carry everything needed to render them (the line's text and the caret's place),
/// so a host can show them without keeping the source around.
public struct Diagnostic: Sendable, Hashable {
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable, Hashable {
        case error, warning, note
    }

    /// Error, warning or note.
    public let severity: Severity
    /// The message, in English and Chinese.
    let text: LocalizedText
    /// A short suggestion shown after the caret ("did you mean `deadline`?"), if any.
    let hintText: LocalizedText?
    /// The file name as the user gave it.
    public let file: String
    /// Where the problem starts.
    public let location: SourceLocation
    /// The text of the line the problem is on.
    public let lineText: String
    /// 1-based column (in Characters) of the first character to underline, and how many to underline.
    let caretColumn: Int
    let caretLength: Int
    /// Related places ("`(` opened here").
    public let notes: [Diagnostic]

    /// The message in English.
    public var message: String { text.en }
    /// The hint in English, if any.
    public var hint: String? { hintText?.en }

    /// The message in a language (`en` or `zh`).
    public func message(in language: Language) -> String { text.in(language) }
    /// The hint in a language, if any.
    public func hint(in language: Language) -> String? { hintText?.in(language) }

    init(severity: Severity, text: LocalizedText, hint: LocalizedText? = nil,
         file: String, location: SourceLocation, lineText: String,
         caretColumn: Int, caretLength: Int, notes: [Diagnostic] = []) {
        self.severity = severity
        self.text = text
        self.hintText = hint
        self.file = file
        self.location = location
        self.lineText = lineText
        self.caretColumn = caretColumn
        self.caretLength = caretLength
        self.notes = notes
    }

    /// A diagnostic about a whole file (line 0) or one of its lines, with no line text to show.
    init(_ severity: Severity, _ text: LocalizedText, file: String, line: Int = 0) {
        self.init(severity: severity, text: text, file: file, location: SourceLocation(line: line, column: line == 0 ? 0 : 1),
                  lineText: "", caretColumn: 1, caretLength: 1)
    }

    /// A diagnostic pointing at a span of a rule file.
    init(_ severity: Severity, _ text: LocalizedText, at span: SourceSpan, in source: SourceFile,
         hint: LocalizedText? = nil, notes: [Diagnostic] = []) {
        let start = source.location(of: span.start)
        let lineText = source.lineText(start.line)
        // A span running onto later lines is underlined to the end of its first line.
        let endLocation = source.location(of: max(span.start, span.end))
        let lineLength = lineText.count
        let endColumn = endLocation.line == start.line ? endLocation.column : lineLength + 1
        self.init(severity: severity, text: text, hint: hint, file: source.name, location: start,
                  lineText: lineText, caretColumn: start.column,
                  caretLength: max(1, endColumn - start.column), notes: notes)
    }

    /// A copy with a different severity (used by `--strict` and by notes).
    func with(severity: Severity) -> Diagnostic {
        Diagnostic(severity: severity, text: text, hint: hintText, file: file, location: location,
                   lineText: lineText, caretColumn: caretColumn, caretLength: caretLength, notes: notes)
    }
}

/// The languages diagnostics are written in.
public enum Language: String, Sendable, CaseIterable {
    case en, zh
}

/// A message in both languages.
struct LocalizedText: Sendable, Hashable {
    let en: String
    let zh: String

    init(_ en: String, zh: String) {
        self.en = en
        self.zh = zh
    }

    func `in`(_ language: Language) -> String { language == .zh ? zh : en }
}

/// A list of diagnostics collected by one phase; phases append and go on (they never throw them).
struct DiagnosticBag: Sendable {
    private(set) var items: [Diagnostic] = []
    /// How many errors are kept before the rest are summarised; a file with thousands of mistakes
    /// is a wrong file, and its first errors are the useful ones.
    static let maxErrors = 100

    var hasErrors: Bool { items.contains { $0.severity == .error } }
    var errorCount: Int { items.reduce(0) { $0 + ($1.severity == .error ? 1 : 0) } }

    mutating func append(_ diagnostic: Diagnostic) {
        items.append(diagnostic)
    }

    mutating func append(contentsOf other: [Diagnostic]) {
        items.append(contentsOf: other)
    }
}
