/// Calendar dates as day numbers (days since 1970-01-01), the proleptic Gregorian calendar.
///
/// Dates are integers in the engine so that comparing and subtracting them costs nothing;
/// these functions convert at the edges (literals, data, output).
enum CivilDate {
    /// Day number of a year, month and day; nil if the date does not exist (2024-02-30).
    static func dayNumber(year: Int, month: Int, day: Int) -> Int32? {
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

    /// The date `months` calendar months later; a day past the end of the target month is clamped
    /// (2024-01-31 + 1 month = 2024-02-29). Nil outside years 1–9999.
    static func adding(months: Int, to dayNumber: Int32) -> Int32? {
        let (year, month, day) = components(dayNumber)
        let (total, overflow) = (year * 12 + (month - 1)).addingReportingOverflow(months)
        guard !overflow else { return nil }
        let newYear = total >= 0 ? total / 12 : (total - 11) / 12
        let newMonth = total - newYear * 12 + 1
        guard (1...9999).contains(newYear) else { return nil }
        return self.dayNumber(year: newYear, month: newMonth, day: min(day, daysIn(month: newMonth, year: newYear)))
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
    static func parse<C: Collection>(_ bytes: C) -> Int32? where C.Element == UInt8 {
        guard bytes.count == 10 else { return nil }
        var values = [0, 0, 0]
        var part = 0
        var digitsInPart = 0
        for byte in bytes {
            if byte == UInt8(ascii: "-") {
                guard digitsInPart == (part == 0 ? 4 : 2), part < 2 else { return nil }
                part += 1
                digitsInPart = 0
            } else if byte >= 48, byte <= 57 {
                values[part] = values[part] * 10 + Int(byte - 48)
                digitsInPart += 1
            } else {
                return nil
            }
        }
        guard part == 2, digitsInPart == 2 else { return nil }
        return dayNumber(year: values[0], month: values[1], day: values[2])
    }

    /// Parses `YYYY-MM-DD` text.
    static func parse(_ text: String) -> Int32? { parse(Array(text.utf8)) }
}
