/// Rule tests are checked with the rest: their tables, columns, rules and actions must exist.
extension Checker {
    mutating func checkTests(_ all: [(SourceFile, Declaration)], rules: [CheckedRule]) {
        let ruleNames = rules.map(\.name)
        for case (let source, .test(let test)) in all {
            var variables = Set(test.cases?.columns.map(\.text) ?? [])
            for given in test.givens {
                guard let table = schema.table(named: given.table.text) else {
                    report(.error, Catalog.unknownTable(given.table.text), at: given.table.span, in: source,
                           hint: Suggestions.hint(Suggestions.nearest(to: given.table.text, in: schema.tables.map(\.name))))
                    continue
                }
                for column in given.columns where table.columnIndex[column.text] == nil {
                    report(.error, Catalog.unknownMember(column.text, table: table.name), at: column.span, in: source,
                           hint: Suggestions.hint(Suggestions.nearest(to: column.text, in: table.columns.map(\.name))))
                }
            }
            variables.insert("none")
            for expectation in test.expects {
                if case .word(let outcome) = expectation.outcome, !variables.contains(outcome.text),
                   !ContextualWord.undetermined.contains(outcome.text), !["没有", "无"].contains(outcome.text),
                   schema.actionIndex[outcome.text] == nil {
                    report(.error, Catalog.unknownAction(outcome.text), at: outcome.span, in: source,
                           hint: Suggestions.hint(Suggestions.nearest(to: outcome.text, in: schema.actions + Array(variables))))
                }
                if let rule = expectation.rule, !ruleNames.contains(rule.text) {
                    report(.error, Catalog.unknownRule(rule.text), at: rule.span, in: source,
                           hint: Suggestions.hint(Suggestions.nearest(to: rule.text, in: ruleNames)))
                }
            }
        }
    }
}

extension Catalog {
    static func unknownRule(_ name: String) -> LocalizedText {
        LocalizedText("unknown rule `\(name)`", zh: "未知规则 `\(name)`")
    }
}
