/// The REPL's own words (its commands' help and replies), in English and Chinese.
extension Catalog {
    static let helpHelp = LocalizedText("list the commands, or explain one", zh: "列出命令,或说明其中一个")
    static let helpLoad = LocalizedText("add the declarations of a rule file to the session", zh: "把规则文件中的声明加入会话")
    static let helpData = LocalizedText("load DIR/T.csv (or .json, .jsonl) for every declared table T",
                                        zh: "为每个已声明的表 T 载入 DIR/T.csv(或 .json、.jsonl)")
    static let helpTables = LocalizedText("list the tables, with row counts when data is loaded", zh: "列出各表,已载入数据时显示行数")
    static let helpSchema = LocalizedText("show a table's columns, types and references", zh: "显示表的列、类型和引用")
    static let helpRules = LocalizedText("list the rules with their actions and policy texts", zh: "列出规则及其处置和政策原文")
    static let helpRun = LocalizedText("evaluate every rule for every subject, as `redline run` does",
                                       zh: "对每个对象求值全部规则,与 `redline run` 相同")
    static let helpExplain = LocalizedText("every rule's outcome for one subject, and why", zh: "一个对象在每条规则下的结果及原因")
    static let helpWhyNot = LocalizedText("why one rule did (or did not) fire for a subject", zh: "某条规则为何对某个对象触发(或未触发)")
    static let helpAsOf = LocalizedText("show or set the date `today` stands for (YYYY-MM-DD)", zh: "显示或设置 `today` 代表的日期(YYYY-MM-DD)")
    static let helpFormat = LocalizedText("how query results and :run are printed", zh: "查询结果和 :run 的输出格式")
    static let helpTiming = LocalizedText("print how long each evaluation took", zh: "显示每次求值的耗时")
    static let helpReset = LocalizedText("forget what was typed: back to the rules and data the session started with",
                                         zh: "忘记输入过的内容:回到会话开始时的规则和数据")
    static let helpQuit = LocalizedText("leave (Ctrl-D does too); history is saved", zh: "退出(Ctrl-D 亦可);历史记录会保存")
    static let helpIntro = LocalizedText("""
        Type an expression, a query (from h in hazards where … group by … select … sort by … limit N),
        or a declaration (define, rule, table, actions) to add it. An unfinished line continues on the next;
        an empty line ends it. Commands:

        """, zh: """
        输入表达式、查询(from h in hazards where … group by … select … sort by … limit N),
        或声明(define、rule、table、actions)以加入会话。未写完的行在下一行继续;
        空行结束输入。命令:

        """)
    static func usage(_ text: String) -> LocalizedText { LocalizedText("usage: \(text)", zh: "用法:\(text)") }
    static func asOfIs(_ date: String) -> LocalizedText { LocalizedText("as of \(date)", zh: "截至 \(date)") }
    static func notADate(_ text: String) -> LocalizedText {
        LocalizedText("`\(text)` is not a date: write YYYY-MM-DD", zh: "`\(text)` 不是日期:请写成 YYYY-MM-DD")
    }
    static func formatIs(_ name: String) -> LocalizedText { LocalizedText("format \(name)", zh: "格式 \(name)") }
    static func timingIs(_ state: String) -> LocalizedText { LocalizedText("timing \(state)", zh: "计时 \(state)") }
    static let resetDone = LocalizedText("reset", zh: "已重置")
    static func unknownCommand(_ name: String, hint: String?) -> LocalizedText {
        LocalizedText("unknown command `:\(name)`" + (hint.map { " (did you mean `:\($0)`?)" } ?? "") + "; :help lists them",
                      zh: "没有命令 `:\(name)`" + (hint.map { "(是否想写 `:\($0)`?)" } ?? "") + ";:help 可列出全部命令")
    }
    static func cannotRead(_ path: String) -> LocalizedText { LocalizedText("cannot read `\(path)`", zh: "无法读取 `\(path)`") }
    static func loadedRules(_ path: String, rules: Int, tables: Int) -> LocalizedText {
        LocalizedText("loaded \(path): \(rules) rules, \(tables) tables", zh: "已载入 \(path):\(rules) 条规则,\(tables) 个表")
    }
    static let noTables = LocalizedText("no tables: :load a rule file that declares them", zh: "没有表:请用 :load 载入声明了表的规则文件")
    static func noTable(_ name: String, hint: String?) -> LocalizedText {
        LocalizedText("no table `\(name)`" + (hint.map { " (did you mean `\($0)`?)" } ?? ""),
                      zh: "没有表 `\(name)`" + (hint.map { "(是否想写 `\($0)`?)" } ?? ""))
    }
    static let noRules = LocalizedText("no rules", zh: "没有规则")
    static let noData = LocalizedText("no data loaded: use :data DIR", zh: "尚未载入数据:请用 :data DIR")
    static func noSubject(_ key: String) -> LocalizedText {
        LocalizedText("no subject has the key `\(key)`", zh: "没有键为 `\(key)` 的对象")
    }
    static func noRuleFor(_ rule: String, table: String, hint: String?) -> LocalizedText {
        LocalizedText("no rule `\(rule)` for \(table)" + (hint.map { " (did you mean `\($0)`?)" } ?? ""),
                      zh: "\(table) 没有规则 `\(rule)`" + (hint.map { "(是否想写 `\($0)`?)" } ?? ""))
    }
    static func couldNotLoad(_ directory: String, errors: Int) -> LocalizedText {
        LocalizedText("could not load `\(directory)`: \(errors) error\(errors == 1 ? "" : "s")", zh: "无法载入 `\(directory)`:\(errors) 个错误")
    }
    static func loadedData(_ rows: String, _ time: String) -> LocalizedText {
        LocalizedText("loaded \(rows) (\(time))", zh: "已载入 \(rows)(\(time))")
    }
    static let addedTablesChanged = LocalizedText("added; the tables changed, so load the data again with :data",
                                                  zh: "已加入;表已改变,请用 :data 重新载入数据")
    static let added = LocalizedText("added", zh: "已加入")
    static let helpRead = LocalizedText("run the lines of a file as if typed here", zh: "逐行执行文件中的输入,如同在此键入")
    static func readTooDeep(_ path: String) -> LocalizedText {
        LocalizedText("`:read \(path)`: scripts read each other more than 16 deep", zh: "`:read \(path)`:脚本相互读取超过 16 层")
    }
    static let helpCalendar = LocalizedText("show or choose the holiday calendar for working days (a CSV file, none, or cn: China's, built in)",
                                            zh: "显示或选择计算工作日的节假日日历(CSV 文件、none 或 cn:内置的中国日历)")
    static func calendarIs(_ name: String, years: String?) -> LocalizedText {
        guard let years else { return LocalizedText("calendar: none (Monday to Friday)", zh: "日历:无(周一至周五)") }
        return LocalizedText("calendar: \(name) (\(years))", zh: "日历:\(name)(\(years) 年)")
    }
    static func rowCount(_ n: Int) -> LocalizedText { LocalizedText("\(n) row\(n == 1 ? "" : "s")", zh: "\(n) 行") }
    /// The count under a query's answer: the rows shown, and how many matched when `limit` cut them.
    static func rowCount(shown: Int, matched: Int) -> LocalizedText {
        guard shown < matched else { return rowCount(shown) }
        return LocalizedText("\(shown) of \(matched) rows (limit \(shown))", zh: "\(matched) 行中的 \(shown) 行(限制 \(shown))")
    }
    static func moreRows(_ n: Int) -> LocalizedText { LocalizedText("… \(n) more rows", zh: "… 另有 \(n) 行") }
    // The run summary (`redline run` on stderr, `:run` in the REPL).
    static func summaryHead(_ date: String, subjects: Int, decided: Int) -> LocalizedText {
        LocalizedText("as of \(date): \(subjects) subject\(subjects == 1 ? "" : "s") evaluated, \(decided) with an outcome",
                      zh: "截至 \(date):共求值 \(subjects) 个对象,其中 \(decided) 个有结果")
    }
    static func summaryActions(_ list: String?) -> LocalizedText {
        LocalizedText("  actions: " + (list ?? "none"), zh: "  处置:" + (list ?? "无"))
    }
    static func summaryRule(_ rule: String, fired: Int, undetermined: Int, failed: Int) -> LocalizedText {
        LocalizedText("  rule \(rule): fired \(fired), undetermined \(undetermined)" + (failed > 0 ? ", failed \(failed)" : ""),
                      zh: "  规则 \(rule):触发 \(fired),无法判定 \(undetermined)" + (failed > 0 ? ",出错 \(failed)" : ""))
    }
    static func summarySkipped(_ count: Int, reasons: String) -> LocalizedText {
        LocalizedText("  skipped rows: \(count)" + (count > 0 ? " (\(reasons))" : ""),
                      zh: "  跳过的行:\(count)" + (count > 0 ? "(\(reasons))" : ""))
    }
    static func summaryTime(load: String, evaluation: String) -> LocalizedText {
        LocalizedText("  time: load \(load), evaluation \(evaluation)", zh: "  耗时:载入 \(load),求值 \(evaluation)")
    }
}
