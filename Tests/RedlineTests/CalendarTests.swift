import Foundation
import Testing
@testable import Redline

/// Working days by China's statutory holidays and make-up working days (调休), 2004–2026, built
/// in; outside a calendar's years a working-day computation is not silently Monday to Friday.
@Suite struct CalendarTests {
    /// The built-in calendar is Rules/calendar/cn.csv, byte for byte (Scripts/embed-calendar.sh).
    @Test func theBuiltInCalendarIsTheShippedFile() throws {
        let file = try Data(contentsOf: Support.root.appendingPathComponent("Rules/calendar/cn.csv"))
        #expect(Data(ChinaHolidays.csv.utf8) == file)
        let china = WorkCalendar.china
        #expect(china.name == "cn")
        #expect(china.years == 2004...2026)
        #expect(china.sha256 == file.withUnsafeBytes { SHA256.hex($0.bindMemory(to: UInt8.self)) })
    }

    /// Every year has its Spring Festival and National Day, and a working year of 245 to 252 days
    /// (a year of the notices has 104–105 weekend days and 11 to 13 statutory holidays).
    @Test func everyYearIsThere() {
        let china = WorkCalendar.china
        for year in 2004...2026 {
            let first = CivilDate.dayNumber(year: year, month: 1, day: 1)!, last = CivilDate.dayNumber(year: year, month: 12, day: 31)!
            let working = china.count(after: first - 1, through: last)
            #expect((245...252).contains(working), "\(year): \(working) working days")
            let names = Set(ChinaHolidays.csv.split(separator: "\n").filter { $0.hasPrefix("\(year)-") }.map { $0.split(separator: ",").last.map(String.init) ?? "" })
            #expect(names.contains("春节") && names.contains("国庆节"), "\(year): \(names)")
        }
    }

    @Test(arguments: [
        // The Spring Festival of 2026 (2月15日至23日放假, 2月14日、28日上班).
        ("2026-02-13 + 5 workdays", "2026-02-27"),
        // National Day 2026 (10月1日至7日放假, 9月20日、10月10日上班).
        ("2026-09-30 + 5 workdays", "2026-10-13"),
        ("2026-09-19 + 1 workday", "2026-09-20"),
        // New Year's Day 2025 is a holiday.
        ("2024-12-31 + 1 workday", "2025-01-02"),
        // 2020's Spring Festival, extended to 2月2日.
        ("2020-01-23 + 1 workday", "2020-02-03"),
        // 2015-09-03, Victory Day (抗战胜利70周年纪念日), and the make-up day 09-06.
        ("workdays_between(2015-09-02, 2015-09-07)", "2"),
        ("2024-06-28 - 5 workdays", "2024-06-21"),
        ("workdays_between(2024-01-01, 2024-12-31)", "251"),
        ("workdays_between(2004-01-01, 2026-12-31) > 0", "true"),
    ])
    func holidaysAndMakeUpDaysCount(_ expression: String, _ expected: String) {
        #expect(Support.eval(expression, calendar: .china) == expected)
        // Without data, `Program.evaluate` uses the built-in calendar.
        #expect(Program.compile([]).evaluate(expression, asOf: CalendarDate(iso: "2024-06-30")!).literal == expected)
    }

    @Test func outsideTheCalendarsYearsIsAnErrorNotMondayToFriday() {
        let message = "error: no holiday calendar for 2027 (the calendar `cn` covers 2004–2026; give one with --calendar, or --calendar none for Monday to Friday)"
        #expect(Support.eval("2026-12-31 + 1 workday", calendar: .china) == message)
        #expect(Support.eval("workdays_between(2026-12-01, 2027-01-05)", calendar: .china) == message)
        #expect(Support.eval("workdays_between(2003-12-30, 2004-01-05)", calendar: .china).hasPrefix("error: no holiday calendar for 2003 "))
        // A span that needs no day outside is fine; an operand that decides `and` absorbs it.
        #expect(Support.eval("workdays_between(2027-01-01, 2027-01-01)", calendar: .china) == "0")
        #expect(Support.eval("false and 2030-01-01 + 1 workday > today", calendar: .china) == "false")
        #expect(Support.eval("2026-12-31 + 1 workday", calendar: .mondayToFriday) == "2027-01-01")
    }

    static let policy = """
        table hazards key id { id: text, deadline: date, closed_on: date? }
        actions flag
        rule late "closed more than 5 working days after the deadline"
          for h in hazards
          when h.closed_on > h.deadline + 5 workdays
          then flag h because "{h.id}"
        """

    /// A rule whose working days reach a year without a calendar is undetermined, with the year
    /// named in every report; the others are decided.
    @Test func aRuleReachingAYearWithoutACalendarIsUndetermined() throws {
        let program = Program.compile([RuleSource(name: "late.rl", text: CalendarTests.policy)])
        #expect(!program.hasErrors)
        let csv = ["hazards": "id,deadline,closed_on\nH1,2026-09-25,2026-10-14\nH2,2026-12-28,2027-01-20\nH3,2026-02-10,2026-02-24\n"]
        let data = try #require(program.loadData(csv: csv, name: "t").dataset)
        let result = program.run(on: data, asOf: CalendarDate(iso: "2027-02-01")!)
        let writer = ReportWriter(program: program, dataset: data)
        let report = String(decoding: writer.renderData(result, as: .csv), as: UTF8.self)
        #expect(report == """
            subject,action,rule,evidence,message
            H1,flag,late,,H1
            H2,undetermined,late,calendar 2027,no holiday calendar for 2027

            """)
        let json = String(decoding: writer.renderData(result, as: .json), as: UTF8.self)
        #expect(json.contains("\"outcome\": \"undetermined\", \"no_calendar_for\": 2027"))
        #expect(json.contains("\"calendar\": {\"name\": \"cn\", \"years\": [2004, 2026], \"sha256\": \"\(WorkCalendar.china.sha256 ?? "")\"}"))
        // With no calendar (Monday to Friday), H2 is decided: 2026-12-28 + 5 = 2027-01-04.
        let plain = try #require(program.loadData(csv: csv, name: "t", options: LoadOptions(calendar: .mondayToFriday)).dataset)
        let decided = program.run(on: plain, asOf: CalendarDate(iso: "2027-02-01")!)
        #expect(decided.decisions.map { "\($0.subject.key) \($0.action ?? "-")" } == ["H1 flag", "H2 flag", "H3 flag"])
        #expect(String(decoding: ReportWriter(program: program, dataset: plain).renderData(decided, as: .json), as: UTF8.self)
            .contains("\"calendar\": {\"name\": \"none\", \"years\": null, \"sha256\": null}"))
    }

    @Test func aTestMayNameItsCalendar() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("redline-calendar-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("date,kind\n2026-09-28,holiday\n".utf8).write(to: folder.appendingPathComponent("local.csv"))
        let text = CalendarTests.policy + """

            test "China's calendar: 2026-09-25 + 5 working days is 10-09" as of 2026-12-01
              given hazards (id, deadline, closed_on) ("H1", 2026-09-25, 2026-10-09)
              expect H1 none
            test "Monday to Friday: it is 10-02" as of 2026-12-01
              given calendar none
              given hazards (id, deadline, closed_on) ("H1", 2026-09-25, 2026-10-09)
              expect H1 flag
            test "a local calendar with one holiday: it is 10-05" as of 2026-12-01
              given calendar "local.csv"
              given hazards (id, deadline, closed_on) ("H1", 2026-09-25, 2026-10-06)
              expect H1 flag
            test "outside the calendar's years" as of 2027-12-01
              given hazards (id, deadline, closed_on) ("H1", 2027-09-25, 2027-10-09)
              expect H1 undetermined
            """
        let program = Program.compile([RuleSource(name: folder.appendingPathComponent("late.rl").path, text: text)])
        #expect(!program.hasErrors, "\(DiagnosticRenderer.text(program.diagnostics))")
        let report = program.runTests()
        #expect(report.failed == 0, "\(report.text)")
        #expect(report.passed == 4)
        // The CLI's --calendar replaces the default for tests that name none.
        #expect(program.runTests(calendar: .mondayToFriday).failed == 2)
    }

    @Test func theCommandLineChoosesTheCalendar() throws {
        #expect(try Support.run(["eval", "2026-02-13 + 5 workdays"]).stdout == "2026-02-27\n")
        #expect(try Support.run(["eval", "--calendar", "none", "2026-02-13 + 5 workdays"]).stdout == "2026-02-20\n")
        let outside = try Support.run(["eval", "2027-01-04 + 1 workday"])
        #expect(outside.status == 1)
        #expect(outside.stderr.hasPrefix("<expr>:1:1: error: no holiday calendar for 2027"))
        let folderArg = try Support.run(["eval", "--calendar", "Rules", "1"])
        #expect(folderArg.status == 2)
        // A calendar with a bad row stops the run, --lenient or not.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("redline-calendar-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = folder.appendingPathComponent("bad.csv")
        try Data("date,kind\n2024-02-30,holiday\n".utf8).write(to: bad)
        let run = try Support.run(["run", "Rules/three-always.rl", "--data", "Rules/sample", "--as-of", "2024-06-30", "--lenient", "--calendar", bad.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("`2024-02-30` in column `date` is not a date"))
        #expect(run.stdout == "")
    }

    @Test func theReplShowsAndChangesTheCalendar() {
        let session = Session()
        #expect(session.submit(":calendar") == .output("calendar: cn (2004–2026)\n"))
        #expect(session.submit("2026-02-13 + 5 workdays") == .output("2026-02-27\n"))
        #expect(session.submit(":calendar none") == .output("calendar: none (Monday to Friday)\n"))
        #expect(session.submit("2026-02-13 + 5 workdays") == .output("2026-02-20\n"))
        #expect(session.submit(":calendar cn") == .output("calendar: cn (2004–2026)\n"))
    }
}

/// Every date of 2024, 2025 and 2026, +1, +5 and +20 working days and `workdays_between`, against
/// a plain day-by-day walk over the shipped file's rows (a second, obviously right counting).
@Suite struct CalendarWalkTests {
    @Test func everyDateOf2024To2026MatchesAWalkOverTheShippedFile() throws {
        let text = try String(contentsOf: Support.root.appendingPathComponent("Rules/calendar/cn.csv"), encoding: .utf8)
        var holidays: Set<Int32> = [], workdays: Set<Int32> = []
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",")
            let day = try #require(CivilDate.parse(String(fields[0])))
            if fields[1] == "holiday" { holidays.insert(day) } else { workdays.insert(day) }
        }
        func working(_ day: Int32) -> Bool { workdays.contains(day) || (!holidays.contains(day) && CivilDate.isWeekday(day)) }
        func walk(_ from: Int32, _ n: Int) -> Int32 {
            var day = from, left = n
            while left > 0 { day += 1; if working(day) { left -= 1 } }
            return day
        }
        let program = Program.compile([])
        let asOf = CalendarDate(iso: "2024-06-30")!
        let first = try #require(CivilDate.parse("2024-01-01")), last = try #require(CivilDate.parse("2026-11-30"))
        let end = try #require(CivilDate.parse("2026-12-31"))
        var checked = 0
        for day in first...last {
            let date = CivilDate.format(day)
            for n in [1, 5, 20] {
                let got = program.evaluate("\(date) + \(n) workdays", asOf: asOf).literal
                if got != CivilDate.format(walk(day, n)) { Issue.record("\(date) + \(n) workdays: \(got ?? "error")"); return }
                checked += 1
            }
            let to = min(day + 40, end)
            let counted = (day + 1...to).filter(working).count
            let between = program.evaluate("workdays_between(\(date), \(CivilDate.format(to)))", asOf: asOf).literal
            if between != String(counted) { Issue.record("workdays_between(\(date), +40 days): \(between ?? "error")"); return }
        }
        #expect(checked == 3 * Int(last - first + 1))
    }
}

/// Shell and spreadsheet habits: `--bom`, `redline version`, `:read`.
@Suite struct HabitTests {
    @Test func bomCSVStartsWithTheMarkAndOnlyCSVTakesIt() throws {
        let run = try Support.run(["run", "Rules/three-always.rl", "--data", "Rules/sample", "--as-of", "2024-06-30", "--format", "csv", "--bom"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("\u{FEFF}subject,label,action,rule,evidence,message\n"))
        #expect(try Support.run(["run", "Rules/three-always.rl", "--data", "Rules/sample", "--bom"]).status == 2)
        let query = try Support.run(["query", "--data", "Rules/sample", "Rules/three-always.rl", "--format", "csv", "--bom", "from e in enterprises select e.id limit 1"])
        #expect(query.stdout == "\u{FEFF}e.id\nE001\n")
    }

    @Test func completionScriptsAreGenerated() throws {
        for shell in ["bash", "zsh", "fish"] {
            let script = try Support.run(["--generate-completion-script", shell])
            #expect(script.status == 0)
            #expect(script.stdout.contains("redline") && script.stdout.contains("query"), "\(shell)")
        }
    }

    @Test func versionSubcommandMatchesTheFlag() throws {
        let sub = try Support.run(["version"]), flag = try Support.run(["--version"])
        #expect(sub.status == 0)
        #expect(sub.stdout == flag.stdout)
    }

    @Test func readRunsAScriptAsIfTyped() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("redline-read-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = folder.appendingPathComponent("s.rli")
        try Data("1 + 1\ndefine big(x) =\n  x > 10\n\nbig(11)\n1 / 0\n:as-of 2024-06-30\n".utf8).write(to: script)
        let session = Session()
        guard case .error(let out) = session.submit(":read \(script.path)") else { Issue.record("no error from 1 / 0"); return }
        #expect(out == "2\nadded\ntrue\n<expr>:1:1: error: division by zero\n 1 | 1 / 0\n   | ^^^^^\nas of 2024-06-30\n")
        let selfReading = folder.appendingPathComponent("loop.rli")
        try Data(":read \(selfReading.path)\n".utf8).write(to: selfReading)
        guard case .error(let loop) = session.submit(":read \(selfReading.path)") else { Issue.record("a loop did not stop"); return }
        #expect(loop.contains("scripts read each other more than 16 deep"))
        #expect(session.submit(":read /no/such/file") != .output(""))
    }
}

/// `label COLUMN`: reports and explanations name subjects as inspectors know them.
@Suite struct LabelTests {
    @Test func anUnknownLabelIsAnErrorWithASuggestion() {
        let text = Support.check("table enterprises key id label nmae { id: text, name: text }")
        #expect(text.contains("error: the label `nmae` is not a column of table `enterprises`"))
        #expect(text.contains("did you mean `name`?"))
        #expect(Support.check("table enterprises label name key id { id: text, name: text }") == "")
        #expect(Support.check("表 enterprises 主键 id 标签 name { id: text, name: text }") == "")
    }

    @Test func everyReportShowsTheLabel() throws {
        let policy = """
            table enterprises key id label name { id: text, name: text, employees: int }
            actions notify
            rule big "more than 100 employees" for e in enterprises when e.employees > 100 then notify e because "{e.employees}"
            """
        let program = Program.compile([RuleSource(name: "p.rl", text: policy)])
        let data = try #require(program.loadData(csv: ["enterprises": "id,name,employees\nE1,甲煤矿,200\nE2,,300\n"], name: "t").dataset)
        let result = program.run(on: data, asOf: CalendarDate(iso: "2024-06-30")!)
        let writer = ReportWriter(program: program, dataset: data)
        #expect(writer.render(result, as: .csv) == "subject,label,action,rule,evidence,message\nE1,甲煤矿,notify,big,,200\nE2,,notify,big,,300\n")
        #expect(writer.render(result, as: .table).contains("E1 甲煤矿"))
        #expect(writer.render(result, as: .json).contains("\"subject\": \"E1\", \"label\": \"甲煤矿\""))
        #expect(program.explain(subject: "E1", on: data, asOf: CalendarDate(iso: "2024-06-30")!)?.text.hasPrefix("enterprises E1 甲煤矿, as of 2024-06-30") == true)
    }
}
