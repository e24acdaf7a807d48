import Foundation

/// The rows of one column while a chunk is parsed: appended to without the uniqueness and bounds
/// checks of an array, which would run for every cell of millions of rows. Chunks are joined
/// into the column's final array once (`ColumnBuilder.join`). Elements are plain values.
final class ColumnBuffer<Element>: @unchecked Sendable {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = UnsafeMutablePointer<Element>.allocate(capacity: self.capacity)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    @inline(__always)
    func append(_ element: Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: element)
        count += 1
    }

    private func grow() {
        let bigger = capacity * 2
        let moved = UnsafeMutablePointer<Element>.allocate(capacity: bigger)
        moved.moveInitialize(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = bigger
    }

    /// Empties the buffer, keeping its room.
    func removeAll() {
        base.deinitialize(count: count)
        count = 0
    }

    var first: Element? { count > 0 ? base[0] : nil }
    var last: Element? { count > 0 ? base[count - 1] : nil }
    var elements: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    /// The buffers' elements one after another, in one new array.
    static func joined(_ buffers: [ColumnBuffer<Element>]) -> [Element] {
        let total = buffers.reduce(0) { $0 + $1.count }
        guard total > 0 else { return [] }
        return Array(unsafeUninitializedCapacity: total) { out, initialized in
            guard let start = out.baseAddress else { initialized = 0; return }
            var at = 0
            for buffer in buffers where buffer.count > 0 {
                (start + at).initialize(from: buffer.base, count: buffer.count)
                at += buffer.count
            }
            initialized = at
        }
    }
}

/// Builds one typed column from field bytes, converting each value by the declared type.
/// Only the storage of the column's kind is used.
struct ColumnBuilder {
    enum Kind { case text, key, reference, int, decimal, date, bool, duration }

    let kind: Kind
    let ids: ColumnBuffer<Int32>
    var interner: TextInterner
    let ints: ColumnBuffer<Int64>
    let intMissing: ColumnBuffer<Bool>
    let days: ColumnBuffer<Int32>
    let bools: ColumnBuffer<UInt8>
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
    /// Key columns: whether every key so far is greater than the one before.
    private(set) var keysIncreasing = true
    /// The last failed reference named a row that was itself skipped (already reported).
    private(set) var lastFailureWasSkippedRow = false
    /// A text value was not valid UTF-8: the file is in another encoding. Only new distinct
    /// values and keys are checked, so a file is validated at the cost of its distinct texts.
    private(set) var sawInvalidUTF8 = false
    /// The row the last reference resolved to, and whether the row after it has lately been the
    /// next one named (positive: try it before the index).
    private var previousRow: Int32 = -1
    private var guessScore = 4
    /// References left for `resolveDeferred`: fields lying in the file's bytes (valid while
    /// the chunk is read) and their place in `ids`.
    var defersReferences = false
    private let deferred = ColumnBuffer<DeferredReference>(capacity: 0)
    /// What the batches' first loads read; kept so that the loads are not optimized away.
    private(set) var touched: UInt32 = 0
    /// Rows the chunk is expected to hold (a key column's pool is sized from it and its first key).
    private let rowEstimate: Int
    static let reservedKeysAtMost = 1 << 22
    static let reservedKeyBytesAtMost = 1 << 26
    /// A deferred reference named no row: the chunk must be read again.
    private var deferredFailed = false

    struct DeferredReference {
        let index: Int32
        let count: Int32
        let base: UnsafePointer<UInt8>
    }

    struct ReferenceTarget: @unchecked Sendable {
        /// The referenced table's name (for messages).
        let table: String
        let index: KeyIndex
        let keyColumn: ColumnData
        let skippedKeys: Set<String>
        /// The keys were read in increasing order, so each is unique and row `r + 1` holds the
        /// next key: referencing files are often sorted the same way, and checking the next row
        /// first saves a hash probe into a table too large for the cache.
        var increasingKeys = false

        /// The row these bytes name: -2 for a key whose row was skipped for its own error
        /// (reported once, at that row), nil for no such key. With `guess`, the row after
        /// `previous` is tried first.
        ///
        /// The guess pays only on files sorted like the referenced table: on a register in date
        /// order the next row is as random as any, and checking it costs two more cache misses
        /// before the index is probed anyway, so the caller guesses only while guesses succeed.
        @inline(__always)
        func resolve(_ field: UnsafeBufferPointer<UInt8>, after previous: Int32, guess: Bool = false) -> Int32? {
            if guess, increasingKeys, previous >= 0, index.rowHasKey(Int(previous) + 1, field) { return previous + 1 }
            if let row = index.row(field) { return row }
            if !skippedKeys.isEmpty, skippedKeys.contains(String(decoding: field, as: UTF8.self)) { return -2 }
            return nil
        }
    }

    init(type: RType, capacity: Int, isKey: Bool = false, target: ReferenceTarget? = nil) {
        self.target = target
        rowEstimate = capacity
        interner = TextInterner(deduplicate: !isKey)
        let kind: Kind
        switch type {
        case .int: kind = .int
        case .decimal: kind = .decimal
        case .date: kind = .date
        case .bool: kind = .bool
        case .duration: kind = .duration
        default: kind = target != nil ? .reference : (isKey ? .key : .text)
        }
        self.kind = kind
        // Only the kind's own buffers get room; the others stay at their minimum.
        ids = ColumnBuffer(capacity: [.text, .key, .reference].contains(kind) ? capacity : 0)
        ints = ColumnBuffer(capacity: kind == .int ? capacity : 0)
        intMissing = ColumnBuffer(capacity: kind == .int ? capacity : 0)
        days = ColumnBuffer(capacity: kind == .date ? capacity : 0)
        bools = ColumnBuffer(capacity: kind == .bool ? capacity : 0)
        if kind == .decimal { decimals.reserveCapacity(capacity) }
        if kind == .duration { durations.reserveCapacity(capacity) }
    }

    /// What a bad value was expected to be, for the message.
    var expected: LocalizedText {
        switch kind {
        case .int: return Catalog.expectedInt
        case .decimal: return Catalog.expectedDecimal
        case .date: return Catalog.expectedDate
        case .bool: return Catalog.expectedBool
        case .duration: return Catalog.expectedDuration
        case .text, .key, .reference: return Catalog.expectedDecimal
        }
    }

    /// Appends a field's value; an empty field is missing. Returns false if the value does not
    /// convert or (for references) names no row (a missing value is appended in its place).
    @inline(__always)
    mutating func append(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        switch kind {
        case .text: return appendText(field)
        case .key: return appendKey(field)
        case .reference: return appendReference(field)
        case .date: return appendDate(field)
        case .int: return appendInt(field)
        case .bool: return appendBool(field)
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

    /// Appends the fields of one column for a batch of rows (`fields`, one per row, in order):
    /// the kind is looked at once per batch, not once per cell, and each kind's loop is its own.
    /// A field that fails is added to `failures` (by its place in the batch), with whether it
    /// named a row that was itself skipped.
    mutating func appendColumn(_ bytes: UnsafeBufferPointer<UInt8>, _ fields: UnsafePointer<CSVTableReader.Field>, count: Int,
                               scratch: inout [UInt8], failures: inout [(row: Int, skippedRow: Bool)]) {
        @inline(__always) func span(_ field: CSVTableReader.Field) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])
        }
        switch kind {
        case .date:
            for row in 0..<count {
                let field = fields[row]
                if !field.escaped, let day = CivilDate.parse(span(field)) { days.append(day); continue }
                if !appendOne(bytes, field, scratch: &scratch) { failures.append((row, false)) }
            }
        case .key:
            for row in 0..<count {
                let field = fields[row]
                if field.escaped {
                    if !appendOne(bytes, field, scratch: &scratch) { failures.append((row, false)) }
                } else if !appendKey(span(field)) {
                    failures.append((row, false))
                }
            }
        case .text:
            for row in 0..<count {
                let field = fields[row]
                if field.escaped { _ = appendOne(bytes, field, scratch: &scratch) } else { _ = appendText(span(field)) }
            }
        case .reference:
            for row in 0..<count {
                let field = fields[row]
                let converted = field.escaped ? appendOne(bytes, field, scratch: &scratch) : appendReference(span(field))
                if !converted { failures.append((row, lastFailureWasSkippedRow)) }
            }
        default:
            for row in 0..<count where !appendOne(bytes, fields[row], scratch: &scratch) {
                failures.append((row, lastFailureWasSkippedRow))
            }
        }
    }

    /// One field, unescaped first if it holds `""` (the copy then does not outlive the call).
    @inline(__always)
    private mutating func appendOne(_ bytes: UnsafeBufferPointer<UInt8>, _ field: CSVTableReader.Field, scratch: inout [UInt8]) -> Bool {
        guard field.escaped else { return append(UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])) }
        CSVTableReader.unescape(bytes, field, into: &scratch)
        fieldIsStable = false
        defer { fieldIsStable = true }
        return scratch.withUnsafeBufferPointer { append($0) }
    }

    @inline(__always)
    private mutating func appendText(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        if field.isEmpty { ids.append(-1); return true }
        if previousId >= 0, sameAsPrevious(field) { ids.append(previousId); return true }
        // (-3: nothing remembered yet)
        let before = interner.count
        let id = interner.intern(field)
        if interner.count > before, !TextEncoding.isValidUTF8(field) { sawInvalidUTF8 = true }
        remember(field, id)
        ids.append(id)
        return true
    }

    @inline(__always)
    private mutating func appendKey(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        if field.isEmpty { ids.append(-1); keysIncreasing = false; return true }
        // `9.11401001234568E+017`: a spreadsheet rewrote an identifier as a number, and its
        // digits are gone; as a key it would name a row nobody can find.
        if FieldParsing.looksLikeRewrittenNumber(field) { ids.append(-1); keysIncreasing = false; return false }
        if keysIncreasing, previousId >= 0 {
            keysIncreasing = ColumnBuilder.isBefore(previousBytes, field)
        }
        if !TextEncoding.isValidUTF8(field) { sawInvalidUTF8 = true }
        // Every row adds a key: room for the chunk's keys at once, from the first one's length,
        // instead of growing (and copying) the pool's arrays a dozen times. Bounded: a first key
        // of a megabyte in a file read as one chunk must not reserve gigabytes (beyond the bound
        // the arrays grow as they fill).
        if interner.count == 0 {
            let values = min(rowEstimate, ColumnBuilder.reservedKeysAtMost)
            let (bytes, overflow) = values.multipliedReportingOverflow(by: field.count + 1)
            interner.reserve(values: values, bytes: overflow ? ColumnBuilder.reservedKeyBytesAtMost : min(bytes, ColumnBuilder.reservedKeyBytesAtMost))
        }
        let id = interner.intern(field)
        remember(field, id)
        ids.append(id)
        return true
    }

    @inline(__always)
    private mutating func appendReference(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        if field.isEmpty { ids.append(-1); return true }
        if defersReferences, fieldIsStable, let base = field.baseAddress {
            deferred.append(DeferredReference(index: Int32(truncatingIfNeeded: ids.count), count: Int32(truncatingIfNeeded: field.count), base: base))
            ids.append(-1)
            // Resolved every few thousand: enough to overlap the misses, little to keep.
            if deferred.count >= 4096, !deferredFailed, !resolveDeferred() { deferredFailed = true }
            return true
        }
        if previousId >= -2, previousCount > 0, sameAsPrevious(field) {
            ids.append(max(previousId, -1))
            lastFailureWasSkippedRow = previousId == -2
            return previousId >= 0
        }
        var row: Int32 = -1
        if let found = target?.resolve(field, after: previousRow, guess: guessScore > 0) {
            row = found
            // A found row after the previous one, guessed or not, is a vote for guessing.
            if found >= 0 {
                guessScore = found == previousRow + 1 ? min(guessScore + 1, 16) : max(guessScore - 2, -16)
                previousRow = found
            }
        }
        remember(field, row)
        ids.append(max(row, -1))
        lastFailureWasSkippedRow = row == -2
        return row >= 0
    }

    @inline(__always)
    private mutating func appendDate(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        if let day = CivilDate.parse(field) { days.append(day); return true }
        let trimmed = FieldParsing.trimmed(field)
        if trimmed.isEmpty { days.append(ColumnData.missingDate); return true }
        if let day = FieldParsing.date(trimmed) ?? FieldParsing.dateAsPeopleWriteIt(trimmed) { days.append(day); return true }
        days.append(ColumnData.missingDate)
        return false
    }

    @inline(__always)
    private mutating func appendInt(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        let trimmed = FieldParsing.trimmed(field)
        if trimmed.isEmpty { ints.append(0); intMissing.append(true); return true }
        if let value = FieldParsing.integer(trimmed) { ints.append(value); intMissing.append(false); return true }
        ints.append(0); intMissing.append(true)
        return false
    }

    @inline(__always)
    private mutating func appendBool(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        let trimmed = FieldParsing.trimmed(field)
        if trimmed.isEmpty { bools.append(ColumnData.missingBool); return true }
        if let value = FieldParsing.bool(trimmed) { bools.append(value ? 1 : 0); return true }
        bools.append(ColumnData.missingBool)
        return false
    }

    /// Resolves the deferred references, thirty-two at a time: the batch's first slots are read
    /// before any key is compared, so that on a register, where each reference lands on a random
    /// slot of an index far larger than the cache, the misses overlap instead of following one
    /// another. While the file follows the referenced table's order the row after the last one
    /// found is tried first, as `append` does. False if a reference names no row (nothing is
    /// reported here: the chunk is read again).
    mutating func resolveDeferred() -> Bool {
        guard !deferredFailed else { return false }
        defer { deferred.removeAll() }
        guard kind == .reference, deferred.count > 0, let target else { return true }
        let index = target.index
        let items = deferred.elements
        let out = ids.base
        let batch = 32
        let probes = UnsafeMutablePointer<KeyIndex.Probe>.allocate(capacity: batch)
        defer { probes.deallocate() }
        var sink: UInt32 = 0
        var start = 0
        while start < items.count {
            let end = min(items.count, start + batch)
            let guessing = guessScore > 0 && target.increasingKeys
            if !guessing {
                // Probes first, then the loads alone: a loop of nothing but loads keeps the most
                // of them in flight at once.
                for j in start..<end {
                    (probes + (j - start)).initialize(to: index.probe(UnsafeBufferPointer(start: items[j].base, count: Int(items[j].count))))
                }
                for j in 0..<(end - start) { sink &+= index.touch(probes[j]) }
            }
            for j in start..<end {
                let item = items[j]
                let key = UnsafeBufferPointer(start: item.base, count: Int(item.count))
                let found: Int32?
                if guessing, previousRow >= 0, index.rowHasKey(Int(previousRow) + 1, key) {
                    found = previousRow + 1
                } else {
                    found = index.row(key, guessing ? index.probe(key) : probes[j - start])
                }
                guard let row = found, row >= 0 else {
                    touched = sink
                    return false
                }
                guessScore = row == previousRow + 1 ? min(guessScore + 1, 16) : max(guessScore - 2, -16)
                previousRow = row
                out[Int(item.index)] = row
            }
            start = end
        }
        touched = sink
        return true
    }

    /// Whether `a` sorts before `b` byte-wise: their first eight bytes compared as one number
    /// when both have them (keys of a register differ there), else as `TextInterner.compare`.
    @inline(__always)
    static func isBefore(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        if a.count >= 8, b.count >= 8, let x = a.baseAddress, let y = b.baseAddress {
            let left = UInt64(bigEndian: UnsafeRawPointer(x).loadUnaligned(as: UInt64.self))
            let right = UInt64(bigEndian: UnsafeRawPointer(y).loadUnaligned(as: UInt64.self))
            if left != right { return left < right }
        }
        return TextInterner.compare(a, b) < 0
    }

    private var previousBytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: previousBase, count: previousCount) }

    @inline(__always)
    private func sameAsPrevious(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        guard previousCount == field.count, !field.isEmpty, let other = field.baseAddress, let base = previousBase else { return false }
        return TextInterner.sameBytes(base, other, field.count)
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

    /// One column from the builders of consecutive chunks, in order: text ids remapped into one
    /// pool (the first chunk's), everything else copied once into the final array.
    static func join(_ parts: [ColumnBuilder]) -> ColumnData {
        guard let first = parts.first else { return .text([], TextPool(TextInterner(deduplicate: true))) }
        switch first.kind {
        case .key where parts.count > 1:
            let (interner, ids) = TextInterner.concatenated(parts.map(\.interner), ids: parts.map(\.ids))
            return .text(ids, TextPool(interner))
        case .text, .key:
            var interner = first.interner
            let total = parts.reduce(0) { $0 + $1.ids.count }
            var ids: [Int32] = []
            ids.reserveCapacity(total)
            ids.append(contentsOf: first.ids.elements)
            for part in parts.dropFirst() {
                let remap = interner.absorb(part.interner)
                for id in part.ids.elements { ids.append(id < 0 ? -1 : remap[Int(id)]) }
            }
            return .text(ids, TextPool(interner))
        case .reference:
            return .reference(ColumnBuffer.joined(parts.map(\.ids)),
                              key: first.target?.keyColumn ?? .text([], TextPool(TextInterner(deduplicate: true))))
        case .int: return .int(ColumnBuffer.joined(parts.map(\.ints)), missing: ColumnBuffer.joined(parts.map(\.intMissing)))
        case .decimal: return .decimal(parts.flatMap(\.decimals))
        case .date: return .date(ColumnBuffer.joined(parts.map(\.days)))
        case .bool: return .bool(ColumnBuffer.joined(parts.map(\.bools)))
        case .duration: return .duration(parts.flatMap(\.durations))
        }
    }

    func build() -> ColumnData { ColumnBuilder.join([self]) }
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

    /// The slower forms, tried only when the others fail: `2024年5月1日` (Excel's Chinese long date)
    /// and a date with a time of exactly midnight, `2024-05-01T00:00:00`, `2024-05-01 00:00:00`,
    /// `2024-05-01T00:00:00.000` (what pandas writes), optionally with `Z`. A time other than
    /// midnight is refused: a date column holding times would be cut silently.
    static func dateAsPeopleWriteIt(_ field: UnsafeBufferPointer<UInt8>) -> Int32? {
        let bytes = Array(field)
        let year: [UInt8] = [0xE5, 0xB9, 0xB4], month: [UInt8] = [0xE6, 0x9C, 0x88], dayMark: [UInt8] = [0xE6, 0x97, 0xA5]
        if let y = bytes.firstRange(of: year), let m = bytes.firstRange(of: month), y.upperBound < m.lowerBound,
           bytes.count >= 3, Array(bytes.suffix(3)) == dayMark, m.upperBound <= bytes.count - 3 {
            func number(_ part: ArraySlice<UInt8>, _ widths: ClosedRange<Int>) -> Int? {
                guard widths.contains(part.count), part.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
                return part.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            }
            guard let yy = number(bytes[..<y.lowerBound], 4...4), let mm = number(bytes[y.upperBound..<m.lowerBound], 1...2),
                  let dd = number(bytes[m.upperBound..<(bytes.count - 3)], 1...2) else { return nil }
            return CivilDate.dayNumber(year: yy, month: mm, day: dd)
        }
        guard let cut = bytes.firstIndex(where: { $0 == 0x54 || $0 == 0x20 }) else { return nil }
        var time = Array(bytes[(cut + 1)...])
        if time.last == 0x5A { time.removeLast() }
        let text = String(decoding: time, as: UTF8.self)
        let midnight = text == "00:00" || text == "00:00:00"
            || (text.hasPrefix("00:00:00.") && text.dropFirst(9).allSatisfy { $0 == "0" } && text.count > 9)
        guard midnight else { return nil }
        return bytes[..<cut].withUnsafeBufferPointer { date($0) }
    }

    /// Scientific notation (`9.11401001234568E+017`, `1.2E+5`): what Excel and LibreOffice make of a
    /// long number-like identifier in a column not formatted as text. Most keys start with a
    /// letter and are dismissed at their first byte.
    @inline(__always)
    static func looksLikeRewrittenNumber(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        func isDigit(_ i: Int) -> Bool { field[i] >= 0x30 && field[i] <= 0x39 }
        let n = field.count
        var i = 0
        while i < n, isDigit(i) { i += 1 }
        guard i > 0, i < n else { return false }
        if field[i] == 0x2E {
            i += 1
            let start = i
            while i < n, isDigit(i) { i += 1 }
            guard i > start, i < n else { return false }
        }
        guard field[i] == 0x45 || field[i] == 0x65 else { return false }
        i += 1
        if i < n, field[i] == 0x2B || field[i] == 0x2D { i += 1 }
        let start = i
        while i < n, isDigit(i) { i += 1 }
        return i == n && i > start
    }

    /// `5/1/2024` or `1.5.2024`: day and month in an order only the writer knows.
    static func isAmbiguousDate(_ text: String) -> Bool {
        let parts = text.split(whereSeparator: { $0 == "/" || $0 == "." || $0 == "-" })
        return parts.count == 3 && parts[2].count == 4 && parts[0].count <= 2 && parts[1].count <= 2
            && parts.allSatisfy { $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
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
