import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Text encodings of data files: UTF-8 with or without a byte-order mark (Excel's "CSV UTF-8"),
/// or GB18030/GBK (what Excel and WPS write on Chinese Windows), told apart by validating UTF-8.
enum TextEncoding: String, Sendable {
    case utf8 = "UTF-8"
    case utf8WithBOM = "UTF-8 (BOM)"
    case gb18030 = "GB18030"

    /// Foundation's NSStringEncoding for kCFStringEncodingGB_18030_2000.
    static let gb18030Foundation = String.Encoding(rawValue: 0x8000_0632)

    /// The file's bytes as UTF-8, with the encoding they were in; nil if neither UTF-8 nor GB18030.
    static func decode(_ data: Data) -> (bytes: Data, encoding: TextEncoding)? {
        if data.starts(with: [0xEF, 0xBB, 0xBF]) {
            let body = data.dropFirst(3)
            let rest = Data(body)
            return isValidUTF8(rest) ? (rest, .utf8WithBOM) : nil
        }
        if isValidUTF8(data) { return (data, .utf8) }
        guard let utf8 = gb18030ToUTF8(data) else { return nil }
        return (Data(utf8), .gb18030)
    }

    /// GB18030 bytes as UTF-8, nil if they are not GB18030. glibc's iconv converts about nine
    /// times as fast as Foundation's `String(data:encoding:)` here (590 against 65 MB/s);
    /// Foundation reads what iconv refuses (it is also the judge of what is not GB18030): the euro
    /// sign at 0x80 of Windows code page 936, and the 18 four-byte codes GB18030-2022 retired
    /// when it gave their characters two-byte codes (82 35 90 37 and others). The two differ on seven
    /// two-byte codes: the six that GB18030-2022 moved from private-use code points to the CJK
    /// extension B characters they stand for (FE51 is U+20087 in iconv, U+E816 in Foundation),
    /// and A3A0, which GB18030 maps to U+E5E5 and Foundation to U+3000; iconv follows the
    /// standard, so text typed on a current system reads the same from either encoding.
    static func gb18030ToUTF8(_ data: Data) -> [UInt8]? {
        if case .converted(let bytes) = iconvToUTF8(data, from: "GB18030") { return bytes }
        guard let text = String(data: data, encoding: gb18030Foundation) else { return nil }
        return Array(text.utf8)
    }

    enum Conversion: Equatable {
        case converted([UInt8])
        /// A byte sequence the encoding does not define, or one cut off at the end.
        case invalid
        /// This system's iconv does not know the encoding.
        case unsupported
    }

    /// Converts to UTF-8 with iconv.
    static func iconvToUTF8(_ data: Data, from encoding: String) -> Conversion {
        #if canImport(Glibc)
        let converter = iconv_open("UTF-8", encoding)
        guard let converter, converter != iconv_t(bitPattern: -1) else { return .unsupported }
        defer { iconv_close(converter) }
        // Every GB18030 sequence of n bytes becomes at most 3n/2 + 1 bytes of UTF-8 (two bytes
        // give at most three, four give four); the buffer still grows if ever too small.
        var output = [UInt8](repeating: 0, count: data.count + data.count / 2 + 16)
        var written = 0
        let valid = data.withUnsafeBytes { raw -> Bool in
            guard let inputBase = raw.baseAddress else { return true }
            var input = UnsafeMutablePointer(mutating: inputBase.assumingMemoryBound(to: CChar.self))
            var inputLeft = raw.count
            while inputLeft > 0 {
                let (result, code, produced) = output.withUnsafeMutableBufferPointer { out -> (Int, Int32, Int) in
                    guard let outBase = out.baseAddress else { return (-1, E2BIG, 0) }
                    var cursor: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBase + written).assumingMemoryBound(to: CChar.self)
                    var outputLeft = out.count - written
                    var inputCursor: UnsafeMutablePointer<CChar>? = input
                    let result = iconv(converter, &inputCursor, &inputLeft, &cursor, &outputLeft)
                    let code = errno
                    if let inputCursor { input = inputCursor }
                    return (result, code, out.count - written - outputLeft)
                }
                written += produced
                if result != -1 { break }
                guard code == E2BIG else { return false }
                output.append(contentsOf: repeatElement(0, count: output.count / 2 + 16))
            }
            return true
        }
        guard valid else { return .invalid }
        output.removeSubrange(written...)
        return .converted(output)
        #else
        return .unsupported
        #endif
    }

    /// UTF-8 validation of large inputs on all cores: pieces start at the first byte that
    /// begins a character, so each piece is checked on its own.
    static func isValidUTF8(_ data: Data) -> Bool {
        data.withUnsafeBytes { raw -> Bool in
            let bytes = SharedBytes(raw.bindMemory(to: UInt8.self))
            let pieces = max(1, min(64, bytes.bytes.count / (8 << 20)))
            guard pieces > 1 else { return isValidUTF8(bytes.bytes) }
            let verdicts = ParallelSlots<Bool>(count: pieces)
            DispatchQueue.concurrentPerform(iterations: pieces) { piece in
                let all = bytes.bytes
                func boundary(_ position: Int) -> Int {
                    var p = position
                    while p < all.count, p > 0, all[p] & 0xC0 == 0x80 { p += 1 }
                    return p
                }
                let start = boundary(all.count * piece / pieces)
                let end = boundary(all.count * (piece + 1) / pieces)
                verdicts.set(piece, isValidUTF8(UnsafeBufferPointer(rebasing: all[start..<end])))
            }
            return !verdicts.all.contains(false)
        }
    }

    /// UTF-8 validation (Unicode's table 3-7: no overlong forms, no surrogates, nothing past
    /// U+10FFFF) with fast paths for what registers hold: ASCII sixteen bytes at a time, and the
    /// three-byte sequences of Chinese text checked by masks, without decoding the code point.
    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var i = 0
        let n = bytes.count
        while i < n {
            if i + 16 <= n {
                let raw = UnsafeRawPointer(base + i)
                if (raw.loadUnaligned(as: UInt64.self) | raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) & 0x8080_8080_8080_8080 == 0 {
                    i += 16
                    continue
                }
            } else if i + 8 <= n, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                // Keys and codes are short: eight ASCII bytes at once there too.
                i += 8
                continue
            }
            let lead = base[i]
            if lead < 0x80 { i += 1; continue }
            if lead & 0xF0 == 0xE0 {
                // E0 A0–BF, E1–EC 80–BF, ED 80–9F, EE–EF 80–BF; then one continuation byte.
                guard i + 3 <= n else { return false }
                let second = base[i + 1], third = base[i + 2]
                guard second & 0xC0 == 0x80, third & 0xC0 == 0x80 else { return false }
                if lead == 0xE0 && second < 0xA0 || lead == 0xED && second > 0x9F { return false }
                i += 3
                continue
            }
            if lead >= 0xC2 && lead <= 0xDF {
                guard i + 2 <= n, base[i + 1] & 0xC0 == 0x80 else { return false }
                i += 2
                continue
            }
            // F0 90–BF, F1–F3 80–BF, F4 80–8F; then two continuation bytes. C0, C1 and F5–FF never start one.
            guard lead >= 0xF0 && lead <= 0xF4, i + 4 <= n else { return false }
            let second = base[i + 1]
            guard second & 0xC0 == 0x80, base[i + 2] & 0xC0 == 0x80, base[i + 3] & 0xC0 == 0x80 else { return false }
            if lead == 0xF0 && second < 0x90 || lead == 0xF4 && second > 0x8F { return false }
            i += 4
        }
        return true
    }

    /// A line of a file that is mostly UTF-8 but where this line is not: a file in two encodings.
    struct MixedLine {
        let line: Int
        /// The line's text as far as it decodes (the bad bytes shown as U+FFFD) and the column,
        /// in characters, of its first bad byte.
        let text: String
        let column: Int
        /// Lines with non-ASCII text that are valid UTF-8.
        let utf8Lines: Int
    }

    /// Decides, for bytes that are not valid UTF-8 as a whole, whether they are one file in
    /// GB18030 or a UTF-8 file with some lines in another encoding (one cell pasted from a GBK
    /// file). Lines holding non-ASCII bytes vote: valid UTF-8 or not. GBK text is valid UTF-8 only
    /// by accident, mostly on short lines, so the file is UTF-8 only when its valid lines outnumber
    /// the others; then the first line that is not UTF-8 is returned, to be reported as an error
    /// rather than read as mojibake. Nil means: decode the whole file as GB18030.
    static func mixedLine(_ bytes: UnsafeBufferPointer<UInt8>) -> MixedLine? {
        var utf8Lines = 0, otherLines = 0
        var first: (line: Int, start: Int, end: Int)? = nil
        var start = 0, line = 1
        let n = bytes.count
        while start < n {
            var end = start
            var ascii = true
            while end < n, bytes[end] != 0x0A {
                if bytes[end] >= 0x80 { ascii = false }
                end += 1
            }
            if !ascii {
                if isValidUTF8(UnsafeBufferPointer(rebasing: bytes[start..<end])) {
                    utf8Lines += 1
                } else {
                    otherLines += 1
                    if first == nil { first = (line, start, end) }
                }
            }
            start = end + 1
            line += 1
        }
        guard let first, utf8Lines > otherLines else { return nil }
        var lineEnd = first.end
        if lineEnd > first.start, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        let lineBytes = UnsafeBufferPointer(rebasing: bytes[first.start..<lineEnd])
        let good = firstInvalidUTF8(lineBytes) ?? lineBytes.count
        let prefix = String(decoding: UnsafeBufferPointer(rebasing: lineBytes[0..<good]), as: UTF8.self)
        return MixedLine(line: first.line, text: String(decoding: lineBytes, as: UTF8.self),
                         column: prefix.count + 1, utf8Lines: utf8Lines)
    }

    /// The offset of the first byte that does not begin (or continue) a valid UTF-8 character.
    static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        while i < bytes.count {
            let lead = bytes[i]
            if lead < 0x80 { i += 1; continue }
            let length: Int
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return i
            }
            guard i + length <= bytes.count,
                  isValidUTF8(UnsafeBufferPointer(rebasing: bytes[i..<(i + length)])) else { return i }
            i += length
        }
        return nil
    }
}
