/// Messages of name resolution and type checking.
extension Catalog {
    static func duplicate(_ what: LocalizedText, _ name: String) -> LocalizedText {
        LocalizedText("\(what.en) `\(name)` is declared twice", zh: "\(what.zh) `\(name)` 重复声明")
    }
    static let firstDeclaredHere = LocalizedText("first declared here", zh: "首次声明在此")
    static let aTable = LocalizedText("table", zh: "表")
    static let aColumn = LocalizedText("column", zh: "列")
    static let aRule = LocalizedText("rule", zh: "规则")
    static let aDefinition = LocalizedText("definition", zh: "定义")
    static let anAction = LocalizedText("action", zh: "处置")
    static let aParameter = LocalizedText("parameter", zh: "参数")

    static func unknownType(_ name: String) -> LocalizedText {
        LocalizedText("unknown type `\(name)`", zh: "未知类型 `\(name)`")
    }
    static func unknownTable(_ name: String) -> LocalizedText {
        LocalizedText("unknown table `\(name)`", zh: "未知的表 `\(name)`")
    }
    static func unknownLabel(_ name: String, table: String) -> LocalizedText {
        LocalizedText("the label `\(name)` is not a column of table `\(table)`", zh: "标签 `\(name)` 不是表 `\(table)` 的列")
    }
    static func unknownKey(_ name: String, table: String) -> LocalizedText {
        LocalizedText("the key `\(name)` is not a column of table `\(table)`", zh: "主键 `\(name)` 不是表 `\(table)` 的列")
    }
    static func referenceNeedsText(_ column: String) -> LocalizedText {
        LocalizedText("reference column `\(column)` must have the type of the referenced table's key",
                      zh: "引用列 `\(column)` 的类型必须与被引用表的主键类型一致")
    }
    static func navigationClash(_ name: String, table: String) -> LocalizedText {
        LocalizedText("`\(name)` is already a name in table `\(table)`; following this reference needs another name",
                      zh: "`\(name)` 已是表 `\(table)` 中的名称,此引用需要另一个导航名")
    }
    static let navigationHint = LocalizedText("name it with `as`, e.g. `-> enterprises as enterprise`",
                                              zh: "用 `作为` 命名,例如 `-> enterprises 作为 enterprise`")
    static func unknownName(_ name: String) -> LocalizedText {
        LocalizedText("unknown name `\(name)`", zh: "未知名称 `\(name)`")
    }
    /// A Chinese keyword written against a name without a space (`且h`): Chinese has no spaces
    /// between words, so the lexer reads one long name.
    /// Only where the keyword touches a Latin letter or digit (`且h`, `x或y`), since Chinese names
    /// (`企业表`) legitimately contain characters that are keywords on their own.
    static func gluedKeyword(in name: String) -> String? {
        let characters = Array(name)
        let chinese = Keyword.bySpelling.keys.filter { $0.unicodeScalars.first.map { $0.value >= 0x2E80 } == true }
        for spelling in chinese.sorted(by: { $0.count > $1.count }) {
            let word = Array(spelling)
            guard characters.count > word.count else { continue }
            for start in 0...(characters.count - word.count) where Array(characters[start..<(start + word.count)]) == word {
                let before = start > 0 ? characters[start - 1] : nil
                let after = start + word.count < characters.count ? characters[start + word.count] : nil
                if [before, after].contains(where: { $0.map { $0.isASCII && ($0.isLetter || $0.isNumber) } == true }) {
                    return spelling
                }
            }
        }
        return nil
    }

    static func gluedKeywordHint(_ keyword: String) -> LocalizedText {
        LocalizedText("put spaces around the keyword `\(keyword)`", zh: "请在关键字 `\(keyword)` 前后加空格")
    }
    static func unknownMember(_ name: String, table: String) -> LocalizedText {
        LocalizedText("table `\(table)` has no column or reference `\(name)`", zh: "表 `\(table)` 没有名为 `\(name)` 的列或引用")
    }
    static func memberOnNonRecord(_ name: String, type: LocalizedText) -> LocalizedText {
        LocalizedText("`.\(name)` needs a record, but this is \(type.en)", zh: "`.\(name)` 需要一条记录,但这里是\(type.zh)")
    }
    static let memberOnListHint = LocalizedText("this is a list: use `some x in … where x.…` or `count x in …`",
                                                zh: "这是列表:请用 `存在 x 属于 … 满足 x.…` 或 `计数 x 属于 …`")
    static func unknownFunction(_ name: String) -> LocalizedText {
        LocalizedText("unknown function `\(name)`", zh: "未知函数 `\(name)`")
    }
    static func arity(_ name: String, expected: Int, got: Int) -> LocalizedText {
        LocalizedText("`\(name)` takes \(expected) argument\(expected == 1 ? "" : "s"), but \(got) \(got == 1 ? "is" : "are") given",
                      zh: "`\(name)` 需要 \(expected) 个参数,实际给了 \(got) 个")
    }
    static func argumentType(_ name: String, index: Int, expected: LocalizedText, got: LocalizedText) -> LocalizedText {
        LocalizedText("argument \(index + 1) of `\(name)` must be \(expected.en), but it is \(got.en)",
                      zh: "`\(name)` 的第 \(index + 1) 个参数应为\(expected.zh),实际是\(got.zh)")
    }
    static func signatureHint(_ signature: String) -> LocalizedText {
        LocalizedText("signature: \(signature)", zh: "签名:\(signature)")
    }
    static func operatorTypes(_ op: String, _ left: LocalizedText, _ right: LocalizedText) -> LocalizedText {
        LocalizedText("`\(op)` cannot combine \(left.en) and \(right.en)", zh: "`\(op)` 不能用于\(left.zh)和\(right.zh)")
    }
    static func operandType(_ op: String, _ type: LocalizedText) -> LocalizedText {
        LocalizedText("`\(op)` cannot apply to \(type.en)", zh: "`\(op)` 不能用于\(type.zh)")
    }
    static let daysHint = LocalizedText("add a duration, e.g. `30 days`", zh: "请加上时长,例如 `30 天`")
    static func notBool(_ what: LocalizedText, _ type: LocalizedText) -> LocalizedText {
        LocalizedText("\(what.en) must be a condition (bool), but it is \(type.en)", zh: "\(what.zh)必须是条件(布尔),实际是\(type.zh)")
    }
    static let theCondition = LocalizedText("the condition", zh: "条件")
    static let theWhereClause = LocalizedText("the `where` clause", zh: "`满足` 子句")
    static let anOperand = LocalizedText("each side of `and`/`or`/`not`", zh: "`且`/`或`/`非` 的操作数")
    static let aggregateParenthesesHint = LocalizedText("put the whole count in parentheses: `(count h in … where …) > 2`",
                                                        zh: "请把整个计数加括号:`(计数 h 属于 … 满足 …) > 2`")
    static func columnNotLoaded(_ column: String, table: String) -> LocalizedText {
        LocalizedText("column `\(column)` of `\(table)` was not loaded: this data holds only the columns its rules read",
                      zh: "`\(table)` 的列 `\(column)` 未载入:这份数据只载入了规则读取的列")
    }
    static func notAList(_ type: LocalizedText) -> LocalizedText {
        LocalizedText("expected a list or a table to go through, but this is \(type.en)", zh: "此处应为列表或表,实际是\(type.zh)")
    }
    static func noCalendar(_ year: Int, _ calendar: WorkCalendar) -> LocalizedText {
        let covered = calendar.years.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)–\($0.upperBound)" } ?? ""
        return LocalizedText("no holiday calendar for \(year) (the calendar `\(calendar.name)` covers \(covered); give one with --calendar, or --calendar none for Monday to Friday)",
                             zh: "没有 \(year) 年的节假日日历(日历 `\(calendar.name)` 只含 \(covered) 年;请用 --calendar 指定,或用 --calendar none 按周一至周五计算)")
    }
    static func definitionCycle(_ path: [String]) -> LocalizedText {
        // A long cycle is shown by its ends: the message stays one readable line.
        let quoted = path.map { "`\($0)`" }
        let shown = quoted.count <= 12 ? quoted : Array(quoted.prefix(6)) + ["…"] + Array(quoted.suffix(5))
        let chain = shown.joined(separator: " → ")
        return LocalizedText("definitions cannot refer to themselves: \(chain)", zh: "定义不能引用自身:\(chain)")
    }
    static func definitionNeedsArguments(_ name: String, _ count: Int) -> LocalizedText {
        LocalizedText("`\(name)` takes \(count) argument\(count == 1 ? "" : "s"); call it as `\(name)(…)`",
                      zh: "`\(name)` 需要 \(count) 个参数,请写作 `\(name)(…)`")
    }
    static func parameterType(_ name: String, expected: LocalizedText, got: LocalizedText) -> LocalizedText {
        LocalizedText("parameter `\(name)` is declared \(expected.en), but the argument is \(got.en)",
                      zh: "参数 `\(name)` 声明为\(expected.zh),但实参是\(got.zh)")
    }
    static func expansionTooLarge(_ limit: Int) -> LocalizedText {
        LocalizedText("definitions expand to more than \(limit) nodes here", zh: "此处定义展开后超过 \(limit) 个节点")
    }
    static func definitionTooDeep(_ limit: Int) -> LocalizedText {
        LocalizedText("definitions call each other more than \(limit) levels deep", zh: "定义之间的调用超过 \(limit) 层")
    }
    static func unknownAction(_ name: String) -> LocalizedText {
        LocalizedText("unknown action `\(name)`", zh: "未知处置 `\(name)`")
    }
    static let noActions = LocalizedText("no `actions` declaration lists the actions rules may take",
                                         zh: "没有声明规则可用的处置(`处置`)")
    static let noActionsHint = LocalizedText("add e.g. `actions suspend < close < refer`", zh: "请添加例如 `处置 停产 < 关闭 < 移送司法`")
    static func actionSubject(_ expected: String) -> LocalizedText {
        LocalizedText("the action must name the rule's subject `\(expected)`", zh: "处置对象必须是规则的主体 `\(expected)`")
    }
    static let subjectNotTable = LocalizedText("a rule's subjects must come from a table", zh: "规则的主体必须来自一张表")
    static let subjectHint = LocalizedText("write `for e in TABLE`", zh: "请写作 `对于 e 属于 表名`")
    static let duplicateVariable = LocalizedText("this name is already used by an enclosing variable",
                                                 zh: "此名称已被外层变量使用")
    static let templateNeedsText = LocalizedText("the message must be text", zh: "说明必须是文本")
}
