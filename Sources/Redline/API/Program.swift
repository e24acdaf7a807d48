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

    /// Parses and checks rule files together (a file may use tables declared in another), with
    /// the host's functions in scope. A host function whose name is not a plain name, is a
    /// keyword or standard-library function, is registered twice or is also defined in a rule
    /// file is a diagnostic (file `<host>`), like any other compile error.
    public static func compile(_ sources: [RuleSource], functions: [HostFunction] = []) -> Program {
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
        let (registered, hostProblems) = Program.register(functions, definedInRules: units)
        checker.hostFunctions = registered
        let checked = checker.check(units)
        let all = Program.ordered(syntax + checked.diagnostics, files: sources.map(\.file.name)) + hostProblems
        let program = CheckedProgram(schema: checked.schema, rules: checked.rules, definitions: checked.definitions,
                                     hostFunctions: registered, diagnostics: all)
        return Program(units: units, checked: program, ruleFiles: sources.map { ($0.file.name, $0.sha256) })
    }

    /// The host's functions by name, and what is wrong with any of them.
    static func register(_ functions: [HostFunction], definedInRules units: [SourceUnit]) -> ([String: HostFunction], [Diagnostic]) {
        var registered: [String: HostFunction] = [:]
        var problems: [Diagnostic] = []
        var defined: Set<String> = []
        for unit in units { for case .define(let d) in unit.declarations { defined.insert(d.name.text) } }
        for function in functions {
            var lexer = Lexer(source: SourceFile(name: "<host>", text: function.name))
            let tokens = lexer.tokenize()
            let plainName: Bool
            if tokens.count == 2, case .identifier(let text) = tokens[0].kind, text == function.name { plainName = true } else { plainName = false }
            let problem: LocalizedText?
            if !plainName {
                problem = LocalizedText("host function name `\(function.name)` is not a plain name (letters, digits and `_`, not a keyword)",
                                        zh: "宿主函数名 `\(function.name)` 不是合法的名称(字母、数字和 `_`,且不能是关键字)")
            } else if Builtin.byName[function.name] != nil {
                problem = LocalizedText("host function `\(function.name)` has the name of a standard-library function",
                                        zh: "宿主函数 `\(function.name)` 与标准库函数同名")
            } else if registered[function.name] != nil {
                problem = LocalizedText("host function `\(function.name)` is registered twice", zh: "宿主函数 `\(function.name)` 注册了两次")
            } else if defined.contains(function.name) {
                problem = LocalizedText("`\(function.name)` is both a host function and a definition in the rules",
                                        zh: "`\(function.name)` 既是宿主函数,又在规则中定义")
            } else {
                problem = nil
            }
            if let problem { problems.append(Diagnostic(.error, problem, file: "<host>")) } else { registered[function.name] = function }
        }
        return (registered, problems)
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

    /// Evaluates one standalone expression, with this program's definitions, tables and host
    /// functions in scope, and the host's `bindings` as variables (`e.employees > limit` with
    /// `["e": .record(...), "limit": .int(50)]`; a record must come from `data`). A binding's type
    /// is its value's; a `missing` binding fits any type.
    public func evaluate(_ expression: String, asOf date: CalendarDate, data: Dataset? = nil, bindings: [String: HostValue] = [:],
                         calendar: WorkCalendar? = nil, limits: EvaluationLimits = EvaluationLimits(),
                         cancellation: CancellationFlag? = nil) -> ExpressionResult {
        let source = SourceFile(name: "<expr>", text: expression)
        var parser = Parser(source: source)
        let parsed = parser.parseStandaloneExpression()
        guard let parsed, parser.diagnostics.isEmpty else {
            return ExpressionResult(raw: nil, type: .error, diagnostics: parser.diagnostics, names: nil)
        }
        var checker = Checker()
        checker.schema = checked.schema
        checker.definitions = checked.definitions
        checker.hostFunctions = checked.hostFunctions
        checker.beginCompilation()
        var env = Env()
        var boundValues: [(slot: Int, value: Value)] = []
        var problems: [Diagnostic] = []
        for name in bindings.keys.sorted() {
            guard let host = bindings[name] else { continue }
            switch bindingValue(name, host, data: data) {
            case .success(let (value, type)):
                let slot = checker.newSlot()
                env.locals[name] = Local(slot: slot, type: type)
                boundValues.append((slot, value))
            case .failure(let problem):
                problems.append(Diagnostic(.error, problem.text, file: "<bindings>"))
            }
        }
        if !problems.isEmpty { return ExpressionResult(raw: nil, type: .error, diagnostics: problems, names: nil) }
        let bound = checker.bind(parsed, env, source)
        if checker.bag.hasErrors || bound.containsError {
            return ExpressionResult(raw: nil, type: .error, diagnostics: checker.bag.items, names: nil)
        }
        let plan = Planner(schema: checked.schema, dataset: data).plan(bound)
        let frame = Frame(slotCount: checker.nextSlot, today: date.dayNumber, dataset: data, calendar: calendar, limits: limits, cancellation: cancellation)
        for (slot, value) in boundValues { frame.slots[slot] = value }
        let names = data.map { RecordNamer(schema: checked.schema, dataset: $0) }
        do {
            let value = try plan(frame)
            return ExpressionResult(raw: value, type: bound.type, diagnostics: checker.bag.items, names: names)
        } catch {
            return ExpressionResult(raw: nil, type: .error, diagnostics: checker.bag.items + [error.diagnostic], names: nil)
        }
    }

    private struct BindingProblem: Error { let text: LocalizedText }

    /// A host binding as a value and its static type.
    private func bindingValue(_ name: String, _ host: HostValue, data: Dataset?) -> Result<(Value, RType), BindingProblem> {
        var lexer = Lexer(source: SourceFile(name: "<bindings>", text: name))
        let tokens = lexer.tokenize()
        guard tokens.count == 2, case .identifier(let text) = tokens[0].kind, text == name else {
            return .failure(BindingProblem(text: LocalizedText("binding `\(name)` is not a plain name (letters, digits and `_`, not a keyword)",
                                                               zh: "绑定名 `\(name)` 不是合法的名称(字母、数字和 `_`,且不能是关键字)")))
        }
        func typed(_ host: HostValue) -> Result<(Value, RType), BindingProblem> {
            switch host {
            case .record(let id):
                guard let data, id.tableIndex >= 0, id.tableIndex < checked.schema.tables.count,
                      checked.schema.tables[id.tableIndex].name == id.table, id.row >= 0,
                      Int(id.row) < data.tables[id.tableIndex].rowCount,
                      data.keyText(table: id.tableIndex, row: id.row) == id.key else {
                    return .failure(BindingProblem(text: LocalizedText("binding `\(name)` is a record that is not in the data given (\(id.table) \(id.key))",
                                                                       zh: "绑定 `\(name)` 是不在所给数据中的记录(\(id.table) \(id.key))")))
                }
                return .success((.record(RecordRef(table: Int32(id.tableIndex), row: id.row)), .record(id.tableIndex)))
            case .list(let items):
                var values: [Value] = [], element: RType = .any
                for item in items {
                    switch typed(item) {
                    case .failure(let problem): return .failure(problem)
                    case .success(let (value, type)):
                        guard let unified = element.unified(with: type) else {
                            return .failure(BindingProblem(text: LocalizedText("binding `\(name)` is a list whose elements have different types",
                                                                               zh: "绑定 `\(name)` 是元素类型不一致的列表")))
                        }
                        element = unified
                        values.append(value)
                    }
                }
                return .success((.list(values), .list(element)))
            default:
                do {
                    let value = try Value(host: host)
                    return .success((value, host.type?.rtype ?? .any))
                } catch {
                    return .failure(BindingProblem(text: LocalizedText("binding `\(name)` is a decimal beyond the range Redline keeps (below 10^20)",
                                                                       zh: "绑定 `\(name)` 是超出范围(须小于 10^20)的小数")))
                }
            }
        }
        return typed(host)
    }
}

/// The outcome of evaluating an expression: a value, or the diagnostics that prevented one.
public struct ExpressionResult: Sendable {
    let raw: Value?
    /// The expression's checked type: a condition's (bool's) missing value reads `unknown`.
    let type: RType
    /// Errors (and warnings) found while checking or evaluating.
    public let diagnostics: [Diagnostic]

    /// The value, typed (nil when there were errors). A condition's missing value is `.missing`.
    public let value: HostValue?

    init(raw: Value?, type: RType, diagnostics: [Diagnostic], names: RecordNamer?) {
        self.raw = raw
        self.type = type
        self.diagnostics = diagnostics
        value = raw.map { $0.hostValue(names) }
    }

    /// Whether a value was produced.
    public var succeeded: Bool { raw != nil }
    /// The type the checker gave the expression (`int`, `list of date`); nil when there were
    /// errors or for records and values whose type is known only at run time.
    public var typeName: String? {
        switch type {
        case .error, .any, .record: return nil
        default: return type.name(in: Schema()).en
        }
    }
    /// The value as it would be written in a rule file (`"text"`, `2024-06-30`, `true`, `missing`).
    /// A condition's missing value is shown as `unknown`, at the top or inside a list.
    public var literal: String? { raw.map { ExpressionResult.render($0, type, literal: true) } }
    /// The value as a person reads it (text unquoted at the top).
    public var display: String? { raw.map { ExpressionResult.render($0, type, literal: false) } }

    private static func render(_ value: Value, _ type: RType, literal: Bool) -> String {
        if type == .bool, value.isMissing { return "unknown" }
        if case .list(let element) = type, case .list(let items) = value {
            return "[" + items.map { render($0, element, literal: true) }.joined(separator: ", ") + "]"
        }
        return literal ? value.literal : value.display
    }
}
