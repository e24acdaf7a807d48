import Testing
@testable import Redline

/// Expression semantics exactly as Grammar.md states them: the cases where the evaluator once
/// disagreed with the grammar, and one test for each point the grammar settles.
@Suite struct SemanticsTests {
    // MARK: Date arithmetic is checked in every form

    @Test(arguments: [
        "1970-01-02 + 9223372036854775807 days", "2024-01-01 - -9223372036854775807 days",
        "1970-01-02 + 1317624576693539401 weeks", "2024-01-01 + 9223372036854775807 months",
        "2024-01-01 - (-9223372036854775807 - 1) * 1 day", "0001-01-01 - 1 day", "9999-12-31 + 1 month",
        "2024-01-01 + 768614336404564650 years",
    ])
    func dateOverflowIsAnError(_ input: String) {
        #expect(Support.eval(input) == "error: the date falls outside years 1 to 9999")
    }

    @Test func durationArithmeticOverflowIsAnError() {
        #expect(Support.eval("(-9223372036854775807 - 1) * 1 day - 1 day") == "error: `-` overflows (integers are 64-bit)")
        #expect(Support.eval("1 day - (-9223372036854775807 - 1) * 1 day") == "error: `-` overflows (integers are 64-bit)")
        #expect(Support.eval("9223372036854775807 * 1 month + 1 month") == "error: `+` overflows (integers are 64-bit)")
    }

    @Test func onlyTheResultingDateMustBeInRange() {
        #expect(Support.eval("9999-12-31 + (1 month - 31 days)") == "9999-12-31")
        #expect(Support.eval("0001-01-01 + (-1 month + 31 days)") == "0001-01-01")
        #expect(Support.eval("2024-01-31 + (1 month + 1 day)") == "2024-03-01")
        #expect(Support.eval("1 day + 2024-06-30") == "2024-07-01")
        #expect(Support.eval("3 * 1 week") == "3 weeks")
    }

    // MARK: Aggregates are typed by their element type when empty

    @Test func emptySumHasItsElementType() {
        #expect(Support.eval("sum x for x in [1 day] where false") == "0 days")
        #expect(Support.eval("(sum x for x in [1 day] where false) + 1 day") == "1 day")
        #expect(Support.eval("sum x for x in [1.5] where false") == "0")
        #expect(Support.eval("sum x for x in [1] where false") == "0")
    }

    // MARK: workdays_between for any two valid dates

    @Test func workdaysBetweenAnyDates() {
        #expect(Support.eval("workdays_between(2024-01-01, 2571-08-01)") == "142858")
        #expect(Support.eval("workdays_between(2024-01-01, 2571-08-02)") == "142859")
        #expect(Support.eval("workdays_between(0001-01-01, 9999-12-31)") == "2608614")
        #expect(Support.eval("workdays_between(9999-12-31, 0001-01-01)") == "-2608614")
        // Against a walk, day by day, over spans that start and end on every weekday.
        for start in 0..<14 {
            for length in [0, 1, 2, 5, 6, 7, 8, 13, 30, 365] {
                let from = Int32(19_000 + start), to = from + Int32(length)
                var walked = 0
                var day = from
                while day < to { day += 1; if CivilDate.isWeekday(day) { walked += 1 } }
                #expect(Support.eval("workdays_between(\(CivilDate.format(from)), \(CivilDate.format(to)))") == String(walked))
            }
        }
    }

    @Test func workdayLimitIsNamed() {
        #expect(Support.eval("2024-06-28 + 100001 workdays")
            == "error: a duration of more than 100000 workdays (the limit on working days in one duration)")
        #expect(Support.eval("2024-06-28 + 100000 workdays") == "2407-10-19")
    }

    @Test func workdaysCountTheCalendarsExceptions() {
        // 2024-02-10..17 Spring Festival off; Sunday 2024-02-04 and Saturday 2024-02-18 worked.
        let holidays = Set((0..<8).compactMap { CivilDate.dayNumber(year: 2024, month: 2, day: 10 + $0) })
        let worked = Set([CivilDate.dayNumber(year: 2024, month: 2, day: 4), CivilDate.dayNumber(year: 2024, month: 2, day: 18)].compactMap { $0 })
        let calendar = WorkCalendar(holidays: holidays, workdays: worked)
        for from in Int32(19_700)..<Int32(19_790) {
            for length: Int32 in [1, 3, 7, 20, 40] {
                var walked: Int64 = 0
                var day = from
                while day < from + length { day += 1; if calendar.isWorkday(day) { walked += 1 } }
                #expect(calendar.count(after: from, through: from + length) == walked)
            }
        }
    }

    // MARK: Decimals are canonical, rounded once, with a range for ordinary figures

    @Test(arguments: [
        ("0.000000000000000001 * 0.1", "0"), ("0.000000000000000001 * 0.1 == 0", "true"),
        ("0.000000000000000001 * 0.1 > 0", "false"), ("0.9999999999999999999 > 1", "false"),
        ("0.9999999999999999999 == 1", "true"), ("9.5 * 1.000000000000000001", "9.50000000000000001"),
        ("0.000001 * 0.000001 * 0.000001 * 0.001 == 0", "true"),
        ("0.000000000000000001 * 0.45", "0"), ("0.000000000000000001 * 1.45", "0.000000000000000001"),
        ("0.000000000000000001 * 0.5", "0.000000000000000001"), ("-0.000000000000000001 * 0.5", "-0.000000000000000001"),
        ("0.00000000000000000045", "0"), ("0.00000000000000000050", "0.000000000000000001"),
        ("1.000000000000000000000000000001", "1"), ("0.10 + 0.20", "0.3"), ("1.50 - 0.5", "1"),
        ("20000000 / 1.000000000000000001", "19999999.99999999998"), ("10000000 / 1.000000000000000001", "9999999.99999999999"),
        ("100000000 / 3", "33333333.333333333333"), ("-2 / 3", "-0.666666666667"), ("0.5 / 1000000000000", "0.000000000001"),
        ("0.4 / 1000000000000", "0"), ("1 / 0.000000000000000003", "333333333333333333.333333333333"),
        ("99999999999999999999.5", "99999999999999999999.5"),
        ("99999999999999999999.5 + 0.5", "error: `+` overflows (decimals stay below 10^20, with 18 digits after the point)"),
        ("10000000000 * 10000000000.0", "error: `*` overflows (decimals stay below 10^20, with 18 digits after the point)"),
        ("9999999999.9 * 10000000000", "99999999999000000000"),
        ("100000000000000000000.0", "error: the number `100000000000000000000.0` is too large (integers are 64-bit; decimals stay below 10^20)"),
        ("100 / 0.000000000000000001", "error: `/` overflows (decimals stay below 10^20, with 18 digits after the point)"),
        ("9223372036854775807 * 1.0 + 1", "9223372036854775808"),
    ])
    func decimals(_ input: String, _ expected: String) {
        #expect(Support.eval(input) == expected)
    }

    @Test func decimalsAreCanonical() {
        for text in ["0.10", "1.000", "0.0", "-0.0", "00012.50"] {
            let value = DecimalNumber(parsing: Substring(text))
            #expect(value != nil)
            if let value { #expect(value.scale == 0 || value.mantissa % 10 != 0) }
        }
        #expect(DecimalNumber(parsing: "-0.0") == DecimalNumber(0))
        #expect(DecimalNumber(parsing: "0.10")?.description == "0.1")
    }

    // MARK: Text is compared by code point

    @Test func textComparesByCodePoint() {
        #expect(Support.eval("\"\\u{E9}\" == \"e\\u{301}\"") == "false")
        #expect(Support.eval("\"e\\u{301}\" < \"\\u{E9}\"") == "true")
        #expect(Support.eval("\"\\u{E9}\" in [\"e\\u{301}\"]") == "false")
        #expect(Support.eval("\"Z\" < \"a\"") == "true")
        #expect(Support.eval("\"中\" > \"z\"") == "true")
        // As values (group keys, duplicate-key checks): two distinct texts.
        #expect(Value.text("\u{E9}") != Value.text("e\u{301}"))
        #expect(Set([Value.text("\u{E9}"), Value.text("e\u{301}")]).count == 2)
    }

    @Test(arguments: [
        ("length(\"e\\u{301}\")", "2"), ("length(\"\\r\\n\")", "2"), ("length(\"重大隐患\")", "4"),
        ("contains(\"\\r\\n\", \"\\n\")", "true"), ("starts_with(\"\\r\\n\", \"\\r\")", "true"),
        ("ends_with(\"\\r\\n\", \"\\n\")", "true"), ("contains(\"e\\u{301}\", \"\\u{E9}\")", "false"),
        ("contains(\"e\\u{301}\", \"e\")", "true"), ("contains(\"abc\", \"\")", "true"),
        ("lower(\"ΣΑΣ\")", "\"σασ\""), ("upper(\"ß\")", "\"SS\""), ("upper(\"straße\")", "\"STRASSE\""),
        ("trim(\"\\u{200B} a \")", "\"\u{200B} a\""), ("trim(\"\\u{3000}a\\u{A0}\\t\\n\")", "\"a\""), ("trim(\"   \")", "\"\""),
    ])
    func textFunctionsCountCodePoints(_ input: String, _ expected: String) {
        #expect(Support.eval(input) == expected)
    }

    // MARK: Durations compare when the order does not depend on the month

    @Test(arguments: [
        ("0 days < 1 month", "true"), ("1 month + 3 days < 1 month + 4 days", "true"),
        ("1 month + 3 days == 1 month + 4 days", "false"), ("30 days == 1 month", "false"),
        ("2 weeks == 14 days", "true"), ("1 year == 12 months", "true"), ("1 month <= 1 month + 1 workday", "true"),
        ("1 month + 1 day > 1 month", "true"), ("30 days < 1 month", "error: cannot compare 30 days with 1 month: months, days and workdays differ in length"),
        ("5 workdays < 7 days", "error: cannot compare 5 workdays with 1 week: months, days and workdays differ in length"),
    ])
    func durationsCompare(_ input: String, _ expected: String) {
        #expect(Support.eval(input) == expected)
    }

    // MARK: Errors are absorbed when the rest decides (CEL's rule), so order never matters

    @Test(arguments: [
        ("1 / 0 > 0 and false", "false"), ("false and 1 / 0 > 0", "false"),
        ("1 / 0 > 0 or true", "true"), ("true or 1 / 0 > 0", "true"),
        ("1 / 0 > 0 and true", "error: division by zero"), ("true and 1 / 0 > 0", "error: division by zero"),
        ("1 / 0 > 0 and missing", "error: division by zero"), ("missing and 1 / 0 > 0", "error: division by zero"),
        ("some x in [0, 1] where 1 / x > 0", "true"), ("some x in [1, 0] where 1 / x > 0", "true"),
        ("some x in [0, missing] where 1 / x > 0", "error: division by zero"), ("some x in [missing, 0] where 1 / x > 0", "error: division by zero"),
        ("all x in [0, -1] where 1 / x > 0", "false"), ("all x in [-1, 0] where 1 / x > 0", "false"),
        ("count x in [0, missing] where 1 / x > 0", "missing"), ("count x in [missing, 0] where 1 / x > 0", "missing"),
        ("sum 1 / x for x in [0, missing]", "missing"), ("sum 1 / x for x in [missing, 0]", "missing"),
        ("sum 1 / x for x in [0, 1]", "error: division by zero"), ("sum 1 / x for x in [1, 0]", "error: division by zero"),
        ("sum x for x in [9223372036854775807, 1, missing]", "missing"),
        ("not (1 / 0 > 0)", "error: division by zero"),
        ("missing < 1 / 0", "unknown"), ("1 / 0 < missing", "unknown"), ("1 / 0 + missing", "missing"),
        ("missing in [1 / 0]", "unknown"), ("contains(missing, \"{1 / 0}\")", "unknown"),
        ("contains(\"{1 / 0}\", missing)", "unknown"), ("contains(\"{1 / 0}\", \"a\")", "error: division by zero"),
        ("coalesce(1, 1 / 0)", "1"), ("coalesce(missing, 1 / 0)", "error: division by zero"),
        ("(1 / 0) + (9223372036854775807 + 1)", "error: division by zero"),
    ])
    func errorsAreAbsorbedWhenTheRestDecides(_ input: String, _ expected: String) {
        #expect(Support.eval(input) == expected)
    }

    @Test func limitsAreNeverAbsorbed() {
        let program = Program.compile([])
        let result = program.evaluate("(some x in [1, 2, 3, 4, 5] where some y in [1, 2, 3, 4, 5] where y > 9) or true",
                                      asOf: CalendarDate(iso: "2024-01-01")!, limits: EvaluationLimits(maxSteps: 10))
        #expect(result.diagnostics.map(\.message) == ["the evaluation took more than 10 steps"])
    }

    // MARK: round with negative digits

    @Test(arguments: [
        ("round(25, -1)", "30"), ("round(-25, -1)", "-30"), ("round(24.9, -1)", "20"), ("round(2.5, -9223372036854775807)", "0"),
        ("round(2.5, 0)", "3"), ("round(-2.5, 0)", "-3"), ("round(1.23, 9223372036854775807)", "1.23"),
        ("round(99999999999999999999.5, 0)", "error: `round` overflows (decimals stay below 10^20, with 18 digits after the point)"),
        ("round(50000000000000000000.0, -20)", "error: `round` overflows (decimals stay below 10^20, with 18 digits after the point)"),
        ("round(49999999999999999999.0, -20)", "0"), ("round(0.000000000000000005, 17)", "0.00000000000000001"),
    ])
    func roundDigits(_ input: String, _ expected: String) {
        #expect(Support.eval(input) == expected)
    }

    // MARK: Lexical points

    @Test func nestingCountsLevelsBelowTheTop() {
        let accepted = String(repeating: "(", count: 200) + "1" + String(repeating: ")", count: 200)
        let refused = String(repeating: "(", count: 201) + "1" + String(repeating: ")", count: 201)
        #expect(Support.eval(accepted) == "1")
        #expect(Support.eval(refused) == "error: expression nested too deeply (the limit is 200 levels)")
        let chain = Array(repeating: "1", count: 201).joined(separator: " + ")
        #expect(Support.eval(chain) == "201")
        #expect(Support.eval(chain + " + 1") == "error: expression nested too deeply (the limit is 200 levels)")
    }

    @Test func innerVariablesMayNotReuseAnOuterName() {
        #expect(Support.eval("some x in [1] where some x in [2] where x > 1")
            == "error: this name is already used by an enclosing variable")
        #expect(Support.eval("(some x in [1] where x > 0) and (some x in [2] where x > 1)") == "true")
    }

    @Test func quotes() {
        #expect(Support.eval("“a\"") == "\"a\"")
        #expect(Support.eval("“a”") == "\"a\"")
        #expect(Support.eval("\"隐患“H1”未整改\"") == "\"隐患“H1”未整改\"")
        #expect(Support.eval("\"a”") == "error: text is not closed before the end of the line")
    }

    @Test func commentsInsideInterpolationAreAnError() {
        #expect(Support.eval("\"a {1 # note} b\"") == "error: a comment cannot stand inside `{…}` in text")
        #expect(Support.eval("\"a {\"#\"} b # c\"") == "\"a # b # c\"")
    }

    @Test func printedValues() {
        #expect(Support.eval("\"a\\rb\\u{1B}c\\u{7F}\"") == "\"a\\rb\\u{1B}c\\u{7F}\"")
        #expect(Support.eval("missing and true") == "unknown")
        #expect(Support.eval("[missing and true, true]") == "[unknown, true]")
        #expect(Support.eval("[missing, 1]") == "[missing, 1]")
        #expect(Support.eval("[[true, missing or false]]") == "[[true, unknown]]")
    }
}
