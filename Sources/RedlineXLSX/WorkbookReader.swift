import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Redline
import ZIPFoundation

/// Reads one worksheet of an Office Open XML workbook (`.xlsx`) as text cells for Redline's
/// loader: the zip container through ZIPFoundation, the XML parts through Foundation's SAX parser.
///
/// What a cell becomes: a shared or inline string its text; a number its value as Excel stored
/// it (plain digits; scientific notation written out when that is exact); a boolean
/// `true`/`false`; a number in a cell formatted as a date the ISO date (with the time when it is
/// not midnight, so that a date column refuses it); a formula its cached value. An error value
/// (`#N/A`) stops the load naming the cell, as does anything malformed.
public enum WorkbookReader {
    /// Limits for hostile workbooks: a zip part may not inflate past this many bytes, a sheet
    /// past Excel's own row and column counts.
    public static let maxPartBytes = 1 << 30
    static let maxRows = 1_048_576, maxColumns = 16_384

    /// The reader the loader calls for `DIR/T.xlsx`.
    public static let reader: SpreadsheetReader = { path, table in try read(path: path, table: table) }

    /// The worksheet named `table` (ignoring case), or else the first worksheet.
    public static func read(path: String, table: String) throws -> Spreadsheet {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw SpreadsheetError("not an .xlsx workbook (its zip container cannot be read)", zh: "不是 .xlsx 工作簿(无法读取其 zip 容器)")
        }
        func part(_ name: String) throws -> Data? {
            guard let entry = archive[name] else { return nil }
            var data = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    data.append(chunk)
                    if data.count > maxPartBytes { throw SpreadsheetError("", zh: "") }
                }
            } catch {
                throw SpreadsheetError("the workbook part `\(name)` cannot be read (damaged, or larger than \(maxPartBytes >> 20) MB)",
                                       zh: "工作簿的部件 `\(name)` 无法读取(已损坏,或超过 \(maxPartBytes >> 20) MB)")
            }
            return data
        }
        guard let workbookXML = try part("xl/workbook.xml") else {
            throw SpreadsheetError("not an .xlsx workbook (no xl/workbook.xml)", zh: "不是 .xlsx 工作簿(缺少 xl/workbook.xml)")
        }
        let workbook = try WorkbookPart.parse(workbookXML)
        let relations = try part("xl/_rels/workbook.xml.rels").map(RelationsPart.parse) ?? [:]
        guard let sheet = workbook.sheets.first(where: { $0.name.lowercased() == table.lowercased() }) ?? workbook.sheets.first else {
            throw SpreadsheetError("the workbook has no worksheet", zh: "工作簿中没有工作表")
        }
        var target = relations[sheet.relation] ?? "worksheets/sheet1.xml"
        target = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        guard let sheetXML = try part(target) else {
            throw SpreadsheetError("the worksheet `\(sheet.name)` is missing from the workbook (\(target))",
                                   zh: "工作簿中缺少工作表 `\(sheet.name)`(\(target))")
        }
        let strings = try part("xl/sharedStrings.xml").map(SharedStringsPart.parse) ?? []
        let dateStyles = try part("xl/styles.xml").map(StylesPart.dateStyles) ?? []
        return try SheetPart.parse(sheetXML, name: sheet.name, strings: strings, dateStyles: dateStyles, date1904: workbook.date1904)
    }
}

/// A SAX delegate that hands each element's name, attributes and text to closures.
final class XMLWalker: NSObject, XMLParserDelegate {
    var start: (String, [String: String]) throws -> Void = { _, _ in }
    var end: (String, String) throws -> Void = { _, _ in }
    private var text = ""
    private var failure: Error?

    static func walk(_ data: Data, start: @escaping (String, [String: String]) throws -> Void,
                     end: @escaping (String, String) throws -> Void = { _, _ in }) throws {
        let walker = XMLWalker()
        walker.start = start
        walker.end = end
        let parser = XMLParser(data: data)
        parser.delegate = walker
        parser.shouldResolveExternalEntities = false
        if !parser.parse() {
            if let failure = walker.failure { throw failure }
            throw SpreadsheetError("the workbook's XML is malformed (line \(parser.lineNumber))", zh: "工作簿的 XML 格式错误(第 \(parser.lineNumber) 行)")
        }
        if let failure = walker.failure { throw failure }
    }

    /// `x:row` and `row` alike: some writers prefix the spreadsheet namespace.
    private func local(_ name: String) -> String { name.split(separator: ":").last.map(String.init) ?? name }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        text = ""
        do { try start(local(elementName), attributes) } catch { failure = error; parser.abortParsing() }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        do { try end(local(elementName), text) } catch { failure = error; parser.abortParsing() }
        text = ""
    }
}

enum WorkbookPart {
    struct Sheet { let name: String; let relation: String }
    static func parse(_ data: Data) throws -> (sheets: [Sheet], date1904: Bool) {
        var sheets: [Sheet] = [], date1904 = false
        try XMLWalker.walk(data, start: { name, attributes in
            if name == "sheet", let sheetName = attributes["name"] {
                sheets.append(Sheet(name: sheetName, relation: attributes["r:id"] ?? attributes.first { $0.key.hasSuffix(":id") }?.value ?? ""))
            }
            if name == "workbookPr", let value = attributes["date1904"] { date1904 = value == "1" || value == "true" }
        })
        return (sheets, date1904)
    }
}

enum RelationsPart {
    static func parse(_ data: Data) throws -> [String: String] {
        var targets: [String: String] = [:]
        try XMLWalker.walk(data, start: { name, attributes in
            if name == "Relationship", let id = attributes["Id"], let target = attributes["Target"] { targets[id] = target }
        })
        return targets
    }
}

enum SharedStringsPart {
    /// Each `<si>`'s text: its `<t>`, or its rich-text runs' `<t>`s joined; phonetic guides
    /// (`<rPh>`, ruby text for East Asian names) are not part of the value.
    static func parse(_ data: Data) throws -> [String] {
        var strings: [String] = [], current = "", inPhonetic = false
        try XMLWalker.walk(data, start: { name, _ in
            if name == "si" { current = "" }
            if name == "rPh" { inPhonetic = true }
        }, end: { name, text in
            switch name {
            case "t" where !inPhonetic: current += text
            case "rPh": inPhonetic = false
            case "si": strings.append(current)
            default: break
            }
        })
        return strings
    }
}

enum StylesPart {
    /// Excel's built-in number formats that show dates.
    static let builtInDateFormats: Set<Int> = Set(14...22).union(27...36).union(45...47).union(50...58)

    /// A custom format shows a date when it has a year, month or day code outside quoted text,
    /// escapes and `[…]` sections (`[Red]`, `[$-804]`); `m` alone next to `h` or `s` is minutes.
    static func isDateFormat(_ code: String) -> Bool {
        var inQuote = false, inBracket = false, escaped = false
        var letters = ""
        for character in code.lowercased() {
            if escaped { escaped = false; continue }
            switch character {
            case "\\": escaped = true
            case "\"": inQuote.toggle()
            case "[" where !inQuote: inBracket = true
            case "]" where !inQuote: inBracket = false
            default: if !inQuote && !inBracket { letters.append(character) }
            }
        }
        return letters.contains("y") || letters.contains("d") || (letters.contains("m") && !letters.contains("h") && !letters.contains("s"))
            || letters.contains("e") && letters.contains("m")
    }

    /// The indexes of the cell formats (`<cellXfs>`) that show dates.
    static func dateStyles(_ data: Data) throws -> Set<Int> {
        var custom: [Int: String] = [:], inCellFormats = false, index = 0
        var dates: Set<Int> = []
        try XMLWalker.walk(data, start: { name, attributes in
            switch name {
            case "numFmt":
                if let id = attributes["numFmtId"].flatMap(Int.init), let code = attributes["formatCode"] { custom[id] = code }
            case "cellXfs": inCellFormats = true; index = 0
            case "xf" where inCellFormats:
                let id = attributes["numFmtId"].flatMap(Int.init) ?? 0
                if builtInDateFormats.contains(id) || custom[id].map(isDateFormat) == true { dates.insert(index) }
                index += 1
            default: break
            }
        }, end: { name, _ in
            if name == "cellXfs" { inCellFormats = false }
        })
        return dates
    }
}

enum SheetPart {
    static func parse(_ data: Data, name sheet: String, strings: [String], dateStyles: Set<Int>, date1904: Bool) throws -> Spreadsheet {
        var rows: [[String]] = [], numbers: [Int] = []
        var row: [Int: String] = [:], rowNumber = 0, nextColumn = 0
        var cellColumn = 0, cellType = "n", cellStyle = 0, cellRef = "", value: String? = nil, inline = ""
        func finishRow() {
            guard !row.isEmpty, row.values.contains(where: { !$0.isEmpty }) else { row = [:]; return }
            let width = (row.keys.max() ?? -1) + 1
            rows.append((0..<width).map { row[$0] ?? "" })
            numbers.append(rowNumber)
            row = [:]
        }
        try XMLWalker.walk(data, start: { name, attributes in
            switch name {
            case "row":
                rowNumber = attributes["r"].flatMap(Int.init) ?? rowNumber + 1
                guard rowNumber >= 1, rowNumber <= WorkbookReader.maxRows else {
                    throw SpreadsheetError("row \(rowNumber) of sheet `\(sheet)` is outside a worksheet's 1,048,576 rows",
                                           zh: "工作表 `\(sheet)` 的第 \(rowNumber) 行超出了工作表的 1,048,576 行")
                }
                nextColumn = 0
            case "c":
                cellRef = attributes["r"] ?? ""
                cellColumn = cellRef.isEmpty ? nextColumn : SheetPart.column(of: cellRef) ?? nextColumn
                guard cellColumn < WorkbookReader.maxColumns else {
                    throw SpreadsheetError("cell \(cellRef) of sheet `\(sheet)` is outside a worksheet's 16,384 columns",
                                           zh: "工作表 `\(sheet)` 的单元格 \(cellRef) 超出了工作表的 16,384 列")
                }
                nextColumn = cellColumn + 1
                cellType = attributes["t"] ?? "n"
                cellStyle = attributes["s"].flatMap(Int.init) ?? 0
                value = nil
                inline = ""
            default: break
            }
        }, end: { name, text in
            switch name {
            case "v": value = text
            case "t": inline += text
            case "c":
                let place = cellRef.isEmpty ? "\(SheetPart.letters(cellColumn))\(rowNumber)" : cellRef
                row[cellColumn] = try SheetPart.cellText(type: cellType, value: value, inline: inline, isDate: dateStyles.contains(cellStyle),
                                                         strings: strings, date1904: date1904, place: place, sheet: sheet)
            case "row": finishRow()
            default: break
            }
        })
        finishRow()
        return Spreadsheet(sheet: sheet, rows: rows, rowNumbers: numbers)
    }

    static func cellText(type: String, value: String?, inline: String, isDate: Bool, strings: [String], date1904: Bool,
                         place: String, sheet: String) throws -> String {
        switch type {
        case "s":
            guard let index = value.flatMap(Int.init), strings.indices.contains(index) else {
                throw SpreadsheetError("cell \(place) of sheet `\(sheet)` names a shared string the workbook lacks",
                                       zh: "工作表 `\(sheet)` 的单元格 \(place) 引用了工作簿中不存在的共享字符串")
            }
            return unescape(strings[index])
        case "inlineStr": return unescape(inline)
        case "str": return unescape(value ?? "")
        case "b": return value == "1" ? "true" : "false"
        case "e":
            throw SpreadsheetError("cell \(place) of sheet `\(sheet)` holds the error \(value ?? "?"): correct the formula, or clear the cell",
                                   zh: "工作表 `\(sheet)` 的单元格 \(place) 的值是错误 \(value ?? "?"):请修正公式或清空该单元格")
        default:
            guard let value, !value.isEmpty else { return "" }
            if isDate, let serial = Double(value) { return try date(serial, date1904: date1904, place: place, sheet: sheet) }
            return number(value)
        }
    }

    /// Text with the format's escapes (`_x0007_` for a character XML cannot hold, `_x005F_` for
    /// a literal `_`) turned back into characters.
    static func unescape(_ text: String) -> String {
        guard text.contains("_x") else { return text }
        var out = "", scalars = Array(text.unicodeScalars), i = 0
        func hex(_ s: Unicode.Scalar) -> UInt32? { s.isASCII ? UInt32(String(s), radix: 16) : nil }
        while i < scalars.count {
            if scalars[i] == "_", i + 6 < scalars.count, scalars[i + 1] == "x", scalars[i + 6] == "_",
               let a = hex(scalars[i + 2]), let b = hex(scalars[i + 3]), let c = hex(scalars[i + 4]), let d = hex(scalars[i + 5]),
               let scalar = Unicode.Scalar(a << 12 | b << 8 | c << 4 | d) {
                out.unicodeScalars.append(scalar)
                i += 7
                continue
            }
            out.unicodeScalars.append(scalars[i])
            i += 1
        }
        return out
    }

    /// A number as Excel stored it; scientific notation written out when the digits are exact
    /// (below 10^15), kept otherwise so that an identifier Excel turned into a number is noticed.
    static func number(_ text: String) -> String {
        guard text.contains(where: { $0 == "E" || $0 == "e" }), let decimal = Decimal(string: text),
              let double = Double(text), abs(double) < 1e15 else { return text }
        return "\(decimal)"
    }

    /// An Excel date serial: days since 1899-12-30 (the 1900 system, whose day 60 is the
    /// 1900-02-29 that never was) or since 1904-01-01.
    static func date(_ serial: Double, date1904: Bool, place: String, sheet: String) throws -> String {
        guard serial.isFinite, serial >= 0, serial < 2_958_466 else {
            throw SpreadsheetError("cell \(place) of sheet `\(sheet)` is formatted as a date but holds \(serial), which is no date",
                                   zh: "工作表 `\(sheet)` 的单元格 \(place) 设为日期格式,但其值 \(serial) 不是日期")
        }
        let whole = serial.rounded(.down)
        var seconds = Int(((serial - whole) * 86_400).rounded())
        var days = Int(whole)
        if seconds == 86_400 { days += 1; seconds = 0 }
        // Day numbers from 1970-01-01: 1899-12-30 is -25569, 1904-01-01 is -24107.
        let epoch = date1904 ? -24_107 : -25_569
        let day = days + epoch
        guard let calendarDate = CalendarDate(daysSince1970: day) else {
            throw SpreadsheetError("cell \(place) of sheet `\(sheet)` holds a date outside years 1 to 9999", zh: "工作表 `\(sheet)` 的单元格 \(place) 的日期超出 1 到 9999 年")
        }
        let iso = calendarDate.description
        if seconds == 0 { return iso }
        return iso + String(format: " %02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
    }

    /// The 0-based column of a cell reference (`B17` → 1).
    static func column(of reference: String) -> Int? {
        var column = 0, letters = 0
        for scalar in reference.unicodeScalars {
            guard scalar.value >= 65, scalar.value <= 90 else { break }
            column = column * 26 + Int(scalar.value - 64)
            letters += 1
            if letters > 3 { return nil }
        }
        return letters == 0 ? nil : column - 1
    }

    static func letters(_ index: Int) -> String {
        var n = index + 1, text = ""
        while n > 0 { text = String(UnicodeScalar(UInt8(65 + (n - 1) % 26))) + text; n = (n - 1) / 26 }
        return text
    }
}
