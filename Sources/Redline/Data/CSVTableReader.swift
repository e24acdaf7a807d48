import Foundation

/// Reads one table from CSV bytes as real tools write them: RFC 4180 quoting (commas, quotes and
/// line breaks inside quoted fields), CRLF or LF, a header row naming the columns.
///
/// It works on the bytes directly: field spans are found by a byte loop and converted straight into
/// typed columns, so no String is made per cell. A large file without quotes is cut at line breaks
/// into chunks parsed on all cores, then joined in order.
struct CSVTableReader {
    let table: TableSchema
    let file: String
    let targets: [Int: ColumnBuilder.ReferenceTarget]
    /// Declared text columns that no rule reads, when loading only what the rules read: their
    /// fields are delimited (a ragged row is still found) but not converted or stored. Text has
    /// no bad values, so skipping them changes no outcome.
    var unread: Set<Int> = []

    /// Bytes per chunk before a file is split for parallel parsing.
    static let chunkBytes = 4 << 20

    /// A field's place in the buffer; `escaped` when it holds `""` that must become `"`.
    struct Field {
        var start = 0
        var end = 0
        var escaped = false
    }

    /// How a record's quoting went wrong: where (a byte offset), and how.
    struct QuoteProblem {
        var offset: Int
        var unclosed: Bool
    }

    /// The header: which file column holds each declared column.
    struct Layout {
        let fieldCount: Int
        let sourceIndex: [Int]
        let dataStart: Int
        let dataLine: Int
    }

    /// A problem found in a chunk, with its line counted from the chunk's start until the chunks
    /// are joined.
    struct PendingIssue {
        let reason: DataIssue.Reason
        let row: Int
        let relativeLine: Int
        let text: LocalizedText
        let hint: LocalizedText?
        let lineText: String
        let column: Int
        let length: Int
    }

    /// A chunk's rows' lines, counted from the chunk's first line: only counted while row r is
    /// on line r (one line per record, no blank line), listed from the first row that is not.
    struct ChunkLines {
        private(set) var count = 0
        private(set) var listed: [Int32]? = nil

        /// Whether row r is on line r for every row.
        var consecutive: Bool { listed == nil }

        @inline(__always)
        mutating func append(_ line: Int) {
            if listed == nil, line == count {
                count += 1
                return
            }
            var list = listed ?? (0..<count).map { Int32(truncatingIfNeeded: $0) }
            listed = nil
            list.append(Int32(clamping: line))
            listed = list
            count += 1
        }

        subscript(row: Int) -> Int32 { listed?[row] ?? Int32(truncatingIfNeeded: row) }
    }

    /// One parsed chunk.
    struct Chunk {
        var builders: [ColumnBuilder]
        var lines = ChunkLines()
        var badRows: [Int] = []
        var issues: [PendingIssue] = []
        var issueCounts: [DataIssue.Reason: Int] = [:]
        var newlines = 0
        /// Keys of rows skipped as ragged: references to them are not reported again.
        var skippedKeys: [String] = []
        /// Some text was not valid UTF-8: the whole file is read again as GB18030.
        var invalidUTF8 = false
    }

    func readLayout(_ bytes: UnsafeBufferPointer<UInt8>, issues: IssueList) -> Layout? {
        var position = 0, line = 1
        let capacity = 4096
        let fields = UnsafeMutablePointer<Field>.allocate(capacity: capacity)
        fields.initialize(repeating: Field(), count: capacity)
        defer { fields.deallocate() }
        let headerText = lineText(bytes, lineStart: 0)
        var headerEnd = 0
        while headerEnd < bytes.count, bytes[headerEnd] != 0x0A { headerEnd += 1 }
        guard TextEncoding.isValidUTF8(UnsafeBufferPointer(rebasing: bytes[0..<headerEnd])) else { return nil }
        var headerQuoting: QuoteProblem? = nil
        let headerCount = CSVTableReader.nextRecord(bytes, &position, &line, into: fields, capacity: capacity, problem: &headerQuoting)
        if let headerCount, headerCount > capacity {
            issues.add(DataIssue(reason: .badValue, table: table.index, row: 0,
                                 diagnostic: Diagnostic(severity: .error, text: Catalog.tooManyColumns(headerCount, limit: capacity), hint: nil,
                                                        file: file, location: SourceLocation(line: 1, column: 1), lineText: headerText,
                                                        caretColumn: 1, caretLength: 1)))
            return nil
        }
        guard let count = headerCount, count > 0 else {
            issues.add(DataIssue(reason: .badValue, table: table.index, row: 0,
                                 diagnostic: Diagnostic(.error, Catalog.missingColumn(table.columns.first?.name ?? "?", table: table.name), file: file, line: 1)))
            return nil
        }
        var header: [String: Int] = [:]
        var duplicated = false
        for index in 0..<count {
            let name = text(bytes, fields[index]).trimmingCharacters(in: .whitespaces)
            if let first = header[name] {
                // Which of the two holds the column is anyone's guess: a declared column must be named once.
                guard table.columnIndex[name] != nil else { continue }
                duplicated = true
                issues.add(DataIssue(reason: .badValue, table: table.index, row: 0,
                                     diagnostic: Diagnostic(severity: .error, text: Catalog.duplicateHeader(name, first: first + 1, second: index + 1),
                                                            hint: nil, file: file, location: SourceLocation(line: 1, column: 1), lineText: headerText,
                                                            caretColumn: 1, caretLength: max(1, headerText.count))))
            } else {
                header[name] = index
            }
        }
        if duplicated { return nil }
        var sourceIndex: [Int] = []
        for column in table.columns {
            if let index = header[column.name] {
                sourceIndex.append(index)
            } else {
                issues.add(DataIssue(reason: .badValue, table: table.index, row: 0,
                                     diagnostic: Diagnostic(severity: .error, text: Catalog.missingColumn(column.name, table: table.name),
                                                            hint: Suggestions.hint(Suggestions.nearest(to: column.name, in: header.keys)),
                                                            file: file, location: SourceLocation(line: 1, column: 1), lineText: headerText,
                                                            caretColumn: 1, caretLength: max(1, headerText.count))))
            }
        }
        guard sourceIndex.count == table.columns.count else { return nil }
        return Layout(fieldCount: count, sourceIndex: sourceIndex, dataStart: position, dataLine: line)
    }

    /// A piece of the data parsed on its own, and whether it holds no quote (its delimiters are
    /// then found by `DelimiterScanner`).
    struct ChunkRange {
        let range: Range<Int>
        let quoteFree: Bool
    }

    /// Where to cut the data into chunks: after line breaks outside quoted fields. In a file with
    /// quotes a line break is outside a quoted field when the quotes before it are even in number
    /// (a quote inside a quoted field is doubled); they are counted on all cores. A quote inside
    /// an unquoted field (`12"`, read as it is) upsets that count: then some chunk ends inside
    /// a quoted field as it reads it, reports the quote never closed, and the caller reads the
    /// data again as one chunk (`CSVLoading`), so that no cut is ever made inside a record.
    func chunkRanges(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> [ChunkRange] {
        let size = bytes.count - start
        let quoted = CSVTableReader.contains(0x22, in: UnsafeBufferPointer(rebasing: bytes[start...]))
        guard size > CSVTableReader.chunkBytes else { return [ChunkRange(range: start..<bytes.count, quoteFree: !quoted)] }
        let count = min(size / CSVTableReader.chunkBytes, 256)
        let nominal = (0...count).map { start + size * $0 / count }
        // Whether each nominal point lies inside quotes: the parity of the quotes before it.
        var inQuotes = Array(repeating: false, count: count)
        if quoted {
            let quotes = ParallelSlots<Int>(count: count)
            let shared = SharedBytes(bytes)
            DispatchQueue.concurrentPerform(iterations: count) { piece in
                quotes.set(piece, DelimiterScanner.quotes(in: UnsafeBufferPointer(rebasing: shared.bytes[nominal[piece]..<nominal[piece + 1]])))
            }
            var odd = false
            for piece in 0..<count {
                inQuotes[piece] = odd
                if (quotes.get(piece) ?? 0) % 2 == 1 { odd.toggle() }
            }
        }
        var cuts = [start]
        for k in 1..<count {
            // The first line break at or after the point (outside quotes), and the cut after it;
            // none if there is no such break before the next point (every byte is looked at
            // once: a file that is one long line or one open quote is one chunk, not a scan per
            // point to its end).
            var p = nominal[k]
            var inside = inQuotes[k]
            var found = false
            while p < nominal[k + 1] {
                let byte = bytes[p]
                p += 1
                if byte == 0x22 { inside.toggle() } else if byte == 0x0A, !inside { found = true; break }
            }
            if found, p > cuts[cuts.count - 1], p < bytes.count { cuts.append(p) }
        }
        cuts.append(bytes.count)
        return (0..<(cuts.count - 1)).map { k in
            let range = cuts[k]..<cuts[k + 1]
            let free = !quoted || bytes.baseAddress.map { memchr($0 + range.lowerBound, 0x22, range.count) == nil } ?? true
            return ChunkRange(range: range, quoteFree: free)
        }
    }

    /// Whether a byte occurs in a buffer, looked for on all cores (a large file is scanned for
    /// quotes before it is cut, and one core alone would keep the others waiting).
    static func contains(_ byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count > 0 else { return false }
        let pieces = bytes.count < 1 << 22 ? 1 : 16
        let found = ParallelSlots<Bool>(count: pieces)
        let shared = SharedBytes(bytes)
        DispatchQueue.concurrentPerform(iterations: pieces) { piece in
            guard let base = shared.bytes.baseAddress else { return }
            let from = shared.bytes.count * piece / pieces, to = shared.bytes.count * (piece + 1) / pieces
            found.set(piece, memchr(base + from, Int32(byte), to - from) != nil)
        }
        return (0..<pieces).contains { found.get($0) == true }
    }

    func newBuilders(capacity: Int) -> [ColumnBuilder] {
        table.columns.enumerated().map { index, column in
            ColumnBuilder(type: column.type, capacity: unread.contains(index) ? 0 : capacity,
                          isKey: index == table.keyColumn && column.type == .text, target: targets[index])
        }
    }

    /// Parses the records of one chunk. References are resolved after the chunk is parsed, in
    /// batches whose cache misses overlap (`ColumnBuilder.resolveDeferred`); if one names no
    /// row, the chunk is read again resolving each reference as it comes, which reports it
    /// where it is, in order with the chunk's other messages.
    /// `quoteFree`: the chunk holds no `"` (its delimiters are then found by `DelimiterScanner`).
    func readChunk(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, layout: Layout, maxIssues: Int, quoteFree: Bool) -> Chunk {
        var chunk = readChunk(bytes, range, layout: layout, maxIssues: maxIssues, quoteFree: quoteFree, deferReferences: true)
        var resolved = true
        for index in chunk.builders.indices where !chunk.builders[index].resolveDeferred() { resolved = false }
        if !resolved { chunk = readChunk(bytes, range, layout: layout, maxIssues: maxIssues, quoteFree: quoteFree, deferReferences: false) }
        return chunk
    }

    private func readChunk(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, layout: Layout, maxIssues: Int,
                           quoteFree: Bool, deferReferences: Bool) -> Chunk {
        // Rows expected, from the line density of the chunk's first 64 KB (so arrays grow once).
        let sampleEnd = min(range.upperBound, range.lowerBound + 65536)
        var sampleLines = 1
        for index in range.lowerBound..<sampleEnd where bytes[index] == 0x0A { sampleLines += 1 }
        let estimate = max(16, range.count * sampleLines / max(1, sampleEnd - range.lowerBound) + 64)
        var chunk = Chunk(builders: [])
        var builders = newBuilders(capacity: estimate)
        if deferReferences { for index in builders.indices { builders[index].defersReferences = true } }
        let slice = UnsafeBufferPointer(rebasing: bytes[..<range.upperBound])
        var position = range.lowerBound
        var line = 0
        let capacity = max(64, layout.fieldCount + 8)
        let fields = UnsafeMutablePointer<Field>.allocate(capacity: capacity)
        fields.initialize(repeating: Field(), count: capacity)
        defer { fields.deallocate() }
        var scratch: [UInt8] = []
        let sourceIndex = layout.sourceIndex
        let keyField = sourceIndex[table.keyColumn]
        let skipped = sourceIndex.indices.map { unread.contains($0) }
        // A NUL byte is rare and never valid in a value: rows are looked at one by one for it
        // only in a chunk that holds one.
        let hasNUL = range.count > 0 && bytes.baseAddress.map { memchr($0 + range.lowerBound, 0, range.count) != nil } ?? false
        // Rows are cut into fields one by one, then converted a column at a time, a batch of
        // rows at once: each column's kind is looked at once per batch instead of once per cell,
        // and its loop does one kind of work (the conversions are the same).
        let columns = sourceIndex.count
        let batch = Batch(rows: CSVTableReader.batchRows, columns: columns)
        var failures: [(row: Int, skippedRow: Bool)] = []
        var badInBatch: [(row: Int, column: Int, skippedRow: Bool)] = []
        builders.withUnsafeMutableBufferPointer { builders in
            /// Converts the batch's `count` rows, the first of them the chunk's row `batchFirstRow`;
            /// false when a field shows the file is not UTF-8. What the row loop changes (the
            /// chunk, the batch's count) is passed, not captured: a variable a local function
            /// captures is boxed, and checked for exclusive access at every row.
            func convertBatch(_ count: Int, _ batchFirstRow: Int, _ chunk: inout Chunk) -> Bool {
                guard count > 0 else { return true }
                badInBatch.removeAll(keepingCapacity: true)
                for column in 0..<columns {
                    let columnFields = batch.fields + column * batch.rowCapacity
                    if skipped[column] {
                        // Not stored, but a file is in one encoding whatever the rules read: its
                        // bytes are checked here.
                        for row in 0..<count {
                            let field = columnFields[row]
                            if !TextEncoding.isValidUTF8(UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])) { return false }
                        }
                        continue
                    }
                    failures.removeAll(keepingCapacity: true)
                    builders[column].appendColumn(bytes, columnFields, count: count, scratch: &scratch, failures: &failures)
                    for failure in failures { badInBatch.append((failure.row, column, failure.skippedRow)) }
                }
                guard !badInBatch.isEmpty else { return true }
                // Reported row by row, each row's columns in order, as the file reads.
                badInBatch.sort { ($0.row, $0.column) < ($1.row, $1.column) }
                for bad in badInBatch {
                    let field = batch.fields[bad.column * batch.rowCapacity + bad.row]
                    let row = batchFirstRow + bad.row
                    if bad.skippedRow {
                        chunk.issueCounts[.skippedReference, default: 0] += 1
                    } else if !TextEncoding.isValidUTF8(UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])) {
                        return false
                    } else {
                        badValue(&chunk, bytes, field: field, builder: builders[bad.column], row: row, recordStart: batch.recordStarts[bad.row],
                                 line: batch.recordLines[bad.row], columnIndex: bad.column, maxIssues: maxIssues)
                    }
                    if chunk.badRows.last != row { chunk.badRows.append(row) }
                }
                return true
            }
            // The batch's row count and first row: locals of the loop, neither the class's nor
            // captured (either would be checked for exclusive access at every row).
            var batchCount = 0, batchFirstRow = 0
            var scanner = DelimiterScanner(slice)
            while position < range.upperBound {
                let recordStart = position
                let recordLine = line
                var quoting: QuoteProblem? = nil
                let next = quoteFree
                    ? CSVTableReader.nextUnquotedRecord(slice, &position, &line, into: fields, capacity: capacity, scanner: &scanner)
                    : CSVTableReader.nextRecord(slice, &position, &line, into: fields, capacity: capacity, problem: &quoting)
                guard let count = next else { break }
                let holdsNUL = hasNUL && bytes.baseAddress.map { memchr($0 + recordStart, 0, position - recordStart) != nil } ?? false
                let blank = count == 1 && fields[0].start == fields[0].end && !fields[0].escaped
                if quoting == nil, count == layout.fieldCount, !holdsNUL, !blank {
                    // Gathered for the batch; its line is kept now, its cells converted with the batch.
                    let row = batchCount
                    if row == 0 { batchFirstRow = chunk.lines.count }
                    for column in 0..<columns { batch.fields[column * batch.rowCapacity + row] = fields[sourceIndex[column]] }
                    batch.recordStarts[row] = recordStart
                    batch.recordLines[row] = recordLine
                    batchCount = row + 1
                    chunk.lines.append(recordLine)
                    if batchCount == batch.rowCapacity {
                        let converted = convertBatch(batchCount, batchFirstRow, &chunk)
                        batchCount = 0
                        if !converted { chunk.invalidUTF8 = true; return }
                    }
                    continue
                }
                // A row refused whole: the rows before it are converted first, so that problems
                // are noted in the order of the file.
                let converted = convertBatch(batchCount, batchFirstRow, &chunk)
                batchCount = 0
                if !converted { chunk.invalidUTF8 = true; return }
                // A row refused whole is still part of the file, whose encoding it may betray.
                if quoting != nil || count != layout.fieldCount,
                   !TextEncoding.isValidUTF8(UnsafeBufferPointer(rebasing: bytes[recordStart..<position])) {
                    chunk.invalidUTF8 = true
                    return
                }
                if let quoting {
                    // Never read on as if nothing happened: the row is an error where the quote is.
                    let text = lineText(bytes, lineStart: recordStart)
                    let prefix = String(decoding: UnsafeBufferPointer(rebasing: bytes[recordStart..<max(recordStart, quoting.offset)]), as: UTF8.self)
                    note(&chunk, PendingIssue(reason: .badQuoting, row: chunk.lines.count, relativeLine: recordLine,
                                              text: quoting.unclosed ? Catalog.unclosedQuote : Catalog.textAfterQuote,
                                              hint: quoting.unclosed ? Catalog.unclosedQuoteHint : Catalog.textAfterQuoteHint,
                                              lineText: text, column: prefix.count + 1, length: 1), maxIssues)
                    if keyField < min(count, capacity) { chunk.skippedKeys.append(self.text(bytes, fields[keyField])) }
                    continue
                }
                if holdsNUL {
                    if !TextEncoding.isValidUTF8(UnsafeBufferPointer(rebasing: bytes[recordStart..<position])) {
                        chunk.invalidUTF8 = true
                        return
                    }
                    let text = lineText(bytes, lineStart: recordStart)
                    note(&chunk, PendingIssue(reason: .nulByte, row: chunk.lines.count, relativeLine: recordLine, text: Catalog.nulByte,
                                              hint: Catalog.nulByteHint, lineText: text, column: 1, length: max(1, text.count)), maxIssues)
                    if keyField < min(count, capacity) { chunk.skippedKeys.append(self.text(bytes, fields[keyField])) }
                    continue
                }
                if blank { continue }
                if keyField < min(count, capacity) { chunk.skippedKeys.append(text(bytes, fields[keyField])) }
                let text = lineText(bytes, lineStart: recordStart)
                note(&chunk, PendingIssue(reason: .raggedRow, row: chunk.lines.count, relativeLine: recordLine,
                                          text: Catalog.raggedRow(count, header: layout.fieldCount), hint: Catalog.raggedHint,
                                          lineText: text, column: 1, length: max(1, text.count)), maxIssues)
            }
            if !convertBatch(batchCount, batchFirstRow, &chunk) { chunk.invalidUTF8 = true }
        }
        chunk.builders = builders
        chunk.newlines = line
        if builders.contains(where: { $0.sawInvalidUTF8 }) { chunk.invalidUTF8 = true }
        return chunk
    }

    /// Rows converted together, a column at a time.
    static let batchRows = 256

    /// The fields of a batch of well-formed rows, column after column, and where each row
    /// starts (for messages).
    final class Batch {
        let rowCapacity: Int
        let fields: UnsafeMutablePointer<Field>
        let recordStarts: UnsafeMutablePointer<Int>
        let recordLines: UnsafeMutablePointer<Int>

        init(rows: Int, columns: Int) {
            rowCapacity = rows
            fields = .allocate(capacity: rows * max(columns, 1))
            fields.initialize(repeating: Field(), count: rows * max(columns, 1))
            recordStarts = .allocate(capacity: rows)
            recordStarts.initialize(repeating: 0, count: rows)
            recordLines = .allocate(capacity: rows)
            recordLines.initialize(repeating: 0, count: rows)
        }

        deinit {
            fields.deallocate()
            recordStarts.deallocate()
            recordLines.deallocate()
        }
    }

    private func note(_ chunk: inout Chunk, _ issue: PendingIssue, _ maxIssues: Int) {
        chunk.issueCounts[issue.reason, default: 0] += 1
        if chunk.issues.count < maxIssues { chunk.issues.append(issue) }
    }

    /// For a reference that names no row: the key it matches once leading zeros are put back
    /// (`123` for `000123`) or taken away, as a spreadsheet that read the column as numbers leaves it.
    static func lostZeros(_ value: String, target: ColumnBuilder.ReferenceTarget?) -> String? {
        guard let target, !value.isEmpty, value.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        func exists(_ key: String) -> Bool {
            var key = key
            return key.withUTF8 { target.resolve($0, after: -1) != nil }
        }
        let stripped = String(value.drop { $0 == "0" })
        if stripped != value, !stripped.isEmpty, exists(stripped) { return stripped }
        for width in (value.count + 1)...(value.count + 12) {
            let padded = String(repeating: "0", count: width - value.count) + value
            if exists(padded) { return padded }
        }
        return nil
    }

    private func badValue(_ chunk: inout Chunk, _ bytes: UnsafeBufferPointer<UInt8>, field: Field, builder: ColumnBuilder, row: Int,
                          recordStart: Int, line: Int, columnIndex: Int, maxIssues: Int) {
        let reason: DataIssue.Reason = builder.kind == .reference ? .unknownReference : .badValue
        guard chunk.issues.count < maxIssues else { chunk.issueCounts[reason, default: 0] += 1; return }
        let prefix = String(decoding: UnsafeBufferPointer(rebasing: bytes[recordStart..<field.start]), as: UTF8.self)
        let value = text(bytes, field)
        let column = table.columns[columnIndex]
        let message: LocalizedText
        if (builder.kind == .key || builder.kind == .reference),
           UnsafeBufferPointer(rebasing: bytes[field.start..<field.end]).withMemoryRebound(to: UInt8.self, { FieldParsing.looksLikeRewrittenNumber($0) }) {
            message = Catalog.rewrittenNumber(value, column: column.name)
        } else if builder.kind == .reference {
            message = CSVTableReader.lostZeros(value, target: builder.target).map {
                Catalog.referenceLostZeros(value, column: column.name, table: builder.target?.table ?? "?", key: $0)
            } ?? Catalog.unknownReference(value, column: column.name, table: builder.target?.table ?? "?")
        } else {
            message = Catalog.badValue(value, column: column.name,
                                       expected: builder.kind == .date && FieldParsing.isAmbiguousDate(value) ? Catalog.expectedUnambiguousDate : builder.expected)
        }
        note(&chunk, PendingIssue(reason: reason, row: row, relativeLine: line, text: message, hint: nil,
                                  lineText: lineText(bytes, lineStart: recordStart), column: prefix.count + 1,
                                  length: max(1, value.count)), maxIssues)
    }

    /// Scans one record starting at `position`; fills `fields` and returns how many, or nil at the end.
    @inline(__always)
    static func nextRecord(_ bytes: UnsafeBufferPointer<UInt8>, _ position: inout Int, _ line: inout Int,
                           into fields: UnsafeMutablePointer<Field>, capacity: Int, problem: inout QuoteProblem?) -> Int? {
        let n = bytes.count
        guard position < n else { return nil }
        var count = 0
        var i = position
        while true {
            var field = Field()
            if i < n, bytes[i] == 0x22 { // quoted
                let quote = i
                let linesBefore = line
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
                // A closing quote must end the field. One that is missing, or followed by text after
                // the value ran over lines, means the quote never closed where it should have: the
                // record is taken to end with the quote's own line, so the rows after it are still
                // read (and none vanishes into one field), and the error points at the quote.
                var after = i + 1
                while after < n, bytes[after] == 0x20 || bytes[after] == 0x09 { after += 1 }
                let closes = i < n && (after >= n || bytes[after] == 0x2C || bytes[after] == 0x0A || bytes[after] == 0x0D)
                if !closes && (i >= n || line != linesBefore) {
                    if problem == nil { problem = QuoteProblem(offset: quote, unclosed: true) }
                    line = linesBefore
                    i = quote
                    while i < n, bytes[i] != 0x0A, bytes[i] != 0x0D { i += 1 }
                    field.end = i
                } else {
                    field.end = i
                    if !closes, problem == nil { problem = QuoteProblem(offset: after, unclosed: false) }
                    i = closes ? after : i + 1
                    while i < n, bytes[i] != 0x2C, bytes[i] != 0x0A, bytes[i] != 0x0D { i += 1 }
                }
                if field.start == field.end { field.escaped = true } // `""`: written, but empty
            } else {
                field.start = i
                i = CSVTableReader.delimiter(bytes, from: i)
                field.end = i
            }
            // Fields past the capacity are counted (the row is ragged) but not kept.
            if count < capacity { fields[count] = field }
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

    /// `nextRecord` for text with no quote character: each field ends at the next delimiter
    /// the scanner finds.
    @inline(__always)
    static func nextUnquotedRecord(_ bytes: UnsafeBufferPointer<UInt8>, _ position: inout Int, _ line: inout Int,
                                   into fields: UnsafeMutablePointer<Field>, capacity: Int, scanner: inout DelimiterScanner) -> Int? {
        let n = bytes.count
        guard position < n else { return nil }
        var count = 0
        var i = position
        while true {
            let (end, endsLine) = scanner.next(from: i)
            // Fields past the capacity are counted (the row is ragged) but not kept.
            if count < capacity { fields[count] = Field(start: i, end: end, escaped: false) }
            count += 1
            if !endsLine {
                i = end + 1
                continue
            }
            // End of record: CRLF, LF, lone CR, or end of input.
            i = end
            if i < n, bytes[i] == 0x0D { i += 1 }
            if i < n, bytes[i] == 0x0A { i += 1 }
            line += 1
            break
        }
        position = i
        return count
    }

    /// The first `,`, LF or CR at or after `start` (or the end), eight bytes at a time: a byte
    /// equal to one of them makes its lane zero after XOR, and the classic zero-byte test finds
    /// the lowest such lane.
    @inline(__always)
    static func delimiter(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        let n = bytes.count
        if let base = bytes.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            while i + 8 <= n {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                let comma = word ^ (ones &* 0x2C), lf = word ^ (ones &* 0x0A), cr = word ^ (ones &* 0x0D)
                let found = ((comma &- ones) & ~comma | (lf &- ones) & ~lf | (cr &- ones) & ~cr) & highs
                if found != 0 { return i + found.trailingZeroBitCount >> 3 }
                i += 8
            }
        }
        while i < n {
            let byte = bytes[i]
            if byte == 0x2C || byte == 0x0A || byte == 0x0D { return i }
            i += 1
        }
        return n
    }

    static func unescape(_ bytes: UnsafeBufferPointer<UInt8>, _ field: Field, into scratch: inout [UInt8]) {
        scratch.removeAll(keepingCapacity: true)
        var i = field.start
        while i < field.end {
            scratch.append(bytes[i])
            if bytes[i] == 0x22, i + 1 < field.end, bytes[i + 1] == 0x22 { i += 2 } else { i += 1 }
        }
    }

    func text(_ bytes: UnsafeBufferPointer<UInt8>, _ field: Field) -> String {
        var scratch: [UInt8] = []
        if field.escaped {
            CSVTableReader.unescape(bytes, field, into: &scratch)
            return String(decoding: scratch, as: UTF8.self)
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[field.start..<field.end]), as: UTF8.self)
    }

    /// The physical line starting at `lineStart`, without its line break.
    func lineText(_ bytes: UnsafeBufferPointer<UInt8>, lineStart: Int) -> String {
        var end = lineStart
        while end < bytes.count, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<end]), as: UTF8.self)
    }
}

/// Data problems found while loading: all are counted by reason, the first `limit` are kept.
final class IssueList: @unchecked Sendable {
    let limit: Int
    private let lock = NSLock()
    private var keptInArrival: [DataIssue] = []
    /// The kept issues by table, line and column (tables may load in parallel).
    var kept: [DataIssue] {
        lock.lock(); defer { lock.unlock() }
        return keptInArrival.sorted {
            ($0.table, $0.diagnostic.location.line, $0.diagnostic.location.column) < ($1.table, $1.diagnostic.location.line, $1.diagnostic.location.column)
        }
    }
    private(set) var counts: [DataIssue.Reason: Int] = [:]

    init(limit: Int) { self.limit = limit }

    var total: Int { lock.lock(); defer { lock.unlock() }; return counts.values.reduce(0, +) }
    var wantsMore: Bool { lock.lock(); defer { lock.unlock() }; return keptInArrival.count < limit }

    func add(_ issue: DataIssue) {
        lock.lock(); defer { lock.unlock() }
        counts[issue.reason, default: 0] += 1
        if keptInArrival.count < limit { keptInArrival.append(issue) }
    }

    /// Adds another list's issues (kept ones up to the limit, all counts).
    func absorb(_ other: IssueList) {
        let (otherKept, otherCounts) = (other.kept, other.counts)
        lock.lock(); defer { lock.unlock() }
        for issue in otherKept where keptInArrival.count < limit { keptInArrival.append(issue) }
        for (reason, n) in otherCounts { counts[reason, default: 0] += n }
    }

    func count(_ reason: DataIssue.Reason, _ n: Int = 1) {
        lock.lock(); defer { lock.unlock() }
        counts[reason, default: 0] += n
    }
}
