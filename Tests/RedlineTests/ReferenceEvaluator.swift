import BigInt
@testable import Redline

/// The expression core of Grammar.md as a plain tree-walker over the checked AST, written from
/// the grammar and sharing nothing with the planner, the condition nodes, `Operations` or
/// `DecimalNumber`: numbers are exact big integers (decimals as multiples of 10^-18), dates are
/// counted from 0001-01-01 by the textbook formula, and every rule is the grammar's sentence.
/// It is slow and small on purpose; the differential test compares it with the real evaluator.
struct ReferenceEvaluator {
    enum Failure: Error, Equatable {
        case overflow, divisionByZero, dateRange, workdayLimit, incomparable, other(String)
    }

    indirect enum Value: Equatable {
        case missing
        case bool(Bool)
        case int(BigInt)
        /// The value times 10^18, exactly.
        case decimal(BigInt)
        case text([Unicode.Scalar])
        /// Days since 0001-01-01 (day 0, a Monday).
        case date(BigInt)
        case duration(months: BigInt, days: BigInt, workdays: BigInt)
        case list([Value])
        /// A row of the table `t`, by its place in the file.
        case row(Int)
    }

    /// The rows of the one table, `t`, each a dictionary of column name to value, in file order.
    let rows: [[String: Value]]
    let columnNames: [String]
    let today: BigInt
    var slots: [Int: Value] = [:]

    static let unit = BigInt(10).power(18)
    static let decimalLimit = BigInt(10).power(38)  // 10^20 in units of 10^-18
    static let intMin = -BigInt(2).power(63), intMax = BigInt(2).power(63) - 1
    static let maxWorkdays = 100_000

    // MARK: The walk

    mutating func evaluate(_ bound: Bound) throws(Failure) -> Value {
        switch bound.kind {
        case .constant(let value):
            if case .decimal = value, let text = bound.source?.text(of: bound.span), let exact = ReferenceEvaluator.parseDecimal(text) {
                return .decimal(exact)
            }
            return ReferenceEvaluator.convert(value)
        case .today: return .date(today)
        case .local(let slot, _): return slots[slot] ?? .missing
        case .tableRows:
            let order = rows.indices.sorted { ReferenceEvaluator.textLess(key($0), key($1)) }
            return .list(order.map { .row($0) })
        case .column(let target, _, let column):
            guard case .row(let row) = try evaluate(target) else { return .missing }
            return rows[row][columnNames[column]] ?? .missing
        case .list(let items):
            var values: [Value] = []
            for item in items { values.append(try evaluate(item)) }
            return .list(values)
        case .negate(let operand): return try negate(try evaluate(operand))
        case .not(let operand):
            if case .bool(let b) = try evaluate(operand) { return .bool(!b) }
            return .missing
        case .arithmetic(let op, let a, let b):
            guard let operands = try strict([a, b]) else { return .missing }
            return try arithmetic(op, operands[0], operands[1])
        case .compare(let op, let a, let b):
            guard let operands = try strict([a, b]) else { return .missing }
            let x = operands[0], y = operands[1]
            switch op {
            case .equal, .notEqual:
                guard let same = try ReferenceEvaluator.equal(x, y) else { return .missing }
                return .bool(same == (op == .equal))
            default:
                let order = try ReferenceEvaluator.order(x, y)
                switch op {
                case .less: return .bool(order < 0)
                case .lessEqual: return .bool(order <= 0)
                case .greater: return .bool(order > 0)
                default: return .bool(order >= 0)
                }
            }
        case .and(let a, let b): return try logic(a, b, decisive: false)
        case .or(let a, let b): return try logic(a, b, decisive: true)
        case .isMissing(let operand, let negated):
            return .bool((try evaluate(operand) == .missing) != negated)
        case .membership(let element, let list, let negated):
            guard let operands = try strict([element, list]), case .list(let values) = operands[1] else { return .missing }
            let item = operands[0]
            var unknown = false
            for value in values {
                guard let same = try ReferenceEvaluator.equal(item, value) else { unknown = true; continue }
                if same { return .bool(!negated) }
            }
            return unknown ? .missing : .bool(negated)
        case .call(.coalesce, let arguments):
            let first = try evaluate(arguments[0])
            return first == .missing ? try evaluate(arguments[1]) : first
        case .call(let builtin, let arguments):
            guard let values = try strict(arguments) else { return .missing }
            return try call(builtin, values)
        case .hostCall(let function, _):
            // The generator never calls host functions.
            throw Failure.other("host function \(function.name)")
        case .definition(_, let arguments, let body):
            for argument in arguments { slots[argument.slot] = try evaluate(argument.value) }
            return try evaluate(body)
        case .quantifier(let quantifier, let slot, _, let collection, let condition):
            return try quantify(quantifier, slot, try evaluate(collection), condition)
        case .aggregate(let aggregate, let slot, _, let collection, let value, let filter):
            return try self.aggregate(aggregate, slot, try evaluate(collection), value, filter, type: bound.type)
        case .template(let parts):
            var text: [Unicode.Scalar] = []
            for part in parts {
                switch part {
                case .literal(let literal): text += literal.unicodeScalars
                case .value(let inner): text += ReferenceEvaluator.display(try evaluate(inner)).unicodeScalars
                }
            }
            return .text(text)
        case .forward, .reverse, .error:
            throw .other("not in the reference's core")
        }
    }

    /// The operands of a strict operation: nil (the result is missing) if any is missing, even
    /// when another fails; else the first failure; else the values.
    private mutating func strict(_ operands: [Bound]) throws(Failure) -> [Value]? {
        var values: [Value] = []
        var failure: Failure? = nil
        var missing = false
        for operand in operands {
            do {
                let value = try evaluate(operand)
                if value == .missing { missing = true }
                values.append(value)
            } catch {
                if failure == nil { failure = error }
            }
        }
        if missing { return nil }
        if let failure { throw failure }
        return values
    }

    private func key(_ row: Int) -> [Unicode.Scalar] {
        if case .text(let t) = rows[row]["id"] ?? .missing { return t }
        return []
    }

    /// `and` (`decisive` false) and `or` (true): Kleene's tables, and an error on one side
    /// absorbed when the other side alone decides.
    private mutating func logic(_ a: Bound, _ b: Bound, decisive: Bool) throws(Failure) -> Value {
        func truth(_ v: Value) -> Bool? { if case .bool(let b) = v { return b } else { return nil } }
        let left: Bool?
        do { left = truth(try evaluate(a)) } catch {
            if let right = try? evaluate(b), truth(right) == decisive { return .bool(decisive) }
            throw error
        }
        if left == decisive { return .bool(decisive) }
        let right = truth(try evaluate(b))
        if right == decisive { return .bool(decisive) }
        if left == !decisive && right == !decisive { return .bool(!decisive) }
        return .missing
    }

    private mutating func quantify(_ quantifier: Quantifier, _ slot: Int, _ collection: Value, _ condition: Bound) throws(Failure) -> Value {
        guard case .list(let elements) = collection else { return .missing }
        // `some` and `none` are decided by a true element, `all` by a false one.
        let decisive = quantifier != .all
        var unknown = false
        var failure: Failure? = nil
        for element in elements {
            slots[slot] = element
            let value: Value
            do { value = try evaluate(condition) } catch {
                if failure == nil { failure = error }
                continue
            }
            if value == .bool(decisive) { return .bool(quantifier == .some ? true : false) }
            if value == .missing { unknown = true }
        }
        if let failure { throw failure }
        if unknown { return .missing }
        return .bool(quantifier != .some)
    }

    /// Strict aggregates: a missing element or an unknown filter makes the result missing, and
    /// that absorbs an element that failed (in its filter, its value or the running total).
    private mutating func aggregate(_ aggregate: Aggregate, _ slot: Int, _ collection: Value, _ valueBound: Bound?,
                                    _ filter: Bound?, type: RType) throws(Failure) -> Value {
        guard case .list(let elements) = collection else { return .missing }
        var count = 0
        var result: Value? = nil
        var failure: Failure? = nil
        for element in elements {
            slots[slot] = element
            do {
                if let filter {
                    let keep = try evaluate(filter)
                    if keep == .missing { return .missing }
                    if keep == .bool(false) { continue }
                }
                count += 1
                guard let valueBound else { continue }
                let value = try evaluate(valueBound)
                if value == .missing { return .missing }
                if failure != nil { continue }
                guard let current = result else { result = value; continue }
                switch aggregate {
                case .sum: result = try arithmetic(.add, current, value)
                case .min: if try ReferenceEvaluator.order(value, current) < 0 { result = value }
                case .max: if try ReferenceEvaluator.order(value, current) > 0 { result = value }
                case .count: break
                }
            } catch {
                if failure == nil { failure = error }
            }
        }
        if let failure { throw failure }
        switch aggregate {
        case .count: return .int(BigInt(count))
        case .sum:
            if let result { return result }
            switch type {
            case .duration: return .duration(months: 0, days: 0, workdays: 0)
            case .decimal: return .decimal(0)
            default: return .int(0)
            }
        case .min, .max: return result ?? .missing
        }
    }

    // MARK: Arithmetic

    static func checkedInt(_ n: BigInt) throws(Failure) -> Value {
        guard n >= intMin, n <= intMax else { throw .overflow }
        return .int(n)
    }

    static func checkedDecimal(_ n: BigInt) throws(Failure) -> Value {
        guard n.magnitude < decimalLimit.magnitude else { throw .overflow }
        return .decimal(n)
    }

    /// `n / d` rounded half away from zero.
    static func roundedQuotient(_ n: BigInt, _ d: BigInt) -> BigInt {
        let q = n.magnitude / d.magnitude, r = n.magnitude % d.magnitude
        let up = r * 2 >= d.magnitude ? q + 1 : q
        return (n.sign == .minus) != (d.sign == .minus) ? -BigInt(up) : BigInt(up)
    }

    static func asDecimal(_ v: Value) -> BigInt? {
        switch v {
        case .int(let i): return i * unit
        case .decimal(let d): return d
        default: return nil
        }
    }

    func negate(_ v: Value) throws(Failure) -> Value {
        switch v {
        case .missing: return .missing
        case .int(let i): return try ReferenceEvaluator.checkedInt(-i)
        case .decimal(let d): return .decimal(-d)
        case .duration(let m, let d, let w):
            for part in [m, d, w] { _ = try ReferenceEvaluator.checkedInt(-part) }
            return .duration(months: -m, days: -d, workdays: -w)
        default: throw .other("types")
        }
    }

    func arithmetic(_ op: BinaryOperator, _ x: Value, _ y: Value) throws(Failure) -> Value {
        if x == .missing || y == .missing { return .missing }
        switch (x, y) {
        case (.int(let a), .int(let b)) where op != .divide:
            switch op {
            case .add: return try ReferenceEvaluator.checkedInt(a + b)
            case .subtract: return try ReferenceEvaluator.checkedInt(a - b)
            default: return try ReferenceEvaluator.checkedInt(a * b)
            }
        case (.date(let day), .duration(let m, let d, let w)) where op == .add || op == .subtract:
            let sign: BigInt = op == .add ? 1 : -1
            return try shift(day, months: sign * m, days: sign * d, workdays: sign * w)
        case (.duration(let m, let d, let w), .date(let day)) where op == .add:
            return try shift(day, months: m, days: d, workdays: w)
        case (.date(let a), .date(let b)) where op == .subtract:
            return .int(a - b)
        case (.duration(let m1, let d1, let w1), .duration(let m2, let d2, let w2)) where op == .add || op == .subtract:
            let sign: BigInt = op == .add ? 1 : -1
            let parts = [m1 + sign * m2, d1 + sign * d2, w1 + sign * w2]
            for part in parts { _ = try ReferenceEvaluator.checkedInt(part) }
            return .duration(months: parts[0], days: parts[1], workdays: parts[2])
        case (.duration(let m, let d, let w), .int(let n)) where op == .multiply, (.int(let n), .duration(let m, let d, let w)) where op == .multiply:
            let parts = [m * n, d * n, w * n]
            for part in parts { _ = try ReferenceEvaluator.checkedInt(part) }
            return .duration(months: parts[0], days: parts[1], workdays: parts[2])
        case (.text(let a), .text(let b)) where op == .add:
            return .text(a + b)
        default:
            guard let a = ReferenceEvaluator.asDecimal(x), let b = ReferenceEvaluator.asDecimal(y) else { throw .other("types") }
            switch op {
            case .add: return try ReferenceEvaluator.checkedDecimal(a + b)
            case .subtract: return try ReferenceEvaluator.checkedDecimal(a - b)
            case .multiply: return try ReferenceEvaluator.checkedDecimal(ReferenceEvaluator.roundedQuotient(a * b, ReferenceEvaluator.unit))
            default:
                guard !b.isZero else { throw .divisionByZero }
                // Twelve digits after the point, then in units of 10^-18.
                let twelve = ReferenceEvaluator.roundedQuotient(a * BigInt(10).power(12), b)
                return try ReferenceEvaluator.checkedDecimal(twelve * BigInt(10).power(6))
            }
        }
    }

    // MARK: Dates

    static func floorDivide(_ a: BigInt, _ b: BigInt) -> BigInt {
        let q = a / b
        return (a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q
    }

    static func isLeap(_ y: BigInt) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func monthLength(_ y: BigInt, _ m: Int) -> Int {
        [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    }

    /// Days from 0001-01-01 to the given date, for any year (proleptic Gregorian).
    static func dayNumber(_ y: BigInt, _ m: Int, _ d: Int) -> BigInt {
        let before = y - 1
        var days = 365 * before + floorDivide(before, 4) - floorDivide(before, 100) + floorDivide(before, 400)
        for month in 1..<m { days += BigInt(monthLength(y, month)) }
        return days + BigInt(d - 1)
    }

    static func components(_ n: BigInt) -> (BigInt, Int, Int) {
        var y = floorDivide(n * 400, 146097) + 1
        while dayNumber(y, 1, 1) > n { y -= 1 }
        while dayNumber(y + 1, 1, 1) <= n { y += 1 }
        var m = 1
        while m < 12 && dayNumber(y, m + 1, 1) <= n { m += 1 }
        return (y, m, Int(n - dayNumber(y, m, 1)) + 1)
    }

    static let firstDay = BigInt(0), lastDay = dayNumber(9999, 12, 31)

    static func isWeekday(_ n: BigInt) -> Bool { Int(n % 7 + 7) % 7 < 5 }

    /// Months, then days, exactly; the date reached must be real; then working days one by one.
    func shift(_ day: BigInt, months: BigInt, days: BigInt, workdays: BigInt) throws(Failure) -> Value {
        let (y, m, d) = ReferenceEvaluator.components(day)
        let total = y * 12 + BigInt(m - 1) + months
        let newYear = ReferenceEvaluator.floorDivide(total, 12)
        let newMonth = Int(total - newYear * 12) + 1
        var result = ReferenceEvaluator.dayNumber(newYear, newMonth, min(d, ReferenceEvaluator.monthLength(newYear, newMonth))) + days
        guard result >= ReferenceEvaluator.firstDay, result <= ReferenceEvaluator.lastDay else { throw .dateRange }
        guard workdays.magnitude <= BigInt(ReferenceEvaluator.maxWorkdays).magnitude else { throw .workdayLimit }
        var remaining = Int(workdays.magnitude)
        let step: BigInt = workdays < 0 ? -1 : 1
        while remaining > 0 {
            result += step
            guard result >= ReferenceEvaluator.firstDay, result <= ReferenceEvaluator.lastDay else { throw .dateRange }
            if ReferenceEvaluator.isWeekday(result) { remaining -= 1 }
        }
        return .date(result)
    }

    /// Mondays to Fridays in `from < day <= to`: whole weeks, then the days left over.
    static func weekdays(after from: BigInt, through to: BigInt) -> BigInt {
        let span = to - from
        var count = (span / 7) * 5
        var day = from + (span / 7) * 7
        while day < to { day += 1; if isWeekday(day) { count += 1 } }
        return count
    }

    // MARK: Comparison

    static func textLess(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Bool {
        a.lexicographicallyPrecedes(b) { $0.value < $1.value }
    }

    /// Nil when unknown (a missing element in a list).
    static func equal(_ x: Value, _ y: Value) throws(Failure) -> Bool? {
        switch (x, y) {
        case (.missing, _), (_, .missing): return nil
        case (.list(let a), .list(let b)):
            guard a.count == b.count else { return false }
            var unknown = false
            for (p, q) in zip(a, b) {
                guard let same = try equal(p, q) else { unknown = true; continue }
                if !same { return false }
            }
            return unknown ? nil : true
        case (.bool, .bool), (.text, .text), (.date, .date), (.row, .row), (.duration, .duration): return x == y
        default:
            guard let a = asDecimal(x), let b = asDecimal(y) else { throw .other("types") }
            return a == b
        }
    }

    static func order(_ x: Value, _ y: Value) throws(Failure) -> Int {
        func sign(_ n: BigInt) -> Int { n < 0 ? -1 : (n > 0 ? 1 : 0) }
        switch (x, y) {
        case (.text(let a), .text(let b)): return a == b ? 0 : (textLess(a, b) ? -1 : 1)
        case (.date(let a), .date(let b)): return sign(a - b)
        case (.duration(let m1, let d1, let w1), .duration(let m2, let d2, let w2)):
            let parts = [m1 - m2, d1 - d2, w1 - w2]
            if parts.allSatisfy({ $0 == 0 }) { return 0 }
            if parts.allSatisfy({ $0 <= 0 }) { return -1 }
            if parts.allSatisfy({ $0 >= 0 }) { return 1 }
            throw .incomparable
        default:
            guard let a = asDecimal(x), let b = asDecimal(y) else { throw .other("types") }
            return sign(a - b)
        }
    }

    // MARK: The standard library

    func call(_ builtin: Builtin, _ arguments: [Value]) throws(Failure) -> Value {
        if builtin == .coalesce { return arguments[0] == .missing ? arguments[1] : arguments[0] }
        if arguments.contains(.missing) { return .missing }
        switch (builtin, arguments[0], arguments.count > 1 ? arguments[1] : .missing) {
        case (.contains, .text(let t), .text(let p)):
            if p.isEmpty { return .bool(true) }
            guard t.count >= p.count else { return .bool(false) }
            return .bool((0...(t.count - p.count)).contains { Array(t[$0..<($0 + p.count)]) == p })
        case (.startsWith, .text(let t), .text(let p)): return .bool(t.starts(with: p))
        case (.endsWith, .text(let t), .text(let p)): return .bool(t.reversed().starts(with: p.reversed()))
        case (.lower, .text(let t), _): return .text(t.flatMap { Array($0.properties.lowercaseMapping.unicodeScalars) })
        case (.upper, .text(let t), _): return .text(t.flatMap { Array($0.properties.uppercaseMapping.unicodeScalars) })
        case (.trim, .text(let t), _):
            var scalars = t[...]
            while let first = scalars.first, first.properties.isWhitespace { scalars = scalars.dropFirst() }
            while let last = scalars.last, last.properties.isWhitespace { scalars = scalars.dropLast() }
            return .text(Array(scalars))
        case (.length, .text(let t), _): return .int(BigInt(t.count))
        case (.length, .list(let items), _): return .int(BigInt(items.count))
        case (.year, .date(let d), _): return .int(ReferenceEvaluator.components(d).0)
        case (.month, .date(let d), _): return .int(BigInt(ReferenceEvaluator.components(d).1))
        case (.day, .date(let d), _): return .int(BigInt(ReferenceEvaluator.components(d).2))
        case (.weekday, .date(let d), _): return .int(BigInt(Int(d % 7 + 7) % 7 + 1))
        case (.daysBetween, .date(let a), .date(let b)): return .int(b - a)
        case (.workdaysBetween, .date(let a), .date(let b)):
            return .int(a <= b ? ReferenceEvaluator.weekdays(after: a, through: b) : -ReferenceEvaluator.weekdays(after: b, through: a))
        case (.abs, .int(let i), _): return try ReferenceEvaluator.checkedInt(i < 0 ? -i : i)
        case (.abs, .decimal(let d), _): return .decimal(d < 0 ? -d : d)
        case (.round, let number, .int(let digits)):
            guard let value = ReferenceEvaluator.asDecimal(number) else { throw .other("types") }
            if digits >= 18 { return .decimal(value) }
            if digits < -40 { return .decimal(0) }
            let step = BigInt(10).power(Int(18 - digits))
            return try ReferenceEvaluator.checkedDecimal(ReferenceEvaluator.roundedQuotient(value, step) * step)
        default: throw .other("\(builtin)")
        }
    }

    // MARK: Conversions

    /// A decimal literal's exact value, rounded once, half away from zero, to 18 digits.
    static func parseDecimal(_ text: String) -> BigInt? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let whole = BigInt(String(parts[0])), let fraction = BigInt(String(parts[1])) else { return nil }
        let exact = whole * BigInt(10).power(parts[1].count) + fraction
        return roundedQuotient(exact * unit, BigInt(10).power(parts[1].count))
    }

    static let epochOffset = BigInt(719_162)  // 1970-01-01 counted from 0001-01-01

    static func convert(_ value: Redline.Value) -> Value {
        switch value {
        case .missing: return .missing
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(BigInt(i))
        case .decimal(let d):
            let text = d.description
            let negative = text.hasPrefix("-")
            let body = negative ? String(text.dropFirst()) : text
            let exact = body.contains(".") ? parseDecimal(body) ?? 0 : (BigInt(body) ?? 0) * unit
            return .decimal(negative ? -exact : exact)
        case .text(let t): return .text(Array(t.unicodeScalars))
        case .date(let d): return .date(BigInt(Int(d)) + epochOffset)
        case .duration(let d): return .duration(months: BigInt(d.months), days: BigInt(d.days), workdays: BigInt(d.workdays))
        case .list(let items): return .list(items.map(convert))
        case .record(let r): return .row(Int(r.row))
        }
    }

    /// How a value shows inside text (Grammar.md §2): through the real printer, which the
    /// golden files test; what is compared here is the value printed.
    static func display(_ value: Value) -> String {
        back(value).display
    }

    static func back(_ value: Value) -> Redline.Value {
        switch value {
        case .missing: return .missing
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(Int64(i))
        case .decimal(let d):
            var scale = 18
            var m = d
            while scale > 0, m % 10 == 0 { m /= 10; scale -= 1 }
            return .decimal(DecimalNumber(parsing: Substring(decimalText(m, scale))) ?? DecimalNumber(0))
        case .text(let t): return .text(String(String.UnicodeScalarView(t)))
        case .date(let d): return .date(Int32(Int(d - epochOffset)))
        case .duration(let m, let d, let w): return .duration(Duration(months: Int64(m), days: Int64(d), workdays: Int64(w)))
        case .list(let items): return .list(items.map(back))
        case .row(let row): return .record(RecordRef(table: 0, row: Int32(row)))
        }
    }

    static func decimalText(_ mantissa: BigInt, _ scale: Int) -> String {
        var digits = String(mantissa.magnitude)
        if scale > 0 {
            if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return mantissa < 0 ? "-" + digits : digits
    }

    /// The category of a Redline error message, to compare with the reference's.
    static func category(_ message: String) -> Failure {
        if message.contains("division by zero") { return .divisionByZero }
        if message.contains("overflows") { return .overflow }
        if message.contains("falls outside years") { return .dateRange }
        if message.contains("workdays (the limit") { return .workdayLimit }
        if message.contains("cannot compare") { return .incomparable }
        if message.contains("cannot apply") { return .other("types") }
        return .other(message)
    }
}
