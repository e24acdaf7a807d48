/// Random well-typed Redline expressions, for the differential test (against the reference
/// evaluator in the tests) and the fuzz target. Every construct of Grammar.md's expression
/// core appears: literals of every type at their edges, `missing`, arithmetic, comparisons,
/// `and`/`or`/`not`, `is missing`, `in`, quantifiers and aggregates over lists and over the
/// rows of a small table, the standard library, text templates, Chinese keywords and names.
///
/// An expression is a tree (`GeneratedExpression`) so that a difference can be shrunk: any
/// node may be replaced by one of its children of the same type.

/// The static types the generator produces.
public indirect enum GeneratedType: Hashable, Sendable {
    case bool, int, decimal, text, date, duration
    case list(GeneratedType)
    /// A row of the generator's table `t` (see `ExpressionGenerator.tableDeclaration`).
    case row
}

/// A generated expression: text pieces and children, rendered with every child in parentheses.
public struct GeneratedExpression: Sendable {
    public enum Piece: Sendable {
        case text(String)
        case child(Int)
    }
    public let pieces: [Piece]
    public let children: [GeneratedExpression]
    public let type: GeneratedType
    /// Whether the expression reads the rule's subject `e`.
    public let usesSubject: Bool

    public init(_ pieces: [Piece], _ children: [GeneratedExpression], _ type: GeneratedType, usesSubject: Bool = false) {
        self.pieces = pieces
        self.children = children
        self.type = type
        self.usesSubject = usesSubject || children.contains { $0.usesSubject }
    }

    static func leaf(_ text: String, _ type: GeneratedType, usesSubject: Bool = false) -> GeneratedExpression {
        GeneratedExpression([.text(text)], [], type, usesSubject: usesSubject)
    }

    /// The source text.
    public var text: String {
        var out = ""
        for piece in pieces {
            switch piece {
            case .text(let t): out += t
            case .child(let i):
                let child = children[i]
                out += child.children.isEmpty ? child.text : "(" + child.text + ")"
            }
        }
        return out
    }

    /// Smaller expressions of the same type: each child that has this type, and this node with one
    /// child replaced by one of that child's own candidates.
    public var shrinkCandidates: [GeneratedExpression] {
        var out = children.filter { $0.type == type }
        for (index, child) in children.enumerated() {
            for smaller in child.shrinkCandidates {
                var replaced = children
                replaced[index] = smaller
                out.append(GeneratedExpression(pieces, replaced, type))
            }
        }
        return out
    }

    /// Nodes in the tree.
    public var size: Int { 1 + children.reduce(0) { $0 + $1.size } }
}

/// SplitMix64: small, fast and the same on every platform, so a seed names one expression set.
/// Made from bytes (a fuzzer's input), it first hands out those bytes, so that a mutation of
/// the input is a change of some choices, then goes on from a seed they give.
public struct SeededRandom: Sendable {
    private var state: UInt64
    private var bytes: [UInt8] = []
    private var offset = 0
    public init(seed: UInt64) { state = seed }
    public init(bytes: [UInt8]) {
        self.bytes = bytes
        state = bytes.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }
    public mutating func next() -> UInt64 {
        if offset < bytes.count {
            var value: UInt64 = 0
            for _ in 0..<8 where offset < bytes.count { value = value << 8 | UInt64(bytes[offset]); offset += 1 }
            return value
        }
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// 0 ..< n.
    public mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
    public mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    public mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

public struct ExpressionGenerator: Sendable {
    /// The table the generated expressions may read, as a Redline declaration.
    public static let tableDeclaration = """
        table t key id { id: text, i: int?, d: decimal?, s: text?, day: date?, b: bool?, dur: duration? }
        actions flag
        """
    /// Its columns and their types.
    public static let columns: [(String, GeneratedType)] = [
        ("id", .text), ("i", .int), ("d", .decimal), ("s", .text), ("day", .date), ("b", .bool), ("dur", .duration),
    ]

    private var random: SeededRandom
    /// Variables in scope: name and type.
    private var scope: [(String, GeneratedType)] = []
    private var nextVariable = 0
    /// Whether `t` and the subject `e` may be used.
    public let withTable: Bool
    public var maxDepth = 5

    /// Rows of `t` with the edges of every column type, in a file order that is not key order.
    public static let tableRows = """
        id,i,d,s,day,b,dur
        r1,5,2.5,major,2024-06-30,true,30 days
        r2,,,,,,
        r3,9223372036854775807,0.000000000000000001,e\u{301},9999-12-31,false,1 month
        r0,-9223372036854775808,-99999999999999999999.5,ΣΑΣ,0001-01-01,true,5 workdays
        r4,0,0.1,中文,2024-02-29,,2 weeks

        """

    public init(seed: UInt64, withTable: Bool = true) {
        random = SeededRandom(seed: seed)
        self.withTable = withTable
    }

    /// Choices taken from bytes first (a fuzzer's input).
    public init(bytes: [UInt8], withTable: Bool = true) {
        random = SeededRandom(bytes: bytes)
        self.withTable = withTable
    }

    /// An expression of a random type; with `subject`, the variable `e` (a row of `t`) is in scope.
    public mutating func expression(subject: Bool = false) -> GeneratedExpression {
        let types: [GeneratedType] = [.bool, .bool, .bool, .int, .decimal, .text, .date, .duration, .list(.int), .list(.bool)]
        return expression(random.pick(types), subject: subject)
    }

    public mutating func expression(_ type: GeneratedType, subject: Bool = false) -> GeneratedExpression {
        scope = subject && withTable ? [("e", .row)] : []
        nextVariable = 0
        return generate(type, depth: 0)
    }

    // MARK: Words, in English or Chinese

    private mutating func word(_ english: String, _ chinese: String) -> String {
        random.chance(25) ? chinese : english
    }

    private mutating func function(_ english: String, _ chinese: String) -> String {
        random.chance(20) ? chinese : english
    }

    // MARK: Generation

    private mutating func generate(_ type: GeneratedType, depth: Int) -> GeneratedExpression {
        if depth >= maxDepth || random.chance(depth == 0 ? 5 : 30) { return leaf(type) }
        switch type {
        case .bool: return boolean(depth)
        case .int: return integer(depth)
        case .decimal: return decimal(depth)
        case .text: return text(depth)
        case .date: return date(depth)
        case .duration: return duration(depth)
        case .list(let element):
            let count = random.below(4)
            var pieces: [GeneratedExpression.Piece] = [.text("[")]
            var children: [GeneratedExpression] = []
            for i in 0..<count {
                if i > 0 { pieces.append(.text(", ")) }
                pieces.append(.child(i))
                children.append(generate(element, depth: depth + 1))
            }
            pieces.append(.text("]"))
            return GeneratedExpression(pieces, children, type)
        case .row: return leaf(type)
        }
    }

    private func node(_ type: GeneratedType, _ parts: [Any]) -> GeneratedExpression {
        var pieces: [GeneratedExpression.Piece] = []
        var children: [GeneratedExpression] = []
        for part in parts {
            if let text = part as? String { pieces.append(.text(text)) } else if let child = part as? GeneratedExpression {
                pieces.append(.child(children.count))
                children.append(child)
            }
        }
        return GeneratedExpression(pieces, children, type)
    }

    private mutating func leaf(_ type: GeneratedType) -> GeneratedExpression {
        // A variable or a column of a row variable in scope, sometimes.
        let variables = scope.filter { $0.1 == type }
        if !variables.isEmpty, random.chance(40) {
            let name = random.pick(variables).0
            return .leaf(name, type, usesSubject: name == "e")
        }
        let rows = scope.filter { $0.1 == .row }
        let columns = ExpressionGenerator.columns.filter { $0.1 == type }
        if !rows.isEmpty, !columns.isEmpty, random.chance(50) {
            let row = random.pick(rows).0
            return .leaf(row + "." + random.pick(columns).0, type, usesSubject: row == "e")
        }
        if random.chance(6), type != .row {
            return .leaf(word("missing", "缺失"), type)
        }
        switch type {
        case .bool: return .leaf(random.chance(50) ? word("true", "真") : word("false", "假"), type)
        case .int:
            return .leaf(random.pick(["0", "1", "2", "3", "7", "12", "31", "100", "-1", "-5", "1000000007", "9223372036854775807",
                                      "(-9223372036854775807 - 1)", "4611686018427387904", "-9223372036854775807", "３"]), type)
        case .decimal:
            return .leaf(random.pick(["0.1", "0.5", "2.5", "-2.5", "0.000000000000000001", "0.45", "1.000000000000000001",
                                      "99999999999999999999.9", "12.50", "3.14159", "0.3333", "1234567.891", "0.0",
                                      "0.00000000000000000045", "9.5", "-0.000000000000000005", "10000000000.5"]), type)
        case .text:
            return .leaf(random.pick(["\"\"", "\"a\"", "\"A\"", "\"中文\"", "\"重大隐患\"", "\"e\\u{301}\"", "\"\\u{E9}\"",
                                      "\"\\r\\n\"", "\"ΣΑΣ\"", "\" a \"", "\"ß\"", "\"a\\\"b\"", "\"major\"", "\"\\u{3000}x\"",
                                      "“隐患”", "\"\\{\\}\""]), type)
        case .date:
            if random.chance(15) { return .leaf(word("today", "今天"), type) }
            return .leaf(random.pick(["2024-02-29", "2024-01-31", "0001-01-01", "9999-12-31", "2024-06-30", "1970-01-01",
                                      "2023-12-31", "2000-02-29", "2100-02-28", "2024-06-28", "2024-07-06", "1900-03-01"]), type)
        case .duration:
            let amount = random.pick(["0", "1", "2", "3", "12", "30", "31", "-1", "100", "9223372036854775807"])
            let unit = random.pick(["day", "days", "天", "week", "weeks", "周", "month", "months", "个月", "year", "years",
                                    "年", "workday", "workdays", "工作日"])
            if amount.hasPrefix("9223"), unit.contains("week") || unit.contains("year") || unit == "周" || unit == "年" {
                return .leaf("1 " + unit, type)
            }
            if amount == "100", unit.contains("work") || unit == "工作日" { return .leaf("100 days", type) }
            return .leaf(amount + " " + unit, type)
        case .list(let element):
            return GeneratedExpression([.text("["), .child(0), .text("]")], [leaf(element)], type)
        case .row:
            return .leaf(rows.first?.0 ?? "e", type)
        }
    }

    private mutating func comparable() -> GeneratedType {
        random.pick([.int, .decimal, .text, .date, .duration, .int, .date])
    }

    private mutating func boolean(_ depth: Int) -> GeneratedExpression {
        let d = depth + 1
        switch random.below(12) {
        case 0, 1:
            let type = comparable()
            var op = random.pick(["==", "!=", "<", "<=", ">", ">=", "≤", "≠"])
            if type == .duration, random.chance(50) { op = random.pick(["==", "!="]) }
            let left = generate(type, depth: d)
            let right = generate(type == .int && random.chance(30) ? .decimal : type, depth: d)
            return node(.bool, [left, " \(op) ", right])
        case 2: return node(.bool, [generate(.bool, depth: d), " \(word("and", random.pick(["且", "并且"]))) ", generate(.bool, depth: d)])
        case 3: return node(.bool, [generate(.bool, depth: d), " \(word("or", random.pick(["或", "或者"]))) ", generate(.bool, depth: d)])
        case 4: return node(.bool, ["\(word("not", "非")) ", generate(.bool, depth: d)])
        case 5:
            let type = random.pick([GeneratedType.int, .text, .date, .decimal, .bool, .duration])
            let form = random.pick(["is missing", "is present", "is not missing", "是 缺失", "是 有值"])
            return node(.bool, [generate(type, depth: d), " \(form)"])
        case 6:
            let type = random.pick([GeneratedType.int, .text, .date, .decimal])
            return node(.bool, [generate(type, depth: d), random.chance(70) ? " in " : " not in ", generate(.list(type), depth: d)])
        case 7, 8: return quantifier(d)
        case 9:
            let name = random.pick([("contains", "包含"), ("starts_with", "开头是"), ("ends_with", "结尾是")])
            return node(.bool, [function(name.0, name.1) + "(", generate(.text, depth: d), ", ", generate(.text, depth: d), ")"])
        case 10:
            return node(.bool, [function("coalesce", "缺失时取") + "(", generate(.bool, depth: d), ", ", generate(.bool, depth: d), ")"])
        default:
            return node(.bool, ["[", generate(.int, depth: d), "] == [", generate(.decimal, depth: d), "]"])
        }
    }

    /// A fresh variable over a list or the table's rows, and the body with it in scope.
    private mutating func binding(_ depth: Int, element: GeneratedType? = nil) -> (name: String, collection: GeneratedExpression, GeneratedType) {
        let name = "v\(nextVariable)"
        nextVariable += 1
        if withTable, element == nil || element == .row, random.chance(35) {
            return (name, .leaf("t", .list(.row)), .row)
        }
        let type = element ?? random.pick([GeneratedType.int, .decimal, .date, .text, .bool, .duration])
        return (name, generate(.list(type), depth: depth), type)
    }

    private mutating func withVariable<T>(_ name: String, _ type: GeneratedType, _ body: (inout ExpressionGenerator) -> T) -> T {
        scope.append((name, type))
        defer { scope.removeLast() }
        return body(&self)
    }

    private mutating func quantifier(_ depth: Int) -> GeneratedExpression {
        let q = random.pick([("some", "存在"), ("all", "所有"), ("none", "没有")])
        let (name, collection, type) = binding(depth)
        let condition = withVariable(name, type) { $0.generate(.bool, depth: depth) }
        return node(.bool, ["\(word(q.0, q.1)) \(name) \(word("in", "属于")) ", collection, " \(word("where", "满足")) ", condition])
    }

    /// `count`, or `sum`/`min`/`max` of a value of `type` over a collection, with an optional filter.
    private mutating func aggregate(_ type: GeneratedType, _ depth: Int) -> GeneratedExpression {
        let (name, collection, elementType) = binding(depth)
        let kind: (String, String)
        if type == .int, random.chance(50) { kind = ("count", "计数") } else {
            kind = type == .date || type == .text ? random.pick([("min", "最小"), ("max", "最大")])
                : random.pick([("sum", "求和"), ("min", "最小"), ("max", "最大")])
        }
        let filter = random.chance(60) ? withVariable(name, elementType) { $0.generate(.bool, depth: depth) } : nil
        if kind.0 == "count" {
            var parts: [Any] = ["\(word("count", "计数")) \(name) \(word("in", "属于")) ", collection]
            if let filter { parts += [" \(word("where", "满足")) ", filter] }
            return node(.int, parts)
        }
        let value = withVariable(name, elementType) { $0.generate(type, depth: depth) }
        var parts: [Any] = ["\(word(kind.0, kind.1)) ", value, " \(word("for", "对于")) \(name) \(word("in", "属于")) ", collection]
        if let filter { parts += [" \(word("where", "满足")) ", filter] }
        return node(type, parts)
    }

    private mutating func integer(_ depth: Int) -> GeneratedExpression {
        let d = depth + 1
        switch random.below(11) {
        case 0, 1: return node(.int, [generate(.int, depth: d), " \(random.pick(["+", "-", "*", "×"])) ", generate(.int, depth: d)])
        case 2: return node(.int, ["-", generate(.int, depth: d)])
        case 3, 4: return aggregate(.int, d)
        case 5:
            return node(.int, [function("length", "长度") + "(", random.chance(60) ? generate(.text, depth: d) : generate(.list(.int), depth: d), ")"])
        case 6:
            let name = random.pick([("year", "年份"), ("month", "月份"), ("day", "日期号"), ("weekday", "星期几")])
            return node(.int, [function(name.0, name.1) + "(", generate(.date, depth: d), ")"])
        case 7:
            let name = random.pick([("days_between", "间隔天数"), ("workdays_between", "间隔工作日")])
            return node(.int, [function(name.0, name.1) + "(", generate(.date, depth: d), ", ", generate(.date, depth: d), ")"])
        case 8: return node(.int, [generate(.date, depth: d), " - ", generate(.date, depth: d)])
        case 9: return node(.int, [function("abs", "绝对值") + "(", generate(.int, depth: d), ")"])
        default: return node(.int, [function("coalesce", "缺失时取") + "(", generate(.int, depth: d), ", ", generate(.int, depth: d), ")"])
        }
    }

    private mutating func decimal(_ depth: Int) -> GeneratedExpression {
        let d = depth + 1
        switch random.below(8) {
        case 0, 1, 2:
            let left = generate(random.chance(70) ? .decimal : .int, depth: d)
            let right = generate(random.chance(70) ? .decimal : .int, depth: d)
            return node(.decimal, [left, " \(random.pick(["+", "-", "*", "/", "÷"])) ", right])
        case 3: return node(.decimal, [generate(.int, depth: d), " / ", generate(.int, depth: d)])
        case 4: return aggregate(.decimal, d)
        case 5:
            let digits = random.pick(["0", "1", "2", "-1", "-2", "17", "18", "30", "-21", "-9223372036854775807"])
            return node(.decimal, [function("round", "四舍五入") + "(", generate(.decimal, depth: d), ", \(digits))"])
        case 6: return node(.decimal, [function("abs", "绝对值") + "(", generate(.decimal, depth: d), ")"])
        default: return node(.decimal, ["-", generate(.decimal, depth: d)])
        }
    }

    private mutating func text(_ depth: Int) -> GeneratedExpression {
        let d = depth + 1
        switch random.below(6) {
        case 0, 1: return node(.text, [generate(.text, depth: d), " + ", generate(.text, depth: d)])
        case 2:
            let name = random.pick([("lower", "小写"), ("upper", "大写"), ("trim", "去空白")])
            return node(.text, [function(name.0, name.1) + "(", generate(.text, depth: d), ")"])
        case 3:
            // A template: a value of any type shown inside text.
            let type = random.pick([GeneratedType.int, .decimal, .date, .duration, .bool, .text])
            return node(.text, ["\"重大隐患 {", generate(type, depth: d), "} 未整改\""])
        case 4: return aggregate(.text, d)
        default: return node(.text, [function("coalesce", "缺失时取") + "(", generate(.text, depth: d), ", ", generate(.text, depth: d), ")"])
        }
    }

    private mutating func date(_ depth: Int) -> GeneratedExpression {
        let d = depth + 1
        switch random.below(5) {
        case 0, 1: return node(.date, [generate(.date, depth: d), random.chance(50) ? " + " : " - ", generate(.duration, depth: d)])
        case 2: return node(.date, [generate(.duration, depth: d), " + ", generate(.date, depth: d)])
        case 3: return aggregate(.date, d)
        default: return node(.date, [function("coalesce", "缺失时取") + "(", generate(.date, depth: d), ", ", generate(.date, depth: d), ")"])
        }
    }

    private mutating func duration(_ depth: Int) -> GeneratedExpression {
        let d = depth + 1
        switch random.below(5) {
        case 0, 1: return node(.duration, [generate(.duration, depth: d), random.chance(50) ? " + " : " - ", generate(.duration, depth: d)])
        case 2:
            return random.chance(50) ? node(.duration, [generate(.duration, depth: d), " * ", generate(.int, depth: d)])
                : node(.duration, [generate(.int, depth: d), " * ", generate(.duration, depth: d)])
        case 3: return aggregate(.duration, d)
        default: return node(.duration, ["-", generate(.duration, depth: d)])
        }
    }
}
