import Testing
@testable import Redline

@Suite struct EvaluatorTests {
    /// Three-valued logic: `missing` is unknown in a condition.
    @Test(arguments: [
        ("true and true", "true"), ("true and false", "false"), ("true and missing", "unknown"),
        ("false and missing", "false"), ("missing and false", "false"), ("missing and missing", "unknown"),
        ("true or missing", "true"), ("missing or true", "true"), ("false or missing", "unknown"),
        ("missing or missing", "unknown"), ("false or false", "false"),
        ("not true", "false"), ("not false", "true"), ("not missing", "unknown"),
        ("missing == missing", "unknown"), ("1 < missing", "unknown"), ("missing is missing", "true"),
        ("1 is missing", "false"), ("1 is present", "true"), ("missing is not missing", "false"),
        ("some x in [1, missing] where x > 0", "true"), ("some x in [0, missing] where x > 0", "unknown"),
        ("some x in [0, 0] where x > 0", "false"), ("some x in [] where x > 0", "false"),
        ("all x in [1, missing] where x > 0", "unknown"), ("all x in [0, missing] where x > 0", "false"),
        ("all x in [1, 2] where x > 0", "true"), ("all x in [] where x > 0", "true"),
        ("none x in [1, missing] where x > 0", "false"), ("none x in [0, missing] where x > 0", "unknown"),
        ("2 in [1, missing]", "unknown"), ("1 in [1, missing]", "true"), ("3 not in [1, 2]", "true"),
    ])
    func truthTables(_ input: String, _ expected: String) {
        #expect(Support.eval(input) == expected)
    }

    @Test(arguments: [
        ("9223372036854775807 + 1", "error: `+` overflows (integers are 64-bit)"),
        ("-9223372036854775807 - 2", "error: `-` overflows (integers are 64-bit)"),
        ("4611686018427387904 * 2", "error: `*` overflows (integers are 64-bit)"),
        ("1 / 0", "error: division by zero"),
        ("1.5 / 0.0", "error: division by zero"),
        ("(-9223372036854775807 - 1) / -1", "9223372036854775808"),  // `/` gives a decimal, which holds it
        ("-(-9223372036854775807 - 1)", "error: `-` overflows (integers are 64-bit)"),
        ("abs(-9223372036854775807 - 1)", "error: `abs` overflows (integers are 64-bit)"),
        ("9999-12-31 + 1 day", "error: the date falls outside years 1 to 9999"),
        ("30 days < 1 month", "error: cannot compare 30 days with 1 month: months, days and workdays differ in length"),
    ])
    func arithmeticErrorsAreValuesNotTraps(_ input: String, _ expected: String) {
        #expect(Support.eval(input) == expected)
    }

    @Test(arguments: [
        ("0.1 + 0.2 == 0.3", "true"), ("0.1 + 0.2", "0.3"), ("1 / 3", "0.333333333333"), ("2 / 3", "0.666666666667"),
        ("10 / 4", "2.5"), ("1.10 * 3", "3.3"), ("0.30 == 0.3", "true"), ("1 == 1.0", "true"), ("1.5 < 2", "true"),
        ("round(2.345, 2)", "2.35"), ("round(-2.345, 2)", "-2.35"), ("7 - 2.5", "4.5"),
    ])
    func decimalsAreExact(_ input: String, _ expected: String) {
        #expect(Support.eval(input) == expected)
    }

    @Test(arguments: [
        ("2024-01-31 + 1 month", "2024-02-29"), ("2023-01-31 + 1 month", "2023-02-28"),
        ("2024-02-29 + 1 year", "2025-02-28"), ("2024-02-29 + 4 years", "2028-02-29"),
        ("2024-03-31 - 1 month", "2024-02-29"), ("2024-12-31 + 1 day", "2025-01-01"),
        ("2024-02-28 + 1 day", "2024-02-29"), ("2023-02-28 + 1 day", "2023-03-01"),
        ("2024-03-01 - 2024-02-01", "29"), ("2023-03-01 - 2023-02-01", "28"), ("2024-01-01 - 2024-12-31", "-365"),
        ("2024-06-30 + 2 weeks", "2024-07-14"), ("2024-01-31 + 1 month + 1 month", "2024-03-29"),
        ("2000-02-29 + 100 years", "2100-02-28"), ("1900-02-28 + 1 day", "1900-03-01"),
        ("today - 30 days", "2024-05-31"), ("days_between(2024-02-01, 2024-03-01)", "29"),
        ("year(2024-06-30)", "2024"), ("month(2024-06-30)", "6"), ("day(2024-06-30)", "30"), ("weekday(2024-06-30)", "7"),
        ("2024-06-28 + 1 workday", "2024-07-01"), ("workdays_between(2024-06-28, 2024-07-05)", "5"),
        ("2024-06-30 > 2024-06-29", "true"),
    ])
    func dateArithmetic(_ input: String, _ expected: String) {
        #expect(Support.eval(input) == expected)
    }

    @Test(arguments: [
        ("contains(\"重大隐患\", \"隐患\")", "true"), ("starts_with(\"煤矿\", \"煤\")", "true"), ("ends_with(\"abc\", \"c\")", "true"),
        ("lower(\"ABC\")", "\"abc\""), ("upper(\"abc\")", "\"ABC\""), ("length(\"重大隐患\")", "4"), ("length([1, 2, 3])", "3"),
        ("trim(\"  a \")", "\"a\""), ("coalesce(missing, 5)", "5"), ("coalesce(3, 5)", "3"), ("lower(missing)", "missing"),
        ("\"编号 {1 + 1} 号\"", "\"编号 2 号\""), ("\"a\" + \"b\"", "\"ab\""),
        ("count x in [1, 2, 3] where x > 1", "2"), ("count x in [1, missing] where x > 1", "missing"),
        ("sum x for x in [1, 2, 3]", "6"), ("sum x for x in [1, 2.5]", "3.5"), ("sum x for x in [1, missing]", "missing"),
        ("min x for x in [3, 1, 2]", "1"), ("max d for d in [2024-01-01, 2024-03-01]", "2024-03-01"),
        ("max x for x in [1, 2] where x > 5", "missing"),
        ("包含(\"重大隐患\", \"隐患\")", "true"), ("年份(2024-06-30)", "2024"),
    ])
    func standardLibrary(_ input: String, _ expected: String) {
        #expect(Support.eval(input) == expected)
    }

    @Test func stepLimitStopsRunawayEvaluation() {
        let program = Program.compile([])
        let result = program.evaluate("count x in [1, 2, 3, 4, 5] where some y in [1, 2, 3, 4, 5] where y > x",
                                      asOf: CalendarDate(iso: "2024-01-01")!, limits: EvaluationLimits(maxSteps: 10))
        #expect(result.diagnostics.map(\.message) == ["the evaluation took more than 10 steps"])
    }
}
