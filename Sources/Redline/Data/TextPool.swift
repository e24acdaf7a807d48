import Foundation

/// Interned text: each distinct value is stored once and named by a dense id, so columns hold
/// 4-byte ids, equality is integer equality, and a value's String is made only when shown.
///
/// The hash table is keyed by the UTF-8 bytes, so interning a CSV field never builds a String.
final class TextPool: @unchecked Sendable {
    /// UTF-8 bytes of all values, one after another.
    private(set) var bytes: [UInt8] = []
    /// Start of value `id` in `bytes`; `starts[id + 1]` is its end.
    private(set) var starts: [Int] = [0]
    private var hashes: [UInt32] = []
    /// Open addressing: slot → id + 1 (0 = empty).
    private var table: [Int32]
    private var mask: Int
    /// Strings made so far (made on first use).
    private var strings: [String?] = []
    private let lock = NSLock()

    var count: Int { starts.count - 1 }

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        table = Array(repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    static func hash(_ buffer: UnsafeBufferPointer<UInt8>) -> UInt32 {
        // FNV-1a: simple, fast on short keys, good enough for open addressing with a power-of-two table.
        var h: UInt32 = 2166136261
        for byte in buffer {
            h = (h ^ UInt32(byte)) &* 16777619
        }
        return h
    }

    /// The id of these bytes, adding them if new.
    func intern(_ buffer: UnsafeBufferPointer<UInt8>) -> Int32 {
        let h = TextPool.hash(buffer)
        var slot = Int(h) & mask
        while true {
            let entry = table[slot]
            if entry == 0 { break }
            let id = Int(entry - 1)
            if hashes[id] == h, equals(id, buffer) { return Int32(id) }
            slot = (slot + 1) & mask
        }
        let id = count
        bytes.append(contentsOf: buffer)
        starts.append(bytes.count)
        hashes.append(h)
        strings.append(nil)
        table[slot] = Int32(id + 1)
        if count * 2 > table.count { grow() }
        return Int32(id)
    }

    /// The id of a String, adding it if new.
    func intern(_ text: String) -> Int32 {
        var text = text
        return text.withUTF8 { intern($0) }
    }

    /// The id of these bytes if present.
    func lookup(_ buffer: UnsafeBufferPointer<UInt8>) -> Int32? {
        let h = TextPool.hash(buffer)
        var slot = Int(h) & mask
        while true {
            let entry = table[slot]
            if entry == 0 { return nil }
            let id = Int(entry - 1)
            if hashes[id] == h, equals(id, buffer) { return Int32(id) }
            slot = (slot + 1) & mask
        }
    }

    func lookup(_ text: String) -> Int32? {
        var text = text
        return text.withUTF8 { lookup($0) }
    }

    @inline(__always)
    private func equals(_ id: Int, _ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[id], end = starts[id + 1]
        guard end - start == buffer.count else { return false }
        return bytes.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress, let other = buffer.baseAddress else { return buffer.isEmpty }
            return memcmp(base + start, other, buffer.count) == 0
        }
    }

    private func grow() {
        let size = table.count * 2
        table = Array(repeating: 0, count: size)
        mask = size - 1
        for id in 0..<count {
            var slot = Int(hashes[id]) & mask
            while table[slot] != 0 { slot = (slot + 1) & mask }
            table[slot] = Int32(id + 1)
        }
    }

    /// The text of an id (made once, then cached; safe from several threads).
    func string(_ id: Int32) -> String {
        let index = Int(id)
        lock.lock()
        defer { lock.unlock() }
        if let made = strings[index] { return made }
        let made = bytes.withUnsafeBufferPointer { all in
            String(decoding: UnsafeBufferPointer(rebasing: all[starts[index]..<starts[index + 1]]), as: UTF8.self)
        }
        strings[index] = made
        return made
    }

    /// Byte-wise comparison of two ids' texts (UTF-8 byte order is code point order).
    func compare(_ a: Int32, _ b: Int32) -> Int {
        if a == b { return 0 }
        let (s1, e1) = (starts[Int(a)], starts[Int(a) + 1])
        let (s2, e2) = (starts[Int(b)], starts[Int(b) + 1])
        return bytes.withUnsafeBufferPointer { all -> Int in
            guard let base = all.baseAddress else { return 0 }
            let common = Swift.min(e1 - s1, e2 - s2)
            let result = memcmp(base + s1, base + s2, common)
            if result != 0 { return result < 0 ? -1 : 1 }
            return (e1 - s1) < (e2 - s2) ? -1 : ((e1 - s1) == (e2 - s2) ? 0 : 1)
        }
    }
}
