import Foundation

/// Reads one table from JSON: an array of objects (`T.json`) or one object per line (`T.jsonl`).
/// Values go through the same conversions as CSV cells, so both formats accept the same data.
struct JSONTableReader {
    let table: TableSchema
    let file: String
    let issues: IssueList

    func read(_ data: Data, linesFormat: Bool) -> TableData? {
        let source = LineSource(data)
        var objects: [(line: Int, object: Any)] = []
        if linesFormat {
            let text = String(decoding: data, as: UTF8.self)
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
                if trimmed.isEmpty { continue }
                do {
                    objects.append((index + 1, try JSONSerialization.jsonObject(with: Data(trimmed.utf8), options: [.fragmentsAllowed])))
                } catch {
                    fail(Catalog.badJSON(String(trimmed.prefix(60))), line: index + 1, lineText: String(line))
                }
            }
        } else {
            do {
                guard let array = try JSONSerialization.jsonObject(with: data) as? [Any] else {
                    fail(Catalog.jsonNotArray, line: 1, lineText: source.text(ofLine: 1))
                    return nil
                }
                // Each record is named by the line it starts on, as CSV rows are.
                let lines = JSONTableReader.elementLines(data)
                objects = array.enumerated().map { (lines.indices.contains($0.offset) ? lines[$0.offset] : 1, $0.element) }
            } catch {
                fail(Catalog.badJSON(error.localizedDescription), line: 1, lineText: "")
                return nil
            }
        }
        var builders = table.columns.enumerated().map { index, column in
            ColumnBuilder(type: column.type, capacity: objects.count, isKey: index == table.keyColumn && column.type == .text)
        }
        // Cells are converted from temporary strings: the builders must copy what they remember.
        for index in builders.indices { builders[index].fieldIsStable = false }
        var lines: [Int32] = []
        var bad: Set<Int> = []
        var missingReported: Set<String> = []
        for (line, object) in objects {
            guard let record = object as? [String: Any] else {
                fail(Catalog.jsonNotObject, line: line, lineText: source.text(ofLine: line))
                continue
            }
            let row = lines.count
            for (index, column) in table.columns.enumerated() {
                guard let raw = record[column.name] else {
                    if !missingReported.contains(column.name) {
                        missingReported.insert(column.name)
                        fail(Catalog.missingColumn(column.name, table: table.name), line: line, lineText: source.text(ofLine: line))
                    }
                    _ = builders[index].append(UnsafeBufferPointer(start: nil, count: 0))
                    bad.insert(row)
                    continue
                }
                guard var text = JSONTableReader.cellText(raw) else {
                    // An array or object where a scalar belongs: its text would be Swift's
                    // description of it, data that nobody wrote.
                    bad.insert(row)
                    _ = builders[index].append(UnsafeBufferPointer(start: nil, count: 0))
                    issues.add(DataIssue(reason: .badValue, table: table.index, row: row,
                                         diagnostic: source.diagnostic(Catalog.jsonNotScalar(column: column.name, array: raw is [Any]),
                                                                       file: file, line: line, near: column.name)))
                    continue
                }
                if text.utf8.contains(0) {
                    bad.insert(row)
                    _ = builders[index].append(UnsafeBufferPointer(start: nil, count: 0))
                    issues.add(DataIssue(reason: .nulByte, table: table.index, row: row,
                                         diagnostic: source.diagnostic(Catalog.nulInJSON, file: file, line: line, near: column.name)))
                    continue
                }
                let converted = text.withUTF8 { builders[index].append($0) }
                if !converted {
                    bad.insert(row)
                    issues.add(DataIssue(reason: .badValue, table: table.index, row: row,
                                         diagnostic: source.diagnostic(Catalog.badValue(text, column: column.name,
                                                                                       expected: builders[index].kind == .date && FieldParsing.isAmbiguousDate(text)
                                                                                           ? Catalog.expectedUnambiguousDate : builders[index].expected),
                                                                       file: file, line: line, near: column.name)))
                }
            }
            lines.append(Int32(clamping: line))
        }
        if !missingReported.isEmpty { return nil }
        var columns = builders.map { $0.build() }
        if !bad.isEmpty {
            let keep = (0..<lines.count).filter { !bad.contains($0) }
            columns = columns.map { $0.selecting(keep) }
            lines = keep.map { lines[$0] }
        }
        return TableData(index: table.index, name: table.name, file: file, columns: columns, lines: LineNumbers(lines))
    }

    /// The line each element of a top-level JSON array starts on, found by a scan that skips
    /// strings (with their escapes) and counts brackets. Used only to name records in messages.
    static func elementLines(_ data: Data) -> [Int] {
        var lines: [Int] = []
        var line = 1, depth = 0
        var inString = false, escaped = false, expectingElement = false
        for byte in data {
            if byte == 0x0A { line += 1 }
            if inString {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                continue
            }
            let isBlank = byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
            if expectingElement, !isBlank, byte != 0x5D {
                lines.append(line)
                expectingElement = false
            }
            switch byte {
            case 0x22: inString = true
            case 0x5B, 0x7B:
                depth += 1
                if depth == 1, byte == 0x5B { expectingElement = true }
            case 0x5D, 0x7D: depth -= 1
            case 0x2C where depth == 1: expectingElement = true
            default: break
            }
        }
        return lines
    }

    /// A JSON value as the text of a cell: null is empty (missing); nil for an array or object.
    static func cellText(_ raw: Any) -> String? {
        switch raw {
        case is NSNull: return ""
        case let number as NSNumber:
            // Booleans arrive as NSNumber too; their class name tells them apart.
            if String(describing: type(of: number)).contains("Boolean") { return number.boolValue ? "true" : "false" }
            return number.stringValue
        case let text as String: return text
        default: return nil
        }
    }

    private func fail(_ text: LocalizedText, line: Int, lineText: String) {
        issues.add(DataIssue(reason: .badValue, table: table.index, row: 0,
                             diagnostic: Diagnostic(severity: .error, text: text, file: file, location: SourceLocation(line: line, column: 1),
                                                    lineText: lineText, caretColumn: 1, caretLength: max(1, lineText.count))))
    }
}

/// The text of a JSON file's lines, for messages: a record's line (found once, when the first
/// message needs it) shown with a caret under the column's name where that line holds it.
final class LineSource {
    let data: Data
    private var starts: [Int]?

    init(_ data: Data) { self.data = data }

    func text(ofLine number: Int) -> String {
        guard let range = range(ofLine: number) else { return "" }
        return String(decoding: data[range], as: UTF8.self)
    }

    var lineCount: Int {
        if starts == nil {
            var found = [0]
            for (offset, byte) in data.enumerated() where byte == 0x0A { found.append(offset + 1) }
            starts = found
        }
        return starts?.count ?? 0
    }

    private func range(ofLine number: Int) -> Range<Data.Index>? {
        guard number >= 1, number <= lineCount, let starts else { return nil }
        let start = starts[number - 1]
        var end = number < starts.count ? starts[number] - 1 : data.count
        if end > start, data[data.startIndex + end - 1] == 0x0D { end -= 1 }
        return (data.startIndex + start)..<(data.startIndex + end)
    }

    /// A message about a record's field: on the first line from the record's own that holds the
    /// field's name (a pretty-printed record spans lines), the caret under the name.
    func diagnostic(_ message: LocalizedText, file: String, line: Int, near name: String) -> Diagnostic {
        let needle = "\"\(name)\""
        for candidate in line..<min(line + 200, lineCount + 1) {
            let lineText = text(ofLine: candidate)
            guard let found = lineText.range(of: needle) else { continue }
            let column = lineText.distance(from: lineText.startIndex, to: found.lowerBound) + 1
            return Diagnostic(severity: .error, text: message, hint: nil, file: file, location: SourceLocation(line: candidate, column: column),
                              lineText: lineText, caretColumn: column, caretLength: needle.count)
        }
        let lineText = self.text(ofLine: line)
        return Diagnostic(severity: .error, text: message, hint: nil, file: file, location: SourceLocation(line: line, column: 1),
                          lineText: lineText, caretColumn: 1, caretLength: max(1, lineText.count))
    }
}
