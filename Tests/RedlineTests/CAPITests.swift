import CRedline
import Foundation
import Testing
@testable import Redline
@testable import RedlineC

/// The C interface (include/redline.h) called as a C host calls it: statuses, messages, handles,
/// bad arguments, threads. Examples/c runs the same functions from real C under AddressSanitizer.
@Suite(.serialized) struct CAPITests {
    /// The text of a string the library allocated, freed.
    static func take(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        defer { RedlineC.redline_free_string(pointer) }
        return pointer.map { String(cString: $0) }
    }

    /// Calls `body` with C strings for `strings`, as a `const char *const *`.
    static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { UnsafePointer($0) }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    static func compile(_ name: String, _ text: String) -> (status: Int32, program: OpaquePointer?, error: String?) {
        var program: OpaquePointer? = nil
        var error: UnsafeMutablePointer<CChar>? = nil
        let status = withCStrings([name]) { names in withCStrings([text]) { texts in RedlineC.redline_compile(names, texts, 1, &program, &error) } }
        return (status, program, take(error))
    }

    static func policy() throws -> (OpaquePointer?, OpaquePointer?) {
        let text = try String(contentsOf: Support.root.appendingPathComponent("Rules/three-always.rl"), encoding: .utf8)
        let compiled = compile("Rules/three-always.rl", text)
        #expect(compiled.status == 0)
        var dataset: OpaquePointer? = nil
        var error: UnsafeMutablePointer<CChar>? = nil
        let status = RedlineC.redline_load_directory(compiled.program, Support.root.appendingPathComponent("Rules/sample").path, nil, &dataset, &error)
        #expect(status == 0, "\(take(error) ?? "")")
        return (compiled.program, dataset)
    }

    static func run(_ program: OpaquePointer?, _ dataset: OpaquePointer?, format: String = "csv", asOf: String = "2024-06-30",
                    limits: redline_limits? = nil, cancel: OpaquePointer? = nil) -> (status: Int32, report: String?, error: String?) {
        var report: UnsafeMutablePointer<CChar>? = nil
        var error: UnsafeMutablePointer<CChar>? = nil
        var given = limits ?? redline_limits()
        let status = withUnsafePointer(to: &given) { pointer in
            RedlineC.redline_run(program, dataset, asOf, format, limits == nil ? nil : pointer, cancel, &report, &error)
        }
        return (status, take(report), take(error))
    }

    @Test func aRunGivesTheReportsOfTheLibrary() throws {
        let before = RedlineC.redline_live_handles()
        let (program, dataset) = try CAPITests.policy()
        let swiftProgram = try EngineSupport.program("Rules/three-always.rl")
        let swiftData = try #require(EngineSupport.load(swiftProgram, EngineSupport.sample).dataset)
        let result = swiftProgram.run(on: swiftData, asOf: EngineSupport.asOf)
        for format in ["table", "csv"] {
            let c = CAPITests.run(program, dataset, format: format)
            #expect(c.status == 0 && c.error == nil)
            #expect(c.report == ReportWriter(program: swiftProgram, dataset: swiftData).render(result, as: ReportFormat(rawValue: format)!))
        }
        let json = CAPITests.run(program, dataset, format: "json")
        #expect(json.report?.contains("\"redline_version\": \"\(RedlineVersion.number)\"") == true)
        #expect(RedlineC.redline_live_handles() == before + 2)
        RedlineC.redline_free_dataset(dataset)
        RedlineC.redline_free_program(program)
        #expect(RedlineC.redline_live_handles() == before)
        #expect(String(cString: RedlineC.redline_version()!) == RedlineVersion.number)
        #expect(String(cString: RedlineC.redline_status_name(5)!) == "REDLINE_STOPPED")
        #expect(String(cString: RedlineC.redline_status_name(99)!) == "?")
    }

    @Test func compileErrorsGiveAProgramWithDiagnostics() throws {
        let before = RedlineC.redline_live_handles()
        let compiled = CAPITests.compile("bad.rl", "table t key id { id: text }\nactions flag\nrule r for x in t when x.idd == 1 then flag x\n")
        #expect(compiled.status == 2)
        #expect(compiled.error?.contains("bad.rl:3:26: error: table `t` has no column or reference `idd`") == true)
        var json: UnsafeMutablePointer<CChar>? = nil
        #expect(RedlineC.redline_diagnostics(compiled.program, "json", "zh", &json, nil) == 0)
        #expect(CAPITests.take(json)?.contains("\"line\": 3") == true)
        var text: UnsafeMutablePointer<CChar>? = nil
        var error: UnsafeMutablePointer<CChar>? = nil
        #expect(RedlineC.redline_diagnostics(compiled.program, "xml", nil, &text, &error) == 1)
        #expect(CAPITests.take(error) == "unknown diagnostics format `xml` (text or json)")
        #expect(text == nil)
        RedlineC.redline_free_program(compiled.program)
        #expect(RedlineC.redline_live_handles() == before)
    }

    @Test func badArgumentsAreRefusedNotFollowed() throws {
        let before = RedlineC.redline_live_handles()
        let (program, dataset) = try CAPITests.policy()
        func status(_ result: (status: Int32, report: String?, error: String?)) -> String { "\(result.status) \(result.error ?? "")" }
        #expect(status(CAPITests.run(nil, dataset)) == "1 program is NULL")
        #expect(status(CAPITests.run(program, nil)) == "1 dataset is NULL")
        #expect(status(CAPITests.run(dataset, dataset)) == "1 program is not a live program handle")
        #expect(status(CAPITests.run(program, program)) == "1 dataset is not a live dataset handle")
        #expect(status(CAPITests.run(program, OpaquePointer(bitPattern: 0xDEAD_BEEF))) == "1 dataset is not a live dataset handle")
        #expect(status(CAPITests.run(program, dataset, format: "pdf")) == "1 unknown report format `pdf` (table, csv or json)")
        #expect(status(CAPITests.run(program, dataset, asOf: "30/06/2024")) == "1 as_of `30/06/2024` is not a date (YYYY-MM-DD)")
        let other = CAPITests.compile("o.rl", "table enterprises key id { id: text }\n")
        #expect(status(CAPITests.run(other.program, dataset)) == "1 the dataset was loaded for another program")
        RedlineC.redline_free_program(other.program)
        var report: UnsafeMutablePointer<CChar>? = nil
        #expect(RedlineC.redline_run(program, dataset, "2024-06-30", "csv", nil, nil, nil, nil) == 1)  // no place for the report
        let invalid: [CChar] = [CChar(bitPattern: 0xFF), CChar(bitPattern: 0xFE), 0]
        var error: UnsafeMutablePointer<CChar>? = nil
        #expect(invalid.withUnsafeBufferPointer { RedlineC.redline_evaluate(program, nil, $0.baseAddress, "2024-06-30", nil, nil, &report, &error) } == 1)
        #expect(CAPITests.take(error) == "expression is not UTF-8 text")
        var nothing: OpaquePointer? = nil
        #expect(RedlineC.redline_compile(nil, nil, 1, &nothing, nil) == 1)
        #expect(RedlineC.redline_compile(nil, nil, -1, &nothing, nil) == 1)
        #expect(nothing == nil)
        #expect(RedlineC.redline_cancel_request(nil) == 1)
        #expect(RedlineC.redline_cancel_request(program) == 1)
        // Freeing what is not a live handle of that kind does nothing.
        RedlineC.redline_free_program(OpaquePointer(bitPattern: 0x7))
        RedlineC.redline_free_program(dataset)
        RedlineC.redline_free_cancel(program)
        #expect(RedlineC.redline_live_handles() == before + 2)
        RedlineC.redline_free_dataset(dataset)
        RedlineC.redline_free_dataset(dataset)
        RedlineC.redline_free_program(program)
        #expect(RedlineC.redline_live_handles() == before)
        // A freed handle is dead for good: its number is never given out again.
        #expect(status(CAPITests.run(program, nil)) == "1 program is not a live program handle")
    }

    @Test func dataInMemoryExplainAndExpressions() throws {
        let (program, dataset) = try CAPITests.policy()
        defer { RedlineC.redline_free_dataset(dataset); RedlineC.redline_free_program(program) }
        var value: UnsafeMutablePointer<CChar>? = nil
        var error: UnsafeMutablePointer<CChar>? = nil
        #expect(RedlineC.redline_evaluate(program, nil, "2024-09-30 + 5 workdays", "2024-06-30", nil, nil, &value, &error) == 0)
        #expect(CAPITests.take(value) == "2024-10-12")  // Saturday 12 October 2024 was a make-up working day
        #expect(RedlineC.redline_evaluate(program, dataset, "count e in enterprises", "2024-06-30", nil, nil, &value, &error) == 0)
        #expect(CAPITests.take(value) == "12")
        #expect(RedlineC.redline_evaluate(program, nil, "1 / 0", "2024-06-30", nil, nil, &value, &error) == 4)
        #expect(CAPITests.take(error)?.contains("division by zero") == true)
        var text: UnsafeMutablePointer<CChar>? = nil
        #expect(RedlineC.redline_explain(program, dataset, "E001", "2024-06-30", "en", nil, nil, &text, &error) == 0)
        #expect(CAPITests.take(text)?.contains("rule suspend_major_hazard") == true)
        #expect(RedlineC.redline_explain(program, dataset, "E999", "2024-06-30", nil, nil, nil, &text, &error) == 6)
        #expect(CAPITests.take(error) == "no subject has the key `E999`")

        let tables = ["enterprises", "hazards", "orders", "inspections"]
        let csv = ["id,name,industry,county,owner,status,employees\nE1,甲,coal,,,operating,10\n",
                   "id,enterprise_id,level,category,found_on,deadline,rectified_on,responsible_unit\nH1,E1,major,x,2024-05-01,2024-06-01,,\n",
                   "id,enterprise_id,kind,issued_on\n", "id,enterprise_id,date,producing\n"]
        var memory: OpaquePointer? = nil
        let loaded = CAPITests.withCStrings(tables) { t in CAPITests.withCStrings(csv) { c in RedlineC.redline_load_csv(program, t, c, 4, "none", &memory, &error) } }
        #expect(loaded == 0)
        #expect(CAPITests.run(program, memory).report == "subject,label,action,rule,evidence,message\nE1,甲,close,close_overdue_major_hazard,H1,重大隐患 H1 逾期未整改(期限 2024-06-01)\n")
        RedlineC.redline_free_dataset(memory)
        let short = CAPITests.withCStrings(Array(tables.prefix(3))) { t in CAPITests.withCStrings(Array(csv.prefix(3))) { c in
            RedlineC.redline_load_csv(program, t, c, 3, nil, &memory, &error) } }
        #expect(short == 3)
        #expect(CAPITests.take(error)?.contains("no CSV text was given for table `inspections`") == true)
        #expect(memory == nil)
        var folder: OpaquePointer? = nil
        #expect(RedlineC.redline_load_directory(program, "/nonexistent", nil, &folder, &error) == 3)
        #expect(CAPITests.take(error) == "`/nonexistent` is not a folder")
    }

    @Test func eightThreadsThroughTheCInterfaceDecideAsOne() throws {
        let (program, dataset) = try CAPITests.policy()
        defer { RedlineC.redline_free_dataset(dataset); RedlineC.redline_free_program(program) }
        let one = CAPITests.run(program, dataset).report
        let reports = ParallelReports()
        let handles = SendableHandles(program: program, dataset: dataset)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<5 { reports.add(CAPITests.run(handles.program, handles.dataset).report) }
        }
        #expect(reports.all.count == 40)
        #expect(reports.all.allSatisfy { $0 == one })
    }

    @Test func limitsAndCancellationFromAnotherThread() throws {
        let compiled = CAPITests.compile("p.rl", LimitsTests.policy)
        defer { RedlineC.redline_free_program(compiled.program) }
        let tables = LimitsTests.tables(enterprises: 5_000)
        var dataset: OpaquePointer? = nil
        let names = tables.keys.sorted()
        let status = CAPITests.withCStrings(names) { t in CAPITests.withCStrings(names.map { tables[$0]! }) { c in
            RedlineC.redline_load_csv(compiled.program, t, c, names.count, nil, &dataset, nil) } }
        #expect(status == 0)
        defer { RedlineC.redline_free_dataset(dataset) }
        var limits = redline_limits()
        limits.max_steps = 1000
        let steps = CAPITests.run(compiled.program, dataset, limits: limits)
        #expect(steps.status == 5 && steps.report == nil)
        #expect(steps.error?.hasPrefix("the run was stopped: the evaluation took more than 1000 steps;") == true)
        let cancel = RedlineC.redline_cancel_new()
        defer { RedlineC.redline_free_cancel(cancel) }
        let handle = SendableHandles(program: cancel, dataset: nil)
        Thread { Thread.sleep(forTimeInterval: 0.2); _ = RedlineC.redline_cancel_request(handle.program) }.start()
        let cancelled = CAPITests.run(compiled.program, dataset, cancel: cancel)
        #expect(cancelled.status == 5)
        #expect(cancelled.error?.hasPrefix("the run was stopped: interrupted;") == true)
    }

    struct SendableHandles: @unchecked Sendable {
        let program: OpaquePointer?
        let dataset: OpaquePointer?
    }

    final class ParallelReports: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var all: [String?] = []
        func add(_ report: String?) { lock.lock(); all.append(report); lock.unlock() }
    }
}
