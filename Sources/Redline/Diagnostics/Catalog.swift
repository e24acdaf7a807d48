/// Every message the lexer and parser produce, in English and Chinese, in one place so wording
/// stays consistent and translations stay complete.
enum Catalog {
    // MARK: Encoding and characters

    static let invalidUTF8 = LocalizedText("the file is not valid UTF-8 here", zh: "此处不是有效的 UTF-8 编码")
    static let invalidUTF8Hint = LocalizedText("save the file as UTF-8 (it may be GBK)",
                                               zh: "请把文件另存为 UTF-8 编码(它可能是 GBK)")
    static func unexpectedCharacter(_ c: String) -> LocalizedText {
        LocalizedText("unexpected character `\(c)`", zh: "无法识别的字符 `\(c)`")
    }
    static let useNotHint = LocalizedText("write `not` for negation, `!=` for “not equal”", zh: "取反请写 `not`(非),不等请写 `!=`")

    // MARK: Literals

    static func invalidDate(_ text: String) -> LocalizedText {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        if parts.count == 3, !(1...12).contains(parts[1]) {
            return LocalizedText("`\(text)` is not a date: the month must be 01 to 12",
                                 zh: "`\(text)` 不是有效日期:月份应在 01 到 12 之间")
        }
        if parts.count == 3, (1...12).contains(parts[1]) {
            let days = CivilDate.daysIn(month: parts[1], year: parts[0])
            return LocalizedText("`\(text)` is not a date: month \(parts[1]) of \(parts[0]) has \(days) days",
                                 zh: "`\(text)` 不是有效日期:\(parts[0]) 年 \(parts[1]) 月只有 \(days) 天")
        }
        return LocalizedText("`\(text)` is not a date", zh: "`\(text)` 不是有效日期")
    }
    static let invalidDateHint = LocalizedText("dates are written YYYY-MM-DD, e.g. 2024-06-30", zh: "日期写作 YYYY-MM-DD,例如 2024-06-30")
    static func numberTooLarge(_ text: String) -> LocalizedText {
        LocalizedText("the number `\(text)` is too large (integers are 64-bit; decimals stay below 10^20)",
                      zh: "数字 `\(text)` 太大(整数为 64 位;小数的绝对值须小于 10^20)")
    }
    static let unterminatedText = LocalizedText("text is not closed before the end of the line", zh: "文本在行尾之前没有结束")
    static func unterminatedTextHint(_ quote: String) -> LocalizedText {
        LocalizedText("add `\(quote)` where the text ends", zh: "在文本结尾处加上 `\(quote)`")
    }
    static func badEscape(_ text: String) -> LocalizedText {
        LocalizedText("unknown escape `\(text)` in text", zh: "文本中有未知的转义 `\(text)`")
    }
    static let badEscapeHint = LocalizedText("escapes are \\n \\t \\\" \\\\ \\{ \\} \\u{4E2D}; write \\\\ for a backslash",
                                             zh: "可用的转义有 \\n \\t \\\" \\\\ \\{ \\} \\u{4E2D};反斜杠本身写作 \\\\")
    static let badUnicodeEscapeHint = LocalizedText("write a code point in hex, e.g. \\u{4E2D}", zh: "请写十六进制码位,例如 \\u{4E2D}")
    static let commentInInterpolation = LocalizedText("a comment cannot stand inside `{…}` in text", zh: "文本的 `{…}` 中不能写注释")
    static let commentInInterpolationHint = LocalizedText("put the comment after the text, at the end of the line", zh: "请把注释写在文本之后、行尾")
    static let emptyInterpolation = LocalizedText("empty `{}` in text", zh: "文本中有空的 `{}`")
    static let emptyInterpolationHint = LocalizedText("put an expression inside, or write \\{ for a literal brace",
                                                      zh: "在括号内写表达式,或用 \\{ 表示花括号本身")
    static let unclosedInterpolation = LocalizedText("`{` in text is not closed", zh: "文本中的 `{` 没有闭合")
    static let unclosedInterpolationHint = LocalizedText("add `}` after the expression, or write \\{ for a literal brace",
                                                         zh: "在表达式后加 `}`,或用 \\{ 表示花括号本身")

    // MARK: Syntax

    static func expected(_ what: LocalizedText, found: LocalizedText) -> LocalizedText {
        LocalizedText("expected \(what.en), found \(found.en)", zh: "此处应为\(what.zh),实际是\(found.zh)")
    }
    static func keyword(_ k: Keyword) -> LocalizedText {
        let chinese = k.spellings.count > 1 ? k.spellings[1] : k.spellings[0]
        return LocalizedText("`\(k.spellings[0])`", zh: "`\(chinese)`")
    }
    static func punctuation(_ p: String) -> LocalizedText { LocalizedText("`\(p)`", zh: "`\(p)`") }
    static func keywordNotNameHint(_ k: Keyword) -> LocalizedText {
        LocalizedText("`\(k.spellings[0])` is a keyword and cannot be used as a name",
                      zh: "`\(k.spellings[0])` 是关键字,不能用作名称")
    }
    static func openedHere(_ opener: String) -> LocalizedText {
        LocalizedText("`\(opener)` opened here", zh: "`\(opener)` 在此处打开")
    }
    static func expectedCloser(_ closer: String, opener: String, at: SourceLocation, found: LocalizedText) -> LocalizedText {
        LocalizedText("expected `\(closer)` to close `\(opener)` at line \(at.line), column \(at.column), found \(found.en)",
                      zh: "此处应为 `\(closer)`,用来闭合第 \(at.line) 行第 \(at.column) 列的 `\(opener)`,实际是\(found.zh)")
    }
    static func tooDeep(_ limit: Int) -> LocalizedText {
        LocalizedText("expression nested too deeply (the limit is \(limit) levels)", zh: "表达式嵌套过深(上限为 \(limit) 层)")
    }
    static let tooDeepHint = LocalizedText("split it into named definitions with `define`", zh: "请用 `define`(定义)拆分成几个命名定义")
    static let declarationWords = Keyword.allCases.filter(\.startsDeclaration).flatMap(\.spellings)
    static let aDeclaration = LocalizedText("a declaration (`table`, `actions`, `define` or `rule`)",
                                            zh: "声明(`表`、`处置`、`定义` 或 `规则`)")
    static let endOfExpression = LocalizedText("the end of the expression", zh: "表达式结束")
    static let endOfDeclaration = LocalizedText("the end of the declaration", zh: "声明结束")
    static let anExpression = LocalizedText("an expression", zh: "表达式")
    static let tableName = LocalizedText("a table name", zh: "表名")
    static let keyColumnName = LocalizedText("the key column's name", zh: "主键列名")
    static let labelColumnName = LocalizedText("the label column's name", zh: "标签列名")
    static let columnName = LocalizedText("a column name", zh: "列名")
    static let navigationName = LocalizedText("a name for following the reference", zh: "引用的导航名")
    static let typeName = LocalizedText("a type (text, int, decimal, bool, date, duration)", zh: "类型(文本、整数、小数、布尔、日期、时长)")
    static let actionName = LocalizedText("an action name", zh: "处置名称")
    static let definitionName = LocalizedText("a definition name", zh: "定义名称")
    static let parameterName = LocalizedText("a parameter name", zh: "参数名")
    static let ruleName = LocalizedText("a rule name", zh: "规则名称")
    static let variableName = LocalizedText("a variable name", zh: "变量名")
    static let memberName = LocalizedText("a column or reference name after `.`", zh: "`.` 之后的列名或引用名")
    static let messageText = LocalizedText("the message text in quotes", zh: "带引号的说明文本")
    static func subjectVariable(_ name: String) -> LocalizedText {
        LocalizedText("the subject `\(name)` after the action", zh: "处置之后的对象 `\(name)`")
    }
    static let commaOrBrace = LocalizedText("`,` or `}`", zh: "`,` 或 `}`")
    static let columnCommaHint = LocalizedText("separate columns with `,`", zh: "各列之间用 `,` 分隔")
    static let lessOrNewDeclaration = LocalizedText("`<` or a new declaration", zh: "`<` 或新的声明")
    static let actionsOrderHint = LocalizedText("list actions weakest first: `actions suspend < close < refer`",
                                                zh: "按从轻到重列出处置:`处置 停产 < 关闭 < 移送司法`")
    static let defineSingleEqualHint = LocalizedText("a definition uses a single `=`", zh: "定义使用单个 `=`")
    static let thenHint = LocalizedText("a rule reads `when CONDITION then ACTION SUBJECT`", zh: "规则写作 `当 条件 则 处置 对象`")
    static let singleEqualInExpression = LocalizedText("`=` is not a comparison", zh: "`=` 不是比较运算符")
    static let singleEqualHint = LocalizedText("write `==` to compare", zh: "比较相等请写 `==`")
    static let endOfComparison = LocalizedText("one comparison", zh: "单个比较")
    static let chainedComparisonHint = LocalizedText("comparisons do not chain: write `a < b and b < c`",
                                                     zh: "比较不能连写:请写 `a < b 且 b < c`")
    static let missingOrPresent = LocalizedText("`missing` or `present` after `is`", zh: "`是` 之后应为 `缺失` 或 `有值`")
    static let quantifierWhereHint = LocalizedText("write `some h in e.hazards where CONDITION`",
                                                   zh: "写作 `存在 h 属于 e.hazards 满足 条件`")
    static func aggregateForHint(_ k: Keyword) -> LocalizedText {
        LocalizedText("write `\(k.spellings[0]) h.VALUE for h in COLLECTION where CONDITION`",
                      zh: "写作 `\(k.spellings.count > 1 ? k.spellings[1] : k.spellings[0]) h.值 对于 h 属于 集合 满足 条件`")
    }
}
