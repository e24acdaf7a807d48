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
        // Text functions work on code points, as comparisons do (Grammar.md §9): `"\r\n"` is two
        // characters and starts with `"\r"`, and `"e\u{301}"` does not contain `"\u{E9}"`.
        case (.contains, 2), (.startsWith, 2), (.endsWith, 2):
            guard case .text(let text) = arguments[0], case .text(let part) = arguments[1] else { break }
            let whole = Array(text.utf8), piece = Array(part.utf8)
            switch self {
            case .contains: return .bool(piece.isEmpty || whole.firstRange(of: piece) != nil)
            case .startsWith: return .bool(whole.starts(with: piece))
            default: return .bool(whole.reversed().starts(with: piece.reversed()))
            }
        case (.lower, 1), (.upper, 1), (.trim, 1):
            guard case .text(let text) = arguments[0] else { break }
            switch self {
            // Unicode's full case mapping of each code point, without context: Σ is always σ.
            case .lower: return .text(String(String.UnicodeScalarView(text.unicodeScalars.flatMap { $0.properties.lowercaseMapping.unicodeScalars })))
            case .upper: return .text(String(String.UnicodeScalarView(text.unicodeScalars.flatMap { $0.properties.uppercaseMapping.unicodeScalars })))
            default:
                // Unicode White_Space (spaces, tabs, line breaks, U+3000, no-break space); not
                // the zero-width space U+200B, which is not white space.
                let scalars = text.unicodeScalars
                guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
                      let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return .text("") }
                return .text(String(scalars[first...last]))
            }
        case (.length, 1):
            switch arguments[0] {
            case .text(let text): return .int(Int64(text.unicodeScalars.count))
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
            let calendar = frame.calendar, after = Swift.min(from, to), through = Swift.max(from, to)
            if let year = calendar.missingYear(after: after, through: through) { throw .noCalendar(year, calendar, span, source) }
            let count = calendar.count(after: after, through: through)
            return .int(from <= to ? count : -count)
        case (.abs, 1):
            switch arguments[0] {
            case .int(let i):
                guard i != Int64.min else { throw .overflow("abs", span, source) }
                return .int(Swift.abs(i))
            case .decimal(let d):
                return .decimal(d.isNegative ? d.negated : d)
            default: break
            }
        case (.round, 2):
            guard let number = Operations.decimal(arguments[0]), case .int(let digits) = arguments[1] else { break }
            guard let rounded = number.rounded(digits: digits) else { throw .decimalOverflow("round", span, source) }
            return .decimal(rounded)
        default: break
        }
        throw .invalid(LocalizedText("`\(names[0])` cannot apply to these values; expected \(signature)",
                                     zh: "`\(names[0])` 不能用于这些值;签名为 \(signature)"), span, source)
    }

}
