import Foundation
import Testing
@testable import Redline

/// The edges of the three-always policy and of reading data as real tools write it.
@Suite struct DataEdgeTests {
    func run(_ files: [String: String], policy: String = "Rules/three-always.rl", lenient: Bool = false,
             columns: ColumnSelection = .all) throws -> (RunResult?, DataLoadResult) {
        try runBytes(files.mapValues { Array($0.utf8) }, policy: policy, lenient: lenient, columns: columns)
    }

    func runBytes(_ files: [String: [UInt8]], policy: String = "Rules/three-always.rl", lenient: Bool = false,
                  columns: ColumnSelection = .all) throws -> (RunResult?, DataLoadResult) {
        let program = try EngineSupport.program(policy)
        let folder = try EngineSupport.folder(files)
        let loaded = program.loadData(directory: folder, options: LoadOptions(lenient: lenient, columns: columns))
        return (loaded.dataset.map { program.run(on: $0, asOf: EngineSupport.asOf) }, loaded)
    }

    func outcome(_ result: RunResult?, _ subject: String, _ rule: String) -> RuleOutcome? {
        result?.decisions.first { $0.subject.key == subject }?.outcomes.first { $0.rule == rule }
    }

    @Test func sampleEdges() throws {
        let (result, _) = try run(try EngineSupport.sampleFiles())
        let actions = EngineSupport.actions(try #require(result))
        // Rectified exactly on the deadline: on time, and rectified before the as-of date.
        #expect(actions["E003"] == nil)
        // Found after the as-of date: not yet a hazard.
        #expect(actions["E004"] == nil)
        // Rectified late but before the as-of date: closure, no suspension.
        #expect(actions["E005"] == "close")
        #expect(outcome(result, "E005", "suspend_major_hazard") == nil)
        // An inspection on the same day as the order is not "after" it.
        #expect(actions["E006"] == "close")
        #expect(outcome(result, "E006", "refer_illegal_production") == nil)
        // Several hazards are all evidence, in key order.
        #expect(outcome(result, "E007", "close_overdue_major_hazard")?.evidence.map(\.key) == ["H007", "H008"])
        // A missing deadline leaves closure undetermined, naming the cell.
        let undetermined = outcome(result, "E008", "close_overdue_major_hazard")
        #expect(undetermined?.kind == .undetermined)
        #expect(undetermined?.missing.map(\.description) == ["hazards H010.deadline"])
        #expect(actions["E008"] == "undetermined")
        // Refer: producing after a close order; the inspection after the as-of date is not evidence.
        #expect(outcome(result, "E011", "refer_illegal_production")?.evidence.map(\.key) == ["I004", "I005"])
        // An order of another kind does not count.
        #expect(actions["E009"] == nil)
    }

    @Test func chineseNameWithCommaAndQuote() throws {
        let program = try EngineSupport.program("Rules/three-always.rl")
        let dataset = try #require(EngineSupport.load(program, EngineSupport.sample).dataset)
        let answer = program.query("from e in enterprises where e.id == \"E007\" select e.name", on: dataset, asOf: EngineSupport.asOf)
        #expect(answer.textRows == [["阳泉市\"金石\"化工有限公司,二厂"]])
        #expect(answer.render(.csv) == "e.name\n\"阳泉市\"\"金石\"\"化工有限公司,二厂\"\n")
    }

    @Test func crlfBomAndGB18030ReadAlike() throws {
        let files = try EngineSupport.sampleFiles()
        let (plain, _) = try run(files)
        let expected = EngineSupport.actions(try #require(plain))
        let crlf = files.mapValues { $0.replacingOccurrences(of: "\n", with: "\r\n") }
        #expect(EngineSupport.actions(try #require(try run(crlf).0)) == expected)
        let bom = files.mapValues { [0xEF, 0xBB, 0xBF] + Array($0.utf8) }
        #expect(EngineSupport.actions(try #require(try runBytes(bom).0)) == expected)
        let gb = try files.mapValues { text -> [UInt8] in
            [UInt8](try #require(text.data(using: TextEncoding.gb18030Foundation)))
        }
        #expect(gb["enterprises.csv"] != Array(files["enterprises.csv"]!.utf8))
        let (gbResult, gbLoad) = try runBytes(gb)
        #expect(EngineSupport.actions(try #require(gbResult)) == expected)
        #expect(gbLoad.dataset?.files.first?.encoding == "GB18030")
        // Loading only what the rules read decides the same on every encoding.
        for variant in [bom, gb] {
            #expect(EngineSupport.actions(try #require(try runBytes(variant, columns: .readByRules).0)) == expected)
        }
    }

    /// GB18030 files are decoded with iconv; it must read every character as Foundation does:
    /// all two-byte sequences (GBK and the rest), four-byte ones across the BMP and beyond, and
    /// refuse what is not GB18030 (a lead byte cut off at the end, a bad trail byte).
    @Test func iconvDecodesGB18030AsFoundationDoes() throws {
        func foundation(_ bytes: [UInt8]) -> [UInt8]? {
            String(data: Data(bytes), encoding: TextEncoding.gb18030Foundation).map { Array($0.utf8) }
        }
        func iconv(_ bytes: [UInt8]) -> [UInt8]? {
            switch TextEncoding.iconvToUTF8(Data(bytes), from: "GB18030") {
            case .converted(let utf8): return utf8
            case .invalid: return nil
            case .unsupported: Issue.record("this iconv lacks GB18030"); return nil
            }
        }
        // Every two-byte sequence, one per line, so that a disagreement names its character.
        var differences: [String] = []
        for lead in UInt8(0x81)...0xFE {
            var line: [UInt8] = []
            for trail in Array(UInt8(0x40)...0x7E) + Array(UInt8(0x80)...0xFE) { line += [lead, trail, 0x2C] }
            if iconv(line) != foundation(line) {
                for trail in Array(UInt8(0x40)...0x7E) + Array(UInt8(0x80)...0xFE) where iconv([lead, trail]) != foundation([lead, trail]) {
                    differences.append(String(format: "%02X%02X", lead, trail))
                }
            }
        }
        // Seven codes differ, each where iconv follows the standard (TextEncoding.gb18030ToUTF8):
        // the six GB18030-2022 gave their CJK extension B characters, and A3A0.
        #expect(differences == ["A3A0", "FE51", "FE52", "FE53", "FE6C", "FE76", "FE91"])
        let standard: [[UInt8]: UInt32] = [[0xFE, 0x51]: 0x20087, [0xFE, 0x52]: 0x20089, [0xFE, 0x53]: 0x200CC,
                                           [0xFE, 0x6C]: 0x215D7, [0xFE, 0x76]: 0x2298F, [0xFE, 0x91]: 0x241FE, [0xA3, 0xA0]: 0xE5E5]
        for (code, scalar) in standard {
            #expect(iconv(code) == Array(String(Character(Unicode.Scalar(scalar)!)).utf8), "\(code)")
        }
        // Four-byte sequences: every 7th from 81 30 81 30 to 84 31 A4 39 (U+FFFF, the last in the
        // BMP), and from 90 30 81 30 (U+10000) into the supplementary planes.
        var fourByte: [UInt8] = []
        var count = 0
        for b1 in Array(UInt8(0x81)...0x84) + Array(UInt8(0x90)...0x93) {
            for b2 in UInt8(0x30)...0x39 { for b3 in UInt8(0x81)...0xFE { for b4 in UInt8(0x30)...0x39 {
                if b1 == 0x84, (b2, b3, b4) > (0x31, 0xA4, 0x39) { continue }
                count += 1
                if count % 7 == 0 { fourByte += [b1, b2, b3, b4] }
            } } }
        }
        // iconv refuses the 18 codes GB18030-2022 retired (82 35 90 37 to 82 35 91 34, 84 31 82 36
        // to 84 31 83 35); the decoder then reads the file with Foundation, as it does the euro
        // sign of code page 936 (0x80), which Excel writes.
        #expect(iconv(fourByte) == nil)
        #expect(TextEncoding.gb18030ToUTF8(Data(fourByte)) == foundation(fourByte))
        var current: [UInt8] = []
        for index in stride(from: 0, to: fourByte.count, by: 4) {
            let code = Array(fourByte[index..<(index + 4)])
            let retired = (code[0] == 0x82 && code[1] == 0x35 && [0x90, 0x91].contains(code[2]))
                || (code[0] == 0x84 && code[1] == 0x31 && [0x82, 0x83].contains(code[2]))
            if !retired { current += code }
        }
        #expect(iconv(current) != nil && iconv(current) == foundation(current))
        #expect(TextEncoding.gb18030ToUTF8(Data([0x41, 0x80, 0x42])) == Array("A€B".utf8))
        let text = "安全生产监管 三个一律,限期整改 ABC 123 \u{20000}𠀀 ①②"
        let encoded = try #require(text.data(using: TextEncoding.gb18030Foundation))
        #expect(iconv([UInt8](encoded)) == Array(text.utf8))
        for bad: [UInt8] in [[0xD6], [0x41, 0xD6], [0xD6, 0x20], [0x81, 0x30], [0x81, 0x30, 0x81], [0xFF], [0x84, 0x31, 0xA5, 0x30]] {
            #expect(iconv(bad) == nil && foundation(bad) == nil, "\(bad)")
        }
        #expect(iconv([]) == [])
        #expect(TextEncoding.gb18030ToUTF8(encoded) == Array(text.utf8))
    }

    func errors(columns: ColumnSelection = .all, _ replace: (inout [String: String]) -> Void) throws -> [String] {
        var files = try EngineSupport.sampleFiles()
        replace(&files)
        let (result, loaded) = try run(files, columns: columns)
        #expect(result == nil)
        return loaded.diagnostics.map { "\(($0.file as NSString).lastPathComponent):\($0.location): \($0.message)" }
    }

    @Test(arguments: [ColumnSelection.all, .readByRules])
    func everyBadValueKindIsReportedWithItsPlace(columns: ColumnSelection) throws {
        // Loading only what the rules read still converts and checks every non-text column
        // (`employees` is read by no rule of this policy).
        let messages = try errors(columns: columns) { files in
            files["hazards.csv"] = files["hazards.csv"]!
                .replacingOccurrences(of: "H002,E002,major,顶板管理,2024-04-10,2024-06-01", with: "H002,E002,major,顶板管理,2024-04-10,2024-13-45")
                .replacingOccurrences(of: "H011,E009", with: "H011,E099")
                .replacingOccurrences(of: "H014,", with: "H013,")
            files["enterprises.csv"] = files["enterprises.csv"]!.replacingOccurrences(of: ",420\n", with: ",abc\n")
                .replacingOccurrences(of: "E012,晋中榆次危险品仓储有限公司,storage,", with: "E012,晋中榆次危险品仓储有限公司,")
        }
        #expect(messages.sorted() == [
            "enterprises.csv:13:1: this row has 6 fields but the header has 7",
            "enterprises.csv:2:40: `abc` in column `employees` is not a whole number",
            "hazards.csv:12:6: `E099` in column `enterprise_id` is not a key of table `enterprises`",
            "hazards.csv:15:1: duplicate key `H013` in column `id` (first on line 14)",
            "hazards.csv:3:33: `2024-13-45` in column `deadline` is not a date (expected YYYY-MM-DD, e.g. 2024-06-30; also 2024/6/30, 2024.6.30, 2024年6月30日, or 2024-06-30 00:00:00)",
        ].sorted())
    }

    @Test func dataErrorRendersLikeCodeError() throws {
        var files = try EngineSupport.sampleFiles()
        files["hazards.csv"] = files["hazards.csv"]!.replacingOccurrences(of: "2024-06-01,,云冈区", with: "2024-13-45,,云冈区")
        let (_, loaded) = try run(files)
        let rendered = DiagnosticRenderer.text(loaded.diagnostics)
        #expect(rendered.hasSuffix("""
        hazards.csv:3:33: error: `2024-13-45` in column `deadline` is not a date (expected YYYY-MM-DD, e.g. 2024-06-30; also 2024/6/30, 2024.6.30, 2024年6月30日, or 2024-06-30 00:00:00)
         3 | H002,E002,major,顶板管理,2024-04-10,2024-13-45,,云冈区应急管理局
           |                                     ^^^^^^^^^^

        """))
    }

    @Test func missingColumnIsNamed() throws {
        let messages = try errors { files in
            files["orders.csv"] = files["orders.csv"]!.replacingOccurrences(of: "issued_on", with: "issue_date")
        }
        #expect(messages == ["orders.csv:1:1: the file has no column `issued_on`, which table `orders` declares"])
    }

    @Test func lenientSkipsBadRowsAndCountsThem() throws {
        var files = try EngineSupport.sampleFiles()
        files["hazards.csv"] = files["hazards.csv"]!
            .replacingOccurrences(of: "2024-04-10,2024-06-01", with: "2024-04-10,2024-13-45")
            .replacingOccurrences(of: "H011,E009", with: "H011,E099")
            .replacingOccurrences(of: "H014,", with: "H013,") + "H099,E001,major\n"
        let (result, loaded) = try run(files, lenient: true)
        let dataset = try #require(loaded.dataset)
        #expect(dataset.skippedRows == ["bad value": 1, "unknown reference": 1, "duplicate key": 1, "ragged row": 1])
        #expect(dataset.rowCount(of: "hazards") == 18 - 3)
        // E002 lost its only major hazard (bad deadline) but keeps its referral.
        #expect(EngineSupport.actions(try #require(result))["E002"] == "refer")
    }

    @Test func jsonAndJsonLinesData() throws {
        var files = try EngineSupport.sampleFiles().mapValues { Array($0.utf8) }
        files["orders.csv"] = nil
        files["orders.json"] = Array("""
        [{"id": "O001", "enterprise_id": "E002", "kind": "suspend", "issued_on": "2024-05-10"},
         {"id": "O002", "enterprise_id": "E006", "kind": "close", "issued_on": "2024-06-01"},
         {"id": "O003", "enterprise_id": "E010", "kind": "suspend", "issued_on": "2024-04-01"},
         {"id": "O004", "enterprise_id": "E011", "kind": "close", "issued_on": "2024-03-01"}]
        """.utf8)
        files["inspections.csv"] = nil
        files["inspections.jsonl"] = Array("""
        {"id": "I001", "enterprise_id": "E002", "date": "2024-06-10", "producing": true}
        {"id": "I004", "enterprise_id": "E011", "date": "2024-03-15", "producing": true}
        {"id": "I005", "enterprise_id": "E011", "date": "2024-06-20", "producing": "是"}

        """.utf8)
        let (result, loaded) = try runBytes(files)
        #expect(loaded.diagnostics.isEmpty)
        let actions = EngineSupport.actions(try #require(result))
        #expect(actions["E002"] == "refer")
        #expect(actions["E011"] == "refer")

        // A bad value in a .json file is named by the line its record starts on, like a CSV row.
        files["orders.json"] = Array("""
        [
          {"id": "O001", "enterprise_id": "E002", "kind": "suspend", "issued_on": "2024-05-10"},
          {"id": "O002", "note": "a [bracket], a \\"quote\\" and {braces}", "enterprise_id": "E006",
           "kind": "close", "issued_on": "2024-06-01"},
          {"id": "O003", "enterprise_id": "E010", "kind": "suspend", "issued_on": "2024-13-01"}
        ]
        """.utf8)
        let (_, bad) = try runBytes(files)
        #expect(bad.diagnostics.map { "\(($0.file as NSString).lastPathComponent):\($0.location.line)" } == ["orders.json:5"])
        #expect(JSONTableReader.elementLines(Data("[1,\n2 , [3,\n4],\n\"a,\\\"b\"]".utf8)) == [1, 2, 2, 4])
    }

    @Test func calendarHonoursHolidaysAndMakeUpDays() throws {
        let program = try EngineSupport.program("Rules/three-always.rl")
        let dataset = try #require(EngineSupport.load(program, EngineSupport.sample).dataset)
        func eval(_ text: String) -> String? { program.evaluate(text, asOf: EngineSupport.asOf, data: dataset).literal }
        // 2024-09-13 (Fri) + 1 workday: 09-14 is a make-up working day (调休).
        #expect(eval("2024-09-13 + 1 workday") == "2024-09-14")
        // 2024-09-14 + 1 workday: 15–17 are the Mid-Autumn holiday.
        #expect(eval("2024-09-14 + 1 workday") == "2024-09-18")
        #expect(eval("workdays_between(2024-09-30, 2024-10-08)") == "1")
        // Without data, China's calendar is built in; `none` is Monday to Friday.
        #expect(Program.compile([]).evaluate("2024-09-13 + 1 workday", asOf: EngineSupport.asOf).literal == "2024-09-14")
        #expect(Program.compile([]).evaluate("2024-09-13 + 1 workday", asOf: EngineSupport.asOf, calendar: .mondayToFriday).literal == "2024-09-16")
    }

    /// `run` to a table or CSV stores only the text columns the rules read: every policy must
    /// decide exactly as with every column loaded.
    @Test(arguments: ["Rules/three-always.rl", "Rules/三个一律.rl", "Rules/rectification-ledger.rl"])
    func loadingOnlyWhatTheRulesReadDecidesAlike(policy: String) throws {
        let program = try EngineSupport.program(policy)
        let folder = Support.root.appendingPathComponent(EngineSupport.sample).path
        var reports: [String] = [], json: [String] = []
        for columns in [ColumnSelection.all, .readByRules] {
            let options = LoadOptions(calendarPath: Support.root.appendingPathComponent(EngineSupport.calendar).path, columns: columns)
            let dataset = try #require(program.loadData(directory: folder, options: options).dataset)
            let result = program.run(on: dataset, asOf: EngineSupport.asOf, detail: .everyRule)
            let writer = ReportWriter(program: program, dataset: dataset)
            reports.append(writer.render(result, as: .csv) + writer.render(result, as: .table))
            json.append(writer.render(result, as: .json))
        }
        #expect(reports[0].split(separator: "\n").count > 3)
        #expect(reports[0] == reports[1])
        // JSON evidence lists a record's values: the columns left out are left out there too,
        // never shown as missing.
        let unread = program.unreadTextColumns().enumerated().flatMap { table, columns in
            columns.map { program.checked.schema.tables[table].columns[$0].name }
        }
        let evidence = json[1].components(separatedBy: "\"decisions\"").last ?? ""
        for name in unread {
            #expect(!evidence.contains("\"\(name)\": "), "\(name)")
        }
        let shownInFull = unread.filter { json[0].contains("\"\($0)\": ") }
        if policy == "Rules/three-always.rl" { #expect(shownInFull.contains("category")) }
        if !shownInFull.isEmpty { #expect(json[1].count < json[0].count) }
    }

    @Test func textColumnsNoRuleReadsAreLeftOutAndQueriesSayWhy() throws {
        let program = try EngineSupport.program("Rules/three-always.rl")
        let schema = program.checked.schema
        let unread = program.unreadTextColumns().enumerated().map { table, columns in
            columns.sorted().map { "\(schema.tables[table].name).\(schema.tables[table].columns[$0].name)" }
        }.flatMap { $0 }
        // `name` is the label, which every report shows: it is read.
        #expect(unread == ["enterprises.industry", "enterprises.county", "enterprises.owner", "enterprises.status",
                           "hazards.category", "hazards.responsible_unit"])
        let folder = Support.root.appendingPathComponent(EngineSupport.sample).path
        let dataset = try #require(program.loadData(directory: folder, options: LoadOptions(columns: .readByRules)).dataset)
        let refused = program.query("from e in enterprises where e.county == \"小店区\"", on: dataset, asOf: EngineSupport.asOf)
        #expect(refused.diagnostics.map(\.message) == ["column `county` of `enterprises` was not loaded: this data holds only the columns its rules read"])
        let answered = program.query("from h in hazards where h.level == \"major\" select h.id, h.enterprise.id", on: dataset, asOf: EngineSupport.asOf)
        #expect(answered.diagnostics.isEmpty)
        #expect(answered.matchedRows > 0)
    }

    /// The fast `YYYY-MM-DD` reader agrees with the general one on every day from 1890 to 2210
    /// (across both ends of its month table), dates are written back the same way, and what is
    /// not a real date is refused.
    @Test func isoDatesReadAlikeByBothReaders() {
        func read(_ text: String, _ reader: (UnsafeBufferPointer<UInt8>) -> Int32?) -> Int32? {
            var text = text
            return text.withUTF8 { reader($0) }
        }
        var day = CivilDate.dayNumber(year: 1890, month: 1, day: 1) ?? 0
        let last = CivilDate.dayNumber(year: 2210, month: 12, day: 31) ?? 0
        var mismatches = 0
        while day <= last {
            let (y, m, d) = CivilDate.components(day)
            let text = String(format: "%04d-%02d-%02d", y, m, d)
            if read(text, CivilDate.parse) != day || read(text, FieldParsing.date) != day || CivilDate.format(day) != text { mismatches += 1 }
            day += 1
        }
        #expect(mismatches == 0)
        for bad in ["2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "2024-06-00", "2024/06/30", "2024-6-30 ", "20a4-06-30", "2024-06-3x"] {
            #expect(read(bad, CivilDate.parse) == nil, "\(bad)")
        }
        #expect(read("2024-02-29", CivilDate.parse) == CivilDate.dayNumber(year: 2024, month: 2, day: 29))
    }

    /// The run's counts (kept per chunk while evaluating) agree with its decisions, for policies
    /// with one subject table and with two.
    @Test(arguments: ["Rules/three-always.rl", "Rules/rectification-ledger.rl"])
    func countsAgreeWithTheDecisions(policy: String) throws {
        let program = try EngineSupport.program(policy)
        let dataset = try #require(EngineSupport.load(program, EngineSupport.sample).dataset)
        let result = program.run(on: dataset, asOf: EngineSupport.asOf)
        #expect(!result.decisions.isEmpty)
        for (rule, fired, undetermined, failed) in result.ruleCounts {
            let outcomes = result.decisions.flatMap(\.outcomes).filter { $0.rule == rule }
            #expect(fired == outcomes.filter { $0.kind == .fired }.count, "\(rule)")
            #expect(undetermined == outcomes.filter { $0.kind == .undetermined }.count, "\(rule)")
            #expect(failed == outcomes.filter { $0.kind == .failed }.count, "\(rule)")
        }
        var actions: [String: Int] = [:]
        for decision in result.decisions {
            if let action = decision.action { actions[action, default: 0] += 1 } else if decision.isUndetermined { actions["undetermined", default: 0] += 1 }
        }
        #expect(result.actionCounts == actions)
    }

    /// SHA-256 against the standard's test vectors, through libcrypto and the portable code, also
    /// fed in pieces that cross block edges.
    @Test(arguments: [SHA256.Implementation.system, .portable])
    func sha256MatchesTheStandardVectors(implementation: SHA256.Implementation) {
        func hex(_ bytes: [UInt8]) -> String { bytes.withUnsafeBufferPointer { SHA256.hex($0, using: implementation) } }
        #expect(hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let twoBlocks = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(hex(twoBlocks) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        let million = [UInt8](repeating: 0x61, count: 1_000_000)
        #expect(hex(million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        var pieces = SHA256()
        var at = 0, size = 1
        while at < million.count {
            let end = min(million.count, at + size)
            million[at..<end].withUnsafeBufferPointer { pieces.update($0) }
            at = end
            size = size * 3 % 997 + 1
        }
        #expect(pieces.finish() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Where the system has libcrypto it is used, and both implementations give `sha256sum`'s
    /// digests on data of every length around the block size and on a few megabytes.
    @Test func sha256AgreesWithSha256sum() throws {
        if FileManager.default.fileExists(atPath: "/usr/lib/x86_64-linux-gnu/libcrypto.so.3") {
            #expect(SHA256.systemAvailable)
        }
        var generator = SystemRandomNumberGenerator()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("redline-sha-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sizes = Array(0...130) + [1_000, 65_537, 3_000_001]
        var paths: [String] = []
        var expected: [String: [String]] = [:]
        for size in sizes {
            let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let path = folder.appendingPathComponent("f\(size)").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            paths.append(path)
            expected[path] = [SHA256.Implementation.system, .portable].map { way in bytes.withUnsafeBufferPointer { SHA256.hex($0, using: way) } }
        }
        let (status, output, _) = try Support.run(["sha256sum"] + paths, executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(status == 0)
        let lines = output.split(separator: "\n")
        #expect(lines.count == sizes.count)
        for line in lines {
            let parts = line.split(separator: " ", maxSplits: 1)
            let digest = String(parts[0]), path = String(parts[1].drop(while: { $0 == " " || $0 == "*" }))
            #expect(expected[path] == [digest, digest], "\(path)")
        }
    }

    /// A row with no key, in a strict load and a lenient one: reported (or skipped), never a crash.
    /// (Found by fuzzing: the strict load used to go on to sort the keys, missing one included.)
    @Test(arguments: [false, true])
    func missingKeyIsReportedNotSorted(lenient: Bool) throws {
        var files = try EngineSupport.sampleFiles()
        let hazards = try #require(files["hazards.csv"])
        var lines = hazards.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.insert(",E001,major,瓦斯超限,2024-05-01,2024-07-01,,盐湖区应急管理局", at: 3)
        files["hazards.csv"] = lines.joined(separator: "\n")
        let (result, loaded) = try run(files, lenient: lenient)
        #expect(loaded.diagnostics.map(\.message) == ["the key column `id` is empty"])
        #expect((result != nil) == lenient)
        if lenient { #expect(loaded.dataset?.skippedRows["missing key"] == 1) }
    }

    /// Reports written as bytes quote text exactly as the String writer does.
    @Test func jsonBytesQuoteLikeJSONText() {
        let samples = ["", "plain", "阳泉市\"金石\"化工有限公司,二厂", "back\\slash", "line\nbreak\r\ttab", "\u{01}\u{1F}\u{7F}", "emoji 🚧 é"]
        for sample in samples {
            var out = JSONBytes()
            out.quoted(sample)
            #expect(String(decoding: out.bytes, as: UTF8.self) == JSONText.quote(sample), "\(sample)")
        }
    }

    /// A file parsed in several chunks keeps each row's line: counted, not listed, while every
    /// record is one line; listed once blank lines come between rows, in a later chunk than the
    /// first; and a bad value after them is reported on its own line.
    @Test(arguments: [false, true])
    func lineNumbersAcrossChunks(blankLines: Bool) throws {
        let policy = "table items key id { id: text, n: int, note: text }\nactions flag\nrule r \"r\" for i in items when i.n > 5 then flag i\n"
        let program = Program.compile([RuleSource(name: "p.rl", text: policy)])
        var text = Array("id,n,note\n".utf8)
        var expected: [Int32] = []
        var line: Int32 = 2
        let rows = 800_000, blanks: Set<Int> = blankLines ? [500_000, 700_000, 700_001] : []
        let badRow = 750_000
        var badOffset = 0
        for row in 0..<rows {
            if blanks.contains(row) { text.append(0x0A); line += 1 }
            if row == badRow { badOffset = text.count + "I\(row),".utf8.count }
            text += Array("I\(row),\(row % 10),checked on site\n".utf8)
            expected.append(line)
            line += 1
        }
        #expect(text.count > 3 * CSVTableReader.chunkBytes)
        let loaded = program.loadData(directory: try EngineSupport.folder(["items.csv": text]))
        let table = try #require(loaded.dataset?.tables.first)
        #expect(table.lines.count == rows)
        for row in [0, 1, 299_999, 499_999, 500_000, 699_999, 700_000, 700_001, rows - 1] {
            #expect(table.lines[row] == expected[row], "row \(row)")
        }
        // A bad value after the blank lines: its line is the one it is on.
        var bad = text
        bad[badOffset] = 0x78 // `x` in place of the digit
        let failed = program.loadData(directory: try EngineSupport.folder(["items.csv": bad]))
        #expect(failed.dataset == nil)
        #expect(failed.diagnostics.first?.location.line == Int(expected[badRow]))
    }

    /// Quote-free text is cut into records by the delimiter masks exactly as the general reader
    /// cuts it: the same fields, records, positions and lines, over random texts of commas, line
    /// breaks (LF, CR, CRLF), blank lines and long fields that cross the 64-byte blocks.
    @Test func delimiterMasksCutRecordsAsTheGeneralReaderDoes() {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        let alphabet: [UInt8] = [0x2C, 0x2C, 0x0A, 0x0A, 0x0D, 0x2D, 0x30, 0x41, 0x61, 0xE4, 0xB8, 0x80, 0x00, 0x20]
        let capacity = 6
        let fieldsA = UnsafeMutablePointer<CSVTableReader.Field>.allocate(capacity: capacity)
        let fieldsB = UnsafeMutablePointer<CSVTableReader.Field>.allocate(capacity: capacity)
        defer { fieldsA.deallocate(); fieldsB.deallocate() }
        for _ in 0..<3_000 {
            let length = Int(next() % 300)
            let text = (0..<length).map { _ -> UInt8 in
                let roll = next()
                // Runs of plain bytes between delimiters, some longer than a block.
                return roll % 5 == 0 ? alphabet[Int(roll >> 8) % alphabet.count] : 0x61 + UInt8((roll >> 8) % 3)
            }
            let same = text.withUnsafeBufferPointer { bytes -> Bool in
                var (positionA, lineA, positionB, lineB) = (0, 0, 0, 0)
                var scanner = DelimiterScanner(bytes)
                while true {
                    var problem: CSVTableReader.QuoteProblem? = nil
                    let a = CSVTableReader.nextRecord(bytes, &positionA, &lineA, into: fieldsA, capacity: capacity, problem: &problem)
                    let b = CSVTableReader.nextUnquotedRecord(bytes, &positionB, &lineB, into: fieldsB, capacity: capacity, scanner: &scanner)
                    guard a == b, positionA == positionB, lineA == lineB, problem == nil else { return false }
                    guard let count = a else { return true }
                    for k in 0..<min(count, capacity) {
                        if fieldsA[k].start != fieldsB[k].start || fieldsA[k].end != fieldsB[k].end || fieldsA[k].escaped != fieldsB[k].escaped { return false }
                    }
                }
            }
            #expect(same, "\(text)")
            if !same { return }
        }
    }

    /// A file with quoted fields is cut into chunks where the quotes before a line break pair up:
    /// every value (commas, doubled quotes and line breaks inside quotes, some right at the points
    /// where chunks are cut) and every line comes out as written. A quote inside an unquoted
    /// field (`12"`, kept as it is) upsets the pairing; the file is then read as one chunk and
    /// still comes out whole. A quote that never closes is reported on its own line.
    @Test(arguments: ["paired", "literal quote", "unclosed"])
    func quotedFilesAreCutOnlyBetweenRecords(_ variant: String) throws {
        let policy = "table items key id { id: text, note: text, n: int }\nactions flag\nrule r \"r\" for i in items when i.n > 5 then flag i\n"
        let program = Program.compile([RuleSource(name: "p.rl", text: policy)])
        var state: UInt64 = 0x1234_5678_9ABC_DEF1
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        var text = Array("id,note,n\n".utf8)
        var notes: [String] = [], lines: [Int32] = []
        var line: Int32 = 2
        let rows = 600_000, brokenRow = 500_000
        for row in 0..<rows {
            let note: String
            switch next() % 8 {
            case 0: note = "a, b"
            case 1: note = "say \"no\""
            case 2: note = "two\nlines"
            case 3: note = "three\nshort\nlines, \"quoted\""
            default: note = "plain note \(row % 97)"
            }
            var field = note
            if note.contains(",") || note.contains("\"") || note.contains("\n") {
                field = "\"" + note.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            } else if variant == "literal quote", row == 10 {
                field = "12\" pipe"
            }
            if variant == "unclosed", row == brokenRow { field = "\"never closed" }
            notes.append(variant == "literal quote" && row == 10 ? "12\" pipe" : note)
            lines.append(line)
            text += Array("I\(row),\(field),\(row % 10)\n".utf8)
            line += Int32(note.filter { $0 == "\n" }.count) + 1
        }
        #expect(text.count > 3 * CSVTableReader.chunkBytes)
        let loaded = program.loadData(directory: try EngineSupport.folder(["items.csv": text]))
        if variant == "unclosed" {
            #expect(loaded.dataset == nil)
            #expect(loaded.diagnostics.first?.location.line == Int(lines[brokenRow]), "\(loaded.diagnostics.first?.message ?? "")")
            return
        }
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.first?.message ?? "")")
        let table = try #require(loaded.dataset?.tables.first)
        #expect(table.rowCount == rows)
        var wrong = 0
        for row in 0..<rows where table.columns[1].value(row).display != notes[row] || table.lines[row] != lines[row] { wrong += 1 }
        #expect(wrong == 0)
    }

    /// Quoting passes clean runs eight bytes at a time: every byte that needs an escape is
    /// escaped wherever it falls in a word, against a byte-by-byte reference, over random texts
    /// of every byte value (non-ASCII bytes among them: they have the high bit the test uses).
    @Test func quotingEscapesEveryByteThatNeedsItWhereverItFalls() {
        func reference(_ text: [UInt8]) -> [UInt8] {
            var out: [UInt8] = [0x22]
            for byte in text {
                switch byte {
                case 0x22: out += [0x5C, 0x22]
                case 0x5C: out += [0x5C, 0x5C]
                case 0x0A: out += [0x5C, 0x6E]
                case 0x0D: out += [0x5C, 0x72]
                case 0x09: out += [0x5C, 0x74]
                case 0..<0x20: out += Array(String(format: "\\u%04x", byte).utf8)
                default: out.append(byte)
                }
            }
            return out + [0x22]
        }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        let special: [UInt8] = [0x22, 0x5C, 0x0A, 0x0D, 0x09, 0x00, 0x1F, 0x20, 0x21, 0x7F, 0x80, 0xE9, 0xFF]
        for _ in 0..<20_000 {
            let length = Int(next() % 41)
            let text = (0..<length).map { _ -> UInt8 in
                let roll = next()
                return roll % 4 == 0 ? special[Int(roll >> 8) % special.count] : UInt8(0x41 + (roll >> 8) % 26)
            }
            var out: [UInt8] = []
            text.withUnsafeBufferPointer { JSONText.appendQuoted(utf8: $0, to: &out) }
            #expect(out == reference(text), "\(text)")
            if out != reference(text) { return }
        }
    }

    /// A byte that is not UTF-8 in a file that otherwise is, even in a column the rules do not
    /// read, is an error naming its line: a file is in one encoding (README, "Limits and hostile input"), so `run`,
    /// which reads few columns, and `query`, which may read them all, agree about it.
    @Test func strayByteInAnUnreadColumnIsAnEncodingError() throws {
        var files = try EngineSupport.sampleFiles().mapValues { Array($0.utf8) }
        var hazards = try #require(files["hazards.csv"])
        // The last row again, with a stray 0xFF in its responsible unit.
        let rows = hazards.split(separator: 0x0A)
        hazards += Array(try #require(rows.last)) + [0xFF, 0x0A]
        files["hazards.csv"] = hazards
        let (_, loaded) = try runBytes(files, lenient: true, columns: .readByRules)
        let mixed = try #require(loaded.diagnostics.first { $0.message.contains("the file mixes two encodings") })
        #expect(mixed.message == "line \(rows.count + 1) is not UTF-8, though \(rows.count - 1) other lines are: the file mixes two encodings")
        #expect(mixed.lineText.hasPrefix(String(decoding: try #require(rows.last), as: UTF8.self)))
    }
    /// Rows are converted a batch at a time (`CSVTableReader.batchRows`): problems in rows on
    /// either side of a batch's edge, rows refused whole between them, and a row with two bad
    /// cells are reported in the order of the file, each with its line and column, and a
    /// lenient load keeps exactly the other rows.
    @Test func problemsAcrossBatchesAreReportedInFileOrder() throws {
        let policy = """
        table owners key id { id: text }
        table things key id { id: text, owner_id: text -> owners, d: date, n: int }
        actions note
        rule r "r" for t in things when t.n > 5 then note t
        """
        let program = Program.compile([RuleSource(name: "p.rl", text: policy)])
        #expect(!program.hasErrors)
        let edge = CSVTableReader.batchRows
        // Data rows by number (the first is on line 2).
        let badDate: Set<Int> = [1, edge - 1, edge, edge + 1, 2 * edge + 7]
        let badNumber: Set<Int> = [edge, 3 * edge - 1]
        let unknownOwner: Set<Int> = [edge + 2]
        let ragged: Set<Int> = [edge + 3, 2 * edge]
        let count = 3 * edge + 10
        var things = "id,owner_id,d,n\n"
        for row in 0..<count {
            if ragged.contains(row) { things += "T\(10000 + row),O1,2024-01-01\n"; continue }
            let owner = unknownOwner.contains(row) ? "O9" : "O1"
            let day = badDate.contains(row) ? "2024-02-30" : "2024-01-01"
            let number = badNumber.contains(row) ? "x\(row)" : "\(row % 10)"
            things += "T\(10000 + row),\(owner),\(day),\(number)\n"
        }
        let folder = try EngineSupport.folder(["owners.csv": Array("id\nO1\n".utf8), "things.csv": Array(things.utf8)])
        let strict = program.loadData(directory: folder, options: LoadOptions(maxErrors: 1000))
        #expect(strict.dataset == nil)
        var expected: [(line: Int, column: Int)] = []
        for row in 0..<count {
            let line = row + 2
            let prefix = "T\(10000 + row),O1,".count
            if badDate.contains(row) { expected.append((line, prefix + 1)) }
            if badNumber.contains(row) { expected.append((line, prefix + "2024-01-01,".count + 1)) }
            if unknownOwner.contains(row) { expected.append((line, "T\(10000 + row),".count + 1)) }
            if ragged.contains(row) { expected.append((line, 1)) }
        }
        let reported = strict.diagnostics.filter { $0.file.hasSuffix("things.csv") }.map { ($0.location.line, $0.location.column) }
        #expect(reported.map(\.0) == expected.map(\.line))
        #expect(reported.map(\.1) == expected.map(\.column))
        let lenient = program.loadData(directory: folder, options: LoadOptions(lenient: true, maxErrors: 1000))
        let dataset = try #require(lenient.dataset)
        let refused = badDate.union(badNumber).union(unknownOwner).union(ragged)
        #expect(dataset.rowCount(of: "things") == count - refused.count)
        // (Counted by problem: row `edge` has two.)
        #expect(dataset.skippedRows == ["bad value": badDate.count + badNumber.count, "unknown reference": 1, "ragged row": 2])
        // The rows kept are the others, in order.
        let kept = (0..<count).filter { !refused.contains($0) }
        for (index, row) in kept.enumerated() where index % 37 == 0 {
            #expect(dataset.record("things", key: "T\(10000 + row)") != nil)
        }
        #expect(dataset.record("things", key: "T\(10000 + edge)") == nil)
    }

}

/// The UTF-8 validator against the standard library's decoder: every short sequence of the bytes
/// that matter (boundaries of each lead's ranges), and random runs of mixed text.
@Suite struct UTF8ValidationTests {
    static func standard(_ bytes: [UInt8]) -> Bool { String(validating: bytes, as: UTF8.self) != nil }

    @Test func everyShortSequenceIsJudgedAsTheStandardLibraryJudgesIt() {
        let interesting: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
                                    0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
        var checked = 0
        for a in interesting {
            for b in interesting {
                for c in interesting {
                    for d in [0x80, 0xBF, 0x41] as [UInt8] {
                        for sequence in [[a], [a, b], [a, b, c], [a, b, c, d]] {
                            let mine = sequence.withUnsafeBufferPointer { TextEncoding.isValidUTF8($0) }
                            #expect(mine == UTF8ValidationTests.standard(sequence), "\(sequence.map { String($0, radix: 16) })")
                            checked += 1
                        }
                    }
                }
            }
        }
        #expect(checked > 60_000)
    }

    @Test func randomTextIsJudgedAsTheStandardLibraryJudgesIt() {
        var generator = SystemRandomNumberGenerator()
        let pieces: [[UInt8]] = [Array("重大隐患".utf8), Array("abcdefghijklmnopqrstu".utf8), Array("€".utf8), Array("😀".utf8),
                                 Array("é".utf8), [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0xFF]]
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...12, using: &generator) {
                bytes += pieces[Int.random(in: 0..<(Bool.random(using: &generator) ? 5 : pieces.count), using: &generator)]
            }
            if !bytes.isEmpty, Bool.random(using: &generator) { bytes.removeLast(Int.random(in: 0...min(2, bytes.count), using: &generator)) }
            let mine = bytes.withUnsafeBufferPointer { TextEncoding.isValidUTF8($0) }
            #expect(mine == UTF8ValidationTests.standard(bytes), "\(bytes)")
        }
    }

}
