import Foundation

/// A value as a host program sees it: what it passes in (table rows, bindings, host-function
/// results) and what it reads out (expression results, query cells, host-function arguments).
/// The interpreter keeps its own compact form; these are converted at the edge.
///
/// `missing` is Redline's absent value (an empty cell, SQL's NULL): any type may be missing, and a
/// condition that is missing reads `unknown`.
public enum HostValue: Sendable, Hashable, CustomStringConvertible {
    case missing
    case bool(Bool)
    case int(Int64)
    /// An exact decimal. Redline keeps magnitudes below 10^20 (a larger host decimal is refused
    /// where it enters) and 18 digits after the point (more are rounded, as in data files).
    case decimal(Decimal)
    case text(String)
    case date(CalendarDate)
    case duration(HostDuration)
    case list([HostValue])
    /// A row of a loaded table (read out only: a host names rows by key in its own data).
    case record(RecordID)

    /// The value as it would be written in a rule file (`"text"`, `2024-06-30`, `missing`).
    public var description: String {
        switch self {
        case .missing: return "missing"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .decimal(let d): return HostValue.plain(d)
        case .text(let t): return Value.text(t).literal
        case .date(let d): return d.description
        case .duration(let d): return d.description
        case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .record(let r): return "\(r.table) \(r.key)"
        }
    }

    /// The type of a value, nil for `missing` and records (their type depends on the program).
    public var type: HostType? {
        switch self {
        case .bool: return .bool
        case .int: return .int
        case .decimal: return .decimal
        case .text: return .text
        case .date: return .date
        case .duration: return .duration
        case .missing, .list, .record: return nil
        }
    }

    /// `Decimal`'s own text, which never uses an exponent, in the POSIX locale.
    static func plain(_ d: Decimal) -> String {
        var value = d
        return NSDecimalString(&value, Locale(identifier: "en_US_POSIX"))
    }
}

/// A length of time: calendar months, days and working days, as Redline adds them to dates.
public struct HostDuration: Sendable, Hashable, CustomStringConvertible {
    /// Calendar months (a year is 12).
    public var months: Int64
    /// Days (a week is 7).
    public var days: Int64
    /// Working days, counted by the calendar in force.
    public var workdays: Int64

    /// A duration of so many months, days and working days.
    public init(months: Int64 = 0, days: Int64 = 0, workdays: Int64 = 0) {
        self.months = months
        self.days = days
        self.workdays = workdays
    }

    /// `3 days`, `1 year + 2 workdays`, as rule files write durations.
    public var description: String { Duration(months: months, days: days, workdays: workdays).description }
}

/// The types a host function's parameters and result may have.
public indirect enum HostType: Sendable, Hashable, CustomStringConvertible {
    case bool, int, decimal, text, date, duration
    case list(HostType)

    var rtype: RType {
        switch self {
        case .bool: return .bool
        case .int: return .int
        case .decimal: return .decimal
        case .text: return .text
        case .date: return .date
        case .duration: return .duration
        case .list(let element): return .list(element.rtype)
        }
    }

    /// The name rule files and messages use (`int`, `list of date`).
    public var description: String {
        switch self {
        case .bool: return "bool"
        case .int: return "int"
        case .decimal: return "decimal"
        case .text: return "text"
        case .date: return "date"
        case .duration: return "duration"
        case .list(let element): return "list of \(element)"
        }
    }
}

/// Conversions between the interpreter's values and the host's.
extension Value {
    /// The host's form of an interpreter value; records are named through `names`.
    func hostValue(_ names: RecordNamer?) -> HostValue {
        switch self {
        case .missing: return .missing
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .decimal(let d): return .decimal(Decimal(string: d.description, locale: Locale(identifier: "en_US_POSIX")) ?? 0)
        case .text(let t): return .text(t)
        case .date(let d): return .date(CalendarDate(dayNumber: d))
        case .duration(let d): return .duration(HostDuration(months: d.months, days: d.days, workdays: d.workdays))
        case .list(let items): return .list(items.map { $0.hostValue(names) })
        case .record(let r):
            guard let names else { return .missing }
            return .record(names.id(table: Int(r.table), row: r.row))
        }
    }

    /// Why a host value cannot enter the interpreter.
    enum HostConversionError: Error {
        case decimalOutOfRange(String)
        case record
    }

    /// The interpreter's form of a host value: a decimal outside Redline's range, or a record, is
    /// refused (records enter as their table's rows, not as values).
    init(host value: HostValue) throws(HostConversionError) {
        switch value {
        case .missing: self = .missing
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .decimal(let d):
            let text = HostValue.plain(d)
            guard let exact = DecimalNumber(parsing: Substring(text)) else { throw .decimalOutOfRange(text) }
            self = .decimal(exact)
        case .text(let t): self = .text(t)
        case .date(let d): self = .date(d.dayNumber)
        case .duration(let d): self = .duration(Duration(months: d.months, days: d.days, workdays: d.workdays))
        case .list(let items):
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(try Value(host: item)) }
            self = .list(values)
        case .record: throw .record
        }
    }
}
