import Foundation

/// Interned text while a column is being built: each distinct value stored once and named by a
/// dense id. A value type, so the hot loop that fills it pays no class-access checks.
///
/// In `deduplicate` mode the hash table is keyed by the UTF-8 bytes, so interning a CSV field
/// never builds a String. Key columns use append mode (one id per row, no hashing) and get an
/// index only when another table references them.
struct TextInterner: Sendable {
    private(set) var bytes: [UInt8] = []
    /// Start of value `id` in `bytes`; `starts[id + 1]` is its end.
    private(set) var starts: [Int] = [0]
    /// Open addressing: each slot holds a value's hash in the high 32 bits and its id + 1 in the
    /// low 32 (0 = empty), so a probe compares hashes without touching another array: on a
    /// million keys each extra array read is a cache miss. Empty until indexed in append mode.
    private var table: [UInt64] = []
    private var mask = 0
    let deduplicate: Bool

    var count: Int { starts.count - 1 }
    var isIndexed: Bool { !table.isEmpty }

    init(deduplicate: Bool, capacity: Int = 16) {
        self.deduplicate = deduplicate
        if deduplicate { makeTable(capacity) }
    }

    private mutating func makeTable(_ capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        table = Array(repeating: 0, count: size)
        mask = size - 1
    }

    /// Eight bytes at a time, then a full avalanche (the slot is taken from the low bits, and keys
    /// such as `E0000001` differ only in their last bytes).
    @inline(__always)
    static func hash(_ buffer: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let n = buffer.count
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        guard let base = buffer.baseAddress, n > 0 else { return finish(h) }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        if i < n {
            var tail: UInt64 = 0
            if n >= 8 {
                // The last eight bytes, overlapping some already mixed: one load instead of a loop.
                tail = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            } else {
                var shift: UInt64 = 0
                while i < n { tail |= UInt64(base[i]) << shift; shift += 8; i += 1 }
            }
            h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        }
        return finish(h)
    }

    @inline(__always)
    private static func finish(_ value: UInt64) -> UInt32 {
        var h = value
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return UInt32(truncatingIfNeeded: h)
    }

    /// The id of these bytes: an existing one (deduplicate mode) or a new one.
    @inline(__always)
    mutating func intern(_ buffer: UnsafeBufferPointer<UInt8>) -> Int32 {
        guard deduplicate else { return append(buffer) }
        let h = TextInterner.hash(buffer)
        let tag = UInt64(h) << 32
        var slot = Int(h) & mask
        while true {
            let entry = table[slot]
            if entry == 0 { break }
            if entry & 0xFFFF_FFFF_0000_0000 == tag {
                let id = Int(entry & 0xFFFF_FFFF) - 1
                if equals(id, buffer) { return Int32(id) }
            }
            slot = (slot + 1) & mask
        }
        let id = append(buffer)
        table[slot] = tag | UInt64(id + 1)
        if count * 2 > table.count { rehash(table.count * 2) }
        return id
    }

    @inline(__always)
    private mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) -> Int32 {
        bytes.append(contentsOf: buffer)
        starts.append(bytes.count)
        return Int32(count - 1)
    }

    /// Room for `values` values of `bytes` bytes in all, without regrowing.
    mutating func reserve(values: Int, bytes byteCount: Int) {
        bytes.reserveCapacity(byteCount)
        starts.reserveCapacity(values + 1)
    }

    /// Builds the hash index of an append-mode pool (for lookups by key).
    mutating func buildIndex() {
        guard !deduplicate, table.isEmpty else { return }
        makeTable(max(16, count))
        let (starts, mask) = (self.starts, self.mask)
        bytes.withUnsafeBufferPointer { all in
            table.withUnsafeMutableBufferPointer { table in
                for id in 0..<(starts.count - 1) {
                    let h = TextInterner.hash(UnsafeBufferPointer(rebasing: all[starts[id]..<starts[id + 1]]))
                    var slot = Int(h) & mask
                    while table[slot] != 0 { slot = (slot + 1) & mask }
                    table[slot] = UInt64(h) << 32 | UInt64(id + 1)
                }
            }
        }
    }

    /// Grows the table; the entries carry their hashes, so no value is hashed again.
    private mutating func rehash(_ size: Int) {
        let old = table
        makeTable(size / 2)
        let mask = self.mask
        table.withUnsafeMutableBufferPointer { table in
            for entry in old where entry != 0 {
                var slot = Int(entry >> 32) & mask
                while table[slot] != 0 { slot = (slot + 1) & mask }
                table[slot] = entry
            }
        }
    }

    /// The id of these bytes if present (the pool must be indexed).
    @inline(__always)
    func lookup(_ buffer: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard !table.isEmpty else { return nil }
        let h = TextInterner.hash(buffer)
        let tag = UInt64(h) << 32
        var slot = Int(h) & mask
        while true {
            let entry = table[slot]
            if entry == 0 { return nil }
            if entry & 0xFFFF_FFFF_0000_0000 == tag {
                let id = Int(entry & 0xFFFF_FFFF) - 1
                if equals(id, buffer) { return Int32(id) }
            }
            slot = (slot + 1) & mask
        }
    }

    @inline(__always)
    func equals(_ id: Int, _ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[id], end = starts[id + 1]
        guard end - start == buffer.count else { return false }
        if buffer.isEmpty { return true }
        return bytes.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress, let other = buffer.baseAddress else { return false }
            return TextInterner.sameBytes(base + start, other, buffer.count)
        }
    }

    /// Whether two byte runs of `count` bytes are equal: eight bytes at a time in place, for
    /// the short values a column repeats (a call to `memcmp` cost more than the comparison).
    @inline(__always)
    static func sameBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        guard count <= 64 else { return memcmp(a, b, count) == 0 }
        var i = 0
        while i + 8 <= count {
            if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self) { return false }
            i += 8
        }
        while i < count {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }

    /// The bytes of an id.
    @inline(__always)
    func withBytes<R>(_ id: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[starts[Int(id)]..<starts[Int(id) + 1]])) }
    }

    /// Byte-wise comparison of two ids' texts (UTF-8 byte order is code point order).
    func compare(_ a: Int32, _ b: Int32) -> Int {
        if a == b { return 0 }
        return withBytes(a) { x in withBytes(b) { y in TextInterner.compare(x, y) } }
    }

    static func compare(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Int {
        let common = Swift.min(x.count, y.count)
        if common > 0, let a = x.baseAddress, let b = y.baseAddress {
            let result = memcmp(a, b, common)
            if result != 0 { return result < 0 ? -1 : 1 }
        }
        return x.count < y.count ? -1 : (x.count == y.count ? 0 : 1)
    }

    /// Interns every value of another pool; returns the new id of each of its ids. (Append-mode
    /// pools are joined by `concatenated`.)
    mutating func absorb(_ other: TextInterner) -> [Int32] {
        (0..<Int32(other.count)).map { id in other.withBytes(id) { intern($0) } }
    }

    /// Append-mode pools one after another (a key column's chunks), with the ids of each part's
    /// rows shifted to match: one copy of every byte, value start and id, the parts copied on
    /// all cores. (Joined value by value, a key column of five million rows kept one core busy
    /// while the other had finished its columns.)
    static func concatenated(_ parts: [TextInterner], ids: [ColumnBuffer<Int32>]) -> (TextInterner, [Int32]) {
        // Where each part's values, bytes and rows start.
        let valueBase = parts.reduce(into: [0]) { $0.append($0[$0.count - 1] + $1.count) }
        let byteBase = parts.reduce(into: [0]) { $0.append($0[$0.count - 1] + $1.bytes.count) }
        let rowBase = ids.reduce(into: [0]) { $0.append($0[$0.count - 1] + $1.count) }
        var joined = TextInterner(deduplicate: false)
        let (values, byteCount, rows) = (valueBase[parts.count], byteBase[parts.count], rowBase[parts.count])
        var joinedIds: [Int32] = []
        joined.bytes = Array(unsafeUninitializedCapacity: byteCount) { bytesOut, bytesDone in
            joined.starts = Array(unsafeUninitializedCapacity: values + 1) { startsOut, startsDone in
                joinedIds = Array(unsafeUninitializedCapacity: rows) { idsOut, idsDone in
                    let out = SharedOutput(bytes: bytesOut.baseAddress, starts: startsOut.baseAddress, ids: idsOut.baseAddress)
                    out.starts?.initialize(to: 0)
                    DispatchQueue.concurrentPerform(iterations: parts.count) { k in
                        let part = parts[k], partIds = ids[k].elements
                        let (firstValue, firstByte, firstRow) = (valueBase[k], byteBase[k], rowBase[k])
                        part.bytes.withUnsafeBufferPointer { source in
                            if let from = source.baseAddress, let to = out.bytes { (to + firstByte).initialize(from: from, count: source.count) }
                        }
                        if let starts = out.starts {
                            for index in 0..<part.count { (starts + firstValue + index + 1).initialize(to: part.starts[index + 1] + firstByte) }
                        }
                        if let idsTo = out.ids {
                            let shift = Int32(firstValue)
                            for (row, id) in partIds.enumerated() { (idsTo + firstRow + row).initialize(to: id < 0 ? -1 : id + shift) }
                        }
                    }
                    idsDone = rows
                }
                startsDone = values + 1
            }
            bytesDone = byteCount
        }
        return (joined, joinedIds)
    }

    /// Where `concatenated` writes, shared by the parts copied side by side (each writes its
    /// own range).
    private struct SharedOutput: @unchecked Sendable {
        let bytes: UnsafeMutablePointer<UInt8>?
        let starts: UnsafeMutablePointer<Int>?
        let ids: UnsafeMutablePointer<Int32>?
    }
}

/// A finished, immutable text pool shared by a column and the plans that read it.
final class TextPool: @unchecked Sendable {
    let storage: TextInterner
    /// The values as Strings, made once for pools of at most `cachedLimit` values (levels,
    /// categories, units); large pools (keys) make a value's String when it is shown.
    private let strings: [String]?
    static let cachedLimit = 100_000

    /// The storage's bytes and value starts, for reading a value without touching a reference
    /// count. The threads of a run read the same pools: each retain and release of a shared
    /// array is an atomic write to one cache line, which the two cores then pass back and forth
    /// (at 1.6 million messages it was a tenth of a run). The pool holds `storage`, never
    /// changed, for as long as it lives, so the addresses stay valid.
    let view: PoolView

    init(_ storage: TextInterner) {
        self.storage = storage
        strings = storage.count <= TextPool.cachedLimit
            ? (0..<Int32(storage.count)).map { id in storage.withBytes(id) { String(decoding: $0, as: UTF8.self) } } : nil
        view = PoolView(bytes: storage.bytes.withUnsafeBufferPointer { $0.baseAddress },
                        starts: storage.starts.withUnsafeBufferPointer { $0.baseAddress }, count: storage.count)
    }

    /// The bytes of an id, read without reference counting.
    @inline(__always)
    func withBytes<R>(_ id: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R { view.withBytes(id, body) }

    var count: Int { storage.count }

    func lookup(_ text: String) -> Int32? {
        var text = text
        return text.withUTF8 { storage.lookup($0) }
    }

    /// The text of an id (immutable, so safe from several threads).
    func string(_ id: Int32) -> String {
        if let strings { return strings[Int(id)] }
        return withBytes(id) { String(decoding: $0, as: UTF8.self) }
    }

    func compare(_ a: Int32, _ b: Int32) -> Int { storage.compare(a, b) }
}

/// A pool's values read through its addresses: a plain value, so that keeping one (a worker's
/// message cell, a record namer) and reading through it counts no reference. Valid while the
/// `TextPool` it came from lives.
struct PoolView: @unchecked Sendable {
    let bytes: UnsafePointer<UInt8>?
    let starts: UnsafePointer<Int>?
    let count: Int

    @inline(__always)
    func withBytes<R>(_ id: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard let starts, id >= 0, Int(id) < count else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        let start = starts[Int(id)], end = starts[Int(id) + 1]
        return body(UnsafeBufferPointer(start: bytes.map { $0 + start }, count: bytes == nil ? 0 : end - start))
    }

    /// Reads a text's place and first byte, and nothing else: a cache miss taken early, beside
    /// others (`JSONCells.touch`).
    @inline(__always)
    func touch(_ id: Int32) -> Int {
        guard let starts, id >= 0, Int(id) < count else { return 0 }
        let start = starts[Int(id)]
        guard let bytes, starts[Int(id) + 1] > start else { return start }
        return Int(bytes[start])
    }
}
