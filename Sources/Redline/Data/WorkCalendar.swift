/// Which days are working days: statutory holidays off, make-up working days (调休) on, and
/// otherwise Monday to Friday. Loaded from a CSV with columns `date,kind` (kind: holiday or workday).
struct WorkCalendar: Sendable {
    let holidays: Set<Int32>
    let workdays: Set<Int32>
    /// The days where the calendar differs from Monday to Friday, in order, with the running
    /// total of the differences (-1 a weekday off, +1 a weekend day worked) up to and including
    /// each: counting working days over any span is two binary searches, not a walk.
    private let exceptions: [Int32]
    private let runningDifference: [Int64]

    init(holidays: Set<Int32>, workdays: Set<Int32>) {
        self.holidays = holidays
        self.workdays = workdays
        var changes: [(Int32, Int64)] = []
        for day in workdays where !CivilDate.isWeekday(day) { changes.append((day, 1)) }
        for day in holidays where CivilDate.isWeekday(day) && !workdays.contains(day) { changes.append((day, -1)) }
        changes.sort { $0.0 < $1.0 }
        exceptions = changes.map(\.0)
        var total: Int64 = 0
        runningDifference = changes.map { total += $0.1; return total }
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
