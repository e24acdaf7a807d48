import Foundation

/// Tables for a terminal, aligned by display width (Chinese characters are two columns wide).
enum TextTable {
    /// Renders rows under a header, columns separated by two spaces, a rule under the header.
    static func render(header: [String], rows: [[String]], maxRows: Int? = nil) -> String {
        let shown = maxRows.map { Array(rows.prefix($0)) } ?? rows
        // Line breaks inside a cell would break the table: they are shown as spaces; other
        // control characters as escapes.
        @Sendable func clean(_ cell: String) -> String {
            let flat = cell.utf8.contains(0x0A) ? cell.replacingOccurrences(of: "\n", with: " ") : cell
            return TerminalText.escaped(flat)
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
///
/// Cells from data could be formulas to a spreadsheet (`=HYPERLINK(…)`, `+…`, `-…`, `@SUM(…)`):
/// unless asked for raw values, a text cell that starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return is written with a leading `'` (OWASP's rule for CSV injection), which the
/// spreadsheet shows as text. Numbers stay numbers: `-5` and `+1.5` are left as they are.
enum CSVText {
    /// Renders a header and rows as CSV with LF line ends; `raw` leaves formula-like cells as they are.
    static func render(header: [String], rows: [[String]], raw: Bool = false) -> String {
        var bytes: [UInt8] = []
        for (index, title) in header.enumerated() {
            if index > 0 { bytes.append(0x2C) }
            appendField(title, to: &bytes, raw: raw)
        }
        bytes.append(0x0A)
        bytes.reserveCapacity(rows.count * 96)
        for row in rows {
            for (index, cell) in row.enumerated() {
                if index > 0 { bytes.append(0x2C) }
                appendField(cell, to: &bytes, raw: raw)
            }
            bytes.append(0x0A)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends a field's CSV form to bytes.
    static func appendField(_ text: String, to bytes: inout [UInt8], raw: Bool = false) {
        // Read in place (native Strings are contiguous): no copy of the String, so no reference
        // counting on texts that every row shares, such as rule names.
        if text.utf8.withContiguousStorageIfAvailable({ appendField(utf8: $0, to: &bytes, raw: raw) }) != nil { return }
        var copy = text
        copy.withUTF8 { appendField(utf8: $0, to: &bytes, raw: raw) }
    }

    static func appendField(utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8], raw: Bool) {
        let guarded = !raw && looksLikeFormula(utf8)
        if !utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
            if guarded { bytes.append(0x27) }
            bytes.append(contentsOf: utf8)
            return
        }
        bytes.append(0x22)
        if guarded { bytes.append(0x27) }
        for byte in utf8 {
            bytes.append(byte)
            if byte == 0x22 { bytes.append(0x22) }
        }
        bytes.append(0x22)
    }

    /// One field quoted as needed, as it is (data written for loading, not for a spreadsheet).
    static func field(_ text: String) -> String {
        var bytes: [UInt8] = []
        appendField(text, to: &bytes, raw: true)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Starts with `=`, `+`, `-`, `@`, tab or CR, and is not a plain number.
    static func looksLikeFormula(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = utf8.first else { return false }
        switch first {
        case 0x3D, 0x40, 0x09, 0x0D: return true
        case 0x2B, 0x2D: break
        default: return false
        }
        // `-5`, `+1.5`: a sign, digits, at most one point, digits.
        var digits = 0, points = 0
        for byte in utf8.dropFirst() {
            if byte >= 0x30 && byte <= 0x39 { digits += 1 } else if byte == 0x2E { points += 1 } else { return true }
        }
        return digits == 0 || points > 1
    }
}

/// Text from data shown on a terminal (tables, explanations): control characters (ESC, BEL,
/// CR and the rest, DEL, the C1 range) are written as `\u{…}` escapes, so data cannot move the
/// cursor, clear the screen or retitle the window. Line breaks are kept where asked.
enum TerminalText {
    static func escaped(_ text: String, keepingLineBreaks: Bool = false) -> String {
        func isControl(_ value: UInt32) -> Bool { value < 0x20 || (0x7F...0x9F).contains(value) }
        // Most text has none: one pass over the bytes (C1 characters are 0xC2 0x80–0x9F).
        var suspicious = false
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte < 0x20 && !(keepingLineBreaks && byte == 0x0A) || byte == 0x7F || (previous == 0xC2 && byte >= 0x80 && byte <= 0x9F) {
                suspicious = true
                break
            }
            previous = byte
        }
        guard suspicious else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar.value) && !(keepingLineBreaks && scalar == "\n") {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
