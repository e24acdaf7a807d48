#if canImport(Glibc)
import Glibc
#endif

/// SHA-256 (FIPS 180-4), so reports can name exactly which rule and data files they were made
/// from. `hex` uses OpenSSL's libcrypto when the system has it (about 1.6 GB/s with the CPU's SHA
/// instructions, against about 290 MB/s here); this portable implementation is the fallback and
/// the incremental hasher. libcrypto is opened at run time rather than linked, so that building
/// or embedding the library needs nothing beyond Swift and Foundation.
struct SHA256 {
    private var state: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
    private var buffer: [UInt8] = []
    private var length: UInt64 = 0

    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    mutating func update(_ bytes: UnsafeBufferPointer<UInt8>) {
        length &+= UInt64(bytes.count)
        var index = 0
        if !buffer.isEmpty {
            while index < bytes.count, buffer.count < 64 { buffer.append(bytes[index]); index += 1 }
            if buffer.count == 64 {
                buffer.withUnsafeBufferPointer { compress($0, 0) }
                buffer.removeAll(keepingCapacity: true)
            }
        }
        while index + 64 <= bytes.count {
            compress(bytes, index)
            index += 64
        }
        while index < bytes.count { buffer.append(bytes[index]); index += 1 }
    }

    mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { update($0) } }

    mutating func finish() -> String {
        let bitLength = length &* 8
        var padding: [UInt8] = [0x80]
        while (buffer.count + padding.count) % 64 != 56 { padding.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { padding.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        let savedLength = length
        update(padding)
        length = savedLength
        return SHA256.hexText(state.flatMap { word in stride(from: 24, through: 0, by: -8).map { UInt8(truncatingIfNeeded: word >> UInt32($0)) } })
    }

    /// A digest's bytes as lowercase hex.
    static func hexText(_ digest: [UInt8]) -> String {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(digest.count * 2)
        for byte in digest { text.append(hex[Int(byte >> 4)]); text.append(hex[Int(byte & 0xF)]) }
        return String(decoding: text, as: UTF8.self)
    }

    /// One 64-byte block. The message schedule lives on the stack and the round constants are
    /// read through a pointer: a heap array per block made hashing a large file take seconds.
    private mutating func compress(_ block: UnsafeBufferPointer<UInt8>, _ offset: Int) {
        guard let base = block.baseAddress, offset + 64 <= block.count else { return }
        let bytes = UnsafeRawPointer(base + offset)
        var a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7]
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for t in 0..<16 { w[t] = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: t * 4, as: UInt32.self)) }
            for t in 16..<64 {
                let s0 = w[t - 15].rotatedRight(7) ^ w[t - 15].rotatedRight(18) ^ (w[t - 15] >> 3)
                let s1 = w[t - 2].rotatedRight(17) ^ w[t - 2].rotatedRight(19) ^ (w[t - 2] >> 10)
                w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
            }
            SHA256.k.withUnsafeBufferPointer { k in
                for t in 0..<64 {
                    let s1 = e.rotatedRight(6) ^ e.rotatedRight(11) ^ e.rotatedRight(25)
                    let choice = (e & f) ^ (~e & g)
                    let t1 = h &+ s1 &+ choice &+ k[t] &+ w[t]
                    let s0 = a.rotatedRight(2) ^ a.rotatedRight(13) ^ a.rotatedRight(22)
                    let majority = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ majority
                    h = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
                }
            }
        }
        state[0] &+= a; state[1] &+= b; state[2] &+= c; state[3] &+= d
        state[4] &+= e; state[5] &+= f; state[6] &+= g; state[7] &+= h
    }

    enum Implementation: Sendable { case system, portable }

    /// The hex digest of some bytes: libcrypto's if it was found (or `using: .portable`).
    static func hex(_ bytes: UnsafeBufferPointer<UInt8>, using implementation: Implementation = .system) -> String {
        if implementation == .system, let digest = SystemSHA256.digest(bytes) { return digest }
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finish()
    }

    /// Whether `hex` finds libcrypto on this system.
    static var systemAvailable: Bool { SystemSHA256.oneShot != nil }
}

/// libcrypto's one-shot `SHA256(data, count, digest)`, looked up once.
private enum SystemSHA256 {
    typealias OneShot = @convention(c) (UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<UInt8>?) -> UnsafeMutablePointer<UInt8>?

    static let oneShot: OneShot? = {
        #if os(Linux)
        for name in ["libcrypto.so.3", "libcrypto.so"] {
            guard let library = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { continue }
            if let symbol = dlsym(library, "SHA256") { return unsafeBitCast(symbol, to: OneShot.self) }
            dlclose(library)
        }
        #endif
        return nil
    }()

    static func digest(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard let oneShot else { return nil }
        var digest = [UInt8](repeating: 0, count: 32)
        // No bytes may come with no address: libcrypto reads nothing when the count is 0.
        let done = digest.withUnsafeMutableBufferPointer { oneShot(bytes.baseAddress, bytes.count, $0.baseAddress) != nil }
        return done ? SHA256.hexText(digest) : nil
    }
}

extension UInt32 {
    @inline(__always)
    func rotatedRight(_ n: UInt32) -> UInt32 { (self >> n) | (self << (32 - n)) }
}
