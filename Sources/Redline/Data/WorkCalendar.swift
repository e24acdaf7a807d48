import Foundation

/// Which days are working days: statutory holidays off, make-up working days (调休) on, and
/// otherwise Monday to Friday. Loaded from a CSV with columns `date,kind` (kind: holiday or
/// workday; other columns, such as the holiday's name, are ignored).
///
/// A calendar covers the years from its first date's to its last date's. A working-day
/// computation that reaches a day outside them cannot be answered (the holidays of that year
/// are not known), and is an error `noCalendar` rather than silently Monday to Friday; a rule
/// meeting it is undetermined. Only `mondayToFriday` covers every year.
public struct WorkCalendar: Sendable {
    let holidays: Set<Int32>
    let workdays: Set<Int32>
    /// What the calendar is: `cn` (built in), `none` (Monday to Friday) or the file's path.
    public let name: String
    /// The years it covers; nil for every year (Monday to Friday).
    public let years: ClosedRange<Int>?
    /// The SHA-256 of the CSV it was read from, in hex; nil for Monday to Friday.
    public let sha256: String?
    private let firstDay: Int32, lastDay: Int32
    /// The days where the calendar differs from Monday to Friday, in order, with the running
    /// total of the differences (-1 a weekday off, +1 a weekend day worked) up to and including
    /// each: counting working days over any span is two binary searches, not a walk.
    private let exceptions: [Int32]
    private let runningDifference: [Int64]

    init(holidays: Set<Int32>, workdays: Set<Int32>, name: String = "calendar", sha256: String? = nil, everyYear: Bool = false) {
        self.holidays = holidays
        self.workdays = workdays
        self.name = name
        self.sha256 = sha256
        let days = holidays.union(workdays)
        if everyYear || days.isEmpty {
            years = nil
            firstDay = CivilDate.minDay
            lastDay = CivilDate.maxDay
        } else {
            let first = CivilDate.components(days.min() ?? 0).year, last = CivilDate.components(days.max() ?? 0).year
            years = first...last
            firstDay = CivilDate.dayNumber(year: first, month: 1, day: 1) ?? CivilDate.minDay
            lastDay = CivilDate.dayNumber(year: last, month: 12, day: 31) ?? CivilDate.maxDay
        }
        var changes: [(Int32, Int64)] = []
        for day in workdays where !CivilDate.isWeekday(day) { changes.append((day, 1)) }
        for day in holidays where CivilDate.isWeekday(day) && !workdays.contains(day) { changes.append((day, -1)) }
        changes.sort { $0.0 < $1.0 }
        exceptions = changes.map(\.0)
        var total: Int64 = 0
        runningDifference = changes.map { total += $0.1; return total }
    }

    /// Monday to Friday in every year, no holidays (`--calendar none`).
    public static let mondayToFriday = WorkCalendar(holidays: [], workdays: [], name: "none", everyYear: true)

    /// China's statutory holidays and make-up working days, 2004 to 2026 (Rules/calendar/cn.csv,
    /// built in): the calendar `workdays` follows unless another is given.
    public static let china: WorkCalendar = {
        let issues = IssueList(limit: 10)
        return TableLoading.loadCalendar(name: ChinaHolidays.name, contents: Data(ChinaHolidays.csv.utf8), issues: issues)
            ?? .mondayToFriday
    }()

    /// Reads a calendar CSV; nil with diagnostics when it cannot be read.
    public static func load(path: String) -> (calendar: WorkCalendar?, diagnostics: [Diagnostic]) {
        let issues = IssueList(limit: 100)
        let calendar = TableLoading.loadCalendar(path, issues: issues)
        return (issues.total == 0 ? calendar : nil, issues.kept.map(\.diagnostic))
    }

    /// Whether the calendar knows this day's holidays.
    @inline(__always)
    func covers(_ day: Int32) -> Bool { day >= firstDay && day <= lastDay }

    /// The first year a span `after < day <= through` needs that the calendar lacks, if any.
    func missingYear(after: Int32, through: Int32) -> Int? {
        guard after < through else { return nil }
        if after + 1 < firstDay { return CivilDate.components(after + 1).year }
        if through > lastDay { return CivilDate.components(max(after + 1, lastDay + 1)).year }
        return nil
    }

    func isWorkday(_ day: Int32) -> Bool {
        if workdays.contains(day) { return true }
        if holidays.contains(day) { return false }
        return CivilDate.isWeekday(day)
    }

    /// Working days in `after < day <= through`.
    func count(after: Int32, through: Int32) -> Int64 {
        guard after < through else { return 0 }
        return WorkCalendar.weekdays(after: after, through: through) + difference(through) - difference(after)
    }

    /// The calendar's total difference from Monday to Friday up to and including `day`.
    private func difference(_ day: Int32) -> Int64 {
        var low = 0, high = exceptions.count
        while low < high {
            let middle = (low + high) / 2
            if exceptions[middle] <= day { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? 0 : runningDifference[low - 1]
    }

    /// Mondays to Fridays in `after < day <= through`.
    static func weekdays(after: Int32, through: Int32) -> Int64 {
        guard after < through else { return 0 }
        return weekdaysThrough(Int64(through)) - weekdaysThrough(Int64(after))
    }

    /// Mondays to Fridays from a fixed Monday (day -3, 1969-12-29) through `day`, negative before it.
    private static func weekdaysThrough(_ day: Int64) -> Int64 {
        let offset = day + 3
        let weeks = offset >= 0 ? offset / 7 : (offset - 6) / 7
        let intoWeek = offset - weeks * 7  // 0 = Monday … 6 = Sunday
        return weeks * 5 + min(intoWeek + 1, 5)
    }
}
