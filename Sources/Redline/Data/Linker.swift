import Foundation

/// After every table is read: checks keys (present, unique), resolves references to row numbers,
/// builds the backward lists (`e.hazards`) in key order. In lenient mode offending rows are dropped,
/// referenced tables first so that row numbers are final before anything points at them.
struct Linker {
    let schema: Schema
    var tables: [TableData]
    /// Per table: the keys were strictly increasing as read (so unique, and in key order).
    var keysIncreasing: [Bool]
    let lenient: Bool
    let issues: IssueList
    private var lineCache: [String: [Substring]] = [:]

    init(schema: Schema, tables: [TableData], keysIncreasing: [Bool], lenient: Bool, issues: IssueList) {
        self.schema = schema
        self.tables = tables
        self.keysIncreasing = keysIncreasing
        self.lenient = lenient
        self.issues = issues
    }

    mutating func link() {
        for table in referencedFirst() {
            var bad = checkKeys(table)
            bad.formUnion(resolveReferences(table))
            if !bad.isEmpty, lenient {
                keysIncreasing[table] = false
                drop(bad, from: table)
                _ = checkKeys(table)
                _ = resolveReferences(table)
            }
        }
        // A strict load with errors is refused: its tables are never read, and they may still
        // hold the rows the errors are about (a missing key, say).
        if !lenient && issues.total > 0 { return }
        for index in tables.indices { orderByKey(index) }
        buildReverseIndexes()
    }

    /// Tables in an order where a referenced table comes before the tables referencing it.
    private func referencedFirst() -> [Int] {
        var order: [Int] = []
        var state = Array(repeating: 0, count: tables.count)
        func visit(_ t: Int) {
            guard state[t] == 0 else { return }
            state[t] = 1
            for column in schema.tables[t].columns { if let target = column.target, target != t { visit(target) } }
            state[t] = 2
            order.append(t)
        }
        for t in tables.indices { visit(t) }
        return order
    }

    // MARK: Keys

    /// Finds missing and duplicate keys; fills `rowByKeyId` for text keys. Returns offending rows.
    private mutating func checkKeys(_ t: Int) -> Set<Int> {
        let table = tables[t]
        let keyColumn = schema.tables[t].keyColumn
        let keyName = schema.tables[t].columns[keyColumn].name
        var bad: Set<Int> = []
        switch table.columns[keyColumn] {
        case .text(let ids, let original):
            // Keys read in increasing order are unique; otherwise equal keys are found through the
            // pool's index, which finds the first row with the same bytes.
            let pool = keysIncreasing[t] ? original : indexedKeyPool(t)
            var first = [Int32](repeating: -1, count: pool.count)
            for row in 0..<table.rowCount {
                let id = ids[row]
                if id < 0 {
                    bad.insert(row)
                    report(.missingKey, t, row, Catalog.missingKey(keyName), value: nil)
                    continue
                }
                let canonical = keysIncreasing[t] ? id : (pool.storage.withBytes(id) { pool.storage.lookup($0) } ?? id)
                if first[Int(canonical)] >= 0 {
                    bad.insert(row)
                    let firstLine = Int(table.lines[Int(first[Int(canonical)])])
                    report(.duplicateKey, t, row, Catalog.duplicateKey(pool.string(id), column: keyName, firstLine: firstLine), value: pool.string(id))
                } else {
                    first[Int(canonical)] = Int32(row)
                }
            }
            tables[t].rowByKeyId = first
        default:
            var seen: [Value: Int] = [:]
            for row in 0..<table.rowCount {
                let key = table.columns[keyColumn].value(row)
                if key.isMissing {
                    bad.insert(row)
                    report(.missingKey, t, row, Catalog.missingKey(keyName), value: nil)
                } else if let firstRow = seen[key] {
                    bad.insert(row)
                    report(.duplicateKey, t, row, Catalog.duplicateKey(key.display, column: keyName, firstLine: Int(table.lines[firstRow])),
                           value: key.display)
                } else {
                    seen[key] = row
                }
            }
        }
        return bad
    }

    /// The key column's pool with a hash index (built here if the loader did not).
    private mutating func indexedKeyPool(_ t: Int) -> TextPool {
        let keyColumn = schema.tables[t].keyColumn
        guard case .text(let ids, let pool) = tables[t].columns[keyColumn] else { return TextPool(TextInterner(deduplicate: true)) }
        if pool.storage.isIndexed { return pool }
        var storage = pool.storage
        storage.buildIndex()
        let indexed = TextPool(storage)
        tables[t].columns[keyColumn] = .text(ids, indexed)
        return indexed
    }

    // MARK: References

    private mutating func resolveReferences(_ t: Int) -> Set<Int> {
        var bad: Set<Int> = []
        for (c, column) in schema.tables[t].columns.enumerated() {
            guard let target = column.target else { continue }
            if case .reference(let rows, _) = tables[t].columns[c] {
                // Resolved while the file was read.
                tables[t].forward[c] = rows
                continue
            }
            if case .text = tables[target].columns[schema.tables[target].keyColumn] { _ = indexedKeyPool(target) }
            let targetTable = tables[target]
            let targetKey = schema.tables[target].keyColumn
            var rows = [Int32](repeating: -1, count: tables[t].rowCount)
            switch (tables[t].columns[c], targetTable.columns[targetKey]) {
            case (.text(let ids, let pool), .text(_, let targetPool)):
                // Resolve each distinct value once, then map every row through that table.
                var resolved = [Int32](repeating: -2, count: pool.count)
                for row in 0..<rows.count {
                    let id = ids[row]
                    if id < 0 { continue }
                    var targetRow = resolved[Int(id)]
                    if targetRow == -2 {
                        targetRow = -1
                        if let keyId = targetPool.lookup(pool.string(id)), Int(keyId) < targetTable.rowByKeyId.count {
                            targetRow = targetTable.rowByKeyId[Int(keyId)]
                        }
                        resolved[Int(id)] = targetRow
                    }
                    if targetRow < 0 {
                        bad.insert(row)
                        report(.unknownReference, t, row, Catalog.unknownReference(pool.string(id), column: column.name, table: targetTable.name),
                               value: pool.string(id))
                    }
                    rows[row] = targetRow
                }
            default:
                var index: [Value: Int32] = [:]
                for row in 0..<targetTable.rowCount { index[targetTable.columns[targetKey].value(row)] = Int32(row) }
                for row in 0..<rows.count {
                    let value = tables[t].columns[c].value(row)
                    if value.isMissing { continue }
                    if let targetRow = index[value] {
                        rows[row] = targetRow
                    } else {
                        bad.insert(row)
                        report(.unknownReference, t, row, Catalog.unknownReference(value.display, column: column.name, table: targetTable.name),
                               value: value.display)
                    }
                }
            }
            tables[t].forward[c] = rows
        }
        return bad
    }

    private mutating func drop(_ rows: Set<Int>, from t: Int) {
        let old = tables[t]
        let keep = (0..<old.rowCount).filter { !rows.contains($0) }
        tables[t] = TableData(index: old.index, name: old.name, file: old.file, columns: old.columns.map { $0.selecting(keep) },
                              lines: old.lines.selecting(keep))
    }

    // MARK: Order and backward lists

    /// Evidence and reports list rows in key order; files usually are in key order already,
    /// which one pass confirms without sorting.
    private mutating func orderByKey(_ t: Int) {
        if keysIncreasing[t] { return }
        let table = tables[t]
        let keyColumn = table.columns[schema.tables[t].keyColumn]
        let less: (Int32, Int32) -> Bool
        switch keyColumn {
        case .text(let ids, let pool):
            less = { a, b in
                let x = ids[Int(a)], y = ids[Int(b)]
                // A missing key (only in rows a lenient load has not dropped) sorts first.
                if x < 0 || y < 0 { return x < 0 && y >= 0 }
                return pool.compare(x, y) < 0
            }
        case .int(let values, _):
            less = { a, b in values[Int(a)] < values[Int(b)] }
        default:
            less = { a, b in
                (try? Operations.ordering(keyColumn.value(Int(a)), keyColumn.value(Int(b)), .none, nil)) ?? 0 < 0
            }
        }
        var sorted = true
        if table.rowCount > 1 {
            for row in 1..<table.rowCount where less(Int32(row), Int32(row - 1)) { sorted = false; break }
        }
        if !sorted {
            tables[t].keyOrder = (0..<Int32(table.rowCount)).sorted(by: less)
        }
    }

    /// Every backward reference's lists, built side by side (each is independent of the others).
    private mutating func buildReverseIndexes() {
        var pairs: [(table: Int, column: Int, target: Int)] = []
        for t in tables.indices {
            for (c, column) in schema.tables[t].columns.enumerated() {
                if let target = column.target, tables[t].forward[c] != nil { pairs.append((t, c, target)) }
            }
        }
        let built = ParallelSlots<ReverseIndex>(count: pairs.count)
        let tables = self.tables, work = pairs
        DispatchQueue.concurrentPerform(iterations: work.count) { index in
            let (t, c, target) = work[index]
            guard let forward = tables[t].forward[c] else { return }
            built.set(index, Linker.reverseIndex(forward, order: tables[t].keyOrder, targetCount: tables[target].rowCount))
        }
        for (index, pair) in pairs.enumerated() {
            if let reverse = built.take(index) { tables[pair.target].reverse[ReverseReference(table: pair.table, column: pair.column)] = reverse }
        }
    }

    /// For each target row, the rows that reference it, in the referencing table's key order.
    private static func reverseIndex(_ forward: [Int32], order: [Int32]?, targetCount: Int) -> ReverseIndex {
        // Built straight into the memory the evaluation reads (`RowBlock`), by counting: rows
        // per target, their running sum, then each row placed after the ones before it.
        let offsets = UnsafeMutablePointer<Int32>.allocate(capacity: targetCount + 1)
        offsets.initialize(repeating: 0, count: targetCount + 1)
        forward.withUnsafeBufferPointer { forward in
            for targetRow in forward where targetRow >= 0 && Int(targetRow) < targetCount { offsets[Int(targetRow) + 1] += 1 }
        }
        for i in 0..<targetCount { offsets[i + 1] += offsets[i] }
        let total = Int(offsets[targetCount])
        let rows = UnsafeMutablePointer<Int32>.allocate(capacity: max(total, 1))
        rows.initialize(repeating: 0, count: max(total, 1))
        let fill = UnsafeMutablePointer<Int32>.allocate(capacity: targetCount + 1)
        fill.initialize(from: offsets, count: targetCount + 1)
        defer { fill.deallocate() }
        forward.withUnsafeBufferPointer { forward in
            for position in 0..<forward.count {
                let row = order.map { Int($0[position]) } ?? position
                let targetRow = forward[row]
                if targetRow < 0 || Int(targetRow) >= targetCount { continue }
                rows[Int(fill[Int(targetRow)])] = Int32(row)
                fill[Int(targetRow)] += 1
            }
        }
        return ReverseIndex(RowBlock(offsets: offsets, offsetCount: targetCount + 1, rows: rows, rowCount: total))
    }

    // MARK: Reporting

    private mutating func report(_ reason: DataIssue.Reason, _ t: Int, _ row: Int, _ text: LocalizedText, value: String?) {
        guard issues.wantsMore else { issues.count(reason); return }
        let table = tables[t]
        let line = Int(table.lines[row])
        let lineText = sourceLine(table.file, line)
        var column = 1
        var length = max(1, lineText.count)
        if let value, !value.isEmpty, let range = lineText.range(of: value) {
            column = lineText.distance(from: lineText.startIndex, to: range.lowerBound) + 1
            length = value.count
        }
        issues.add(DataIssue(reason: reason, table: t, row: row,
                             diagnostic: Diagnostic(severity: .error, text: text, file: table.file,
                                                    location: SourceLocation(line: line, column: column),
                                                    lineText: lineText, caretColumn: column, caretLength: length)))
    }

    /// A line of a data file, read again only to show it in an error.
    private mutating func sourceLine(_ path: String, _ line: Int) -> String {
        if lineCache[path] == nil {
            let data = FileManager.default.contents(atPath: path) ?? Data()
            // Bytes that are neither UTF-8 nor GB18030 (possible in columns a load did not read)
            // show as replacement characters rather than hide the whole line.
            let text = TextEncoding.decode(data).map { String(decoding: $0.bytes, as: UTF8.self) } ?? String(decoding: data, as: UTF8.self)
            lineCache[path] = text.split(separator: "\n", omittingEmptySubsequences: false)
        }
        guard let lines = lineCache[path], line >= 1, line <= lines.count else { return "" }
        return String(lines[line - 1]).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
    }
}
