/// A problem with one value or row of a data file, kept with what is needed to render it like a
/// code error (file, line, the line's text, the column and the value) and to count it by reason.
struct DataIssue: Sendable {
    enum Reason: String, Sendable, CaseIterable {
        case badValue = "bad value"
        case raggedRow = "ragged row"
        /// A quote that opens a field and never closes, or text after a closing quote.
        case badQuoting = "bad quoting"
        /// A NUL byte, which no text in a register holds.
        case nulByte = "NUL byte"
        case duplicateKey = "duplicate key"
        case missingKey = "missing key"
        case unknownReference = "unknown reference"
        /// A reference to a row skipped for its own error: counted, not reported again.
        case skippedReference = "refers to a skipped row"
    }

    let reason: Reason
    let table: Int
    let row: Int
    let diagnostic: Diagnostic
}

/// Messages for data problems.
extension Catalog {
    static func badValue(_ value: String, column: String, expected: LocalizedText) -> LocalizedText {
        LocalizedText("`\(value)` in column `\(column)` is not \(expected.en)", zh: "列 `\(column)` 中的 `\(value)` 不是\(expected.zh)")
    }
    static let expectedDate = LocalizedText("a date (expected YYYY-MM-DD, e.g. 2024-06-30; also 2024/6/30, 2024.6.30, 2024年6月30日, or 2024-06-30 00:00:00)",
                                            zh: "日期(应为 YYYY-MM-DD,例如 2024-06-30;也可写 2024/6/30、2024.6.30、2024年6月30日 或 2024-06-30 00:00:00)")
    static let expectedUnambiguousDate = LocalizedText("a date in an order Redline can know: day and month may be either way round here; write the year first (2024-05-01, 2024/5/1 or 2024年5月1日)",
                                                       zh: "无歧义的日期:此处日和月的先后无法确定;请把年份写在前面(2024-05-01、2024/5/1 或 2024年5月1日)")
    static let expectedInt = LocalizedText("a whole number", zh: "整数")
    static let expectedDecimal = LocalizedText("a number", zh: "数字")
    static let expectedBool = LocalizedText("true or false (also 是/否, 1/0)", zh: "真假值(true/false、是/否 或 1/0)")
    static let expectedDuration = LocalizedText("a duration such as `30 days`", zh: "时长(例如 `30 days`)")
    static func raggedRow(_ count: Int, header: Int) -> LocalizedText {
        LocalizedText("this row has \(count) field\(count == 1 ? "" : "s") but the header has \(header)",
                      zh: "此行有 \(count) 个字段,但表头有 \(header) 个")
    }
    static let unclosedQuote = LocalizedText("this quote opens a value that is never closed", zh: "此引号开始的值没有闭合")
    static let unclosedQuoteHint = LocalizedText("close the value with `\"`; a `\"` inside a value is written `\"\"`",
                                                 zh: "请用 `\"` 结束该值;值中的 `\"` 写作 `\"\"`")
    static let textAfterQuote = LocalizedText("text after the closing quote of a value", zh: "值的闭合引号之后还有文字")
    static let textAfterQuoteHint = LocalizedText("put the whole value inside the quotes; a `\"` inside a value is written `\"\"`",
                                                  zh: "请把整个值放在引号内;值中的 `\"` 写作 `\"\"`")
    static let nulByte = LocalizedText("this row holds a NUL byte (0x00)", zh: "此行含有 NUL 字节(0x00)")
    static let nulInJSON = LocalizedText("this value holds a NUL character (\\u0000)", zh: "此值含有 NUL 字符(\\u0000)")
    static let nulByteHint = LocalizedText("the file may be binary, or damaged; export it again as CSV", zh: "文件可能是二进制文件或已损坏;请重新导出为 CSV")
    static func duplicateHeader(_ name: String, first: Int, second: Int) -> LocalizedText {
        LocalizedText("column `\(name)` appears twice in the header (fields \(first) and \(second))",
                      zh: "表头中列 `\(name)` 出现了两次(第 \(first) 和第 \(second) 个字段)")
    }
    static func tooManyColumns(_ count: Int, limit: Int) -> LocalizedText {
        LocalizedText("the header has \(count) columns; a data file may have at most \(limit)",
                      zh: "表头有 \(count) 列;数据文件最多 \(limit) 列")
    }
    static func notRegularFile(_ path: String, calendar: Bool = false) -> LocalizedText {
        LocalizedText("`\(path)` is not a regular file (a pipe, device or folder); give a \(calendar ? "calendar" : "data") file",
                      zh: "`\(path)` 不是普通文件(管道、设备或文件夹);请提供\(calendar ? "日历" : "数据")文件")
    }
    static let raggedHint = LocalizedText("a comma inside a value needs the value in double quotes", zh: "值中含逗号时,请用英文双引号把整个值括起来")
    static func duplicateKey(_ key: String, column: String, firstLine: Int) -> LocalizedText {
        LocalizedText("duplicate key `\(key)` in column `\(column)` (first on line \(firstLine))",
                      zh: "列 `\(column)` 中的主键 `\(key)` 重复(首次出现在第 \(firstLine) 行)")
    }
    static func rewrittenNumber(_ value: String, column: String) -> LocalizedText {
        LocalizedText("`\(value)` in column `\(column)` is an identifier a spreadsheet rewrote as a number (its digits are lost); format the column as text before exporting, and export again",
                      zh: "列 `\(column)` 中的 `\(value)` 是被电子表格改写成数字的编号(原有数字已丢失);请在导出前把该列设为文本格式,然后重新导出")
    }
    static func referenceLostZeros(_ value: String, column: String, table: String, key: String) -> LocalizedText {
        LocalizedText("`\(value)` in column `\(column)` is not a key of table `\(table)`, but `\(key)` is: leading zeros were probably lost in a spreadsheet; format both columns as text before exporting",
                      zh: "列 `\(column)` 中的 `\(value)` 不是表 `\(table)` 的主键,但 `\(key)` 是:前导零可能在电子表格中丢失了;请在导出前把两列都设为文本格式")
    }
    static func missingKey(_ column: String) -> LocalizedText {
        LocalizedText("the key column `\(column)` is empty", zh: "主键列 `\(column)` 为空")
    }
    static func unknownReference(_ value: String, column: String, table: String) -> LocalizedText {
        LocalizedText("`\(value)` in column `\(column)` is not a key of table `\(table)`",
                      zh: "列 `\(column)` 中的 `\(value)` 不是表 `\(table)` 的主键")
    }
    static func missingColumn(_ column: String, table: String) -> LocalizedText {
        LocalizedText("the file has no column `\(column)`, which table `\(table)` declares",
                      zh: "文件缺少表 `\(table)` 声明的列 `\(column)`")
    }
    static func noDataFile(_ table: String, directory: String) -> LocalizedText {
        LocalizedText("no data file for table `\(table)`: expected \(directory)/\(table).csv, .json, .jsonl or .xlsx",
                      zh: "表 `\(table)` 没有数据文件:应为 \(directory)/\(table).csv、.json、.jsonl 或 .xlsx")
    }
    static let unreadableEncoding = LocalizedText("the file is neither UTF-8 nor GB18030 text", zh: "文件既不是 UTF-8 也不是 GB18030 文本")
    static func mixedEncoding(line: Int, utf8Lines: Int) -> LocalizedText {
        LocalizedText("line \(line) is not UTF-8, though \(utf8Lines) other line\(utf8Lines == 1 ? " is" : "s are"): the file mixes two encodings",
                      zh: "第 \(line) 行不是 UTF-8 文本,而另外 \(utf8Lines) 行是:文件混用了两种编码")
    }
    static let mixedEncodingHint = LocalizedText("text pasted from a GBK/GB18030 file? retype it, or save the whole file again as CSV UTF-8",
                                                 zh: "是否从 GBK/GB18030 文件粘贴了文字?请重新输入,或将整个文件另存为 CSV UTF-8")
    static func badJSON(_ detail: String) -> LocalizedText {
        LocalizedText("not valid JSON: \(detail)", zh: "不是有效的 JSON:\(detail)")
    }
    static let jsonNotArray = LocalizedText("expected an array of objects", zh: "应为对象数组")
    static func jsonNotScalar(column: String, array: Bool) -> LocalizedText {
        LocalizedText("column `\(column)` holds a JSON \(array ? "array" : "object"); a value must be a string, a number, true, false or null",
                      zh: "列 `\(column)` 的值是 JSON \(array ? "数组" : "对象");值只能是字符串、数字、true、false 或 null")
    }
    static let jsonNotObject = LocalizedText("expected an object", zh: "应为对象")
    static func tooManyDataErrors(_ shown: Int, total: Int) -> LocalizedText {
        LocalizedText("\(total - shown) more data errors not shown (\(total) in all)", zh: "还有 \(total - shown) 个数据错误未显示(共 \(total) 个)")
    }
}
