/// Tables: names, typed columns, keys, and references navigable both ways.
extension Checker {
    mutating func declareTables(_ all: [(SourceFile, Declaration)]) {
        var declared: [(TableDecl, SourceFile)] = []
        for case (let source, .table(let decl)) in all {
            if let existing = schema.tableIndex[decl.name.text] {
                let first = schema.tables[existing]
                report(.error, Catalog.duplicate(Catalog.aTable, decl.name.text), at: decl.name.span, in: source,
                       notes: [Diagnostic(.note, Catalog.firstDeclaredHere, at: first.declaration.name.span, in: first.source)])
                continue
            }
            let index = schema.tables.count
            schema.tableIndex[decl.name.text] = index
            schema.tables.append(TableSchema(index: index, name: decl.name.text, declaration: decl, source: source))
            declared.append((decl, source))
        }
        // Columns after all table names are known: a column may reference a table declared later.
        for (decl, source) in declared {
            guard let index = schema.tableIndex[decl.name.text] else { continue }
            declareColumns(decl, table: index, source: source)
        }
        for (decl, source) in declared {
            guard let index = schema.tableIndex[decl.name.text] else { continue }
            declareReferences(decl, table: index, source: source)
        }
    }

    private mutating func declareColumns(_ decl: TableDecl, table: Int, source: SourceFile) {
        var spans: [String: SourceSpan] = [:]
        for column in decl.columns {
            if let first = spans[column.name.text] {
                report(.error, Catalog.duplicate(Catalog.aColumn, column.name.text), at: column.name.span, in: source,
                       notes: [Diagnostic(.note, Catalog.firstDeclaredHere, at: first, in: source)])
                continue
            }
            spans[column.name.text] = column.name.span
            var type = resolveTypeReporting(column.type, in: source)
            if case .record = type {
                // A column typed with a table name is not a value type; references use `->`.
                report(.error, Catalog.unknownType(column.type.name.text), at: column.type.name.span, in: source,
                       hint: LocalizedText("to refer to a row of `\(column.type.name.text)`, write `text -> \(column.type.name.text)`",
                                           zh: "要引用 `\(column.type.name.text)` 的记录,请写 `text -> \(column.type.name.text)`"))
                type = .error
            }
            schema.tables[table].columnIndex[column.name.text] = schema.tables[table].columns.count
            schema.tables[table].columns.append(ColumnSchema(name: column.name.text, type: type, optional: column.type.optional))
        }
        if let key = decl.key {
            if let keyIndex = schema.tables[table].columnIndex[key.text] {
                schema.tables[table].keyColumn = keyIndex
            } else {
                report(.error, Catalog.unknownKey(key.text, table: decl.name.text), at: key.span, in: source,
                       hint: Suggestions.hint(Suggestions.nearest(to: key.text, in: schema.tables[table].columns.map(\.name))))
            }
        }
        if let label = decl.label {
            if let labelIndex = schema.tables[table].columnIndex[label.text] {
                schema.tables[table].labelColumn = labelIndex
            } else {
                report(.error, Catalog.unknownLabel(label.text, table: decl.name.text), at: label.span, in: source,
                       hint: Suggestions.hint(Suggestions.nearest(to: label.text, in: schema.tables[table].columns.map(\.name))))
            }
        }
    }

    /// `enterprise_id: text -> enterprises` gives `h.enterprise` (the column name without `_id`,
    /// or the `as` name) and `e.hazards` (the referencing table's name).
    private mutating func declareReferences(_ decl: TableDecl, table: Int, source: SourceFile) {
        for column in decl.columns {
            guard let reference = column.reference, let columnIndex = schema.tables[table].columnIndex[column.name.text] else { continue }
            guard let target = schema.tableIndex[reference.table.text] else {
                report(.error, Catalog.unknownTable(reference.table.text), at: reference.table.span, in: source,
                       hint: Suggestions.hint(Suggestions.nearest(to: reference.table.text, in: schema.tables.map(\.name))))
                continue
            }
            let targetKey = schema.tables[target].columns.indices.contains(schema.tables[target].keyColumn)
                ? schema.tables[target].columns[schema.tables[target].keyColumn].type : RType.error
            let columnType = schema.tables[table].columns[columnIndex].type
            if !columnType.isUnchecked, !targetKey.isUnchecked, columnType != targetKey {
                report(.error, Catalog.referenceNeedsText(column.name.text), at: column.type.span, in: source)
            }
            schema.tables[table].columns[columnIndex].target = target

            let forwardName = reference.navigation?.text ?? Checker.navigationName(for: column.name.text)
            let forwardSpan = reference.navigation?.span ?? column.name.span
            if forwardName == column.name.text || schema.tables[table].columnIndex[forwardName] != nil
                || schema.tables[table].forward[forwardName] != nil {
                report(.error, Catalog.navigationClash(forwardName, table: decl.name.text), at: forwardSpan, in: source,
                       hint: Catalog.navigationHint)
            } else {
                schema.tables[table].forward[forwardName] = columnIndex
            }

            let reverseName = decl.name.text
            if schema.tables[target].columnIndex[reverseName] != nil || schema.tables[target].forward[reverseName] != nil
                || schema.tables[target].reverse[reverseName] != nil {
                // A second reference from the same table: reach it as `TABLE_by_COLUMN`.
                let alternative = "\(reverseName)_by_\(column.name.text)"
                schema.tables[target].reverse[alternative] = ReverseReference(table: table, column: columnIndex)
            } else {
                schema.tables[target].reverse[reverseName] = ReverseReference(table: table, column: columnIndex)
            }
        }
    }

    /// `enterprise_id` → `enterprise`; `企业编号` → `企业`; otherwise the name itself (a clash).
    static func navigationName(for column: String) -> String {
        for suffix in ["_id", "_ID", "Id", "编号", "ID"] where column.hasSuffix(suffix) && column.count > suffix.count {
            return String(column.dropLast(suffix.count))
        }
        return column
    }
}
