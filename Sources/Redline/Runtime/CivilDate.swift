/// Calendar dates as day numbers (days since 1970-01-01), the proleptic Gregorian calendar.
///
/// Dates are integers in the engine so that comparing and subtracting them costs nothing;
/// these functions convert at the edges (literals, data, output).
enum CivilDate {
    /// Day number of a year, month and day; nil if the date does not exist (2024-02-30).
    @inline(__always)
    static func dayNumber(year: Int, month: Int, day: Int) -> Int32? {
        // Most dates fall in the years of the month table: a lookup, no calendar arithmetic
        // (data files convert a date for every cell of millions of rows).
        if year >= firstTabledYear, month >= 1, month <= 12 {
            let index = (year - firstTabledYear) * 12 + month - 1
            if index < monthStarts.count {
                let entry = monthStarts[index]
                guard day >= 1, day <= Int(entry.length) else { return nil }
                return entry.first + Int32(day - 1)
            }
        }
        return computedDayNumber(year: year, month: month, day: day)
    }

    /// The first day and the length of every month of the years data usually holds.
    private static let firstTabledYear = 1900
    private static let monthStarts: [(first: Int32, length: UInt8)] = (0..<(300 * 12)).map { index in
        let year = firstTabledYear + index / 12, month = index % 12 + 1
        return (computedDayNumber(year: year, month: month, day: 1) ?? 0, UInt8(daysIn(month: month, year: year)))
    }

    private static func computedDayNumber(year: Int, month: Int, day: Int) -> Int32? {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
              day <= daysIn(month: month, year: year) else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return Int32(era * 146097 + dayOfEra - 719468)
    }

    /// Year, month and day of a day number.
    static func components(_ dayNumber: Int32) -> (year: Int, month: Int, day: Int) {
        let z = Int(dayNumber) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let dayOfEra = z - era * 146097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The day number `months` calendar months later; a day past the end of the target month is
    /// clamped (2024-01-31 + 1 month = 2024-02-29). Exact for any count of months, in or outside
    /// years 1–9999 (the caller checks the date it keeps).
    static func adding(months: Int128, to dayNumber: Int32) -> Int128 {
        let (year, month, day) = components(dayNumber)
        let total = Int128(year) * 12 + Int128(month - 1) + months
        let newYear = total >= 0 ? total / 12 : (total - 11) / 12
        let newMonth = Int(total - newYear * 12) + 1
        let leap = (newYear % 4 == 0 && newYear % 100 != 0) || newYear % 400 == 0
        let length = newMonth == 2 ? (leap ? 29 : 28) : daysIn(month: newMonth, year: 1)
        // Howard Hinnant's days_from_civil, in 128 bits.
        let y = newMonth <= 2 ? newYear - 1 : newYear
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = Int128(newMonth > 2 ? newMonth - 3 : newMonth + 9)
        let dayOfYear = (153 * monthIndex + 2) / 5 + Int128(min(day, length)) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }

    /// Day of the week, 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday).
    static func weekday(_ dayNumber: Int32) -> Int {
        let r = (Int(dayNumber) + 3) % 7
        return (r < 0 ? r + 7 : r) + 1
    }

    /// ISO text, `2024-06-30`.
    static func format(_ dayNumber: Int32) -> String {
        let (year, month, day) = components(dayNumber)
        guard (0...9999).contains(year) else { return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) }
        // Ten ASCII bytes written in place: reports format a date for every piece of evidence.
        return String(unsafeUninitializedCapacity: 10) { out in
            guard out.count >= 10 else { return 0 }
            func digit(_ value: Int) -> UInt8 { UInt8(truncatingIfNeeded: 0x30 + value) }
            out[0] = digit(year / 1000); out[1] = digit(year / 100 % 10); out[2] = digit(year / 10 % 10); out[3] = digit(year % 10)
            out[4] = UInt8(ascii: "-"); out[5] = digit(month / 10); out[6] = digit(month % 10)
            out[7] = UInt8(ascii: "-"); out[8] = digit(day / 10); out[9] = digit(day % 10)
            return 10
        }
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// Parses exactly `YYYY-MM-DD` from ASCII bytes; nil if malformed or not a real date.
    /// Ten byte tests and a table lookup: data files read a date this way for every cell.
    @inline(__always)
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard bytes.count == 10, let p = bytes.baseAddress, p[4] == 0x2D, p[7] == 0x2D else { return nil }
        let y0 = p[0] &- 0x30, y1 = p[1] &- 0x30, y2 = p[2] &- 0x30, y3 = p[3] &- 0x30
        let m0 = p[5] &- 0x30, m1 = p[6] &- 0x30, d0 = p[8] &- 0x30, d1 = p[9] &- 0x30
        guard y0 < 10, y1 < 10, y2 < 10, y3 < 10, m0 < 10, m1 < 10, d0 < 10, d1 < 10 else { return nil }
        return dayNumber(year: Int(y0) * 1000 + Int(y1) * 100 + Int(y2) * 10 + Int(y3),
                         month: Int(m0) * 10 + Int(m1), day: Int(d0) * 10 + Int(d1))
    }

    static func parse<C: Collection>(_ bytes: C) -> Int32? where C.Element == UInt8 {
        Array(bytes).withUnsafeBufferPointer { parse($0) }
    }

    /// Parses `YYYY-MM-DD` text.
    static func parse(_ text: String) -> Int32? {
        var text = text
        return text.withUTF8 { parse($0) }
    }
}
