/// Terminal display width of text: East Asian wide and full-width characters take two columns,
/// combining marks none. Carets under Chinese text and aligned tables both depend on it.
enum DisplayWidth {
    /// Columns a scalar occupies on a terminal.
    static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v == 0 { return 0 }
        if v < 0x300 { return 1 }
        // Wide ranges first: Chinese text is all wide, and the category lookup below is slow.
        // (The few combining marks inside those ranges, ideographic tone marks and kana voicing
        // marks, go on to the lookup.)
        if isWide(v), !(0x302A...0x302F).contains(v), !(0x3099...0x309A).contains(v) { return 2 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if v == 0x200B { return 0 }
        return 1
    }

    /// Columns a string occupies on a terminal.
    static func of(_ text: String) -> Int {
        // ASCII text (keys, dates, rule names) is one column per byte.
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.utf8.count }
        var total = 0
        for scalar in text.unicodeScalars { total += of(scalar) }
        return total
    }

    private static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
             0x4E00...0x9FFF, 0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF,
             0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}
