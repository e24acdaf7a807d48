import Foundation

/// A calendar date without a time zone: the as-of date of an evaluation.
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    let dayNumber: Int32

    init(dayNumber: Int32) { self.dayNumber = dayNumber }

    /// The date, or nil if it does not exist.
    public init?(year: Int, month: Int, day: Int) {
        guard let number = CivilDate.dayNumber(year: year, month: month, day: day) else { return nil }
        dayNumber = number
    }

    /// The date this many days after 1970-01-01 (before it when negative); nil outside years 1–9999.
    public init?(daysSince1970 days: Int) {
        guard days >= Int(CivilDate.minDay), days <= Int(CivilDate.maxDay) else { return nil }
        dayNumber = Int32(days)
    }

    /// Days after 1970-01-01 (negative before it).
    public var daysSince1970: Int { Int(dayNumber) }

    /// Parses `YYYY-MM-DD`; nil if malformed or not a real date.
    public init?(iso text: String) {
        guard let number = CivilDate.parse(text) else { return nil }
        dayNumber = number
    }

    /// Today in the machine's local time zone.
    public static func today() -> CalendarDate {
        let parts = Calendar.current.dateComponents([.year, .month, .day], from: Date())
        return CalendarDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1) ?? CalendarDate(dayNumber: 0)
    }

    /// ISO form, `2024-06-30`.
    public var description: String { CivilDate.format(dayNumber) }

    /// Earlier dates first.
    public static func < (a: CalendarDate, b: CalendarDate) -> Bool { a.dayNumber < b.dayNumber }
}
