/// Which days are working days: statutory holidays off, make-up working days (调休) on, and
/// otherwise Monday to Friday. Loaded from a CSV with columns `date,kind` (kind: holiday or workday).
struct WorkCalendar: Sendable {
    let holidays: Set<Int32>
    let workdays: Set<Int32>

    func isWorkday(_ day: Int32) -> Bool {
        if workdays.contains(day) { return true }
        if holidays.contains(day) { return false }
        return CivilDate.isWeekday(day)
    }
}
