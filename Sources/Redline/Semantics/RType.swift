/// The static type of an expression. Every type may also be missing at run time; optionality
/// is tracked on columns, not here.
indirect enum RType: Sendable, Hashable {
    case bool, int, decimal, text, date, duration
    case list(RType)
    /// A row of the table with this index in the schema.
    case record(Int)
    /// Not known statically (an untyped parameter, an empty list): checked at run time.
    case any
    /// The expression has an error already reported; suppresses follow-on errors.
    case error

    var isNumeric: Bool { self == .int || self == .decimal }
    var isUnchecked: Bool { self == .any || self == .error }

    /// The element type of a list.
    var element: RType? {
        switch self {
        case .list(let element): return element
        case .any, .error: return self
        default: return nil
        }
    }

    /// Whether values of the two types can be compared with `==`.
    func isComparable(with other: RType) -> Bool {
        if isUnchecked || other.isUnchecked { return true }
        if isNumeric && other.isNumeric { return true }
        if case .list(let a) = self, case .list(let b) = other { return a.isComparable(with: b) }
        return self == other
    }

    /// The type both branches fit (for list literals), or nil.
    func unified(with other: RType) -> RType? {
        if self == other { return self }
        if self == .error || other == .error { return .error }
        if self == .any { return other }
        if other == .any { return self }
        if isNumeric && other.isNumeric { return .decimal }
        if case .list(let a) = self, case .list(let b) = other, let element = a.unified(with: b) { return .list(element) }
        return nil
    }

    /// Whether a value of `self` may be passed where `expected` is declared.
    func fits(_ expected: RType) -> Bool {
        if isUnchecked || expected.isUnchecked { return true }
        if self == .int && expected == .decimal { return true }
        if case .list(let a) = self, case .list(let b) = expected { return a.fits(b) }
        return self == expected
    }

    /// The name people read in messages.
    func name(in schema: Schema) -> LocalizedText {
        switch self {
        case .bool: return LocalizedText("bool", zh: "布尔")
        case .int: return LocalizedText("int", zh: "整数")
        case .decimal: return LocalizedText("decimal", zh: "小数")
        case .text: return LocalizedText("text", zh: "文本")
        case .date: return LocalizedText("date", zh: "日期")
        case .duration: return LocalizedText("duration", zh: "时长")
        case .list(let element):
            let inner = element.name(in: schema)
            return LocalizedText("list of \(inner.en)", zh: "\(inner.zh)列表")
        case .record(let table):
            let name = schema.tables.indices.contains(table) ? schema.tables[table].name : "?"
            return LocalizedText("\(name) record", zh: "\(name) 记录")
        case .any: return LocalizedText("any", zh: "任意")
        case .error: return LocalizedText("error", zh: "错误")
        }
    }

    /// Type names accepted in column declarations and parameters, to the type.
    static let byName: [String: RType] = [
        "text": .text, "文本": .text,
        "int": .int, "整数": .int,
        "decimal": .decimal, "小数": .decimal,
        "bool": .bool, "布尔": .bool,
        "date": .date, "日期": .date,
        "duration": .duration, "时长": .duration,
    ]
}
