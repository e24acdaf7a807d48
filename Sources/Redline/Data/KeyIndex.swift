import Foundation

/// Key text → row of a referenced table, for resolving every reference of the files that load
/// after it. Registers name enterprises in no order (a hazard ledger is appended as hazards are
/// found), so each lookup lands on a random slot of a table far larger than the core's cache;
/// the key pool's own index then costs four dependent cache misses (slot, value start, value
/// bytes, row). Here a slot holds the key's first eight bytes, its length and its row, so a key
/// of at most eight bytes resolves with one miss, and a longer one reads the pool only to check
/// its tail once the first eight bytes and a hash tag have matched.
final class KeyIndex: @unchecked Sendable {
    struct Slot {
        /// The key's first eight bytes (zero-padded), loaded little-endian.
        var prefix: UInt64
        /// The key's length (255 for 255 or more) in the high byte, 24 bits of its hash below.
        var tag: UInt32
        /// The row; `~keyId` for a key whose row was skipped for its own error; `empty`.
        var value: Int32
    }
    private static let empty = Int32.min

    /// The slots: in memory of their own, in 2 MB pages where the kernel has them. A million
    /// keys take 32 MB of slots; in 4 KB pages nearly every lookup of a register would also miss
    /// the TLB, and walk the page tables before it reaches its slot.
    private let slots: UnsafeMutablePointer<Slot>
    private let slotCount: Int
    private let mapped: (base: UnsafeMutableRawPointer, size: Int)?
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
        slotCount = 1 << Int(bits)
        (slots, mapped) = KeyIndex.allocate(slotCount)
        slots.initialize(repeating: Slot(prefix: 0, tag: 0, value: KeyIndex.empty), count: slotCount)
        let mask = slotCount - 1
        // Thirty-two keys at a time: their first slots are read before any is filled, so the
        // cache misses of a batch overlap (as lookups do, `ColumnBuilder.resolveDeferred`).
        // Keys are still inserted in id order.
        let batch = 32
        let probes = UnsafeMutablePointer<Probe>.allocate(capacity: batch)
        defer { probes.deallocate() }
        var sink: UInt32 = 0
        var start = 0
        while start < keys.count {
            let end = min(keys.count, start + batch)
            for keyId in start..<end {
                let (prefix, tag, hash) = keys.storage.withBytes(Int32(keyId)) { KeyIndex.signature($0) }
                (probes + (keyId - start)).initialize(to: Probe(prefix: prefix, tag: tag, slot: Int(truncatingIfNeeded: hash >> shift)))
            }
            for j in 0..<(end - start) { sink &+= slots[probes[j].slot].tag }
            for keyId in start..<end {
                let probe = probes[keyId - start]
                let row = rowByKeyId[keyId] >= 0 ? rowByKeyId[keyId] : ~Int32(keyId)
                var slot = probe.slot
                let duplicate = keys.storage.withBytes(Int32(keyId)) { key -> Bool in
                    while slots[slot].value != KeyIndex.empty {
                        // A duplicated key keeps its first row.
                        if slots[slot].tag == probe.tag, slots[slot].prefix == probe.prefix,
                           key.count <= 8 || KeyIndex.sameKey(slots[slot].value, key, keys, keyIdByRow) { return true }
                        slot = (slot + 1) & mask
                    }
                    return false
                }
                if !duplicate { slots[slot] = Slot(prefix: probe.prefix, tag: probe.tag, value: row) }
            }
            start = end
        }
        touched = sink
    }

    /// What the batches' first reads read; kept so that the reads are not optimized away.
    private(set) var touched: UInt32 = 0

    deinit {
        if let mapped {
            munmap(mapped.base, mapped.size)
        } else {
            slots.deallocate()
        }
    }

    /// Room for `count` slots: a large table in its own mapping, aligned to 2 MB and advised to
    /// use huge pages; a small one (or if mapping fails) from the heap.
    private static func allocate(_ count: Int) -> (UnsafeMutablePointer<Slot>, (UnsafeMutableRawPointer, Int)?) {
        let bytes = count * MemoryLayout<Slot>.stride
        let huge = 2 << 20
        if bytes >= huge {
            let size = (bytes + huge - 1) / huge * huge + huge
            if let base = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), base != MAP_FAILED {
                let aligned = UnsafeMutableRawPointer(bitPattern: (Int(bitPattern: base) + huge - 1) / huge * huge) ?? base
                _ = madvise(aligned, size - (aligned - base), MADV_HUGEPAGE)
                return (aligned.bindMemory(to: Slot.self, capacity: count), (base, size))
            }
        }
        return (UnsafeMutablePointer<Slot>.allocate(capacity: count), nil)
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
        row(key, probe(key))
    }

    /// Where a key's lookup starts: its prefix word, tag and first slot.
    struct Probe {
        let prefix: UInt64
        let tag: UInt32
        let slot: Int
    }

    @inline(__always)
    func probe(_ key: UnsafeBufferPointer<UInt8>) -> Probe {
        let (prefix, tag, hash) = KeyIndex.signature(key)
        return Probe(prefix: prefix, tag: tag, slot: Int(truncatingIfNeeded: hash >> shift))
    }

    /// The first slot's tag, read only to bring its cache line in: a batch of lookups reads
    /// all its first slots before comparing any, so their cache misses overlap instead of
    /// following one another.
    @inline(__always)
    func touch(_ probe: Probe) -> UInt32 { slots[probe.slot].tag }

    /// The row a key names, from its probe.
    @inline(__always)
    func row(_ key: UnsafeBufferPointer<UInt8>, _ probe: Probe) -> Int32? {
        let mask = slotCount - 1
        var slot = probe.slot
        while true {
            let entry = slots[slot]
            if entry.value == KeyIndex.empty { return nil }
            if entry.tag == probe.tag, entry.prefix == probe.prefix, key.count <= 8 || KeyIndex.sameKey(entry.value, key, keys, keyIdByRow) {
                return entry.value >= 0 ? entry.value : -2
            }
            slot = (slot + 1) & mask
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
