/// An exact decimal number: `mantissa × 10^-scale`, kept canonical (no trailing fraction zeros),
/// so that 0.1 + 0.2 == 0.3 and equal numbers have equal representations.
///
/// Arithmetic runs in 128 bits and fails (returns nil) when a result does not fit 64 bits,
/// so overflow is an evaluation error, never a trap.
struct DecimalNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    let mantissa: Int64
    let scale: Int

    /// Digits kept after the point by division (1 / 3 = 0.333333333333).
    static let divisionScale = 12
    /// The most digits after the point any decimal may have.
    static let maxScale = 18

    init?(mantissa: Int128, scale: Int) {
        var m = mantissa, s = scale
        while s > 0, m % 10 == 0 { m /= 10; s -= 1 }
        // Too many fraction digits: round half away from zero (四舍五入) to maxScale.
        while s > DecimalNumber.maxScale {
            let remainder = m % 10
            m /= 10
            if remainder >= 5 { m += 1 } else if remainder <= -5 { m -= 1 }
            s -= 1
        }
        guard let narrow = Int64(exactly: m) else { return nil }
        self.mantissa = narrow
        self.scale = s
    }

    init(_ integer: Int64) {
        mantissa = integer
        scale = 0
    }

    /// Parses `123`, `-4.50`, `0.1`; nil if it is not a number or does not fit.
    init?(parsing text: Substring) {
        var digits: Int128 = 0
        var scale = 0
        var seenPoint = false
        var seenDigit = false
        var negative = false
        var body = text
        if body.first == "-" { negative = true; body = body.dropFirst() } else if body.first == "+" { body = body.dropFirst() }
        for character in body {
            if character == "." {
                if seenPoint { return nil }
                seenPoint = true
                continue
            }
            guard let digit = character.wholeNumberValue, character.isASCII else { return nil }
            seenDigit = true
            digits = digits * 10 + Int128(digit)
            if digits > Int128(Int64.max) * 1000 { return nil }
            if seenPoint { scale += 1 }
        }
        guard seenDigit else { return nil }
        self.init(mantissa: negative ? -digits : digits, scale: scale)
    }

    /// Both mantissas brought to the larger scale.
    private static func aligned(_ a: DecimalNumber, _ b: DecimalNumber) -> (Int128, Int128, Int) {
        let scale = Swift.max(a.scale, b.scale)
        return (Int128(a.mantissa) * power(scale - a.scale), Int128(b.mantissa) * power(scale - b.scale), scale)
    }

    static func power(_ n: Int) -> Int128 {
        var result: Int128 = 1
        for _ in 0..<n { result *= 10 }
        return result
    }

    func adding(_ other: DecimalNumber) -> DecimalNumber? {
        let (a, b, scale) = DecimalNumber.aligned(self, other)
        return DecimalNumber(mantissa: a + b, scale: scale)
    }

    func subtracting(_ other: DecimalNumber) -> DecimalNumber? {
        let (a, b, scale) = DecimalNumber.aligned(self, other)
        return DecimalNumber(mantissa: a - b, scale: scale)
    }

    func multiplying(_ other: DecimalNumber) -> DecimalNumber? {
        // Each mantissa is below 2^63, so the product fits 127 bits.
        DecimalNumber(mantissa: Int128(mantissa) * Int128(other.mantissa), scale: scale + other.scale)
    }

    /// Division to `divisionScale` digits, rounded half away from zero; nil when dividing by zero
    /// or when the quotient does not fit.
    func dividing(by other: DecimalNumber) -> DecimalNumber? {
        guard other.mantissa != 0 else { return nil }
        // value = (m1 / 10^s1) / (m2 / 10^s2); scaled by 10^(D+1) for one rounding digit.
        let extra = DecimalNumber.divisionScale + 1
        var numerator = Int128(mantissa)
        var shift = extra + other.scale - scale
        var denominator = Int128(other.mantissa)
        if shift < 0 { denominator *= DecimalNumber.power(-shift); shift = 0 }
        // Keep the numerator in range: mantissas < 2^63 and shift ≤ 31 digits could overflow 2^127.
        while shift > 0 {
            let (next, overflow) = numerator.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            numerator = next
            shift -= 1
        }
        var quotient = numerator / denominator
        let lastDigit = quotient % 10
        quotient /= 10
        if lastDigit >= 5 { quotient += 1 } else if lastDigit <= -5 { quotient -= 1 }
        return DecimalNumber(mantissa: quotient, scale: DecimalNumber.divisionScale)
    }

    var negated: DecimalNumber? { DecimalNumber(mantissa: -Int128(mantissa), scale: scale) }

    /// The value as an integer when it has no fraction.
    var integerValue: Int64? { scale == 0 ? mantissa : nil }

    static func < (a: DecimalNumber, b: DecimalNumber) -> Bool {
        let (x, y, _) = aligned(a, b)
        return x < y
    }

    var description: String {
        let negative = mantissa < 0
        var digits = String(mantissa.magnitude)
        if scale > 0 {
            if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return negative ? "-" + digits : digits
    }
}
