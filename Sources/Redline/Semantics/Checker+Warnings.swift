/// Policy sanity: mistakes that are legal but likely wrong. Warnings do not stop a run
/// (`redline check --strict` makes them errors).
extension Checker {
    mutating func warn(about rules: [CheckedRule], declarations all: [(SourceFile, Declaration)]) {
        for case (let source, .define(let decl)) in all
        where !usedDefinitions.contains(decl.name.text) && definitions[decl.name.text]?.broken != true {
            report(.warning, Catalog.unusedDefinition(decl.name.text), at: decl.name.span, in: source, hint: Catalog.unusedDefinitionHint)
        }
        for rule in rules {
            warnAboutOptionalColumns(rule.condition)
            warnAboutMissingComparisons(rule.condition)
            if let truth = Checker.constantTruth(rule.condition) {
                let text = truth ? Catalog.alwaysFires(rule.name, action: schema.actions[rule.action]) : Catalog.neverFires(rule.name)
                report(.warning, text, at: rule.condition.span, in: rule.source)
            }
        }
        var seen: [String: CheckedRule] = [:]
        for rule in rules {
            let key = "\(rule.subjectTable)|" + Checker.canonical(rule)
            if let first = seen[key], first.action != rule.action {
                report(.warning, Catalog.sameCondition(rule.name, first.name, schema.actions[rule.action], schema.actions[first.action]),
                       at: rule.condition.span, in: rule.source,
                       notes: [Diagnostic(.note, Catalog.firstDeclaredHere, at: first.condition.span, in: first.source)])
            } else if seen[key] == nil {
                seen[key] = rule
            }
        }
    }

    /// A comparison on a column declared optional (`date?`) with no `is missing` / `is present`
    /// / `coalesce` for that column anywhere in the condition: its missing case silently makes
    /// the rule undetermined.
    private mutating func warnAboutOptionalColumns(_ condition: Bound) {
        var handled: Set<[Int]> = []
        var compared: [(column: [Int], bound: Bound, operand: Bound)] = []
        func optionalColumn(_ b: Bound) -> [Int]? {
            guard case .column(_, let table, let column) = b.kind, schema.tables[table].columns[column].optional else { return nil }
            return [table, column]
        }
        condition.visit { node in
            switch node.kind {
            case .isMissing(let operand, _):
                if let key = optionalColumn(operand) { handled.insert(key) }
            case .call(.coalesce, let arguments):
                if let first = arguments.first, let key = optionalColumn(first) { handled.insert(key) }
            case .compare(_, let a, let b), .membership(let a, let b, _):
                // A comparison with the literal `missing` has its own warning.
                if case .constant(.missing) = a.kind { break }
                if case .constant(.missing) = b.kind { break }
                for operand in [a, b] { if let key = optionalColumn(operand) { compared.append((key, node, operand)) } }
            default: break
            }
        }
        for entry in compared where !handled.contains(entry.column) {
            guard let source = entry.bound.source else { continue }
            let text = source.text(of: entry.operand.span)
            let type = schema.tables[entry.column[0]].columns[entry.column[1]].type.name(in: schema)
            report(.warning, Catalog.optionalCompared(text, type: type), at: entry.bound.span, in: source,
                   hint: Catalog.optionalComparedHint(text))
        }
    }

    private mutating func warnAboutMissingComparisons(_ condition: Bound) {
        condition.visit { node in
            guard case .compare(let op, let a, let b) = node.kind, op == .equal || op == .notEqual, let source = node.source else { return }
            for operand in [a, b] {
                if case .constant(.missing) = operand.kind {
                    report(.warning, Catalog.comparedWithMissing, at: node.span, in: source, hint: Catalog.comparedWithMissingHint(op == .notEqual))
                }
            }
        }
    }

    /// The condition's truth when it does not depend on any data (after folding constants).
    static func constantTruth(_ bound: Bound) -> Bool? {
        switch bound.kind {
        case .constant(.bool(let b)): return b
        case .and(let a, let b):
            let x = constantTruth(a), y = constantTruth(b)
            if x == false || y == false { return false }
            return x == true && y == true ? true : nil
        case .or(let a, let b):
            let x = constantTruth(a), y = constantTruth(b)
            if x == true || y == true { return true }
            return x == false && y == false ? false : nil
        case .not(let a): return constantTruth(a).map { !$0 }
        case .compare(let op, let a, let b):
            guard case .constant(let x) = a.kind, case .constant(let y) = b.kind,
                  case .bool(let result)? = try? Operations.compare(op, x, y, bound.span, bound.source) else { return nil }
            return result
        default: return nil
        }
    }

    /// The condition's text with the subject's name replaced, for comparing rules.
    static func canonical(_ rule: CheckedRule) -> String {
        let text = rule.condition.source?.text(of: rule.condition.span) ?? ""
        var lexer = Lexer(source: SourceFile(name: "", text: text))
        let subjectName: String? = {
            var found: String?
            rule.condition.visit { node in
                if found == nil, case .local(let slot, let name) = node.kind, slot == rule.subjectSlot { found = name }
            }
            return found
        }()
        return lexer.tokenize().map { token -> String in
            if let name = token.identifier { return name == subjectName ? "$subject" : name }
            if let keyword = token.keyword { return keyword.rawValue }
            return "\(token.kind)"
        }.joined(separator: " ")
    }
}

extension Catalog {
    static func unusedDefinition(_ name: String) -> LocalizedText {
        LocalizedText("definition `\(name)` is never used", zh: "定义 `\(name)` 从未被使用")
    }
    static let unusedDefinitionHint = LocalizedText("use it in a rule, or remove it", zh: "请在规则中使用它,或删除")
    static func neverFires(_ rule: String) -> LocalizedText {
        LocalizedText("rule `\(rule)` can never fire: its condition is always false", zh: "规则 `\(rule)` 永远不会触发:条件恒为假")
    }
    static func alwaysFires(_ rule: String, action: String) -> LocalizedText {
        LocalizedText("rule `\(rule)` fires for every subject: its condition is always true (every subject gets `\(action)`)",
                      zh: "规则 `\(rule)` 对每个对象都触发:条件恒为真(每个对象都会被 `\(action)`)")
    }
    static func sameCondition(_ rule: String, _ other: String, _ action: String, _ otherAction: String) -> LocalizedText {
        LocalizedText("rule `\(rule)` has the same condition as rule `\(other)` but a different action (`\(action)`, not `\(otherAction)`)",
                      zh: "规则 `\(rule)` 与规则 `\(other)` 条件相同,但处置不同(`\(action)` 与 `\(otherAction)`)")
    }
    static func optionalCompared(_ text: String, type: LocalizedText) -> LocalizedText {
        LocalizedText("`\(text)` may be missing (it is declared `\(type.en)?`): then this comparison is unknown and the rule undetermined",
                      zh: "`\(text)` 可能缺失(声明为 `\(type.zh)?`):缺失时此比较结果未知,规则无法判定")
    }
    static func optionalComparedHint(_ text: String) -> LocalizedText {
        LocalizedText("say what a missing value means, e.g. `\(text) is missing or …`", zh: "请写明缺失时的含义,例如 `\(text) 是 缺失 或 …`")
    }
    static let comparedWithMissing = LocalizedText("a comparison with `missing` is always unknown", zh: "与 `缺失` 比较的结果总是未知")
    static func comparedWithMissingHint(_ negated: Bool) -> LocalizedText {
        negated ? LocalizedText("write `x is present`", zh: "请写 `x 是 有值`") : LocalizedText("write `x is missing`", zh: "请写 `x 是 缺失`")
    }
}
