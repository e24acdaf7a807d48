/// The standard library: one table of names (English and Chinese), signatures and results.
/// Grammar.md documents each with an example.
enum Builtin: String, CaseIterable, Sendable {
    case contains, startsWith = "starts_with", endsWith = "ends_with", lower, upper, length, trim
    case year, month, day, weekday, daysBetween = "days_between", workdaysBetween = "workdays_between"
    case abs, round, coalesce

    /// Every name the function answers to; the first is the English one.
    var names: [String] {
        switch self {
        case .contains: return ["contains", "包含"]
        case .startsWith: return ["starts_with", "开头是"]
        case .endsWith: return ["ends_with", "结尾是"]
        case .lower: return ["lower", "小写"]
        case .upper: return ["upper", "大写"]
        case .length: return ["length", "长度"]
        case .trim: return ["trim", "去空白"]
        case .year: return ["year", "年份"]
        case .month: return ["month", "月份"]
        case .day: return ["day", "日期号"]
        case .weekday: return ["weekday", "星期几"]
        case .daysBetween: return ["days_between", "间隔天数"]
        case .workdaysBetween: return ["workdays_between", "间隔工作日"]
        case .abs: return ["abs", "绝对值"]
        case .round: return ["round", "四舍五入"]
        case .coalesce: return ["coalesce", "缺失时取"]
        }
    }

    static let byName: [String: Builtin] = {
        var table: [String: Builtin] = [:]
        for builtin in Builtin.allCases { for name in builtin.names { table[name] = builtin } }
        return table
    }()

    /// The signature as shown in errors and documentation.
    var signature: String {
        switch self {
        case .contains: return "contains(text, part: text) -> bool"
        case .startsWith: return "starts_with(text, prefix: text) -> bool"
        case .endsWith: return "ends_with(text, suffix: text) -> bool"
        case .lower: return "lower(text) -> text"
        case .upper: return "upper(text) -> text"
        case .length: return "length(text or list) -> int"
        case .trim: return "trim(text) -> text"
        case .year: return "year(date) -> int"
        case .month: return "month(date) -> int"
        case .day: return "day(date) -> int"
        case .weekday: return "weekday(date) -> int"
        case .daysBetween: return "days_between(from: date, to: date) -> int"
        case .workdaysBetween: return "workdays_between(from: date, to: date) -> int"
        case .abs: return "abs(number) -> number"
        case .round: return "round(decimal, digits: int) -> decimal"
        case .coalesce: return "coalesce(value, fallback) -> value"
        }
    }

    /// Checks argument types; returns the result type or what is wrong with which argument.
    func resultType(_ arguments: [RType]) -> Result<RType, SignatureMismatch> {
        func expect(_ expected: [RType], result: RType) -> Result<RType, SignatureMismatch> {
            guard arguments.count == expected.count else { return .failure(.arity(expected.count)) }
            for (index, (actual, wanted)) in zip(arguments, expected).enumerated() where !actual.fits(wanted) {
                return .failure(.argument(index, wanted))
            }
            return .success(result)
        }
        switch self {
        case .contains, .startsWith, .endsWith: return expect([.text, .text], result: .bool)
        case .lower, .upper, .trim: return expect([.text], result: .text)
        case .length:
            guard arguments.count == 1 else { return .failure(.arity(1)) }
            if case .list = arguments[0] { return .success(.int) }
            return arguments[0].fits(.text) ? .success(.int) : .failure(.argument(0, .text))
        case .year, .month, .day, .weekday: return expect([.date], result: .int)
        case .daysBetween, .workdaysBetween: return expect([.date, .date], result: .int)
        case .abs:
            guard arguments.count == 1 else { return .failure(.arity(1)) }
            return arguments[0].isNumeric || arguments[0].isUnchecked ? .success(arguments[0]) : .failure(.argument(0, .decimal))
        case .round: return expect([.decimal, .int], result: .decimal)
        case .coalesce:
            guard arguments.count == 2 else { return .failure(.arity(2)) }
            guard let unified = arguments[0].unified(with: arguments[1]) else { return .failure(.argument(1, arguments[0])) }
            return .success(unified)
        }
    }
}

/// How a call does not match its function's signature.
enum SignatureMismatch: Error {
    case arity(Int)
    case argument(Int, RType)
}
