import Foundation
import ZIPFoundation

/// Writes a small Office Open XML workbook: named sheets of text and number cells. Strings are
/// inline (a cell is never a formula, so `=HYPERLINK(…)` from data stays text), control
/// characters are escaped the way the format escapes them (`_x001B_`), and every entry has
/// the same fixed date, so the same report is the same bytes.
public enum WorkbookWriter {
    /// A cell: text, or a number written as it is.
    public enum Cell: Sendable, Equatable {
        case text(String)
        case number(String)
    }

    /// One worksheet: its name (on its tab) and its rows.
    public struct Sheet: Sendable {
        /// The name on the sheet's tab.
        public let name: String
        /// The rows, first row first.
        public let rows: [[Cell]]
        /// A sheet named `name` holding `rows`.
        public init(name: String, rows: [[Cell]]) {
            self.name = name
            self.rows = rows
        }
    }

    /// The workbook's bytes.
    public static func data(_ sheets: [Sheet]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        let fixedDate = Date(timeIntervalSince1970: 315_532_800)  // 1980-01-01, zip's first day
        func add(_ path: String, _ text: String) throws {
            let bytes = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: fixedDate,
                                 compressionMethod: .deflate) { position, size in
                bytes.subdata(in: Int(position)..<min(Int(position) + size, bytes.count))
            }
        }
        let names = uniqueNames(sheets.map(\.name))
        try add("[Content_Types].xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
            \(names.indices.map { "<Override PartName=\"/xl/worksheets/sheet\($0 + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>" }.joined())\
            </Types>
            """)
        try add("_rels/.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
            </Relationships>
            """)
        try add("xl/workbook.xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <sheets>\(names.enumerated().map { "<sheet name=\"\(escape($1))\" sheetId=\"\($0 + 1)\" r:id=\"rId\($0 + 1)\"/>" }.joined())</sheets>\
            </workbook>
            """)
        try add("xl/_rels/workbook.xml.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            \(names.indices.map { "<Relationship Id=\"rId\($0 + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>" }.joined())\
            <Relationship Id="rId\(names.count + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
            </Relationships>
            """)
        try add("xl/styles.xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
            <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
            <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
            <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
            <cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\
            <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
            </styleSheet>
            """)
        for (index, sheet) in sheets.enumerated() {
            var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
            xml += "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
            // The header row stays in view while scrolling.
            xml += "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews>"
            xml += "<sheetData>"
            for (r, row) in sheet.rows.enumerated() {
                xml += "<row r=\"\(r + 1)\">"
                for (c, cell) in row.enumerated() {
                    let place = columnLetters(c) + String(r + 1)
                    let style = r == 0 ? " s=\"1\"" : ""
                    switch cell {
                    case .text(let text):
                        xml += "<c r=\"\(place)\"\(style) t=\"inlineStr\"><is><t xml:space=\"preserve\">\(escape(text))</t></is></c>"
                    case .number(let number):
                        xml += "<c r=\"\(place)\"\(style)><v>\(escape(number))</v></c>"
                    }
                }
                xml += "</row>"
            }
            xml += "</sheetData></worksheet>"
            try add("xl/worksheets/sheet\(index + 1).xml", xml)
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }

    /// Sheet names: at most 31 characters, none of `[]:*?/\`, no two alike (Excel's rules).
    static func uniqueNames(_ names: [String]) -> [String] {
        var used: Set<String> = [], result: [String] = []
        for name in names {
            var base = String(name.map { "[]:*?/\\".contains($0) ? "_" : $0 }.prefix(31))
            if base.isEmpty { base = "Sheet" }
            var candidate = base, n = 2
            while used.contains(candidate.lowercased()) { candidate = String(base.prefix(28)) + "(\(n))"; n += 1 }
            used.insert(candidate.lowercased())
            result.append(candidate)
        }
        return result
    }

    /// XML text, with the characters XML 1.0 cannot hold written as the format's `_xHHHH_`
    /// (and a literal `_x` escaped, so that it reads back as itself).
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        let scalars = Array(text.unicodeScalars)
        for (i, scalar) in scalars.enumerated() {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case "_" where i + 1 < scalars.count && scalars[i + 1] == "x": out += "_x005F_"
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += String(format: "_x%04X_", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    static func columnLetters(_ index: Int) -> String {
        var n = index + 1, text = ""
        while n > 0 { text = String(UnicodeScalar(UInt8(65 + (n - 1) % 26))) + text; n = (n - 1) / 26 }
        return text
    }
}
