/// Rules: subject, condition, action and message.
extension Checker {
    mutating func checkRules(_ all: [(SourceFile, Declaration)]) -> [CheckedRule] {
        var rules: [CheckedRule] = []
        var seen: [String: (SourceFile, SourceSpan)] = [:]
        var reportedNoActions = false
        for case (let source, .rule(let decl)) in all {
            if let (firstSource, firstSpan) = seen[decl.name.text] {
                report(.error, Catalog.duplicate(Catalog.aRule, decl.name.text), at: decl.name.span, in: source,
                       notes: [Diagnostic(.note, Catalog.firstDeclaredHere, at: firstSpan, in: firstSource)])
                continue
            }
            seen[decl.name.text] = (source, decl.name.span)
            if schema.actions.isEmpty, !reportedNoActions {
                report(.error, Catalog.noActions, at: decl.action.span, in: source, hint: Catalog.noActionsHint)
                reportedNoActions = true
            }
            if let rule = checkRule(decl, source: source) { rules.append(rule) }
        }
        return rules
    }

    private mutating func checkRule(_ decl: RuleDecl, source: SourceFile) -> CheckedRule? {
        beginCompilation()
        var healthy = true
        let collection = bind(decl.subject.collection, Env(), source)
        var subjectTable = -1
        if case .tableRows(let table) = collection.kind {
            subjectTable = table
        } else if collection.type != .error {
            report(.error, Catalog.subjectNotTable, at: decl.subject.collection.span, in: source, hint: Catalog.subjectHint)
        }
        if subjectTable < 0 { healthy = false }
        let subjectSlot = newSlot()
        var env = Env()
        env.locals[decl.subject.variable.text] = Local(slot: subjectSlot, type: subjectTable >= 0 ? .record(subjectTable) : .error)

        let condition = bind(decl.condition, env, source)
        requireBool(condition, Catalog.theCondition, in: source)

        let action = schema.actionIndex[decl.action.text]
        if action == nil {
            if !schema.actions.isEmpty {
                report(.error, Catalog.unknownAction(decl.action.text), at: decl.action.span, in: source,
                       hint: Suggestions.hint(Suggestions.nearest(to: decl.action.text, in: schema.actions)))
            }
            healthy = false
        }
        if decl.actionSubject.text != decl.subject.variable.text {
            report(.error, Catalog.actionSubject(decl.subject.variable.text), at: decl.actionSubject.span, in: source,
                   hint: Suggestions.hint(decl.subject.variable.text))
            healthy = false
        }

        let evidence = Checker.exports(of: condition)
        var message: Bound? = nil
        if let template = decl.message {
            var messageEnv = env
            for variable in evidence { messageEnv.locals[variable.name] = Local(slot: variable.slot, type: variable.type) }
            message = bind(template, messageEnv, source)
        }
        guard healthy, !condition.containsError, message?.containsError != true, let action else { return nil }
        return CheckedRule(name: decl.name.text, policy: decl.policy, source: source, span: decl.span,
                           subjectTable: subjectTable, subjectSlot: subjectSlot, condition: condition, action: action,
                           message: message, evidence: evidence, slotCount: nextSlot)
    }

    /// The `some` quantifiers joined by `and` at the top of a condition: their variables name the
    /// evidence and may be used in the message.
    static func exports(of condition: Bound) -> [ExportedVariable] {
        switch condition.kind {
        case .and(let a, let b): return exports(of: a) + exports(of: b)
        case .quantifier(.some, let slot, let name, let collection, let body):
            return [ExportedVariable(name: name, slot: slot, type: collection.type.element ?? .error,
                                     collection: collection, condition: body)]
        default: return []
        }
    }

    mutating func requireBool(_ bound: Bound, _ what: LocalizedText, in source: SourceFile) {
        guard bound.type != .bool, !bound.type.isUnchecked else { return }
        var hint: LocalizedText? = nil
        if case .compare(_, let left, _) = bound.kind, case .aggregate = left.kind { hint = Catalog.aggregateParenthesesHint }
        report(.error, Catalog.notBool(what, bound.type.name(in: schema)), at: bound.span, in: source, hint: hint)
    }
}
