/// The kinds of token the lexer produces.
enum TokenKind: Equatable, Sendable {
    case identifier(String)
    case keyword(Keyword)
    case integer(Int64)
    case decimal(DecimalNumber)
    case date(Int32)
    /// A text literal: its pieces, with interpolations as scalar ranges of the source to parse later.
    case text([TextPiece])
    case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace
    case comma, colon, dot, question, arrow
    case plus, minus, star, slash
    case equalEqual, notEqual, less, lessEqual, greater, greaterEqual, equal
    /// Something the lexer already reported; the parser skips it silently.
    case invalid
    case endOfFile
}

/// A piece of a text literal.
enum TextPiece: Equatable, Sendable {
    case literal(String)
    /// `{expr}`: the scalar range of `expr` in the source.
    case interpolation(SourceSpan)
}

/// One token with its place in the source.
struct Token: Sendable {
    let kind: TokenKind
    let span: SourceSpan
    /// True when only blanks and comments precede it on its line: recovery restarts at such tokens.
    let startsLine: Bool

    var keyword: Keyword? {
        if case .keyword(let k) = kind { return k }
        return nil
    }

    var identifier: String? {
        if case .identifier(let name) = kind { return name }
        return nil
    }
}

/// Reserved words. Each has an English spelling and Chinese aliases; both mean the same.
enum Keyword: String, CaseIterable, Sendable {
    case table, actions, define, rule, test
    case `for`, `in`, when, then, because
    case some, all, none, `where`
    case and, or, not, `is`, missing, present
    case `true`, `false`, today
    case count, sum, min, max

    /// Every spelling of the keyword; the first is the English one.
    var spellings: [String] {
        switch self {
        case .table: return ["table", "表"]
        case .actions: return ["actions", "处置"]
        case .define: return ["define", "定义"]
        case .rule: return ["rule", "规则"]
        case .test: return ["test", "测试"]
        case .for: return ["for", "对于"]
        case .in: return ["in", "属于"]
        case .when: return ["when", "当"]
        case .then: return ["then", "则"]
        case .because: return ["because", "因为"]
        case .some: return ["some", "存在"]
        case .all: return ["all", "所有"]
        case .none: return ["none", "没有"]
        case .where: return ["where", "满足"]
        case .and: return ["and", "且", "并且"]
        case .or: return ["or", "或", "或者"]
        case .not: return ["not", "非"]
        case .is: return ["is", "是"]
        case .missing: return ["missing", "缺失"]
        case .present: return ["present", "有值"]
        case .true: return ["true", "真"]
        case .false: return ["false", "假"]
        case .today: return ["today", "今天"]
        case .count: return ["count", "计数"]
        case .sum: return ["sum", "求和"]
        case .min: return ["min", "最小"]
        case .max: return ["max", "最大"]
        }
    }

    /// Spelling → keyword, for the lexer.
    static let bySpelling: [String: Keyword] = {
        var table: [String: Keyword] = [:]
        for keyword in Keyword.allCases {
            for spelling in keyword.spellings { table[spelling] = keyword }
        }
        return table
    }()

    /// Keywords that start a declaration; error recovery resumes at them.
    var startsDeclaration: Bool {
        switch self {
        case .table, .actions, .define, .rule, .test: return true
        default: return false
        }
    }
}

/// Words with a meaning only in one place (so they stay usable as column names elsewhere).
enum ContextualWord {
    /// `table T key id { … }`
    static let key: Set<String> = ["key", "主键"]
    /// `-> enterprises as enterprise`
    static let `as`: Set<String> = ["as", "作为"]
    /// Rule tests: `test "…" as of DATE given … expect … cases …`.
    static let of: Set<String> = ["of"]
    static let asOf: Set<String> = ["基准日"]
    static let given: Set<String> = ["given", "已知"]
    static let expect: Set<String> = ["expect", "预期"]
    static let cases: Set<String> = ["cases", "用例"]
    static let by: Set<String> = ["by", "由"]
    static let evidence: Set<String> = ["evidence", "证据"]
    static let data: Set<String> = ["data", "数据"]
    static let calendar: Set<String> = ["calendar", "日历"]
    /// `table enterprises key id label name { … }`: the column that names a row for people.
    static let label: Set<String> = ["label", "标签"]
    static let undetermined: Set<String> = ["undetermined", "无法判定"]

    /// Duration units after an integer literal, to the unit they mean.
    static let durationUnits: [String: DurationUnit] = [
        "day": .days, "days": .days, "天": .days, "日": .days,
        "week": .weeks, "weeks": .weeks, "周": .weeks, "星期": .weeks,
        "month": .months, "months": .months, "月": .months, "个月": .months,
        "year": .years, "years": .years, "年": .years,
        "workday": .workdays, "workdays": .workdays, "工作日": .workdays,
    ]
}

/// The units a duration literal may use.
enum DurationUnit: String, Sendable {
    case days, weeks, months, years, workdays
}
