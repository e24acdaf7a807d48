import Foundation

/// Key text → row of a referenced table, for resolving every reference of the files that load
/// after it. Registers name enterprises in no order (a hazard ledger is appended as hazards are
/// found), so each lookup lands on a random slot of a table far larger than the core's cache;
/// the key pool's own index then costs four dependent cache misses (slot, value start, value
/// bytes, row). Here a slot holds the key's first eight bytes, its length and its row, so a key
/// of at most eight bytes resolves with one miss, and a longer one reads the pool only to check
/// its tail once the first eight bytes and a hash tag have matched.
final class KeyIndex: @unchecked Sendable {
    private struct Slot {
        /// The key's first eight bytes (zero-padded), loaded little-endian.
        var prefix: UInt64
        /// The key's length (255 for 255 or more) in the high byte, 24 bits of its hash below.
        var tag: UInt32
        /// The row; `~keyId` for a key whose row was skipped for its own error; `empty`.
        var value: Int32
    }
    private static let empty = Int32.min

    private let slots: [Slot]
    private let shift: UInt64
    private let keys: TextPool
    private let keyIdByRow: [Int32]

    /// `keyIdByRow` is the key column (a key id per row, negative where the row has none); keys
    /// the pool holds without a row were on rows skipped for their own errors. Keys are inserted
    /// in id order, so a duplicated key finds its first row, as the pool's own lookup does.
    init(keys: TextPool, keyIdByRow: [Int32]) {
        self.keys = keys
        self.keyIdByRow = keyIdByRow
        var rowByKeyId = [Int32](repeating: -1, count: keys.count)
        for (row, id) in keyIdByRow.enumerated() where id >= 0 && Int(id) < rowByKeyId.count { rowByKeyId[Int(id)] = Int32(row) }
        var bits: UInt64 = 4
        while (1 << bits) < max(16, keys.count * 2) { bits += 1 }
        let shift = 64 - bits
        self.shift = shift
        var slots = [Slot](repeating: Slot(prefix: 0, tag: 0, value: KeyIndex.empty), count: 1 << Int(bits))
        let mask = slots.count - 1
        for keyId in 0..<keys.count {
            let row = rowByKeyId[keyId] >= 0 ? rowByKeyId[keyId] : ~Int32(keyId)
            keys.storage.withBytes(Int32(keyId)) { key in
                let (prefix, tag, hash) = KeyIndex.signature(key)
                var slot = Int(truncatingIfNeeded: hash >> shift)
                while slots[slot].value != KeyIndex.empty {
                    // A duplicated key keeps its first row.
                    if slots[slot].tag == tag, slots[slot].prefix == prefix, key.count <= 8 || KeyIndex.sameKey(slots[slot].value, key, keys, keyIdByRow) { return }
                    slot = (slot + 1) & mask
                }
                slots[slot] = Slot(prefix: prefix, tag: tag, value: row)
            }
        }
        self.slots = slots
    }

    /// The key's prefix word, tag and 64-bit hash (whose high bits pick the slot).
    @inline(__always)
    private static func signature(_ key: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt32, UInt64) {
        var prefix: UInt64 = 0
        if let base = key.baseAddress {
            if key.count >= 8 {
                prefix = UnsafeRawPointer(base).loadUnaligned(as: UInt64.self)
            } else {
                withUnsafeMutableBytes(of: &prefix) { $0.baseAddress?.copyMemory(from: base, byteCount: key.count) }
            }
        }
        let text = key.count <= 8 ? prefix ^ (UInt64(key.count) << 59) : UInt64(TextInterner.hash(key)) ^ prefix
        var hash = text &* 0x9E37_79B9_7F4A_7C15
        hash ^= hash >> 29
        hash = hash &* 0xBF58_476D_1CE4_E5B9
        let tag = UInt32(min(key.count, 255)) << 24 | UInt32(truncatingIfNeeded: hash) & 0x00FF_FFFF
        return (prefix, tag, hash)
    }

    @inline(__always)
    private static func sameKey(_ value: Int32, _ key: UnsafeBufferPointer<UInt8>, _ keys: TextPool, _ keyIdByRow: [Int32]) -> Bool {
        let keyId = value >= 0 ? (Int(value) < keyIdByRow.count ? keyIdByRow[Int(value)] : -1) : ~value
        return keyId >= 0 && keys.storage.equals(Int(keyId), key)
    }

    /// The row these bytes name: -2 for a key whose row was skipped, nil for no such key.
    @inline(__always)
    func row(_ key: UnsafeBufferPointer<UInt8>) -> Int32? {
        let (prefix, tag, hash) = KeyIndex.signature(key)
        let mask = slots.count - 1
        return slots.withUnsafeBufferPointer { slots -> Int32? in
            var slot = Int(truncatingIfNeeded: hash >> shift)
            while true {
                let entry = slots[slot]
                if entry.value == KeyIndex.empty { return nil }
                if entry.tag == tag, entry.prefix == prefix, key.count <= 8 || KeyIndex.sameKey(entry.value, key, keys, keyIdByRow) {
                    return entry.value >= 0 ? entry.value : -2
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Whether the key at `row` is these bytes (for files sorted like the referenced table).
    @inline(__always)
    func rowHasKey(_ row: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard row >= 0, row < keyIdByRow.count else { return false }
        let keyId = keyIdByRow[row]
        return keyId >= 0 && keys.storage.equals(Int(keyId), key)
    }
}
