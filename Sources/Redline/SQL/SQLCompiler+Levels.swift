/// Where an expression is evaluated, and how quantifiers and aggregates become groups.
///
/// A `Level` is the rows an expression is evaluated on: the subject's rows, or within a
/// quantifier one row per element of its collection and of every enclosing one (an inner join
/// per collection: the chain), with the keys of each. A quantifier or aggregate evaluated on a
/// level enters a child level (its collection joined to the chain), evaluates its condition
/// there, and becomes a group: the child's rows grouped by the level's keys, counted, and
/// joined back to the level on those keys. References followed (`h.enterprise.county`) are left
/// joins on the target's key. Every join other than the chain's is on a unique key, so it never
/// changes the rows; a group or lookup that no expression of a level uses is left out of it.
final class Level {
    struct Clause {
        let alias: String
        let text: String
        /// The chain's clauses: they decide which rows the level has.
        let setsRows: Bool
    }

    /// A collection's rows joined on their reference to the row before (`JOIN hazards q ON
    /// q.enterprise_id = s.id`): the table, the alias, the reference column and that key.
    struct ReverseJoin {
        let table: String
        let alias: String
        let reference: String
        let key: String
    }

    /// The key of each row of the chain, outermost first.
    let keys: [String]
    private(set) var clauses: [Clause]
    /// The lookups through references on this level: target table and key -> alias.
    private var lookups: [String: String]
    /// A subject level over its whole table (`FROM hazards s`), which a group over referencing
    /// rows may leave out (`SubjectPruning`).
    let plainTable: String?
    /// The last chain clause, when it joins rows referencing the row before.
    let reverseJoin: ReverseJoin?

    private init(keys: [String], clauses: [Clause], lookups: [String: String], plainTable: String? = nil, reverseJoin: ReverseJoin? = nil) {
        self.keys = keys
        self.clauses = clauses
        self.lookups = lookups
        self.plainTable = plainTable
        self.reverseJoin = reverseJoin
    }

    static func subject(from: String, key: String, plainTable: String? = nil) -> Level {
        Level(keys: [key], clauses: [Clause(alias: "s", text: from, setsRows: true)], lookups: [:], plainTable: plainTable)
    }

    /// The rows of a collection joined to this level's, one per element and enclosing row.
    /// The rows referencing a subject of a whole table name it by their reference, which holds
    /// its key: so the groups inside need not read the subject's row (`SubjectPruning`).
    func child(alias: String, key: String, join: String, reverse: ReverseJoin? = nil) -> Level {
        var outer = keys
        if plainTable != nil, keys.count == 1, let reverse, reverse.key == keys[0] { outer = [reverse.reference] }
        return Level(keys: outer + [key], clauses: clauses + [Clause(alias: alias, text: join, setsRows: true)], lookups: lookups, reverseJoin: reverse)
    }

    /// Takes over another level's joins (its groups and lookups): a level built over some of
    /// the same subjects, whose results this one shows.
    func adopt(_ other: Level) {
        for clause in other.clauses where !clause.setsRows { clauses.append(clause) }
    }

    /// Adds a join on a unique key (a group or a lookup); it does not change the rows.
    func addJoin(alias: String, _ text: String) {
        clauses.append(Clause(alias: alias, text: text, setsRows: false))
    }

    /// The alias of the lookup of `key` (a target table and its key) on this level, adding its
    /// join under a new alias (`name`) the first time.
    func lookup(_ key: String, name: () -> String, join: (String) -> String) -> String {
        if let alias = lookups[key] { return alias }
        let alias = name()
        lookups[key] = alias
        addJoin(alias: alias, join(alias))
        return alias
    }

    /// The FROM list for SQL that uses `expressions`: the chain, and each join they name or a
    /// named join needs, in the order they were added. A name found in a text literal only adds a
    /// join that changes nothing.
    func from(using expressions: [String]) -> String {
        clauses(using: expressions).map(\.text).joined(separator: "\n    ")
    }

    /// The clauses `from(using:)` lists.
    func clauses(using expressions: [String]) -> [Clause] {
        var texts = expressions + clauses.filter(\.setsRows).map(\.text)
        var used = Set<Int>()
        var added = true
        while added {
            added = false
            for (index, clause) in clauses.enumerated() where !clause.setsRows && !used.contains(index) {
                let reference = clause.alias + "."
                if texts.contains(where: { $0.contains(reference) }) {
                    used.insert(index)
                    texts.append(clause.text)
                    added = true
                }
            }
        }
        return clauses.indices.filter { clauses[$0].setsRows || used.contains($0) }.map { clauses[$0] }
    }
}

extension SQLCompiler {
    /// A collection's rows: the table, their alias, the join that adds them to a level, and the
    /// key of the record whose referencing rows they are when that record may be missing (a
    /// reference followed): over a missing record a quantifier is unknown, a count missing.
    struct Rows {
        let table: Int
        let alias: String
        let join: String
        var ofMissing: String? = nil
        var reverse: Level.ReverseJoin? = nil
        func unlessMissing(_ value: String) -> String {
            guard let ofMissing else { return value }
            return "(CASE WHEN \(ofMissing) IS NULL THEN NULL ELSE \(value) END)"
        }
    }

    /// A record in SQL: a row under an alias, or the key of the row a reference names (NULL when
    /// the reference is empty), whose columns are looked up when read.
    struct Record {
        let table: Int
        let alias: String?
        let key: String
        /// Reached through a reference: an empty one is no record, and its columns are not missing cells.
        var throughReference: Bool { alias == nil }
    }

    /// The rows a quantifier or aggregate runs over: a table, or the rows referencing a record.
    mutating func rows(_ collection: Bound, _ scope: Scope, _ level: Level) throws(Unsupported) -> Rows {
        switch collection.kind {
        case .tableRows(let table):
            let alias = self.alias()
            return Rows(table: table, alias: alias, join: "CROSS JOIN \(name(program.schema.tables[table].name)) \(alias)")
        case .reverse(let target, let table, let column):
            let outer = try record(target, scope, level)
            let alias = self.alias()
            let schema = program.schema.tables[table]
            let reference = "\(alias).\(name(schema.columns[column].name))"
            return Rows(table: table, alias: alias,
                        join: "JOIN \(name(schema.name)) \(alias) ON \(reference) = \(outer.key)",
                        ofMissing: outer.throughReference ? outer.key : nil,
                        reverse: Level.ReverseJoin(table: name(schema.name), alias: alias, reference: reference, key: outer.key))
        default:
            throw unsupported("a quantifier or aggregate over `\(collection.source?.text(of: collection.span) ?? "a list")` (only tables and `x.referencing` rows are compiled yet)",
                              "对 `\(collection.source?.text(of: collection.span) ?? "列表")` 的量词或聚合(目前只编译表和反向引用)", collection)
        }
    }

    /// The child level of a quantifier or aggregate, and the scope its variable is bound in.
    mutating func enter(_ collection: Bound, slot: Int, _ scope: Scope, _ level: Level) throws(Unsupported) -> (Level, Rows, Scope) {
        let rows = try self.rows(collection, scope, level)
        let child = level.child(alias: rows.alias, key: keyColumn(rows.alias, rows.table), join: rows.join, reverse: rows.reverse)
        var inner = scope
        inner[slot] = .row(alias: rows.alias, table: rows.table)
        return (child, rows, inner)
    }

    /// Defines a group over `child`'s rows and joins it to `level`: per row of the child,
    /// `zk0…` (the level's keys), `zkc` (the element's key) and `rows`; then `windows` over
    /// them (partitioned by the level's keys where they say so); then `outputs`, aggregated per
    /// row of the level. Returns the group's alias; a row of the level with no element has
    /// NULL outputs.
    mutating func group(_ child: Level, at level: Level, table: Int, rows: [(String, String)],
                        windows: [(String, String)] = [], outputs: [(String, String)]) -> String {
        var body = ""
        let alias = self.alias("g")
        let keys = level.keys.indices.map { "zk\($0)" }
        let own = ["\(child.keys[child.keys.count - 1]) AS zkc"] + rows.map { "\($1) AS \($0)" }
        let selected = zip(keys, level.keys).map { "\($1) AS \($0)" } + own
        var from = child.from(using: selected)
        // Subject pruning: the rows referencing each subject of a whole table need not be joined
        // to the subjects when nothing but the subject's key is read, which the reference holds
        // (every reference resolves in data the SQL is run on).
        if level.plainTable != nil, level.keys.count == 1, let reverse = child.reverseJoin, reverse.key == level.keys[0],
           child.keys[0] == reverse.reference {
            let joins = child.clauses(using: own).filter { !$0.setsRows }
            if !(own + joins.map(\.text)).contains(where: { $0.contains("s.") }) {
                from = (["FROM \(reverse.table) \(reverse.alias)"] + joins.map(\.text)).joined(separator: "\n    ")
                let pruned = ["\(reverse.reference) AS zk0"] + own
                body = "SELECT \(pruned.joined(separator: ", "))\n    \(from)"
            }
        }
        if body.isEmpty { body = "SELECT \(selected.joined(separator: ", "))\n    \(from)" }
        if !windows.isEmpty {
            body = "SELECT x.*, \(windows.map { "\($1) AS \($0)" }.joined(separator: ", ")) FROM (\n    \(body)) x"
        }
        body = "SELECT \(keys.joined(separator: ", ")), \(outputs.map { "\($1) AS \($0)" }.joined(separator: ", ")) FROM (\n    \(body)) y\n  GROUP BY \(keys.joined(separator: ", "))"
        groups.append("\(alias) AS (\n  \(body)\n)")
        let on = zip(keys, level.keys).map { "\(alias).\($0) = \($1)" }.joined(separator: " AND ")
        level.addJoin(alias: alias, "LEFT JOIN \(alias) ON \(on)")
        return alias
    }

    /// The missing cells of the elements in key order, up to and including the first element for
    /// which `stop` (over the group's columns) holds: a window finding that element, and the
    /// output `zr`. The elements' own lists are the row column `zm`.
    func readsUpTo(_ stop: String, level: Level, table: Int) -> (window: (String, String), output: (String, String)) {
        let partition = level.keys.indices.map { "zk\($0)" }.joined(separator: ", ")
        let first = "min(\(keyOrder("CASE WHEN \(stop) THEN zkc END", table))) OVER (PARTITION BY \(partition))"
        let upTo = "CASE WHEN zd IS NULL OR \(keyOrder("zkc", table)) <= \(keyOrder("zd", table)) THEN zm END"
        return (("zd", first), ("zr", dialect.orderedAggregate(upTo, separator: "''", orderBy: keyOrder("zkc", table))))
    }

    /// `some`/`all`/`none`: the elements' truth counted (never a bare EXISTS, which would lose
    /// unknown); the missing cells of the elements read before the first that decides, and its own.
    mutating func quantifier(_ quantifier: Quantifier, slot: Int, _ collection: Bound, _ condition: Bound,
                             _ scope: Scope, _ level: Level) throws(Unsupported) -> Piece {
        let (child, rows, inner) = try enter(collection, slot: slot, scope, level)
        let element = try expression(condition, inner, child)
        var rowColumns = [("zc", element.value)]
        var windows: [(String, String)] = []
        var outputs = [("zt", "count(CASE WHEN zc IS TRUE THEN 1 END)"), ("zu", "count(CASE WHEN zc IS NULL THEN 1 END)"),
                       ("zf", "count(CASE WHEN zc IS FALSE THEN 1 END)")]
        if recordReads, let reads = element.reads {
            rowColumns.append(("zm", reads))
            let upTo = readsUpTo(quantifier == .all ? "zc IS FALSE" : "zc IS TRUE", level: level, table: rows.table)
            windows.append(upTo.window)
            outputs.append(upTo.output)
        }
        let g = group(child, at: level, table: rows.table, rows: rowColumns, windows: windows, outputs: outputs)
        let (t, u, f) = ("coalesce(\(g).zt, 0)", "coalesce(\(g).zu, 0)", "coalesce(\(g).zf, 0)")
        let value: String
        switch quantifier {
        case .some: value = "(CASE WHEN \(t) > 0 THEN TRUE WHEN \(u) > 0 THEN NULL ELSE FALSE END)"
        case .all: value = "(CASE WHEN \(f) > 0 THEN FALSE WHEN \(u) > 0 THEN NULL ELSE TRUE END)"
        case .none: value = "(CASE WHEN \(t) > 0 THEN FALSE WHEN \(u) > 0 THEN NULL ELSE TRUE END)"
        }
        return Piece(value: rows.unlessMissing(value), reads: recordReads && element.reads != nil ? "\(g).zr" : nil)
    }

    /// `count x in … where f`: missing if `f` is unknown for an element (the count stops there).
    mutating func count(slot: Int, _ collection: Bound, _ filter: Bound?, _ scope: Scope, _ level: Level) throws(Unsupported) -> Piece {
        let (child, rows, inner) = try enter(collection, slot: slot, scope, level)
        guard let filter else {
            let g = group(child, at: level, table: rows.table, rows: [], outputs: [("zn", "count(*)")])
            return Piece(value: rows.unlessMissing("coalesce(\(g).zn, 0)"), reads: nil)
        }
        let element = try expression(filter, inner, child)
        var rowColumns = [("zc", element.value)]
        var windows: [(String, String)] = []
        var outputs = [("zn", "count(CASE WHEN zc IS TRUE THEN 1 END)"), ("zu", "count(CASE WHEN zc IS NULL THEN 1 END)")]
        if recordReads, let reads = element.reads {
            rowColumns.append(("zm", reads))
            let upTo = readsUpTo("zc IS NULL", level: level, table: rows.table)
            windows.append(upTo.window)
            outputs.append(upTo.output)
        }
        let g = group(child, at: level, table: rows.table, rows: rowColumns, windows: windows, outputs: outputs)
        let value = "(CASE WHEN coalesce(\(g).zu, 0) > 0 THEN NULL ELSE coalesce(\(g).zn, 0) END)"
        return Piece(value: rows.unlessMissing(value), reads: element.reads == nil ? nil : "\(g).zr")
    }

    /// `sum`/`min`/`max x in … where f of v`: missing if `f` is unknown or `v` missing for an
    /// element (the loop stops there); a sum over nothing is 0, a minimum or maximum missing.
    mutating func total(_ aggregate: Aggregate, slot: Int, _ collection: Bound, _ value: Bound, _ filter: Bound?,
                        _ bound: Bound, _ scope: Scope, _ level: Level) throws(Unsupported) -> Piece {
        let (child, rows, inner) = try enter(collection, slot: slot, scope, level)
        let f = try filter.map { (b: Bound) throws(Unsupported) in try expression(b, inner, child) }
        let v = try expression(value, inner, child)
        var rowColumns = [("zv", v.value)]
        if let f { rowColumns.append(("zc", f.value)) }
        let holds = f == nil ? "TRUE" : "zc IS TRUE"
        let stops = (f == nil ? "" : "zc IS NULL OR ") + "((\(holds)) AND zv IS NULL)"
        let operand = bound.type == .text ? dialect.byteOrder("CASE WHEN \(holds) THEN zv END") : "CASE WHEN \(holds) THEN zv END"
        let result: String
        switch aggregate {
        case .sum: result = "CAST(sum(\(operand)) AS BIGINT)"
        case .min: result = "min(\(operand))"
        default: result = "max(\(operand))"
        }
        var windows: [(String, String)] = []
        var outputs = [("zs", "count(CASE WHEN \(stops) THEN 1 END)"), ("za", result)]
        // The row's own reads: the filter's, then the value's where the filter holds.
        let rowHolds = f.map { "(\($0.value)) IS TRUE" } ?? "TRUE"
        if recordReads, let reads = SQLCompiler.join([f?.reads, SQLCompiler.when(rowHolds, v.reads)]) {
            rowColumns.append(("zm", reads))
            let upTo = readsUpTo(stops, level: level, table: rows.table)
            windows.append(upTo.window)
            outputs.append(upTo.output)
        }
        let g = group(child, at: level, table: rows.table, rows: rowColumns, windows: windows, outputs: outputs)
        let total = aggregate == .sum ? "coalesce(\(g).za, 0)" : "\(g).za"
        let sql = "(CASE WHEN coalesce(\(g).zs, 0) > 0 THEN NULL ELSE \(total) END)"
        return Piece(value: rows.unlessMissing(sql), reads: outputs.count > 2 ? "\(g).zr" : nil)
    }

    // MARK: Records and columns

    func record(_ bound: Bound, _ scope: Scope, _ level: Level) throws(Unsupported) -> Record {
        switch bound.kind {
        case .local(let slot, _):
            switch scope[slot] {
            case .row(let alias, let table)?: return Record(table: table, alias: alias, key: keyColumn(alias, table))
            case .record(let record)?: return record
            default: break
            }
        case .forward(let target, let table, let column, let targetTable):
            // The reference column holds the target's key; an empty one is no record (and is
            // not a missing cell of its own: the interpreter records only the columns read).
            let parent = try record(target, scope, level)
            return Record(table: targetTable, alias: nil, key: columnValue(parent, table: table, column: column, level))
        default: break
        }
        throw unsupported("`\(bound.source?.text(of: bound.span) ?? "this record")` as a record", "把 `\(bound.source?.text(of: bound.span) ?? "此记录")` 当作记录", bound)
    }

    func keyColumn(_ alias: String, _ table: Int) -> String {
        let schema = program.schema.tables[table]
        return "\(alias).\(name(schema.columns[schema.keyColumn].name))"
    }

    /// A key compared or ordered as the interpreter orders keys: text by code point.
    func keyOrder(_ expression: String, _ table: Int) -> String {
        let schema = program.schema.tables[table]
        return schema.columns[schema.keyColumn].type == .text ? dialect.byteOrder(expression) : expression
    }

    /// A column of a record: straight from its row, or from the row its reference names (a left
    /// join on the target's key, one per level and reference).
    func columnValue(_ record: Record, table: Int, column: Int, _ level: Level) -> String {
        let schema = program.schema.tables[table]
        if column == schema.keyColumn { return record.key }
        if let alias = record.alias { return "\(alias).\(name(schema.columns[column].name))" }
        let alias = level.lookup("\(table) \(record.key)", name: { "n\(lookupNames.next())" }) { alias in
            "LEFT JOIN \(name(schema.name)) \(alias) ON \(alias).\(name(schema.columns[schema.keyColumn].name)) = \(record.key)"
        }
        return "\(alias).\(name(schema.columns[column].name))"
    }

    /// A row's key as reports show it.
    func keyText(_ key: String, table: Int) -> String {
        let schema = program.schema.tables[table]
        return (try? display(key, schema.columns[schema.keyColumn].type, null: "''")) ?? key
    }

    /// A column read: its value, and the cell named (`hazards H010.deadline`) when it is missing.
    func columnRead(_ record: Record, table: Int, column: Int, _ level: Level) -> Piece {
        let schema = program.schema.tables[table]
        let value = columnValue(record, table: table, column: column, level)
        guard column != schema.keyColumn else { return Piece(value: value, reads: nil) }
        let item = "\(dialect.text(schema.name + " ")) || \(keyText(record.key, table: table)) || \(dialect.text("." + schema.columns[column].name)) || chr(30)"
        let present = record.throughReference ? "\(record.key) IS NOT NULL AND " : ""
        return Piece(value: value, reads: "CASE WHEN \(present)\(value) IS NULL THEN \(item) END")
    }
}
