import Foundation

/// Reads one table from CSV bytes as real tools write them: RFC 4180 quoting (commas, quotes and
/// line breaks inside quoted fields), CRLF or LF, a header row naming the columns.
///
/// It works on the bytes directly: field spans are found by a byte loop and converted straight into
/// typed columns, so no String is made per cell.
struct CSVTableReader {
    let table: TableSchema
    let file: String
    let lenient: Bool
    var issues: IssueList

    init(table: TableSchema, file: String, lenient: Bool, issues: IssueList) {
        self.table = table
        self.file = file
        self.lenient = lenient
        self.issues = issues
    }

    /// A field's place in the buffer; `escaped` when it holds `""` that must become `"`.
    struct Field {
        var start = 0
        var end = 0
        var escaped = false
    }

    /// Parses `bytes` (UTF-8, no BOM). Returns the table, or nil when the header is unusable.
    mutating func read(_ bytes: UnsafeBufferPointer<UInt8>) -> TableData? {
        var position = 0
        var line = 1
        var fields: [Field] = []
        // Header.
        guard let headerCount = nextRecord(bytes, &position, &line, into: &fields), headerCount > 0 else {
            report(.missingKey, row: 0, Diagnostic(severity: .error, text: Catalog.missingColumn(table.columns.first?.name ?? "?", table: table.name),
                                                   file: file, location: SourceLocation(line: 1, column: 1), lineText: "", caretColumn: 1, caretLength: 1))
            return nil
        }
        var header: [String: Int] = [:]
        for index in 0..<headerCount {
            let name = text(bytes, fields[index]).trimmingCharacters(in: .whitespaces)
            if header[name] == nil { header[name] = index }
        }
        var sourceIndex: [Int] = []
        var missingColumns = false
        for column in table.columns {
            if let index = header[column.name] {
                sourceIndex.append(index)
            } else {
                missingColumns = true
                let headerLine = lineText(bytes, lineStart: 0)
                let hint = Suggestions.hint(Suggestions.nearest(to: column.name, in: header.keys))
                issues.add(DataIssue(reason: .badValue, table: table.index, row: 0,
                                     diagnostic: Diagnostic(severity: .error, text: Catalog.missingColumn(column.name, table: table.name), hint: hint,
                                                            file: file, location: SourceLocation(line: 1, column: 1), lineText: headerLine,
                                                            caretColumn: 1, caretLength: max(1, headerLine.count))))
            }
        }
        if missingColumns { return nil }

        // A guess at the row count from the file size keeps the arrays from regrowing.
        let estimate = max(16, bytes.count / max(16, position))
        var builders = table.columns.map { ColumnBuilder(type: $0.type, capacity: estimate) }
        var lines: [Int32] = []
        lines.reserveCapacity(estimate)
        var badRows: [Int] = []
        var scratch: [UInt8] = []
        var row = 0
        while position < bytes.count {
            let recordStart = position
            let recordLine = line
            guard let count = nextRecord(bytes, &position, &line, into: &fields) else { break }
            if count == 1, fields[0].start == fields[0].end, !fields[0].escaped { continue } // blank line
            if count != headerCount {
                issues.add(DataIssue(reason: .raggedRow, table: table.index, row: row,
                                     diagnostic: Diagnostic(severity: .error, text: Catalog.raggedRow(count, header: headerCount), hint: Catalog.raggedHint,
                                                            file: file, location: SourceLocation(line: recordLine, column: 1),
                                                            lineText: lineText(bytes, lineStart: recordStart), caretColumn: 1,
                                                            caretLength: max(1, lineText(bytes, lineStart: recordStart).count))))
                continue
            }
            var rowIsBad = false
            for (columnIndex, fileIndex) in sourceIndex.enumerated() {
                let field = fields[fileIndex]
                let converted: Bool
                if field.escaped {
                    unescape(bytes, field, into: &scratch)
                    converted = scratch.withUnsafeBufferPointer { builders[columnIndex].append($0) }
                } else {
                    converted = builders[columnIndex].append(UnsafeBufferPointer(rebasing: bytes[field.start..<field.end]))
                }
                if !converted {
                    rowIsBad = true
                    reportBadValue(bytes, field: field, recordStart: recordStart, line: recordLine, row: lines.count,
                                   column: table.columns[columnIndex].name, expected: builders[columnIndex].expected)
                }
            }
            if rowIsBad { badRows.append(lines.count) }
            lines.append(Int32(clamping: recordLine))
            row += 1
        }
        var columns = builders.map { $0.build() }
        var kept = lines
        if !badRows.isEmpty {
            // Rows with bad values are dropped (lenient) or the load fails anyway (strict).
            let bad = Set(badRows)
            let keep = (0..<lines.count).filter { !bad.contains($0) }
            columns = columns.map { $0.selecting(keep) }
            kept = keep.map { lines[$0] }
        }
        return TableData(index: table.index, name: table.name, file: file, columns: columns, lines: kept)
    }

    /// Scans one record starting at `position`; fills `fields` and returns how many, or nil at the end.
    @inline(__always)
    private func nextRecord(_ bytes: UnsafeBufferPointer<UInt8>, _ position: inout Int, _ line: inout Int,
                            into fields: inout [Field]) -> Int? {
        let n = bytes.count
        guard position < n else { return nil }
        var count = 0
        var i = position
        while true {
            var field = Field()
            if i < n, bytes[i] == 0x22 { // quoted
                i += 1
                field.start = i
                while i < n {
                    let byte = bytes[i]
                    if byte == 0x22 {
                        if i + 1 < n, bytes[i + 1] == 0x22 { field.escaped = true; i += 2; continue }
                        break
                    }
                    if byte == 0x0A { line += 1 }
                    i += 1
                }
                field.end = i
                if i < n { i += 1 } // closing quote
                // Anything between the closing quote and the delimiter is kept out of the value.
                while i < n, bytes[i] != 0x2C, bytes[i] != 0x0A, bytes[i] != 0x0D { i += 1 }
                if field.start == field.end { field.escaped = true } // `""`: present but empty
            } else {
                field.start = i
                while i < n {
                    let byte = bytes[i]
                    if byte == 0x2C || byte == 0x0A || byte == 0x0D { break }
                    i += 1
                }
                field.end = i
            }
            if count < fields.count { fields[count] = field } else { fields.append(field) }
            count += 1
            if i < n, bytes[i] == 0x2C { i += 1; continue }
            // End of record: CRLF, LF, lone CR, or end of input.
            if i < n, bytes[i] == 0x0D { i += 1 }
            if i < n, bytes[i] == 0x0A { i += 1 }
            line += 1
            break
        }
        position = i
        return count
    }

    private func unescape(_ bytes: UnsafeBufferPointer<UInt8>, _ field: Field, into scratch: inout [UInt8]) {
        scratch.removeAll(keepingCapacity: true)
        var i = field.start
        while i < field.end {
            scratch.append(bytes[i])
            if bytes[i] == 0x22, i + 1 < field.end, bytes[i + 1] == 0x22 { i += 2 } else { i += 1 }
        }
    }

    private func text(_ bytes: UnsafeBufferPointer<UInt8>, _ field: Field) -> String {
        var scratch: [UInt8] = []
        if field.escaped {
            unescape(bytes, field, into: &scratch)
            return String(decoding: scratch, as: UTF8.self)
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[field.start..<field.end]), as: UTF8.self)
    }

    /// The physical line starting at `lineStart`, without its line break.
    private func lineText(_ bytes: UnsafeBufferPointer<UInt8>, lineStart: Int) -> String {
        var end = lineStart
        while end < bytes.count, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<end]), as: UTF8.self)
    }

    private mutating func reportBadValue(_ bytes: UnsafeBufferPointer<UInt8>, field: Field, recordStart: Int, line: Int, row: Int,
                                         column: String, expected: LocalizedText) {
        guard issues.wantsMore else { issues.count(.badValue); return }
        // The field's line and column within the record's first physical line.
        let prefix = String(decoding: UnsafeBufferPointer(rebasing: bytes[recordStart..<field.start]), as: UTF8.self)
        let lineText = lineText(bytes, lineStart: recordStart)
        let value = text(bytes, field)
        issues.add(DataIssue(reason: .badValue, table: table.index, row: row,
                             diagnostic: Diagnostic(severity: .error, text: Catalog.badValue(value, column: column, expected: expected),
                                                    file: file, location: SourceLocation(line: line, column: prefix.count + 1),
                                                    lineText: lineText, caretColumn: prefix.count + 1, caretLength: max(1, value.count))))
    }

    private mutating func report(_ reason: DataIssue.Reason, row: Int, _ diagnostic: Diagnostic) {
        issues.add(DataIssue(reason: reason, table: table.index, row: row, diagnostic: diagnostic))
    }
}

/// Data problems found while loading: all are counted by reason, the first `limit` are kept.
final class IssueList: @unchecked Sendable {
    let limit: Int
    private let lock = NSLock()
    private(set) var kept: [DataIssue] = []
    private(set) var counts: [DataIssue.Reason: Int] = [:]

    init(limit: Int) { self.limit = limit }

    var total: Int { lock.lock(); defer { lock.unlock() }; return counts.values.reduce(0, +) }
    var wantsMore: Bool { lock.lock(); defer { lock.unlock() }; return kept.count < limit }

    func add(_ issue: DataIssue) {
        lock.lock(); defer { lock.unlock() }
        counts[issue.reason, default: 0] += 1
        if kept.count < limit { kept.append(issue) }
    }

    func count(_ reason: DataIssue.Reason) {
        lock.lock(); defer { lock.unlock() }
        counts[reason, default: 0] += 1
    }
}
