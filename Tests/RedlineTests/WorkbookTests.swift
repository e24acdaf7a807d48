import Foundation
import Testing
@testable import Redline
@testable import RedlineXLSX

/// Excel workbooks (`T.xlsx`) read like CSV files: the fixtures (Tests/Fixtures/xlsx, made by
/// make_workbooks.py with openpyxl) hold Rules/sample with dates as serials and as text,
/// booleans, numbers, a formula's cached value and a sheet named after its table behind another.
@Suite struct WorkbookTests {
    static let folder = Support.fixtures.appendingPathComponent("xlsx/openpyxl").path

    @Test(arguments: ["Rules/three-always.rl", "Rules/rectification-ledger.rl", "Rules/三个一律.rl"])
    func aWorkbookDecidesAsTheCSVFilesDo(policy: String) throws {
        let program = try EngineSupport.program(policy)
        var options = LoadOptions(calendarPath: Support.root.appendingPathComponent(EngineSupport.calendar).path)
        options.spreadsheetReader = WorkbookReader.reader
        let fromWorkbooks = program.loadData(directory: WorkbookTests.folder, options: options)
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

    @Test func jsonReportsNameTheWorkbookByItsOwnBytes() throws {
        let result = try Support.run(["run", "Rules/three-always.rl", "--data", WorkbookTests.folder, "--as-of", "2024-06-30", "--format", "json"])
        #expect(result.status == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: WorkbookTests.folder + "/hazards.xlsx"))
        let digest = bytes.withUnsafeBytes { SHA256.hex($0.bindMemory(to: UInt8.self)) }
        #expect(result.stdout.contains("\"table\": \"hazards\", \"encoding\": \"XLSX\", \"rows\": 18, \"sha256\": \"\(digest)\""))
    }
}
