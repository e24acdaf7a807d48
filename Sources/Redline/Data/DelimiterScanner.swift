#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Where the delimiters of quote-free CSV text are (`,`, LF, CR), found 64 bytes at a time as
/// bit masks: a field's end is then the lowest bit past its start, and whether it ends the
/// line is one bit of a second mask. Looking for each field's end byte by byte (or a word at a
/// time) costs a loop whose length varies with the field, and a branch the processor guesses
/// wrong whenever the length changes; most of a register's fields are eight to ten bytes.
///
/// Only for text with no quote character: in quoted fields these bytes are not delimiters
/// (`CSVTableReader.nextRecord` reads those).
struct DelimiterScanner {
    private let base: UnsafePointer<UInt8>?
    private let count: Int
    /// The block the masks describe: bit k is the byte at `blockStart + k`.
    private var blockStart = 0
    private var blockEnd = 0
    private var delimiters: UInt64 = 0
    private var lineEnds: UInt64 = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        base = bytes.baseAddress
        count = bytes.count
    }

    /// The first delimiter at or after `start` (`count` at the end of the text), and whether it
    /// ends a line (as the end of the text does).
    @inline(__always)
    mutating func next(from start: Int) -> (position: Int, endsLine: Bool) {
        var i = start
        while true {
            if i >= blockStart && i < blockEnd {
                let ahead = delimiters & (~0 << UInt64(i - blockStart))
                if ahead != 0 {
                    let bit = ahead.trailingZeroBitCount
                    return (blockStart + bit, lineEnds & (1 << UInt64(bit)) != 0)
                }
                i = blockEnd
            }
            if i >= count { return (count, true) }
            load(at: i)
        }
    }

    /// The masks of the 64 bytes from `start` (fewer at the end of the text).
    @inline(__always)
    private mutating func load(at start: Int) {
        blockStart = start
        blockEnd = min(count, start + 64)
        delimiters = 0
        lineEnds = 0
        guard let base else { return }
        #if arch(x86_64)
        if blockEnd - start == 64 {
            let raw = UnsafeRawPointer(base + start)
            let comma = _mm_set1_epi8(0x2C), lf = _mm_set1_epi8(0x0A), cr = _mm_set1_epi8(0x0D)
            for part in 0..<4 {
                let bytes = unsafeBitCast(raw.loadUnaligned(fromByteOffset: 16 * part, as: SIMD16<UInt8>.self), to: __m128i.self)
                let ends = _mm_or_si128(_mm_cmpeq_epi8(bytes, lf), _mm_cmpeq_epi8(bytes, cr))
                let all = _mm_or_si128(ends, _mm_cmpeq_epi8(bytes, comma))
                lineEnds |= UInt64(UInt16(truncatingIfNeeded: _mm_movemask_epi8(ends))) << UInt64(16 * part)
                delimiters |= UInt64(UInt16(truncatingIfNeeded: _mm_movemask_epi8(all))) << UInt64(16 * part)
            }
            return
        }
        #endif
        for k in 0..<(blockEnd - start) {
            let byte = base[start + k]
            if byte == 0x0A || byte == 0x0D {
                lineEnds |= 1 << UInt64(k)
                delimiters |= 1 << UInt64(k)
            } else if byte == 0x2C {
                delimiters |= 1 << UInt64(k)
            }
        }
    }

    /// How many `"` the bytes hold, sixteen bytes at a time (a file with quotes is cut where the
    /// quotes before a line break are even in number: `CSVTableReader.chunkRanges`).
    static func quotes(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var count = 0, i = 0
        #if arch(x86_64)
        let quote = _mm_set1_epi8(0x22)
        let raw = UnsafeRawPointer(base)
        while i + 16 <= bytes.count {
            let chunk = unsafeBitCast(raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self), to: __m128i.self)
            count &+= UInt16(truncatingIfNeeded: _mm_movemask_epi8(_mm_cmpeq_epi8(chunk, quote))).nonzeroBitCount
            i += 16
        }
        #endif
        while i < bytes.count {
            if base[i] == 0x22 { count &+= 1 }
            i += 1
        }
        return count
    }
}
