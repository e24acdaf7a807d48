/// The sentences of explanations (`redline explain`, `:explain`, failed rule tests), in English
/// and Chinese.
extension Catalog {
    static func explainHeader(_ subject: String, asOf: String, _ outcome: String) -> LocalizedText {
        LocalizedText("\(subject), as of \(asOf): \(outcome)", zh: "\(subject),截至 \(asOf):\(outcome)")
    }
    static let explainNoAction = LocalizedText("no action", zh: "无处置")
    static func explainRule(_ name: String) -> LocalizedText { LocalizedText("rule \(name)", zh: "规则 \(name)") }
    static func outcomeKind(_ kind: RuleOutcome.Kind) -> LocalizedText {
        switch kind {
        case .fired: return LocalizedText("fired", zh: "触发")
        case .notFired: return LocalizedText("not fired", zh: "未触发")
        case .undetermined: return LocalizedText("undetermined", zh: "无法判定")
        case .failed: return LocalizedText("failed", zh: "出错")
        }
    }
    static let explainEvidence = LocalizedText("evidence: ", zh: "证据:")
    static let explainMessage = LocalizedText("message: ", zh: "说明:")
    static let explainAction = LocalizedText("action: ", zh: "处置:")
    static let explainWhyNot = LocalizedText("why not: ", zh: "未触发的原因:")
    static let explainUnknown = LocalizedText("the condition is unknown because data is missing: ", zh: "条件无法判定,因为缺少数据:")
    static let explainNoCalendar = LocalizedText("the condition is unknown: ", zh: "条件无法判定:")
    static let explainNoCell = LocalizedText("(no cell recorded)", zh: "(未记录缺失的单元格)")
    static func explainMissing(_ cell: String) -> LocalizedText { LocalizedText("\(cell) is missing", zh: "\(cell) 缺失") }
    static let explainFailed = LocalizedText("evaluation failed: ", zh: "求值出错:")
    static let stateFalse = LocalizedText("false", zh: "假")
    static let stateUnknown = LocalizedText("unknown", zh: "未知")
    /// "`x` is false", "`h.deadline` is 2024-07-01".
    static func explainIs(_ source: String, _ state: String, word: Bool) -> LocalizedText {
        LocalizedText("\(source) is \(state)", zh: word ? "\(source) 为\(state)" : "\(source) 为 \(state)")
    }
    static let explainSince = LocalizedText(", since", zh: ",因为")
    static let explainNeither = LocalizedText("neither part holds:", zh: "两部分都不成立:")
    static let explainListSeparator = LocalizedText(", ", zh: ",")
    static let explainColon = LocalizedText(": ", zh: ":")
    static func explainEmpty(_ collection: String) -> LocalizedText { LocalizedText("\(collection) is empty", zh: "\(collection) 为空") }
    static func explainMore(_ count: Int) -> LocalizedText { LocalizedText("… and \(count) more", zh: "… 另有 \(count) 个") }
    static func explainMatches(_ element: String, _ condition: String) -> LocalizedText {
        LocalizedText("\(element) matches \(condition)", zh: "\(element) 满足 \(condition)")
    }
    static func explainNoneSatisfy(_ count: Int, _ collection: String) -> LocalizedText {
        LocalizedText("none of the \(count) in \(collection) satisfies the condition:", zh: "\(collection) 中的 \(count) 个都不满足条件:")
    }
    static func explainNotAll(_ collection: String) -> LocalizedText {
        LocalizedText("not all of \(collection) satisfy the condition:", zh: "\(collection) 并非全部满足条件:")
    }
    static func explainSomeMatch(_ collection: String) -> LocalizedText {
        LocalizedText("some of \(collection) match:", zh: "\(collection) 中有满足条件的:")
    }
    /// `:why-not`'s first line.
    static func explainOneRule(_ rule: String, _ outcome: String, subject: String, asOf: String) -> LocalizedText {
        LocalizedText("rule \(rule): \(outcome) for \(subject), as of \(asOf)", zh: "规则 \(rule) 对 \(subject):\(outcome),截至 \(asOf)")
    }
}
