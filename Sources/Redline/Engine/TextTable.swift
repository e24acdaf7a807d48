/// Tables for a terminal, aligned by display width (Chinese characters are two columns wide).
public enum TextTable {
    /// Renders rows under a header, columns separated by two spaces, a rule under the header.
    public static func render(header: [String], rows: [[String]], maxRows: Int? = nil) -> String {
        let shown = maxRows.map { Array(rows.prefix($0)) } ?? rows
        var widths = header.map { DisplayWidth.of($0) }
        for row in shown {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], DisplayWidth.of(cell))
            }
        }
        func line(_ cells: [String]) -> String {
            var out = ""
            for (index, cell) in cells.enumerated() {
                let clean = cell.replacingOccurrences(of: "\n", with: " ")
                out += clean
                if index < cells.count - 1 {
                    out += String(repeating: " ", count: widths[index] - DisplayWidth.of(clean) + 2)
                }
            }
            return out + "\n"
        }
        var out = line(header)
        out += line(widths.map { String(repeating: "-", count: $0) })
        for row in shown { out += line(row) }
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
