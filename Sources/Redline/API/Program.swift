/// A rule file given to the interpreter: its name (for diagnostics) and its content.
public struct RuleSource: Sendable {
    let file: SourceFile
    /// Hex SHA-256 of the file's bytes, so reports name exactly the rules they came from.
    public let sha256: String

    /// A rule file from text.
    public init(name: String, text: String) {
        file = SourceFile(name: name, text: text)
        sha256 = Array(text.utf8).withUnsafeBufferPointer { SHA256.hex($0) }
    }

    /// A rule file from raw bytes; invalid UTF-8 becomes a diagnostic, not a crash.
    public init(name: String, bytes: [UInt8]) {
        file = SourceFile(name: name, bytes: bytes)
        sha256 = bytes.withUnsafeBufferPointer { SHA256.hex($0) }
    }
}

/// A compiled rule set: parsed, name-resolved and type-checked once, then immutable, so many
/// threads may evaluate with it at the same time.
public final class Program: Sendable {
    let checked: CheckedProgram
    let units: [SourceUnit]
    /// The rule files, by name, with their SHA-256.
    public let ruleFiles: [(name: String, sha256: String)]

    /// Every error and warning found in the rule files, in file and position order.
    public let diagnostics: [Diagnostic]

    /// Whether any diagnostic is an error (the program must not be used to decide anything).
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Names of the declared tables, in declaration order.
    public var tableNames: [String] { checked.schema.tables.map(\.name) }
    /// Names of the rules that checked clean, in declaration order.
    public var ruleNames: [String] { checked.rules.map(\.name) }
    /// The actions, weakest first.
    public var actions: [String] { checked.schema.actions }

    init(units: [SourceUnit], checked: CheckedProgram, ruleFiles: [(name: String, sha256: String)]) {
        self.units = units
        self.ruleFiles = ruleFiles
        self.checked = checked
        self.diagnostics = checked.diagnostics
    }

    /// Parses and checks rule files together (a file may use tables declared in another).
    public static func compile(_ sources: [RuleSource]) -> Program {
        var units: [SourceUnit] = []
        var syntax: [Diagnostic] = []
        var nextId = 0
        for source in sources {
            var parser = Parser(source: source.file, firstId: nextId)
            let declarations = parser.parseFile()
            nextId = parser.nextId
            syntax.append(contentsOf: parser.diagnostics)
            units.append(SourceUnit(source: source.file, declarations: declarations))
        }
        var checker = Checker()
        let checked = checker.check(units)
        let all = Program.ordered(syntax + checked.diagnostics, files: sources.map(\.file.name))
        let program = CheckedProgram(schema: checked.schema, rules: checked.rules, definitions: checked.definitions, diagnostics: all)
        return Program(units: units, checked: program, ruleFiles: sources.map { ($0.file.name, $0.sha256) })
    }

    /// Diagnostics by file (in the order given), then position.
    static func ordered(_ diagnostics: [Diagnostic], files: [String]) -> [Diagnostic] {
        let fileOrder = Dictionary(files.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return diagnostics.enumerated().sorted { a, b in
            let fa = fileOrder[a.element.file] ?? Int.max, fb = fileOrder[b.element.file] ?? Int.max
            if fa != fb { return fa < fb }
            if a.element.location.line != b.element.location.line { return a.element.location.line < b.element.location.line }
            if a.element.location.column != b.element.location.column { return a.element.location.column < b.element.location.column }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// Evaluates one standalone expression, with this program's definitions and tables in scope.
    public func evaluate(_ expression: String, asOf date: CalendarDate, data: Dataset? = nil, calendar: WorkCalendar? = nil,
                         limits: EvaluationLimits = EvaluationLimits(), cancellation: CancellationFlag? = nil) -> ExpressionResult {
        let source = SourceFile(name: "<expr>", text: expression)
        var parser = Parser(source: source)
        let parsed = parser.parseStandaloneExpression()
        guard let parsed, parser.diagnostics.isEmpty else {
            return ExpressionResult(value: nil, type: .error, diagnostics: parser.diagnostics)
        }
        var checker = Checker()
        checker.schema = checked.schema
        checker.definitions = checked.definitions
        checker.beginCompilation()
        let bound = checker.bind(parsed, Env(), source)
        if checker.bag.hasErrors || bound.containsError {
            return ExpressionResult(value: nil, type: .error, diagnostics: checker.bag.items)
        }
        let plan = Planner(schema: checked.schema, dataset: data).plan(bound)
        let frame = Frame(slotCount: checker.nextSlot, today: date.dayNumber, dataset: data, calendar: calendar, limits: limits, cancellation: cancellation)
        do {
            let value = try plan(frame)
            return ExpressionResult(value: value, type: bound.type, diagnostics: checker.bag.items)
        } catch {
            return ExpressionResult(value: nil, type: .error, diagnostics: checker.bag.items + [error.diagnostic])
        }
    }
}

/// The outcome of evaluating an expression: a value, or the diagnostics that prevented one.
public struct ExpressionResult: Sendable {
    let value: Value?
    /// The expression's checked type: a condition's (bool's) missing value reads `unknown`.
    let type: RType
    /// Errors (and warnings) found while checking or evaluating.
    public let diagnostics: [Diagnostic]

    /// Whether a value was produced.
    public var succeeded: Bool { value != nil }
    /// The value as it would be written in a rule file (`"text"`, `2024-06-30`, `true`, `missing`).
    /// A condition's missing value is shown as `unknown`, at the top or inside a list.
    public var literal: String? { value.map { ExpressionResult.render($0, type, literal: true) } }
    /// The value as a person reads it (text unquoted at the top).
    public var display: String? { value.map { ExpressionResult.render($0, type, literal: false) } }

    private static func render(_ value: Value, _ type: RType, literal: Bool) -> String {
        if type == .bool, value.isMissing { return "unknown" }
        if case .list(let element) = type, case .list(let items) = value {
            return "[" + items.map { render($0, element, literal: true) }.joined(separator: ", ") + "]"
        }
        return literal ? value.literal : value.display
    }
}
