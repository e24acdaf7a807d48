import Foundation

/// Parses a CSV file's chunks in parallel and joins them in order: columns appended, text ids
/// remapped into one pool, line numbers made absolute, problems reported with their real lines.
enum CSVLoading {
    /// The outcome of reading: the table (nil if unusable), whether its keys were increasing, and
    /// whether the bytes turned out not to be UTF-8 (nothing is reported then: the caller decodes
    /// the file as GB18030 and reads it again).
    struct Outcome {
        var table: TableData?
        var keysIncreasing = false
        var notUTF8 = false
    }

    static func read(_ bytes: UnsafeBufferPointer<UInt8>, reader: CSVTableReader, options: LoadOptions, issues: IssueList) -> Outcome {
        // The header line is checked here; the rest as values are read.
        var headerEnd = 0
        while headerEnd < bytes.count, bytes[headerEnd] != 0x0A { headerEnd += 1 }
        if !TextEncoding.isValidUTF8(UnsafeBufferPointer(rebasing: bytes[0..<headerEnd])) { return Outcome(notUTF8: true) }
        guard let layout = reader.readLayout(bytes, issues: issues) else { return Outcome() }
        let maxIssues = options.maxErrors
        // The buffer outlives the parallel loop (it is the caller's); it is only read.
        let shared = SharedBytes(bytes)
        func parse(_ ranges: [CSVTableReader.ChunkRange]) -> [CSVTableReader.Chunk] {
            let chunks = ParallelSlots<CSVTableReader.Chunk>(count: ranges.count)
            PhaseTimer.measure("parse \(ranges.count) chunks") {
                DispatchQueue.concurrentPerform(iterations: ranges.count) { index in
                    let piece = ranges[index]
                    chunks.set(index, reader.readChunk(shared.bytes, piece.range, layout: layout, maxIssues: maxIssues, quoteFree: piece.quoteFree))
                }
            }
            return chunks.all
        }
        let ranges = reader.chunkRanges(bytes, from: layout.dataStart)
        var parsed = parse(ranges)
        if parsed.count > 1, parsed.contains(where: { $0.issueCounts[.badQuoting] != nil }) {
            // A quote problem in a file cut into chunks: the quotes did not pair as counted, and
            // a cut may lie inside a record. Read as one chunk, as the file reads from its start
            // (and the problem is reported where that reading finds it).
            let whole = layout.dataStart..<bytes.count
            parsed = parse([CSVTableReader.ChunkRange(range: whole, quoteFree: false)])
        }
        if parsed.contains(where: \.invalidUTF8) { return Outcome(notUTF8: true) }
        guard let first = parsed.first else { return Outcome() }
        let mergeStart = Date()
        let keyColumn = reader.table.keyColumn
        var keysIncreasing = first.builders.indices.contains(keyColumn) && first.builders[keyColumn].kind == .key
            && first.builders[keyColumn].keysIncreasing
        let totalRows = parsed.reduce(0) { $0 + $1.lines.count }
        // Row r is on line `dataLine + r` when every chunk's rows are one line each and every
        // chunk but the last ends where its rows do (no blank line): no list is made then.
        let consecutive = parsed.indices.allSatisfy { index in
            parsed[index].lines.consecutive && (index == parsed.count - 1 || parsed[index].newlines == parsed[index].lines.count)
        }
        var listedLines: [Int32] = []
        if !consecutive { listedLines.reserveCapacity(totalRows) }
        var skippedKeys: Set<String> = []
        var badRows: [Int] = []
        var startLine = layout.dataLine
        var rowBase = 0
        for (index, chunk) in parsed.enumerated() {
            for issue in chunk.issues {
                let line = startLine + issue.relativeLine
                issues.add(DataIssue(reason: issue.reason, table: reader.table.index, row: rowBase + issue.row,
                                     diagnostic: Diagnostic(severity: .error, text: issue.text, hint: issue.hint, file: reader.file,
                                                            location: SourceLocation(line: line, column: issue.column), lineText: issue.lineText,
                                                            caretColumn: issue.column, caretLength: issue.length)))
            }
            for (reason, count) in chunk.issueCounts {
                let shown = chunk.issues.filter { $0.reason == reason }.count
                if count > shown { issues.count(reason, count - shown) }
            }
            if !consecutive {
                let offset = Int32(clamping: startLine)
                for row in 0..<chunk.lines.count { listedLines.append(chunk.lines[row] &+ offset) }
            }
            for row in chunk.badRows { badRows.append(row + rowBase) }
            skippedKeys.formUnion(chunk.skippedKeys)
            if index > 0, keysIncreasing {
                // The order must also hold across the cut between chunks.
                let before = parsed[index - 1].builders[keyColumn]
                let last = before.ids.last, first = chunk.builders[keyColumn].ids.first
                if let last, let first, last >= 0, first >= 0 {
                    keysIncreasing = before.interner.withBytes(last) { a in
                        chunk.builders[keyColumn].interner.withBytes(first) { b in TextInterner.compare(a, b) < 0 }
                    } && chunk.builders[keyColumn].keysIncreasing
                }
            }
            startLine += chunk.newlines
            rowBase += chunk.lines.count
        }
        // Columns are joined side by side, each straight into its final array.
        let columnCount = first.builders.count
        let joined = ParallelSlots<ColumnData>(count: columnCount)
        let parsedChunks = ParallelSlots(parsed)
        let unread = reader.unread
        // A column left unread is missing in every row: the unread columns share one array of
        // "missing" (never written, so never copied).
        let unreadColumn: ColumnData? = unread.isEmpty ? nil
            : .text(Array(repeating: -1, count: totalRows), TextPool(TextInterner(deduplicate: true)))
        DispatchQueue.concurrentPerform(iterations: columnCount) { c in
            if let unreadColumn, unread.contains(c) {
                joined.set(c, unreadColumn)
                return
            }
            let parts = parsedChunks.all.map { $0.builders[c] }
            joined.set(c, ColumnBuilder.join(parts))
        }
        var columns = joined.all
        var lines = consecutive ? LineNumbers(consecutiveFrom: Int32(clamping: layout.dataLine), count: totalRows) : LineNumbers(listedLines)
        if PhaseTimer.enabled { writeToStandardError("  [join] \(String(format: "%.3f", Date().timeIntervalSince(mergeStart))) s\n") }
        if !badRows.isEmpty {
            // Rows with bad values are dropped (lenient) or the load fails anyway (strict).
            let bad = Set(badRows)
            let keep = (0..<lines.count).filter { !bad.contains($0) }
            columns = columns.map { $0.selecting(keep) }
            lines = lines.selecting(keep)
        }
        let data = TableData(index: reader.table.index, name: reader.table.name, file: reader.file, columns: columns, lines: lines)
        data.skippedKeys = skippedKeys
        return Outcome(table: data, keysIncreasing: keysIncreasing)
    }
}

/// Read-only bytes shared by the threads of one parallel parse.
struct SharedBytes: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>
    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }
}
