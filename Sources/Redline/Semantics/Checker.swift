/// Resolves names and types across all rule files of a program and produces the bound (checked)
/// form of every rule. Diagnostics are collected; a broken declaration is skipped, not fatal.
struct Checker {
    /// Nodes one rule or expression may grow to once definitions are expanded.
    static let maxExpansionNodes = 100_000
    /// How deep definitions may call definitions.
    static let maxDefinitionDepth = 64

    var schema = Schema()
    var bag = DiagnosticBag()
    var definitions: [String: DefinitionEntry] = [:]
    /// Functions the host registered, by name.
    var hostFunctions: [String: HostFunction] = [:]
    private var seenDiagnostics: Set<Diagnostic> = []

    // Per-compilation state (one rule, one definition or one expression).
    var nextSlot = 0
    var expandedNodes = 0
    var expansionReported = false
    var definitionStack: [String] = []
    /// True while checking a definition on its own with untyped parameters.
    var checkingGenericDefinition = false
    /// Definitions used by a rule or by another definition.
    var usedDefinitions: Set<String> = []
    /// Whether the definition depth limit was reported (for the whole program, not per
    /// compilation: each definition of a long chain is also checked on its own).
    var definitionDepthReported = false
    /// Per definition, the longest chain of definitions it calls, itself included.
    var definitionHeights: [String: Int] = [:]

    struct DefinitionEntry {
        let declaration: DefineDecl
        let source: SourceFile
        var broken = false
    }

    mutating func report(_ severity: Diagnostic.Severity, _ text: LocalizedText, at span: SourceSpan, in source: SourceFile,
                         hint: LocalizedText? = nil, notes: [Diagnostic] = []) {
        let diagnostic = Diagnostic(severity, text, at: span, in: source, hint: hint, notes: notes)
        // A definition expanded at several call sites reports its own mistakes once.
        guard seenDiagnostics.insert(diagnostic).inserted else { return }
        bag.append(diagnostic)
    }

    mutating func newSlot() -> Int {
        defer { nextSlot += 1 }
        return nextSlot
    }

    mutating func beginCompilation() {
        nextSlot = 0
        expandedNodes = 0
        expansionReported = false
        definitionStack = []
    }

    // MARK: Programs

    /// Checks all files together: declarations in one file may use tables declared in another.
    mutating func check(_ units: [SourceUnit]) -> CheckedProgram {
        let all = units.flatMap { unit in unit.declarations.map { (unit.source, $0) } }
        declareTables(all)
        declareActions(all)
        declareDefinitions(all)
        findDefinitionCycles()
        checkDefinitions()
        let rules = checkRules(all)
        warn(about: rules, declarations: all)
        checkTests(all, rules: rules)
        return CheckedProgram(schema: schema, rules: rules, definitions: definitions, hostFunctions: hostFunctions, diagnostics: bag.items)
    }

    private mutating func declareActions(_ all: [(SourceFile, Declaration)]) {
        var firstSpans: [String: (SourceFile, SourceSpan)] = [:]
        for case (let source, .actions(let decl)) in all {
            for name in decl.names {
                if let (firstSource, firstSpan) = firstSpans[name.text] {
                    report(.error, Catalog.duplicate(Catalog.anAction, name.text), at: name.span, in: source,
                           notes: [Diagnostic(.note, Catalog.firstDeclaredHere, at: firstSpan, in: firstSource)])
                    continue
                }
                firstSpans[name.text] = (source, name.span)
                schema.actionIndex[name.text] = schema.actions.count
                schema.actions.append(name.text)
            }
        }
    }

    private mutating func declareDefinitions(_ all: [(SourceFile, Declaration)]) {
        for case (let source, .define(let decl)) in all {
            if let first = definitions[decl.name.text] {
                report(.error, Catalog.duplicate(Catalog.aDefinition, decl.name.text), at: decl.name.span, in: source,
                       notes: [Diagnostic(.note, Catalog.firstDeclaredHere, at: first.declaration.name.span, in: first.source)])
                continue
            }
            var seen: [String: SourceSpan] = [:]
            for parameter in decl.parameters {
                if let first = seen[parameter.name.text] {
                    report(.error, Catalog.duplicate(Catalog.aParameter, parameter.name.text), at: parameter.name.span, in: source,
                           notes: [Diagnostic(.note, Catalog.firstDeclaredHere, at: first, in: source)])
                }
                seen[parameter.name.text] = parameter.name.span
            }
            definitions[decl.name.text] = DefinitionEntry(declaration: decl, source: source)
        }
    }

    /// Definitions may not refer to themselves, directly or through others: every evaluation
    /// must terminate. Each cycle is reported once, at the definition where it is first found.
    private mutating func findDefinitionCycles() {
        var state: [String: Int] = [:] // 1 = on the path, 2 = done
        var path: [String] = []
        var inCycle: Set<String> = []

        func references(of name: String) -> [String] {
            guard let entry = definitions[name] else { return [] }
            let parameters = Set(entry.declaration.parameters.map(\.name.text))
            var found: [String] = []
            Checker.names(in: entry.declaration.body) { name in
                if !parameters.contains(name), definitions[name] != nil, !found.contains(name) { found.append(name) }
            }
            return found
        }

        // Depth-first, with an explicit stack rather than recursion: a chain of definitions may be
        // any length (a generated file of 100,000 `define`s must get its diagnostics, not overflow
        // the stack). Each frame is a definition on the path and the index of its next reference.
        func visit(_ root: String) {
            var stack: [(name: String, next: [String], index: Int)] = []
            func enter(_ name: String) {
                state[name] = 1
                path.append(name)
                stack.append((name, references(of: name), 0))
            }
            enter(root)
            while let top = stack.last {
                guard top.index < top.next.count else {
                    stack.removeLast()
                    path.removeLast()
                    state[top.name] = 2
                    // Post-order: what it refers to is done (or on a cycle, which is reported).
                    definitionHeights[top.name] = 1 + (top.next.compactMap { definitionHeights[$0] }.max() ?? 0)
                    continue
                }
                let next = top.next[top.index]
                stack[stack.count - 1].index += 1
                if state[next] == 1, let start = path.firstIndex(of: next) {
                    let cycle = Array(path[start...]) + [next]
                    if cycle.allSatisfy({ !inCycle.contains($0) }), let entry = definitions[next] {
                        report(.error, Catalog.definitionCycle(cycle), at: entry.declaration.name.span, in: entry.source)
                    }
                    inCycle.formUnion(cycle)
                } else if state[next] == nil {
                    enter(next)
                }
            }
        }

        for name in definitions.keys.sorted() where state[name] == nil { visit(name) }
        for name in inCycle { definitions[name]?.broken = true }
    }

    /// Every name and called function mentioned in an expression (for the cycle check).
    static func names(in expr: Expr, _ found: (String) -> Void) {
        switch expr.kind {
        case .name(let name): found(name)
        case .call(let name, let arguments):
            found(name.text)
            for argument in arguments { names(in: argument, found) }
        case .list(let items): for item in items { names(in: item, found) }
        case .unary(_, let a), .isMissing(let a, _), .member(let a, _): names(in: a, found)
        case .binary(_, let a, let b), .membership(let a, let b, _):
            names(in: a, found)
            names(in: b, found)
        case .quantifier(_, let binding, let condition):
            names(in: binding.collection, found)
            names(in: condition, found)
        case .aggregate(_, let value, let binding, let filter):
            if let value { names(in: value, found) }
            names(in: binding.collection, found)
            if let filter { names(in: filter, found) }
        case .text(let parts):
            for case .expr(let e) in parts { names(in: e, found) }
        case .integer, .decimal, .date, .bool, .duration, .today, .missing, .error: break
        }
    }

    /// Each definition is checked once on its own, with its declared parameter types (or none),
    /// so a mistake in an unused definition is still found.
    private mutating func checkDefinitions() {
        for name in definitions.keys.sorted() {
            guard let entry = definitions[name], !entry.broken else { continue }
            // Past the depth limit, which is reported once: binding each of a long chain's
            // definitions 64 levels deep only to be told again would take minutes.
            if definitionDepthReported, (definitionHeights[name] ?? 0) > Checker.maxDefinitionDepth { continue }
            beginCompilation()
            var env = Env()
            for parameter in entry.declaration.parameters {
                let type = parameter.type.flatMap { resolveType($0, in: entry.source) } ?? .any
                env.locals[parameter.name.text] = Local(slot: newSlot(), type: type)
            }
            checkingGenericDefinition = true
            definitionStack = [name]
            _ = bind(entry.declaration.body, env, entry.source)
            checkingGenericDefinition = false
        }
    }

    func resolveType(_ ref: TypeRef, in source: SourceFile) -> RType? {
        if let type = RType.byName[ref.name.text] { return type }
        if let table = schema.tableIndex[ref.name.text] { return .record(table) }
        return nil
    }

    mutating func resolveTypeReporting(_ ref: TypeRef, in source: SourceFile) -> RType {
        if let type = resolveType(ref, in: source) { return type }
        let candidates = Array(RType.byName.keys) + schema.tables.map(\.name)
        report(.error, Catalog.unknownType(ref.name.text), at: ref.name.span, in: source,
               hint: Suggestions.hint(Suggestions.nearest(to: ref.name.text, in: candidates)))
        return .error
    }
}

/// Variables in scope while binding an expression.
struct Env {
    var locals: [String: Local] = [:]
}

struct Local {
    let slot: Int
    let type: RType
}

/// The checked program: schema, rules in declaration order, definitions, and every diagnostic.
struct CheckedProgram: Sendable {
    let schema: Schema
    let rules: [CheckedRule]
    let definitions: [String: Checker.DefinitionEntry]
    /// Functions the host registered, by name.
    var hostFunctions: [String: HostFunction] = [:]
    let diagnostics: [Diagnostic]

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

extension Checker.DefinitionEntry: Sendable {}

/// A rule after checking: everything resolved to indexes and slots.
struct CheckedRule: Sendable {
    let name: String
    let policy: String?
    let source: SourceFile
    let span: SourceSpan
    let subjectTable: Int
    let subjectSlot: Int
    let condition: Bound
    let action: Int
    let message: Bound?
    /// Variables of the condition's top-level `some` quantifiers: their matches are the evidence.
    let evidence: [ExportedVariable]
    let slotCount: Int
}

struct ExportedVariable: Sendable {
    let name: String
    let slot: Int
    let type: RType
    /// The quantifier's collection and condition: the evidence is every element it holds for.
    let collection: Bound
    let condition: Bound
}
