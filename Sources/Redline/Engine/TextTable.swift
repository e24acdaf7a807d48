import Foundation

/// Tables for a terminal, aligned by display width (Chinese characters are two columns wide).
public enum TextTable {
    /// Renders rows under a header, columns separated by two spaces, a rule under the header.
    public static func render(header: [String], rows: [[String]], maxRows: Int? = nil) -> String {
        let shown = maxRows.map { Array(rows.prefix($0)) } ?? rows
        // Line breaks inside a cell would break the table: they are shown as spaces.
        @Sendable func clean(_ cell: String) -> String {
            cell.utf8.contains(0x0A) ? cell.replacingOccurrences(of: "\n", with: " ") : cell
        }
        // Large tables (a run's report) are measured and written in parallel chunks of rows;
        // each cell's width is measured once (Chinese text needs a look at every character).
        let chunkCount = max(1, min(64, shown.count / 4096))
        let measured = ParallelSlots<(cells: [[String]], widths: [[Int]])>(count: chunkCount)
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let part = shown[shown.count * chunk / chunkCount ..< shown.count * (chunk + 1) / chunkCount]
            let cells = part.map { $0.map(clean) }
            measured.set(chunk, (cells, cells.map { $0.map(DisplayWidth.of) }))
        }
        var widths = header.map { DisplayWidth.of(clean($0)) }
        for chunk in 0..<chunkCount {
            for row in measured.get(chunk)?.widths ?? [] {
                for (index, width) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], width) }
            }
        }
        let columnWidths = widths
        @Sendable func line(_ cells: [String], _ cellWidths: [Int], into out: inout String) {
            for (index, cell) in cells.enumerated() {
                out += cell
                if index < cells.count - 1, index < columnWidths.count {
                    out += String(repeating: " ", count: columnWidths[index] - cellWidths[index] + 2)
                }
            }
            out += "\n"
        }
        let lines = ParallelSlots<String>(count: chunkCount)
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            guard let part = measured.get(chunk) else { return }
            var text = ""
            for (row, rowWidths) in zip(part.cells, part.widths) { line(row, rowWidths, into: &text) }
            lines.set(chunk, text)
        }
        var out = ""
        line(header.map(clean), header.map { DisplayWidth.of(clean($0)) }, into: &out)
        line(columnWidths.map { String(repeating: "-", count: $0) }, columnWidths, into: &out)
        for chunk in 0..<chunkCount { out += lines.get(chunk) ?? "" }
        if let maxRows, rows.count > maxRows { out += "… \(rows.count - maxRows) more rows\n" }
        return out
    }
}

/// CSV text (RFC 4180): fields with a comma, quote or line break are quoted, quotes doubled.
public enum CSVText {
    /// Renders a header and rows as CSV with LF line ends.
    public static func render(header: [String], rows: [[String]]) -> String {
        var out = header.map(field).joined(separator: ",") + "\n"
        out.reserveCapacity(rows.count * 96)
        for row in rows {
            for (index, cell) in row.enumerated() {
                if index > 0 { out += "," }
                out += field(cell)
            }
            out += "\n"
        }
        return out
    }

    /// Appends a field's CSV form to bytes.
    static func appendField(_ text: String, to bytes: inout [UInt8]) {
        // Read in place (native Strings are contiguous): no copy of the String, so no reference
        // counting on texts that every row shares, such as rule names.
        if text.utf8.withContiguousStorageIfAvailable({ appendField(utf8: $0, to: &bytes) }) != nil { return }
        var copy = text
        copy.withUTF8 { appendField(utf8: $0, to: &bytes) }
    }

    private static func appendField(utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        if !utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
            bytes.append(contentsOf: utf8)
            return
        }
        bytes.append(0x22)
        for byte in utf8 {
            bytes.append(byte)
            if byte == 0x22 { bytes.append(0x22) }
        }
        bytes.append(0x22)
    }

    static func field(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
