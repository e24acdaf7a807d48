import Foundation

/// What each standard-library function computes. Missing arguments give a missing result,
/// except for `coalesce`, whose purpose is to replace them.
extension Builtin {
    func evaluate(_ arguments: [Value], _ frame: Frame, _ span: SourceSpan, _ source: SourceFile?) throws(EvaluationError) -> Value {
        if self == .coalesce {
            guard arguments.count == 2 else { return .missing }
            return arguments[0].isMissing ? arguments[1] : arguments[0]
        }
        if arguments.contains(where: \.isMissing) { return .missing }
        switch (self, arguments.count) {
        case (.contains, 2), (.startsWith, 2), (.endsWith, 2):
            guard case .text(let text) = arguments[0], case .text(let part) = arguments[1] else { break }
            switch self {
            case .contains: return .bool(part.isEmpty || text.contains(part))
            case .startsWith: return .bool(text.hasPrefix(part))
            default: return .bool(text.hasSuffix(part))
            }
        case (.lower, 1), (.upper, 1), (.trim, 1):
            guard case .text(let text) = arguments[0] else { break }
            switch self {
            case .lower: return .text(text.lowercased())
            case .upper: return .text(text.uppercased())
            default: return .text(text.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        case (.length, 1):
            switch arguments[0] {
            case .text(let text): return .int(Int64(text.count))
            case .list(let items): return .int(Int64(items.count))
            default: break
            }
        case (.year, 1), (.month, 1), (.day, 1), (.weekday, 1):
            guard case .date(let day) = arguments[0] else { break }
            let parts = CivilDate.components(day)
            switch self {
            case .year: return .int(Int64(parts.year))
            case .month: return .int(Int64(parts.month))
            case .day: return .int(Int64(parts.day))
            default: return .int(Int64(CivilDate.weekday(day)))
            }
        case (.daysBetween, 2):
            guard case .date(let from) = arguments[0], case .date(let to) = arguments[1] else { break }
            return .int(Int64(to) - Int64(from))
        case (.workdaysBetween, 2):
            guard case .date(let from) = arguments[0], case .date(let to) = arguments[1] else { break }
            return .int(try workdays(from: from, to: to, frame, span, source))
        case (.abs, 1):
            switch arguments[0] {
            case .int(let i):
                guard i != Int64.min else { throw .overflow("abs", span, source) }
                return .int(Swift.abs(i))
            case .decimal(let d):
                if d.mantissa >= 0 { return .decimal(d) }
                guard let n = d.negated else { throw .overflow("abs", span, source) }
                return .decimal(n)
            default: break
            }
        case (.round, 2):
            guard let number = Operations.decimal(arguments[0]), case .int(let digits) = arguments[1] else { break }
            return .decimal(round(number, digits: Int(Swift.max(0, Swift.min(digits, Int64(DecimalNumber.maxScale))))))
        default: break
        }
        throw .invalid(LocalizedText("`\(names[0])` cannot apply to these values; expected \(signature)",
                                     zh: "`\(names[0])` 不能用于这些值;签名为 \(signature)"), span, source)
    }

    /// Working days after `from` up to and including `to` (negative when `to` is earlier).
    private func workdays(from: Int32, to: Int32, _ frame: Frame, _ span: SourceSpan, _ source: SourceFile?) throws(EvaluationError) -> Int64 {
        let low = Swift.min(from, to), high = Swift.max(from, to)
        guard Int(high) - Int(low) <= frame.limits.maxWorkdays * 2 else { throw .dateOutOfRange(span, source) }
        var count: Int64 = 0
        var day = low
        while day < high {
            day += 1
            if frame.dataset?.isWorkday(day) ?? CivilDate.isWeekday(day) { count += 1 }
        }
        return from <= to ? count : -count
    }

    /// Half away from zero (四舍五入) to `digits` places.
    private func round(_ number: DecimalNumber, digits: Int) -> DecimalNumber {
        guard number.scale > digits else { return number }
        var mantissa = Int128(number.mantissa)
        var scale = number.scale
        var lastDigit: Int128 = 0
        while scale > digits {
            lastDigit = mantissa % 10
            mantissa /= 10
            scale -= 1
        }
        if lastDigit >= 5 { mantissa += 1 } else if lastDigit <= -5 { mantissa -= 1 }
        return DecimalNumber(mantissa: mantissa, scale: scale) ?? number
    }
}
