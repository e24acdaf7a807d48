/// Why an evaluation stopped: arithmetic that would overflow or divide by zero, a date out of
/// range, or a limit reached. These are values the host sees, never traps.
struct EvaluationError: Error, Sendable {
    enum Kind: Sendable {
        case overflow, divisionByZero, dateOutOfRange, workdayLimit, stepLimit, deadline, cancelled, invalidOperation
        /// A list grew past `EvaluationLimits.maxListSize`: an error of that evaluation, not a stop.
        case listLimit
        /// A host function threw, or returned a value of another type than it declared.
        case hostFunction
        /// Working days reached a year the calendar in force does not cover: the answer is not
        /// known (a rule meeting it is undetermined, not failed).
        case noCalendar
    }
    let kind: Kind
    let text: LocalizedText
    /// A limit stops the whole evaluation: it is never absorbed by `and`, `or`, a quantifier or
    /// an aggregate the way an error in one operand is.
    var isLimit: Bool { kind == .stepLimit || kind == .deadline || kind == .cancelled }
    let span: SourceSpan
    let source: SourceFile?
    /// For `noCalendar`: the year without a calendar.
    var missingYear: Int? = nil

    static func overflow(_ operation: String, _ span: SourceSpan, _ source: SourceFile?) -> EvaluationError {
        EvaluationError(kind: .overflow,
                        text: LocalizedText("`\(operation)` overflows (integers are 64-bit)", zh: "`\(operation)` 溢出(整数为 64 位)"),
                        span: span, source: source)
    }

    static func decimalOverflow(_ operation: String, _ span: SourceSpan, _ source: SourceFile?) -> EvaluationError {
        EvaluationError(kind: .overflow,
                        text: LocalizedText("`\(operation)` overflows (decimals stay below 10^20, with 18 digits after the point)",
                                            zh: "`\(operation)` 溢出(小数的绝对值须小于 10^20,小数点后最多 18 位)"),
                        span: span, source: source)
    }

    static func workdayLimit(_ limit: Int, _ span: SourceSpan, _ source: SourceFile?) -> EvaluationError {
        EvaluationError(kind: .workdayLimit,
                        text: LocalizedText("a duration of more than \(limit) workdays (the limit on working days in one duration)",
                                            zh: "时长超过 \(limit) 个工作日(单个时长的工作日上限)"),
                        span: span, source: source)
    }

    static func stepLimit(_ limit: Int, _ span: SourceSpan, _ source: SourceFile?) -> EvaluationError {
        EvaluationError(kind: .stepLimit, text: LocalizedText("the evaluation took more than \(limit) steps", zh: "求值超过了 \(limit) 步"),
                        span: span, source: source)
    }

    static func listLimit(_ limit: Int, _ span: SourceSpan, _ source: SourceFile?) -> EvaluationError {
        EvaluationError(kind: .listLimit,
                        text: LocalizedText("a list of more than \(limit) elements (the limit on the size of one list)",
                                            zh: "列表超过 \(limit) 个元素(单个列表的大小上限)"),
                        span: span, source: source)
    }

    static func hostFunction(_ name: String, _ reason: String, _ span: SourceSpan, _ source: SourceFile?) -> EvaluationError {
        EvaluationError(kind: .hostFunction,
                        text: LocalizedText("host function `\(name)` failed: \(reason)", zh: "宿主函数 `\(name)` 出错:\(reason)"),
                        span: span, source: source)
    }

    static func divisionByZero(_ span: SourceSpan, _ source: SourceFile?) -> EvaluationError {
        EvaluationError(kind: .divisionByZero, text: LocalizedText("division by zero", zh: "除数为零"), span: span, source: source)
    }

    static func dateOutOfRange(_ span: SourceSpan, _ source: SourceFile?) -> EvaluationError {
        EvaluationError(kind: .dateOutOfRange,
                        text: LocalizedText("the date falls outside years 1 to 9999", zh: "日期超出 1 到 9999 年的范围"),
                        span: span, source: source)
    }

    static func noCalendar(_ year: Int, _ calendar: WorkCalendar, _ span: SourceSpan, _ source: SourceFile?) -> EvaluationError {
        EvaluationError(kind: .noCalendar, text: Catalog.noCalendar(year, calendar), span: span, source: source, missingYear: year)
    }

    static func invalid(_ text: LocalizedText, _ span: SourceSpan, _ source: SourceFile?) -> EvaluationError {
        EvaluationError(kind: .invalidOperation, text: text, span: span, source: source)
    }

    /// The error as a diagnostic pointing at the expression that failed.
    var diagnostic: Diagnostic {
        // Where the clock ran out or Ctrl-C came is chance: the stop is about the whole
        // evaluation, not the loop it happened to be in.
        if kind == .deadline || kind == .cancelled {
            return Diagnostic(.error, text, file: source?.name ?? "<input>")
        }
        if let source {
            return Diagnostic(.error, text, at: span, in: source)
        }
        return Diagnostic(.error, text, file: "<input>")
    }
}
