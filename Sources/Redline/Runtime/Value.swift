/// A runtime value. `missing` is the absent value of any type; in a condition it reads as
/// "unknown" (three-valued logic), never as false.
///
/// Text is equal when its code points are (Grammar.md §6), not by Swift's canonical
/// equivalence: `"\u{E9}"` and `"e\u{301}"` are two values, as they are two keys in a data file.
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

    static func == (a: Value, b: Value) -> Bool {
        switch (a, b) {
        case (.missing, .missing): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.decimal(let x), .decimal(let y)): return x == y
        case (.text(let x), .text(let y)): return x.utf8.elementsEqual(y.utf8)
        case (.date(let x), .date(let y)): return x == y
        case (.duration(let x), .duration(let y)): return x == y
        case (.list(let x), .list(let y)): return x == y
        case (.record(let x), .record(let y)): return x == y
        default: return false
        }
    }

    func hash(into hasher: inout Hasher) {
        switch self {
        case .missing: hasher.combine(0)
        case .bool(let b): hasher.combine(1); hasher.combine(b)
        case .int(let i): hasher.combine(2); hasher.combine(i)
        case .decimal(let d): hasher.combine(3); hasher.combine(d)
        case .text(let t):
            hasher.combine(4)
            hasher.combine(t.utf8.count)
            for byte in t.utf8 { hasher.combine(byte) }
        case .date(let d): hasher.combine(5); hasher.combine(d)
        case .duration(let d): hasher.combine(6); hasher.combine(d)
        case .list(let items): hasher.combine(7); hasher.combine(items)
        case .record(let r): hasher.combine(8); hasher.combine(r)
        }
    }
}

extension String {
    /// Code-point order (the same as UTF-8 byte order), as Grammar.md §6 compares text.
    static func codePointOrder(_ a: String, _ b: String) -> Int {
        var x = a.utf8.makeIterator(), y = b.utf8.makeIterator()
        while true {
            switch (x.next(), y.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let p?, let q?): if p != q { return p < q ? -1 : 1 }
            }
        }
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
        // `magnitude`, not `abs`: the count may be Int64.min, whose `abs` traps.
        var parts: [String] = []
        if months != 0 {
            if months % 12 == 0 { parts.append("\(months / 12) \(months.magnitude == 12 ? "year" : "years")") } else { parts.append("\(months) \(months.magnitude == 1 ? "month" : "months")") }
        }
        if days != 0 {
            if days % 7 == 0 { parts.append("\(days / 7) \(days.magnitude == 7 ? "week" : "weeks")") } else { parts.append("\(days) \(days.magnitude == 1 ? "day" : "days")") }
        }
        if workdays != 0 { parts.append("\(workdays) \(workdays.magnitude == 1 ? "workday" : "workdays")") }
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

    /// The value as it would be written in a rule file (text quoted, with every control
    /// character escaped, so what is printed reads back as the same value).
    var literal: String {
        switch self {
        case .text(let t):
            var out = "\""
            for scalar in t.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                case "\r": out += "\\r"
                case "{": out += "\\{"
                case "}": out += "\\}"
                default:
                    if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                        out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out + "\""
        default: return display
        }
    }
}
