/// Renders diagnostics as text for a terminal or as JSON for editors.
///
/// The text form is `FILE:LINE:COL: error: MESSAGE`, then the source line with its number and a
/// caret under the exact characters (aligned by display width, so under Chinese text too).
public enum DiagnosticRenderer {
    /// Renders diagnostics as text, each followed by its notes.
    /// Renders the first `limit` diagnostics (errors and warnings; a note stays with the one it
    /// belongs to), then one line counting the rest: 200,000 errors say as much as 100 do.
    public static func text(_ diagnostics: [Diagnostic], language: Language = .en, limit: Int = 100) -> String {
        var out = ""
        for diagnostic in diagnostics.prefix(limit) {
            render(diagnostic, language: language, into: &out)
        }
        if diagnostics.count > limit {
            let rest = diagnostics.count - limit
            out += language == .zh ? "……另有 \(rest) 条未显示(共 \(diagnostics.count) 条)\n"
                : "… and \(rest) more not shown (\(diagnostics.count) in all)\n"
        }
        return out
    }

    private static func render(_ d: Diagnostic, language: Language, into out: inout String) {
        let severityWord: String
        switch (d.severity, language) {
        case (.error, .en): severityWord = "error"
        case (.warning, .en): severityWord = "warning"
        case (.note, .en): severityWord = "note"
        case (.error, .zh): severityWord = "错误"
        case (.warning, .zh): severityWord = "警告"
        case (.note, .zh): severityWord = "附注"
        }
        // A problem with a whole file (no line in it) is `FILE: error: …`, as compilers print it.
        let place = d.location.line > 0 ? "\(d.file):\(d.location.line):\(d.location.column)" : d.file
        out += "\(place): \(severityWord): \(d.message(in: language))\n"
        if d.location.line > 0 {
            let number = String(d.location.line)
            let gutter = String(repeating: " ", count: number.count)
            let shown = window(d)
            out += " \(number) | \(shown.text)\n"
            out += " \(gutter) | \(caretLine(shown.text, caretColumn: shown.caretColumn, caretLength: shown.caretLength))"
            if let hint = d.hint(in: language) { out += " \(hint)" }
            out += "\n"
        } else if let hint = d.hint(in: language) {
            out += "  \(hint)\n"
        }
        for note in d.notes { render(note, language: language, into: &out) }
    }

    /// The most characters of a source line shown under a message.
    static let maxShownCharacters = 160

    /// A long line (a minified JSON record, a ragged row of a wide file) is shown as a window
    /// around the caret, with `…` where it was cut; the caret moves with it.
    static func window(_ d: Diagnostic) -> (text: String, caretColumn: Int, caretLength: Int) {
        let characters = Array(d.lineText)
        guard characters.count > maxShownCharacters else { return (d.lineText, d.caretColumn, d.caretLength) }
        let caretStart = max(0, min(characters.count, d.caretColumn - 1))
        let start = max(0, min(caretStart - 40, characters.count - maxShownCharacters))
        let end = min(characters.count, start + maxShownCharacters)
        let lead = start > 0 ? "…" : ""
        let text = lead + String(characters[start..<end]) + (end < characters.count ? "…" : "")
        let column = caretStart - start + 1 + lead.count
        let length = max(1, min(d.caretLength, end - caretStart))
        return (text, column, length)
    }

    /// Spaces (tabs kept as tabs, so the caret lines up however wide the terminal draws them)
    /// up to the caret, then one `^` per display column of the underlined characters.
    static func caretLine(_ lineText: String, caretColumn: Int, caretLength: Int) -> String {
        var prefix = ""
        var underlined = 0
        var column = 1
        for character in lineText {
            if column >= caretColumn + caretLength { break }
            let width = character.unicodeScalars.reduce(0) { $0 + DisplayWidth.of($1) }
            if column < caretColumn {
                prefix += character == "\t" ? "\t" : String(repeating: " ", count: width)
            } else {
                underlined += max(1, width)
            }
            column += 1
        }
        // Past the end of the line (e.g. "expected `)`" at end of input): one caret after it.
        if column < caretColumn { prefix += String(repeating: " ", count: caretColumn - column) }
        return prefix + String(repeating: "^", count: max(1, underlined))
    }

    /// Renders diagnostics as a JSON array for editors and tools.
    public static func json(_ diagnostics: [Diagnostic], language: Language = .en) -> String {
        var out = "["
        for (index, d) in diagnostics.enumerated() {
            if index > 0 { out += "," }
            out += "\n  " + jsonObject(d, language: language)
        }
        out += diagnostics.isEmpty ? "]\n" : "\n]\n"
        return out
    }

    private static func jsonObject(_ d: Diagnostic, language: Language) -> String {
        var fields = [
            "\"file\": \(JSONText.quote(d.file))",
            "\"line\": \(d.location.line)",
            "\"column\": \(d.location.column)",
            "\"endColumn\": \(d.caretColumn + d.caretLength)",
            "\"severity\": \(JSONText.quote(d.severity.rawValue))",
            "\"message\": \(JSONText.quote(d.message(in: language)))",
        ]
        if let hint = d.hint(in: language) { fields.append("\"hint\": \(JSONText.quote(hint))") }
        if !d.notes.isEmpty {
            fields.append("\"notes\": [" + d.notes.map { jsonObject($0, language: language) }.joined(separator: ", ") + "]")
        }
        return "{" + fields.joined(separator: ", ") + "}"
    }
}

/// JSON string quoting, shared by every JSON writer in the library.
enum JSONText {
    static func quote(_ text: String) -> String {
        var bytes: [UInt8] = []
        appendQuoted(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A string, quoted and escaped, written as bytes (reports write millions of them).
    static func appendQuoted(_ text: String, to bytes: inout [UInt8]) {
        var text = text
        text.withUTF8 { appendQuoted(utf8: $0, to: &bytes) }
    }

    /// UTF-8 bytes, quoted and escaped; bytes that need no escape are copied in runs.
    static func appendQuoted(utf8 text: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        bytes.append(0x22)
        let clean = cleanPrefix(text)
        if clean == text.count {
            bytes.append(contentsOf: text)
            bytes.append(0x22)
            return
        }
        var start = 0
        for index in clean..<text.count where text[index] < 0x20 || text[index] == 0x22 || text[index] == 0x5C {
            let byte = text[index]
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<index]))
            start = index + 1
            switch byte {
            case 0x22: bytes.append(0x5C); bytes.append(0x22)
            case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
            case 0x0A: bytes.append(0x5C); bytes.append(0x6E)
            case 0x0D: bytes.append(0x5C); bytes.append(0x72)
            case 0x09: bytes.append(0x5C); bytes.append(0x74)
            default:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            }
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[start...]))
        bytes.append(0x22)
    }

    /// How many leading bytes need no escape, looked at eight at a time: a word with no byte
    /// below 0x20, no `"` and no `\` is passed whole; the word holding the first that needs
    /// one is left to the byte loop.
    @inline(__always)
    static func cleanPrefix(_ text: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = text.baseAddress else { return 0 }
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        var i = 0
        while i + 8 <= text.count {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
            // Some byte below 0x20, some byte zero after XOR with `"` or `\` (exact as a yes/no).
            let found = ((word &- ones &* 0x20) & ~word | (quote &- ones) & ~quote | (backslash &- ones) & ~backslash) & highs
            if found != 0 { return i }
            i += 8
        }
        for index in i..<text.count where text[index] < 0x20 || text[index] == 0x22 || text[index] == 0x5C { return index }
        return text.count
    }
}
