/// A runtime value. `missing` is the absent value of any type; in a condition it reads as
/// "unknown" (three-valued logic), never as false.
enum Value: Sendable, Hashable {
    case missing
    case bool(Bool)
    case int(Int64)
    case decimal(DecimalNumber)
    case text(String)
    /// Days since 1970-01-01.
    case date(Int32)
    case duration(Duration)
    case list([Value])
    /// A row of a loaded table.
    case record(RecordRef)

    var isMissing: Bool {
        if case .missing = self { return true }
        return false
    }
}

/// A row of a table: which table, which row.
struct RecordRef: Sendable, Hashable {
    let table: Int32
    let row: Int32
}

/// A length of time: calendar months, days, and working days (counted by a calendar).
struct Duration: Sendable, Hashable {
    var months: Int64 = 0
    var days: Int64 = 0
    var workdays: Int64 = 0

    /// The duration for `n unit`, nil if it overflows.
    static func make(_ n: Int64, _ unit: DurationUnit) -> Duration? {
        switch unit {
        case .days: return Duration(days: n)
        case .weeks:
            let (days, overflow) = n.multipliedReportingOverflow(by: 7)
            return overflow ? nil : Duration(days: days)
        case .months: return Duration(months: n)
        case .years:
            let (months, overflow) = n.multipliedReportingOverflow(by: 12)
            return overflow ? nil : Duration(months: months)
        case .workdays: return Duration(workdays: n)
        }
    }

    var description: String {
        var parts: [String] = []
        if months != 0 {
            if months % 12 == 0 { parts.append("\(months / 12) \(abs(months) == 12 ? "year" : "years")") } else { parts.append("\(months) \(abs(months) == 1 ? "month" : "months")") }
        }
        if days != 0 {
            if days % 7 == 0 { parts.append("\(days / 7) \(abs(days) == 7 ? "week" : "weeks")") } else { parts.append("\(days) \(abs(days) == 1 ? "day" : "days")") }
        }
        if workdays != 0 { parts.append("\(workdays) \(abs(workdays) == 1 ? "workday" : "workdays")") }
        return parts.isEmpty ? "0 days" : parts.joined(separator: " + ")
    }
}

/// Text forms of values, as reports and `redline eval` show them.
extension Value {
    /// The value as a person reads it: dates ISO, text unquoted, missing as `missing`.
    var display: String {
        switch self {
        case .missing: return "missing"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .decimal(let d): return d.description
        case .text(let t): return t
        case .date(let d): return CivilDate.format(d)
        case .duration(let d): return d.description
        case .list(let items): return "[" + items.map(\.literal).joined(separator: ", ") + "]"
        case .record(let r): return "record \(r.table):\(r.row)"
        }
    }

    /// The value as it would be written in a rule file (text quoted).
    var literal: String {
        switch self {
        case .text(let t):
            var out = "\""
            for ch in t {
                switch ch {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                case "{": out += "\\{"
                case "}": out += "\\}"
                default: out.append(ch)
                }
            }
            return out + "\""
        default: return display
        }
    }
}
