import Foundation

/// Builds one typed column from field bytes, converting each value by the declared type.
/// Only the array of the column's kind is used; separate arrays keep appends free of copies.
struct ColumnBuilder {
    enum Kind { case text, int, decimal, date, bool, duration }

    let kind: Kind
    let type: RType
    private var ids: [Int32] = []
    private(set) var pool: TextPool
    private var ints: [Int64] = []
    private var intMissing: [Bool] = []
    private var days: [Int32] = []
    private var bools: [UInt8] = []
    private var decimals: [DecimalNumber?] = []
    private var durations: [Duration?] = []

    init(type: RType, capacity: Int, pool: TextPool? = nil) {
        self.type = type
        self.pool = pool ?? TextPool(capacity: 64)
        switch type {
        case .int: kind = .int; ints.reserveCapacity(capacity); intMissing.reserveCapacity(capacity)
        case .decimal: kind = .decimal; decimals.reserveCapacity(capacity)
        case .date: kind = .date; days.reserveCapacity(capacity)
        case .bool: kind = .bool; bools.reserveCapacity(capacity)
        case .duration: kind = .duration; durations.reserveCapacity(capacity)
        default: kind = .text; ids.reserveCapacity(capacity)
        }
    }

    /// What a bad value was expected to be, for the message.
    var expected: LocalizedText {
        switch kind {
        case .int: return Catalog.expectedInt
        case .decimal: return Catalog.expectedDecimal
        case .date: return Catalog.expectedDate
        case .bool: return Catalog.expectedBool
        case .duration: return Catalog.expectedDuration
        case .text: return Catalog.expectedDecimal
        }
    }

    /// Appends a field's value; an empty field is missing. Returns false if the value does not
    /// convert (a missing value is appended in its place).
    @inline(__always)
    mutating func append(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        switch kind {
        case .text:
            ids.append(field.isEmpty ? -1 : pool.intern(field))
            return true
        case .date:
            let trimmed = FieldParsing.trimmed(field)
            if trimmed.isEmpty { days.append(ColumnData.missingDate); return true }
            if let day = FieldParsing.date(trimmed) { days.append(day); return true }
            days.append(ColumnData.missingDate)
            return false
        case .int:
            let trimmed = FieldParsing.trimmed(field)
            if trimmed.isEmpty { ints.append(0); intMissing.append(true); return true }
            if let value = FieldParsing.integer(trimmed) { ints.append(value); intMissing.append(false); return true }
            ints.append(0); intMissing.append(true)
            return false
        case .bool:
            let trimmed = FieldParsing.trimmed(field)
            if trimmed.isEmpty { bools.append(ColumnData.missingBool); return true }
            if let value = FieldParsing.bool(trimmed) { bools.append(value ? 1 : 0); return true }
            bools.append(ColumnData.missingBool)
            return false
        case .decimal:
            let trimmed = FieldParsing.trimmed(field)
            if trimmed.isEmpty { decimals.append(nil); return true }
            let value = DecimalNumber(parsing: Substring(String(decoding: trimmed, as: UTF8.self)))
            decimals.append(value)
            return value != nil
        case .duration:
            let trimmed = FieldParsing.trimmed(field)
            if trimmed.isEmpty { durations.append(nil); return true }
            let value = FieldParsing.duration(String(decoding: trimmed, as: UTF8.self))
            durations.append(value)
            return value != nil
        }
    }

    func build() -> ColumnData {
        switch kind {
        case .text: return .text(ids, pool)
        case .int: return .int(ints, missing: intMissing)
        case .decimal: return .decimal(decimals)
        case .date: return .date(days)
        case .bool: return .bool(bools)
        case .duration: return .duration(durations)
        }
    }
}

/// Conversions from field bytes, by hand: these run once per cell of millions of rows.
enum FieldParsing {
    @inline(__always)
    static func trimmed(_ field: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0, end = field.count
        while start < end, field[start] == 0x20 || field[start] == 0x09 { start += 1 }
        while end > start, field[end - 1] == 0x20 || field[end - 1] == 0x09 { end -= 1 }
        return UnsafeBufferPointer(rebasing: field[start..<end])
    }

    /// `YYYY-MM-DD`, and what spreadsheets write on Chinese systems: `YYYY/M/D`, `YYYY-M-D`, `YYYY.M.D`.
    @inline(__always)
    static func date(_ field: UnsafeBufferPointer<UInt8>) -> Int32? {
        if field.count == 10, field[4] == 0x2D, field[7] == 0x2D { return CivilDate.parse(field) }
        var parts = [0, 0, 0]
        var digits = [0, 0, 0]
        var part = 0
        var separator: UInt8 = 0
        for byte in field {
            if byte >= 0x30, byte <= 0x39 {
                parts[part] = parts[part] * 10 + Int(byte - 0x30)
                digits[part] += 1
                if digits[part] > 4 { return nil }
            } else if byte == 0x2D || byte == 0x2F || byte == 0x2E {
                if separator == 0 { separator = byte } else if separator != byte { return nil }
                part += 1
                if part > 2 { return nil }
            } else {
                return nil
            }
        }
        guard part == 2, digits[0] == 4, (1...2).contains(digits[1]), (1...2).contains(digits[2]) else { return nil }
        return CivilDate.dayNumber(year: parts[0], month: parts[1], day: parts[2])
    }

    @inline(__always)
    static func integer(_ field: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        var negative = false
        if field.first == 0x2D || field.first == 0x2B { negative = field.first == 0x2D; index = 1 }
        guard index < field.count else { return nil }
        var value: Int64 = 0
        while index < field.count {
            let byte = field[index]
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative ? times.subtractingReportingOverflow(Int64(byte - 0x30)) : times.addingReportingOverflow(Int64(byte - 0x30))
            if o1 || o2 { return nil }
            value = next
            index += 1
        }
        return value
    }

    static func bool(_ field: UnsafeBufferPointer<UInt8>) -> Bool? {
        switch String(decoding: field, as: UTF8.self).lowercased() {
        case "true", "1", "是", "yes", "y", "t": return true
        case "false", "0", "否", "no", "n", "f": return false
        default: return nil
        }
    }

    /// `30 days`, `3 months`, `2 weeks`, `1 year`, `5 workdays` (and the Chinese units).
    static func duration(_ text: String) -> Duration? {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        var number = ""
        while index < scalars.count, scalars[index].properties.numericType != nil, scalars[index].isASCII {
            number.unicodeScalars.append(scalars[index]); index += 1
        }
        let unit = String(String.UnicodeScalarView(scalars[index...])).trimmingCharacters(in: .whitespaces)
        guard let amount = Int64(number), let durationUnit = ContextualWord.durationUnits[unit] else { return nil }
        return Duration.make(amount, durationUnit)
    }
}
