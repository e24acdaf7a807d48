import Foundation

/// One worksheet's cells as text, the header row first: what a spreadsheet reader gives the
/// loader for `DIR/T.xlsx`. Numbers are written as plain decimals, booleans `true`/`false`,
/// cells formatted as dates ISO (`2024-05-01`), empty cells empty. The core library reads no
/// workbook itself (it stays Foundation-only): the `redline` command plugs in RedlineXLSX, and
/// a host may plug in its own reader.
public struct Spreadsheet: Sendable {
    /// The sheet's name, for messages (`sheet hazards, cell B17`).
    public let sheet: String
    /// Rows of cells; row `i` is the sheet's row `rowNumbers[i]` (rows with no cells are left out).
    public let rows: [[String]]
    /// The sheet's row number (1-based) of each of `rows`, for messages.
    public let rowNumbers: [Int]

    /// A sheet's cells as text, with the row number of each row.
    public init(sheet: String, rows: [[String]], rowNumbers: [Int]) {
        self.sheet = sheet
        self.rows = rows
        self.rowNumbers = rowNumbers
    }
}

/// A workbook that cannot be read, with the reason in both languages.
public struct SpreadsheetError: Error, Sendable {
    /// The reason in English.
    public let en: String
    /// The reason in Chinese.
    public let zh: String
    /// A reason in both languages.
    public init(_ en: String, zh: String) {
        self.en = en
        self.zh = zh
    }
}

/// Reads the worksheet for a table from a workbook file: `(path, table name)`.
public typealias SpreadsheetReader = @Sendable (_ path: String, _ table: String) throws -> Spreadsheet

/// A sheet turned into CSV text for the CSV reader, so a workbook is checked exactly as a CSV
/// file is; and the way back from the CSV reader's places to the sheet's cells.
struct SheetAsCSV {
    let path: String
    let sheet: String
    /// Rows a host gave (`HostTable`): places are named by row number and column name, not cell.
    var hostColumns: [String]? = nil
    let csv: Data
    /// Per CSV line (1-based, index 0 unused): the sheet's row, and where each field starts
    /// (in characters, 1-based) on that line.
    private let rowNumbers: [Int]
    private let fieldStarts: [[Int]]

    init(path: String, _ spreadsheet: Spreadsheet) {
        self.path = path
        sheet = spreadsheet.sheet
        var text = "", numbers = [0], starts: [[Int]] = [[]]
        for (index, row) in spreadsheet.rows.enumerated() {
            var line = "", lineStarts: [Int] = []
            var column = 1
            for (n, cell) in row.enumerated() {
                if n > 0 { line += ","; column += 1 }
                lineStarts.append(column)
                // A cell holding a line break stays one field; the CSV line count then differs
                // from the sheet's, which is why every line keeps its own row number.
                let quoted = cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                    ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
                line += quoted
                column += quoted.count
            }
            text += line + "\n"
            let sheetRow = spreadsheet.rowNumbers.indices.contains(index) ? spreadsheet.rowNumbers[index] : index + 1
            for _ in 0...line.filter({ $0 == "\n" }).count {
                numbers.append(sheetRow)
                starts.append(lineStarts)
            }
        }
        csv = Data(text.utf8)
        rowNumbers = numbers
        fieldStarts = starts
    }

    /// `A`, `B`, … `Z`, `AA`, … for a 0-based column.
    static func columnLetters(_ index: Int) -> String {
        var n = index + 1, letters = ""
        while n > 0 {
            let remainder = (n - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + remainder))) + letters
            n = (n - 1) / 26
        }
        return letters
    }

    /// A diagnostic of the CSV reader, placed in the workbook: the sheet's row as its line, and
    /// the sheet and cell named in the message.
    func relocate(_ d: Diagnostic) -> Diagnostic {
        guard d.file == path else { return d }
        let line = d.location.line
        guard line >= 1, line < rowNumbers.count else {
            let text = LocalizedText(d.text.en + " (sheet `\(sheet)`)", zh: d.text.zh + "(工作表 `\(sheet)`)")
            return Diagnostic(severity: d.severity, text: text, hint: d.hintText, file: d.file, location: d.location,
                              lineText: d.lineText, caretColumn: d.caretColumn, caretLength: d.caretLength, notes: d.notes)
        }
        let starts = fieldStarts[line]
        let field = max(0, (starts.lastIndex { $0 <= d.caretColumn } ?? 0))
        let text: LocalizedText
        if let hostColumns {
            // The header is row 0; the host's first row is row 1.
            let row = rowNumbers[line] - 1
            let column = hostColumns.indices.contains(field) ? hostColumns[field] : "\(field + 1)"
            text = row == 0 ? LocalizedText(d.text.en + " (table `\(sheet)`, its columns)", zh: d.text.zh + "(表 `\(sheet)` 的列名)")
                : LocalizedText(d.text.en + " (table `\(sheet)`, row \(row), column `\(column)`)",
                                zh: d.text.zh + "(表 `\(sheet)`,第 \(row) 行,列 `\(column)`)")
        } else {
            let cell = "\(SheetAsCSV.columnLetters(field))\(rowNumbers[line])"
            text = LocalizedText(d.text.en + " (sheet `\(sheet)`, cell \(cell))", zh: d.text.zh + "(工作表 `\(sheet)`,单元格 \(cell))")
        }
        return Diagnostic(severity: d.severity, text: text, hint: d.hintText, file: d.file,
                          location: SourceLocation(line: hostColumns == nil ? rowNumbers[line] : rowNumbers[line] - 1, column: field + 1),
                          lineText: d.lineText, caretColumn: d.caretColumn, caretLength: d.caretLength, notes: d.notes)
    }
}

extension Catalog {
    static func oldExcel(_ path: String) -> LocalizedText {
        LocalizedText("`\(path)` is an old Excel workbook (.xls), which Redline cannot read: save it as .xlsx or as CSV UTF-8",
                      zh: "`\(path)` 是旧版 Excel 工作簿(.xls),Redline 无法读取:请另存为 .xlsx 或 CSV UTF-8")
    }
    static func noSpreadsheetReader(_ path: String) -> LocalizedText {
        LocalizedText("`\(path)` is a workbook, and this program reads none (the `redline` command does; a host gives LoadOptions.spreadsheetReader)",
                      zh: "`\(path)` 是工作簿,本程序不读取工作簿(`redline` 命令可以;宿主程序可提供 LoadOptions.spreadsheetReader)")
    }
}
