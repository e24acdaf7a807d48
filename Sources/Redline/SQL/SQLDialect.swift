/// The SQL systems a policy compiles to, and how each spells what differs between them
/// (../shared/SQL-NOTES.md): quoting, date arithmetic and formatting, byte-order collation,
/// ordered string aggregation and the de-duplication of a list that keeps first occurrences.
public enum SQLDialect: String, CaseIterable, Sendable {
    case duckdb
    case postgres

    func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A text literal. Both systems take standard SQL strings: only `'` is doubled.
    func text(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }

    func date(_ iso: String) -> String { "DATE '\(iso)'" }

    /// Text compared, ordered and grouped by code point, as the interpreter compares it: PostgreSQL's
    /// default collation follows the locale, so `COLLATE "C"` (byte order, which for UTF-8 is
    /// code-point order). DuckDB compares bytes by default.
    func byteOrder(_ expression: String) -> String {
        switch self {
        case .postgres: return "(\(expression)) COLLATE \"C\""
        case .duckdb: return expression
        }
    }

    var textType: String { self == .postgres ? "TEXT" : "VARCHAR" }

    func dateText(_ expression: String) -> String {
        switch self {
        case .postgres: return "to_char(\(expression), 'YYYY-MM-DD')"
        case .duckdb: return "strftime(\(expression), '%Y-%m-%d')"
        }
    }

    /// `a - b` for two dates: whole days.
    func daysBetween(_ a: String, _ b: String) -> String {
        switch self {
        case .postgres: return "(\(a) - \(b))"
        case .duckdb: return "date_diff('day', \(b), \(a))"
        }
    }

    /// A date plus whole months (clamped at the month's end, as the interpreter does), then days.
    func add(months: Int64, days: Int64, to date: String) -> String {
        var result = date
        if months != 0 {
            switch self {
            case .postgres: result = "CAST(\(result) + make_interval(months => \(months)) AS DATE)"
            case .duckdb: result = "CAST(\(result) + to_months(\(months)) AS DATE)"
            }
        }
        if days != 0 { result = "(\(result) + \(days >= 0 ? "" : "(")\(days)\(days >= 0 ? "" : ")"))" }
        return result
    }

    /// The record separator between the items of a list of missing cells.
    var separator: String { "chr(30)" }

    /// A separated list of missing cells without repeats, first occurrences kept in order.
    func distinctItems(_ list: String) -> String {
        let split: String, count: String
        switch self {
        case .postgres: (split, count) = ("string_to_array(\(list), chr(30))", "cardinality(z.l)")
        case .duckdb: (split, count) = ("string_split(\(list), chr(30))", "len(z.l)")
        }
        return "(SELECT string_agg(d.x, chr(30) ORDER BY d.o) FROM (SELECT z.l[t.i] AS x, min(t.i) AS o FROM (SELECT \(split) AS l) z, "
            + "generate_series(1, \(count)) AS t(i) WHERE z.l[t.i] <> '' GROUP BY z.l[t.i]) d)"
    }
}
