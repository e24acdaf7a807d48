/// The rule-test runner's words (`redline test`), in English and Chinese.
extension Catalog {
    static let testPassed = LocalizedText("ok     ", zh: "通过   ")
    static let testFailed = LocalizedText("FAILED ", zh: "未通过 ")
    static func testCase(_ number: Int, _ values: String) -> LocalizedText {
        LocalizedText("[case \(number): \(values)]", zh: "[用例 \(number):\(values)]")
    }
    static let testExpected = LocalizedText("expected", zh: "预期")
    static let testActual = LocalizedText("actual  ", zh: "实际")
    static let testBy = LocalizedText("by", zh: "依据")
    static let testEvidence = LocalizedText("evidence", zh: "证据")
    static let testNotExercised = LocalizedText("not exercised by any case:", zh: "没有任何用例覆盖:")
    static func testRuleNeverFired(_ rule: String, _ location: String) -> LocalizedText {
        LocalizedText("rule \(rule) never fired (\(location))", zh: "规则 \(rule) 从未触发(\(location))")
    }
    static func testBranchNever(_ text: String, true value: Bool, _ location: String) -> LocalizedText {
        value ? LocalizedText("`\(text)` was never true (\(location))", zh: "`\(text)` 从未为真(\(location))")
              : LocalizedText("`\(text)` was never false (\(location))", zh: "`\(text)` 从未为假(\(location))")
    }
    static func testTotals(passed: Int, failed: Int) -> LocalizedText {
        LocalizedText("\(passed) passed, \(failed) failed", zh: "\(passed) 个通过,\(failed) 个未通过")
    }
    static func testUnknownTable(_ name: String) -> LocalizedText {
        LocalizedText("unknown table `\(name)`", zh: "没有名为 `\(name)` 的表")
    }
    static func testUnknownColumn(_ column: String, table: String) -> LocalizedText {
        LocalizedText("table `\(table)` has no column `\(column)`", zh: "表 `\(table)` 没有列 `\(column)`")
    }
    static func testDidYouMean(_ name: String) -> LocalizedText {
        LocalizedText("; did you mean `\(name)`?", zh: ";是否想写 `\(name)`?")
    }
    static func testDataOutside(_ folder: String, base: String, calendar: Bool = false) -> LocalizedText {
        if calendar {
            return LocalizedText("the test's calendar `\(folder)` is outside `\(base)`, the folder of the test file; keep it beside the tests (or run `redline test --allow-data-outside`)",
                                 zh: "测试的日历文件 `\(folder)` 不在测试文件所在的文件夹 `\(base)` 内;请把它放在测试旁边(或使用 `redline test --allow-data-outside`)")
        }
        return LocalizedText("the test's data folder `\(folder)` is outside `\(base)`, the folder of the test file; keep test data beside the tests (or run `redline test --allow-data-outside`)",
                      zh: "测试的数据文件夹 `\(folder)` 不在测试文件所在的文件夹 `\(base)` 内;请把测试数据放在测试旁边(或使用 `redline test --allow-data-outside`)")
    }
    static let testRowsInvalid = LocalizedText("the test's rows are not valid data:", zh: "测试中的数据行不是有效数据:")
    static func testNoSubject(_ key: String) -> LocalizedText {
        LocalizedText("(no subject has the key `\(key)` in the test's rows)", zh: "(测试数据中没有键为 `\(key)` 的对象)")
    }
}
