import Foundation
import Testing
@testable import Redline
@testable import RedlineXLSX

/// Excel workbooks (`T.xlsx`) read like CSV files: the fixtures (Tests/Fixtures/xlsx, written by
/// openpyxl through make_workbooks.py and by LibreOffice) hold Rules/sample with dates as serials and as text,
/// booleans, numbers, a formula's cached value and a sheet named after its table behind another.
@Suite struct WorkbookTests {
    static let folder = Support.fixtures.appendingPathComponent("xlsx/openpyxl").path

    @Test(arguments: ["Rules/three-always.rl", "Rules/rectification-ledger.rl", "Rules/三个一律.rl"], ["openpyxl", "libreoffice"])
    func aWorkbookDecidesAsTheCSVFilesDo(policy: String, writer: String) throws {
        let program = try EngineSupport.program(policy)
        var options = LoadOptions(calendarPath: Support.root.appendingPathComponent(EngineSupport.calendar).path)
        options.spreadsheetReader = WorkbookReader.reader
        let fromWorkbooks = program.loadData(directory: Support.fixtures.appendingPathComponent("xlsx/\(writer)").path, options: options)
        let workbooks = try #require(fromWorkbooks.dataset, "\(DiagnosticRenderer.text(fromWorkbooks.diagnostics))")
        let csv = try #require(EngineSupport.load(program, EngineSupport.sample).dataset)
        func report(_ data: Dataset) -> String {
            ReportWriter(program: program, dataset: data).render(program.run(on: data, asOf: EngineSupport.asOf), as: .csv)
        }
        #expect(report(workbooks) == report(csv))
        #expect(workbooks.files.allSatisfy { $0.encoding == "XLSX" })
    }

    @Test func cellsBecomeTheTextTheCSVReaderExpects() throws {
        let hazards = try WorkbookReader.read(path: WorkbookTests.folder + "/hazards.xlsx", table: "hazards")
        #expect(hazards.sheet == "hazards")
        #expect(hazards.rows[0] == ["id", "enterprise_id", "level", "category", "found_on", "deadline", "rectified_on", "responsible_unit"])
        #expect(hazards.rows[1] == ["H001", "E001", "major", "瓦斯超限", "2024-05-01", "2024-07-15", "", "小店区应急管理局"])
        let enterprises = try WorkbookReader.read(path: WorkbookTests.folder + "/enterprises.xlsx", table: "enterprises")
        #expect(enterprises.rows[1].last == "420")  // =400+20, by its cached value
        let inspections = try WorkbookReader.read(path: WorkbookTests.folder + "/inspections.xlsx", table: "inspections")
        #expect(inspections.rows[1].suffix(2) == ["2024-06-10", "true"])
        #expect(try SheetPart.date(45413, date1904: false, place: "A1", sheet: "s") == "2024-05-01")
        #expect(try SheetPart.date(45413.5, date1904: false, place: "A1", sheet: "s") == "2024-05-01 12:00:00")
        #expect(try SheetPart.date(43951, date1904: true, place: "A1", sheet: "s") == "2024-05-01")
        #expect(SheetPart.number("1E-3") == "0.001")
        #expect(SheetPart.number("9.1140100123456794E+17") == "9.1140100123456794E+17")
        #expect(SheetPart.column(of: "AB17") == 27)
        #expect(StylesPart.isDateFormat("yyyy\"年\"m\"月\"d\"日\""))
        #expect(!StylesPart.isDateFormat("0.00"))
        #expect(!StylesPart.isDateFormat("[Red]#,##0"))
    }

    @Test func aHostWithoutAReaderIsToldSo() throws {
        let program = try EngineSupport.program("Rules/three-always.rl")
        let loaded = program.loadData(directory: WorkbookTests.folder)
        #expect(loaded.dataset == nil)
        #expect(loaded.diagnostics.first?.message.contains("is a workbook, and this program reads none") == true)
    }

    /// A rule test's `given data` folder may hold workbooks, as `run --data` may.
    @Test func aRuleTestReadsWorkbooksInItsDataFolder() throws {
        let dir = URL(fileURLWithPath: try EngineSupport.folder([:]))
        let data = dir.appendingPathComponent("ledger")
        try FileManager.default.copyItem(atPath: WorkbookTests.folder, toPath: data.path)
        let policy = try String(contentsOf: Support.root.appendingPathComponent("Rules/three-always.rl"), encoding: .utf8)
        let tests = """
        test "the sample as workbooks" as of 2024-06-30
          given data "ledger"
          expect E001 suspend by suspend_major_hazard evidence H001
          expect E002 refer by refer_illegal_production evidence I001
          expect E007 close by close_overdue_major_hazard evidence H007, H008

        """
        try (policy + "\n" + tests).write(to: dir.appendingPathComponent("p.rl"), atomically: true, encoding: .utf8)
        let result = try Support.run(["test", dir.appendingPathComponent("p.rl").path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("the sample as workbooks"))
        #expect(!result.stdout.contains("FAIL"))
    }

    @Test func jsonReportsNameTheWorkbookByItsOwnBytes() throws {
        let result = try Support.run(["run", "Rules/three-always.rl", "--data", WorkbookTests.folder, "--as-of", "2024-06-30", "--format", "json"])
        #expect(result.status == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: WorkbookTests.folder + "/hazards.xlsx"))
        let digest = bytes.withUnsafeBytes { SHA256.hex($0.bindMemory(to: UInt8.self)) }
        #expect(result.stdout.contains("\"table\": \"hazards\", \"encoding\": \"XLSX\", \"rows\": 18, \"sha256\": \"\(digest)\""))
    }
}

/// `--format xlsx`: the decisions and a summary as a workbook, read back by openpyxl (installed by
/// Scripts/test) and by Redline's own reader.
@Suite struct WorkbookReportTests {
    @Test func aWorkbookReportReadsBackAsTheCSVReport() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("redline-xlsx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let workbook = folder.appendingPathComponent("report.xlsx").path
        let arguments = ["run", "Rules/three-always.rl", "--data", "Rules/sample", "--as-of", "2024-06-30"]
        let written = try Support.run(arguments + ["--format", "xlsx", "--output", workbook])
        #expect(written.status == 0, "\(written.stderr)")
        let csv = try Support.run(arguments + ["--format", "csv", "--raw-csv"]).stdout
        // Redline's reader: the decisions sheet holds the CSV report's cells.
        let sheet = try WorkbookReader.read(path: workbook, table: "decisions")
        let csvRows = csv.split(separator: "\n").map { line in WorkbookReportTests.csvFields(String(line)) }
        #expect(sheet.rows == csvRows)
        // openpyxl, written by others: the same cells, and the summary's counts as numbers.
        let script = """
            import json, sys, openpyxl
            wb = openpyxl.load_workbook(sys.argv[1])
            print(json.dumps({"sheets": wb.sheetnames,
                              "decisions": [[c if c is not None else "" for c in r] for r in wb["decisions"].iter_rows(values_only=True)],
                              "summary": [list(r) for r in wb["summary"].iter_rows(values_only=True)]}, ensure_ascii=False))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, workbook]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            Issue.record("openpyxl could not read the report (Scripts/test installs openpyxl): \(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))")
            return
        }
        let read = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(read["sheets"] as? [String] == ["decisions", "summary"])
        #expect(read["decisions"] as? [[String]] == csvRows)
        let summary = try #require(read["summary"] as? [[Any]])
        #expect(summary.contains { ($0.first as? String) == "close" && ($0.dropFirst().first as? Int) == 3 })
        #expect(summary.contains { ($0.first as? String) == "subjects evaluated" && ($0.dropFirst().first as? Int) == 12 })
    }

    @Test func textThatLooksLikeAFormulaOrHoldsControlsStaysText() throws {
        let bytes = try WorkbookWriter.data([WorkbookWriter.Sheet(name: "a/b", rows: [[.text("=HYPERLINK(\"x\")"), .text("bell\u{7} _x0041_")]])])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("redline-xlsx-\(UUID().uuidString).xlsx")
        try bytes.write(to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains("<f>"))
        let sheet = try WorkbookReader.read(path: folder.path, table: "a_b")
        #expect(sheet.sheet == "a_b")
        #expect(sheet.rows[0][0] == "=HYPERLINK(\"x\")")
        #expect(sheet.rows[0][1] == "bell\u{7} _x0041_")
        // The same bytes for the same report: auditors can compare files.
        #expect(try WorkbookWriter.data([WorkbookWriter.Sheet(name: "a/b", rows: [[.text("=HYPERLINK(\"x\")"), .text("bell\u{7} _x0041_")]])]) == bytes)
    }

    /// A CSV line's fields (quotes and doubled quotes), for comparing with a sheet.
    static func csvFields(_ line: String) -> [String] {
        var fields: [String] = [], field = "", quoted = false, chars = Array(line), i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" { if i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false } } else { field.append(c) }
            } else if c == "\"" { quoted = true } else if c == "," { fields.append(field); field = "" } else { field.append(c) }
            i += 1
        }
        fields.append(field)
        return fields
    }
}
