/// Arithmetic and comparison on values. Missing in, missing out; integer overflow and division
/// by zero are evaluation errors, never traps.
enum Operations {
    static func negate(_ value: Value, _ span: SourceSpan, _ source: SourceFile?) throws(EvaluationError) -> Value {
        switch value {
        case .missing: return .missing
        case .int(let i):
            guard i != Int64.min else { throw .overflow("-", span, source) }
            return .int(-i)
        case .decimal(let d):
            return .decimal(d.negated)
        case .duration(let d):
            guard d.months != .min, d.days != .min, d.workdays != .min else { throw .overflow("-", span, source) }
            return .duration(Duration(months: -d.months, days: -d.days, workdays: -d.workdays))
        default: throw mismatch("-", value, nil, span, source)
        }
    }

    static func mismatch(_ op: String, _ a: Value, _ b: Value?, _ span: SourceSpan, _ source: SourceFile?) -> EvaluationError {
        let names = [a, b].compactMap { $0 }.map { typeName($0) }.joined(separator: " and ")
        return .invalid(LocalizedText("`\(op)` cannot apply to \(names)", zh: "`\(op)` 不能用于 \(names)"), span, source)
    }

    static func typeName(_ value: Value) -> String {
        switch value {
        case .missing: return "missing"
        case .bool: return "bool"
        case .int: return "int"
        case .decimal: return "decimal"
        case .text: return "text"
        case .date: return "date"
        case .duration: return "duration"
        case .list: return "list"
        case .record: return "record"
        }
    }

    static func decimal(_ value: Value) -> DecimalNumber? {
        switch value {
        case .int(let i): return DecimalNumber(i)
        case .decimal(let d): return d
        default: return nil
        }
    }

    static func arithmetic(_ op: BinaryOperator, _ a: Value, _ b: Value, _ frame: Frame,
                           _ span: SourceSpan, _ source: SourceFile?) throws(EvaluationError) -> Value {
        if a.isMissing || b.isMissing { return .missing }
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let result: (Int64, Bool)
            switch op {
            case .add: result = x.addingReportingOverflow(y)
            case .subtract: result = x.subtractingReportingOverflow(y)
            case .multiply: result = x.multipliedReportingOverflow(by: y)
            default: return try decimalArithmetic(op, DecimalNumber(x), DecimalNumber(y), span, source)
            }
            if result.1 { throw .overflow(op.rawValue, span, source) }
            return .int(result.0)
        case (.date(let day), .duration(let duration)) where op == .add:
            return .date(try add(duration, to: day, frame, span, source))
        case (.date(let day), .duration(let duration)) where op == .subtract:
            return .date(try add(duration, to: day, subtracting: true, frame, span, source))
        case (.duration(let duration), .date(let day)) where op == .add:
            return .date(try add(duration, to: day, frame, span, source))
        case (.date(let x), .date(let y)) where op == .subtract:
            return .int(Int64(x) - Int64(y))
        case (.duration(let x), .duration(let y)) where op == .add || op == .subtract:
            func combine(_ p: Int64, _ q: Int64) -> (Int64, Bool) {
                op == .add ? p.addingReportingOverflow(q) : p.subtractingReportingOverflow(q)
            }
            let months = combine(x.months, y.months), days = combine(x.days, y.days), work = combine(x.workdays, y.workdays)
            if months.1 || days.1 || work.1 { throw .overflow(op.rawValue, span, source) }
            return .duration(Duration(months: months.0, days: days.0, workdays: work.0))
        case (.duration(let d), .int(let n)) where op == .multiply, (.int(let n), .duration(let d)) where op == .multiply:
            let months = d.months.multipliedReportingOverflow(by: n)
            let days = d.days.multipliedReportingOverflow(by: n)
            let work = d.workdays.multipliedReportingOverflow(by: n)
            if months.overflow || days.overflow || work.overflow { throw .overflow("*", span, source) }
            return .duration(Duration(months: months.partialValue, days: days.partialValue, workdays: work.partialValue))
        case (.text(let x), .text(let y)) where op == .add:
            return .text(x + y)
        default:
            guard let x = decimal(a), let y = decimal(b) else { throw mismatch(op.rawValue, a, b, span, source) }
            return try decimalArithmetic(op, x, y, span, source)
        }
    }

    private static func decimalArithmetic(_ op: BinaryOperator, _ x: DecimalNumber, _ y: DecimalNumber,
                                          _ span: SourceSpan, _ source: SourceFile?) throws(EvaluationError) -> Value {
        let result: DecimalNumber?
        switch op {
        case .add: result = x.adding(y)
        case .subtract: result = x.subtracting(y)
        case .multiply: result = x.multiplying(y)
        case .divide:
            guard !y.isZero else { throw .divisionByZero(span, source) }
            result = x.dividing(by: y)
        default: result = nil
        }
        guard let result else { throw .decimalOverflow(op.rawValue, span, source) }
        return .decimal(result)
    }

    /// `day + duration` (or `- duration`): months first (clamping to the month's end), then days,
    /// both exactly, then working days. Only a date the evaluation keeps must fall in years
    /// 1–9999: `9999-12-31 + (1 month - 31 days)` passes 10000-01-31 on its way to 9999-12-31.
    static func add(_ duration: Duration, to day: Int32, subtracting: Bool = false, _ frame: Frame,
                    _ span: SourceSpan, _ source: SourceFile?) throws(EvaluationError) -> Int32 {
        let sign: Int128 = subtracting ? -1 : 1
        var result = Int128(day)
        if duration.months != 0 { result = CivilDate.adding(months: sign * Int128(duration.months), to: day) }
        result += sign * Int128(duration.days)
        guard result >= Int128(CivilDate.minDay), result <= Int128(CivilDate.maxDay) else { throw .dateOutOfRange(span, source) }
        var date = Int32(result)
        if duration.workdays != 0 {
            guard duration.workdays.magnitude <= UInt64(frame.limits.maxWorkdays) else {
                throw .workdayLimit(frame.limits.maxWorkdays, span, source)
            }
            let direction: Int32 = (duration.workdays > 0) != subtracting ? 1 : -1
            var remaining = duration.workdays.magnitude
            let calendar = frame.calendar
            while remaining > 0 {
                guard direction > 0 ? date < CivilDate.maxDay : date > CivilDate.minDay else { throw .dateOutOfRange(span, source) }
                date += direction
                guard calendar.covers(date) else { throw .noCalendar(CivilDate.components(date).year, calendar, span, source) }
                if calendar.isWorkday(date) { remaining -= 1 }
            }
        }
        return date
    }

    static func compare(_ op: BinaryOperator, _ a: Value, _ b: Value,
                        _ span: SourceSpan, _ source: SourceFile?) throws(EvaluationError) -> Value {
        if a.isMissing || b.isMissing { return .missing }
        if op == .equal || op == .notEqual {
            guard let equal = try equals(a, b, span, source) else { return .missing }
            return .bool(equal == (op == .equal))
        }
        let order = try ordering(a, b, span, source)
        switch op {
        case .less: return .bool(order < 0)
        case .lessEqual: return .bool(order <= 0)
        case .greater: return .bool(order > 0)
        default: return .bool(order >= 0)
        }
    }

    /// Equality; nil when unknown (a missing element inside a list).
    static func equals(_ a: Value, _ b: Value, _ span: SourceSpan, _ source: SourceFile?) throws(EvaluationError) -> Bool? {
        switch (a, b) {
        case (.missing, _), (_, .missing): return nil
        case (.int(let x), .int(let y)): return x == y
        case (.text(let x), .text(let y)): return x.utf8.elementsEqual(y.utf8)
        case (.date(let x), .date(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.record(let x), .record(let y)): return x == y
        // Equal when every part is: `30 days` is not `1 month`, whose length depends on the date.
        case (.duration(let x), .duration(let y)): return x == y
        case (.list(let x), .list(let y)):
            guard x.count == y.count else { return false }
            var unknown = false
            for (p, q) in zip(x, y) {
                guard let equal = try equals(p, q, span, source) else { unknown = true; continue }
                if !equal { return false }
            }
            return unknown ? nil : true
        default:
            if let x = decimal(a), let y = decimal(b) { return x == y }
            throw mismatch("==", a, b, span, source)
        }
    }

    /// -1, 0 or 1.
    static func ordering(_ a: Value, _ b: Value, _ span: SourceSpan, _ source: SourceFile?) throws(EvaluationError) -> Int {
        func sign<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x == y ? 0 : 1) }
        switch (a, b) {
        case (.int(let x), .int(let y)): return sign(x, y)
        case (.date(let x), .date(let y)): return sign(x, y)
        case (.text(let x), .text(let y)): return String.codePointOrder(x, y)
        case (.duration(let x), .duration(let y)):
            // One duration is shorter than another when no part of it is longer, whatever the
            // lengths of the months and working days involved: `1 month < 1 month + 1 day`,
            // `0 days < 1 month`, but `30 days` against `1 month` depends on the month.
            let parts = [Int128(x.months) - Int128(y.months), Int128(x.days) - Int128(y.days),
                         Int128(x.workdays) - Int128(y.workdays)]
            if parts.allSatisfy({ $0 == 0 }) { return 0 }
            if parts.allSatisfy({ $0 <= 0 }) { return -1 }
            if parts.allSatisfy({ $0 >= 0 }) { return 1 }
            throw .invalid(LocalizedText("cannot compare \(x.description) with \(y.description): months, days and workdays differ in length",
                                         zh: "无法比较 \(x.description) 与 \(y.description):月、天和工作日的长度不同"), span, source)
        default:
            if let x = decimal(a), let y = decimal(b) { return sign(x, y) }
            throw mismatch("<", a, b, span, source)
        }
    }

    static func membership(_ item: Value, in list: Value, _ span: SourceSpan, _ source: SourceFile?) throws(EvaluationError) -> Value {
        guard !item.isMissing, case .list(let values) = list else { return .missing }
        var unknown = false
        for value in values {
            guard let equal = try equals(item, value, span, source) else { unknown = true; continue }
            if equal { return .bool(true) }
        }
        return unknown ? .missing : .bool(false)
    }
}

extension CivilDate {
    /// 0001-01-01 and 9999-12-31 as day numbers.
    static let minDay: Int32 = -719162
    static let maxDay: Int32 = 2932896

    static func isWeekday(_ day: Int32) -> Bool { weekday(day) <= 5 }
}
