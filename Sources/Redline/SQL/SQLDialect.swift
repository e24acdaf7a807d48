/// The SQL systems a policy compiles to, and how each spells what differs between them
/// (../shared/SQL-NOTES.md): quoting, text literals, date arithmetic and formatting, byte-order
/// collation, ordered string aggregation and the de-duplication of a list that keeps first
/// occurrences.
public enum SQLDialect: String, CaseIterable, Sendable {
    case duckdb
    case postgres
    /// Spark SQL 3.5 and later (ANSI arithmetic; `spark-sql -f` or Scripts/redline-spark.py).
    case spark

    func identifier(_ name: String) -> String {
        switch self {
        case .spark: return "`" + name.replacingOccurrences(of: "`", with: "``") + "`"
        default: return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }

    /// A text literal. PostgreSQL and DuckDB take standard SQL strings (only `'` is doubled);
    /// Spark reads backslash escapes in literals, so `\` and `'` are escaped with one.
    func text(_ value: String) -> String {
        switch self {
        case .spark:
            // Line breaks escaped too: a statement of the script then never holds `;` at the end of a line.
            return "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
                .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r") + "'"
        default:
            return "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
        }
    }

    func date(_ iso: String) -> String { "DATE '\(iso)'" }

    /// Text compared, ordered and grouped by code point, as the interpreter compares it: PostgreSQL's
    /// default collation follows the locale, so `COLLATE "C"` (byte order, which for UTF-8 is
    /// code-point order). DuckDB and Spark compare bytes by default.
    func byteOrder(_ expression: String) -> String {
        switch self {
        case .postgres: return "(\(expression)) COLLATE \"C\""
        case .duckdb, .spark: return expression
        }
    }

    var textType: String {
        switch self {
        case .postgres: return "TEXT"
        case .duckdb: return "VARCHAR"
        case .spark: return "STRING"
        }
    }

    /// The column type a declared type is read as.
    func columnType(_ type: RType) -> String {
        switch type {
        case .int: return "BIGINT"
        case .decimal: return self == .postgres ? "NUMERIC" : "DECIMAL(38,18)"
        case .bool: return "BOOLEAN"
        case .date: return "DATE"
        default: return textType
        }
    }

    /// What the script sets before its query: PostgreSQL would JIT-compile the query's large
    /// expressions, which takes seconds, far longer than running it; Spark must raise an error on
    /// overflow (ANSI arithmetic) rather than wrap, as the interpreter does.
    var settings: [String] {
        switch self {
        case .postgres: return ["SET jit = off"]
        case .duckdb: return []
        case .spark: return ["SET spark.sql.ansi.enabled=true"]
        }
    }

    func dateText(_ expression: String) -> String {
        switch self {
        case .postgres: return "to_char(\(expression), 'YYYY-MM-DD')"
        case .duckdb: return "strftime(\(expression), '%Y-%m-%d')"
        case .spark: return "date_format(\(expression), 'yyyy-MM-dd')"
        }
    }

    /// `a - b` for two dates: whole days.
    func daysBetween(_ a: String, _ b: String) -> String {
        switch self {
        case .postgres: return "(\(a) - \(b))"
        case .duckdb: return "date_diff('day', \(b), \(a))"
        case .spark: return "CAST(datediff(\(a), \(b)) AS BIGINT)"
        }
    }

    /// A date plus whole months (clamped at the month's end, as the interpreter does), then days.
    func add(months: Int64, days: Int64, to date: String) -> String {
        var result = date
        if months != 0 {
            switch self {
            case .postgres: result = "CAST(\(result) + make_interval(months => \(months)) AS DATE)"
            case .duckdb: result = "CAST(\(result) + to_months(\(months)) AS DATE)"
            case .spark: result = "add_months(\(result), \(months))"
            }
        }
        if days != 0 {
            switch self {
            case .spark: result = "date_add(\(result), \(days))"
            default: result = "(\(result) + \(days >= 0 ? "" : "(")\(days)\(days >= 0 ? "" : ")"))"
            }
        }
        return result
    }

    /// `contains`, `starts_with` and `ends_with`, by code points (an empty part is in every text).
    func textTest(_ builtin: Builtin, _ text: String, _ part: String) -> String {
        switch (self, builtin) {
        case (.postgres, .contains): return "(strpos(\(text), \(part)) > 0)"
        case (.postgres, .endsWith): return "(right(\(text), char_length(\(part))) = \(part))"
        case (.spark, .startsWith): return "startswith(\(text), \(part))"
        case (.spark, .endsWith): return "endswith(\(text), \(part))"
        case (_, .contains): return "contains(\(text), \(part))"
        case (_, .startsWith): return "starts_with(\(text), \(part))"
        default: return "ends_with(\(text), \(part))"
        }
    }

    /// `year`, `month`, `day` and `weekday` (Monday 1 to Sunday 7) of a date, as BIGINT.
    func datePart(_ builtin: Builtin, _ date: String) -> String {
        switch builtin {
        case .year: return "CAST(extract(year FROM \(date)) AS BIGINT)"
        case .month: return "CAST(extract(month FROM \(date)) AS BIGINT)"
        case .day: return "CAST(extract(day FROM \(date)) AS BIGINT)"
        default: return self == .spark ? "CAST(weekday(\(date)) + 1 AS BIGINT)" : "CAST(extract(isodow FROM \(date)) AS BIGINT)"
        }
    }

    /// `string_agg` of `value` in the order of `orderBy` (NULLs skipped; NULL over no value).
    func orderedAggregate(_ value: String, separator: String, orderBy: String) -> String {
        switch self {
        // Spark's string_agg keeps every group's values in memory and fails when they do not fit;
        // collect_list spills. The pairs sort by their first field, the order.
        case .spark:
            return "nullif(array_join(transform(array_sort(collect_list(CASE WHEN (\(value)) IS NOT NULL THEN named_struct('k', \(orderBy), 'v', \(value)) END)), "
                + "p -> p.v), \(separator)), '')"
        default: return "string_agg(\(value), \(separator) ORDER BY \(orderBy))"
        }
    }

    /// A list of missing cells, each ending in chr(30), without repeats: first occurrences kept
    /// in order, joined by chr(30) ('' for none).
    func distinctItems(_ list: String) -> String {
        switch self {
        case .spark:
            return "array_join(array_distinct(filter(split(\(list), chr(30)), x -> x <> '')), chr(30))"
        case .postgres, .duckdb:
            let split = self == .postgres ? "string_to_array(\(list), chr(30))" : "string_split(\(list), chr(30))"
            let count = self == .postgres ? "cardinality(z.l)" : "len(z.l)"
            return "(SELECT string_agg(d.x, chr(30) ORDER BY d.o) FROM (SELECT z.l[t.i] AS x, min(t.i) AS o FROM (SELECT \(split) AS l) z, "
                + "generate_series(1, \(count)) AS t(i) WHERE z.l[t.i] <> '' GROUP BY z.l[t.i]) d)"
        }
    }
}
