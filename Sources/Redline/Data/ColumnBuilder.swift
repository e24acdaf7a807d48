import Foundation

/// Builds one typed column from field bytes, converting each value by the declared type.
/// Only the storage of the column's kind is used; separate arrays keep appends free of copies.
struct ColumnBuilder {
    enum Kind { case text, key, reference, int, decimal, date, bool, duration, unread }

    let kind: Kind
    var ids: [Int32] = []
    var interner: TextInterner
    var ints: [Int64] = []
    var intMissing: [Bool] = []
    var days: [Int32] = []
    var bools: [UInt8] = []
    var decimals: [DecimalNumber?] = []
    var durations: [Duration?] = []
    /// For references: the referenced table's key pool and key id → row.
    let target: ReferenceTarget?
    /// The last field and its id: consecutive rows often repeat a value (the same enterprise).
    /// The last field, by place when it lies in the file's bytes (valid while the chunk is read),
    /// else copied: comparing with it costs no copy per row.
    private var previousBase: UnsafePointer<UInt8>? = nil
    private var previousCount = 0
    private var ownedPrevious: [UInt8] = []
    private var previousId: Int32 = -3
    /// Whether the field being appended stays valid after `append` returns.
    var fieldIsStable = true
    /// Recently parsed `YYYY-MM-DD` dates by their bytes: a date column holds few distinct days.
    private var dateCacheKeys: [UInt64] = []
    private var dateCacheDays: [Int32] = []
    /// Key columns: whether every key so far is greater than the one before.
    private(set) var keysIncreasing = true
    /// The last failed reference named a row that was itself skipped (already reported).
    private(set) var lastFailureWasSkippedRow = false
    /// A text value was not valid UTF-8: the file is in another encoding. Only new distinct
    /// values and keys are checked, so a file is validated at the cost of its distinct texts.
    private(set) var sawInvalidUTF8 = false
    /// Rows of an unread column (it stores nothing else).
    private var rowCount = 0

    struct ReferenceTarget: @unchecked Sendable {
        /// The referenced table's name (for messages).
        let table: String
        let keys: TextPool
        let rowByKeyId: [Int32]
        let keyColumn: ColumnData
        let skippedKeys: Set<String>
    }

    /// `unread`: a text column no rule reads, when loading only what the rules read. Text has no
    /// bad values, so skipping it changes no outcome; it is stored as missing in every row.
    init(type: RType, capacity: Int, isKey: Bool = false, target: ReferenceTarget? = nil, unread: Bool = false) {
        self.target = target
        interner = TextInterner(deduplicate: !isKey && !unread)
        if unread, type == .text, !isKey, target == nil { kind = .unread; return }
        switch type {
        case .int: kind = .int; ints.reserveCapacity(capacity); intMissing.reserveCapacity(capacity)
        case .decimal: kind = .decimal; decimals.reserveCapacity(capacity)
        case .date: kind = .date; days.reserveCapacity(capacity)
        case .bool: kind = .bool; bools.reserveCapacity(capacity)
        case .duration: kind = .duration; durations.reserveCapacity(capacity)
        default:
            kind = target != nil ? .reference : (isKey ? .key : .text)
            ids.reserveCapacity(capacity)
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
        case .text, .key, .reference, .unread: return Catalog.expectedDecimal
        }
    }

    /// Appends a field's value; an empty field is missing. Returns false if the value does not
    /// convert or (for references) names no row (a missing value is appended in its place).
    @inline(__always)
    mutating func append(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        switch kind {
        case .unread:
            rowCount += 1
            return true
        case .text:
            if field.isEmpty { ids.append(-1); return true }
            if previousId >= 0, sameAsPrevious(field) { ids.append(previousId); return true }
            // (-3: nothing remembered yet)
            let before = interner.count
            let id = interner.intern(field)
            if interner.count > before, !TextEncoding.isValidUTF8(field) { sawInvalidUTF8 = true }
            remember(field, id)
            ids.append(id)
            return true
        case .key:
            if field.isEmpty { ids.append(-1); keysIncreasing = false; return true }
            if keysIncreasing, previousId >= 0 {
                keysIncreasing = TextInterner.compare(previousBytes, field) < 0
            }
            if !TextEncoding.isValidUTF8(field) { sawInvalidUTF8 = true }
            let id = interner.intern(field)
            remember(field, id)
            ids.append(id)
            return true
        case .reference:
            if field.isEmpty { ids.append(-1); return true }
            if previousId >= -2, previousCount > 0, sameAsPrevious(field) {
                ids.append(max(previousId, -1))
                lastFailureWasSkippedRow = previousId == -2
                return previousId >= 0
            }
            var row: Int32 = -1
            if let target, let keyId = target.keys.storage.lookup(field), Int(keyId) < target.rowByKeyId.count {
                // A key whose row was skipped for its own error: -2, reported once, at that row.
                row = target.rowByKeyId[Int(keyId)] >= 0 ? target.rowByKeyId[Int(keyId)] : -2
            } else if let target, !target.skippedKeys.isEmpty, target.skippedKeys.contains(String(decoding: field, as: UTF8.self)) {
                row = -2
            }
            remember(field, row)
            ids.append(max(row, -1))
            lastFailureWasSkippedRow = row == -2
            return row >= 0
        case .date:
            if field.count == 10, let base = field.baseAddress {
                // Key: the first eight bytes, with the last two folded into the top bits (digits
                // and '-' are below 0x40, so their top two bits are free).
                let head = UnsafeRawPointer(base).loadUnaligned(as: UInt64.self)
                let key = head ^ (UInt64(base[8]) << 56 | UInt64(base[9]) << 48) &* 0x9E37_79B9_7F4A_7C15
                if dateCacheKeys.isEmpty {
                    dateCacheKeys = Array(repeating: 0, count: 4096)
                    dateCacheDays = Array(repeating: 0, count: 4096)
                }
                let slot = Int(truncatingIfNeeded: (key &* 0xFF51_AFD7_ED55_8CCD) >> 52) & 4095
                if dateCacheKeys[slot] == key, key != 0 { days.append(dateCacheDays[slot]); return true }
                if let day = FieldParsing.date(field) {
                    dateCacheKeys[slot] = key
                    dateCacheDays[slot] = day
                    days.append(day)
                    return true
                }
            }
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

    private var previousBytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: previousBase, count: previousCount) }

    @inline(__always)
    private func sameAsPrevious(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        guard previousCount == field.count, !field.isEmpty, let other = field.baseAddress, let base = previousBase else { return false }
        return memcmp(base, other, field.count) == 0
    }

    @inline(__always)
    private mutating func remember(_ field: UnsafeBufferPointer<UInt8>, _ id: Int32) {
        previousId = id
        previousCount = field.count
        if fieldIsStable {
            previousBase = field.baseAddress
        } else {
            ownedPrevious.removeAll(keepingCapacity: true)
            ownedPrevious.append(contentsOf: field)
            // The copy lives in `ownedPrevious` until the next remember; its storage does not move meanwhile.
            previousBase = ownedPrevious.withUnsafeBufferPointer { $0.baseAddress }
        }
    }

    /// Appends another chunk's column (rows after this one's).
    mutating func absorb(_ other: ColumnBuilder) {
        switch kind {
        case .text, .key:
            let base = Int32(interner.count)
            if let remap = interner.absorb(other.interner) {
                for id in other.ids { ids.append(id < 0 ? -1 : remap[Int(id)]) }
            } else {
                for id in other.ids { ids.append(id < 0 ? -1 : id + base) }
            }
        case .reference: ids.append(contentsOf: other.ids)
        case .unread: rowCount += other.rowCount
        case .int: ints.append(contentsOf: other.ints); intMissing.append(contentsOf: other.intMissing)
        case .decimal: decimals.append(contentsOf: other.decimals)
        case .date: days.append(contentsOf: other.days)
        case .bool: bools.append(contentsOf: other.bools)
        case .duration: durations.append(contentsOf: other.durations)
        }
    }

    /// Room for `rows` more rows (and, for keys, their bytes), so joining chunks copies once.
    mutating func reserve(rows: Int, keyBytes: Int) {
        switch kind {
        case .text, .reference: ids.reserveCapacity(rows)
        case .unread: break
        case .key: ids.reserveCapacity(rows); interner.reserve(values: rows, bytes: keyBytes)
        case .int: ints.reserveCapacity(rows); intMissing.reserveCapacity(rows)
        case .decimal: decimals.reserveCapacity(rows)
        case .date: days.reserveCapacity(rows)
        case .bool: bools.reserveCapacity(rows)
        case .duration: durations.reserveCapacity(rows)
        }
    }

    func build() -> ColumnData {
        switch kind {
        case .text, .key: return .text(ids, TextPool(interner))
        case .unread: return .text(Array(repeating: -1, count: rowCount), TextPool(interner))
        case .reference: return .reference(ids, key: target?.keyColumn ?? .text([], TextPool(TextInterner(deduplicate: true))))
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
        var year = 0, month = 0, day = 0
        var digits = 0, part = 0
        var separator: UInt8 = 0
        for byte in field {
            if byte >= 0x30, byte <= 0x39 {
                let digit = Int(byte - 0x30)
                switch part {
                case 0: year = year * 10 + digit
                case 1: month = month * 10 + digit
                default: day = day * 10 + digit
                }
                digits += 1
                if digits > (part == 0 ? 4 : 2) { return nil }
            } else if byte == 0x2D || byte == 0x2F || byte == 0x2E {
                if part == 0 && digits != 4 { return nil }
                if part > 0 && digits == 0 { return nil }
                if separator == 0 { separator = byte } else if separator != byte { return nil }
                part += 1
                digits = 0
                if part > 2 { return nil }
            } else {
                return nil
            }
        }
        guard part == 2, digits > 0 else { return nil }
        return CivilDate.dayNumber(year: year, month: month, day: day)
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

    @inline(__always)
    static func bool(_ field: UnsafeBufferPointer<UInt8>) -> Bool? {
        // The common spellings first, without making a String.
        if field.count == 4, field[0] | 0x20 == 0x74, field[1] | 0x20 == 0x72, field[2] | 0x20 == 0x75, field[3] | 0x20 == 0x65 { return true }
        if field.count == 5, field[0] | 0x20 == 0x66, field[1] | 0x20 == 0x61, field[2] | 0x20 == 0x6C, field[3] | 0x20 == 0x73,
           field[4] | 0x20 == 0x65 { return false }
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
