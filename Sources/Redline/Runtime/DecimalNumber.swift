/// An exact decimal number: `mantissa × 10^-scale`, with at most 18 digits after the point and
/// less than 10^20 in magnitude (20 digits before it), kept canonical: no trailing fraction
/// zeros, and zero has scale 0. So 0.1 + 0.2 == 0.3, a value that prints as 0 equals 0, and
/// equal numbers have equal representations.
///
/// Every result is computed exactly and rounded once, half away from zero (四舍五入), to the
/// digits kept; a result whose magnitude reaches 10^20 is not representable and the operation
/// fails (returns nil), so overflow is an evaluation error, never a trap or a wrong value.
struct DecimalNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    // The mantissa as two words rather than an `Int128` field: an `Int128` would give every
    // `Value` 16-byte alignment, and a larger stride in every slot and column.
    private let low: UInt64
    private let high: Int64
    private let scaleDigits: UInt8

    /// Digits kept after the point by division (1 / 3 = 0.333333333333).
    static let divisionScale = 12
    /// The most digits after the point any decimal has.
    static let maxScale = 18
    /// The most digits before the point: magnitudes stay below 10^20.
    static let integerDigits = 20

    /// The mantissa: the value times 10^scale.
    var mantissa: Int128 { Int128(high) << 64 | Int128(low) }
    /// Digits after the point (0 to 18).
    var scale: Int { Int(scaleDigits) }
    var isZero: Bool { low == 0 && high == 0 }
    var isNegative: Bool { high < 0 }

    /// 10^0 … 10^38, all below UInt128's 3.4 × 10^38.
    static let powers: [UInt128] = {
        var table: [UInt128] = [1]
        for _ in 1...38 { table.append(table[table.count - 1] * 10) }
        return table
    }()

    /// A canonical value from a mantissa already in range.
    private init(canonical mantissa: Int128, scale: Int) {
        low = UInt64(truncatingIfNeeded: mantissa)
        high = Int64(truncatingIfNeeded: mantissa >> 64)
        scaleDigits = UInt8(truncatingIfNeeded: scale)
    }

    init(_ integer: Int64) {
        self.init(canonical: Int128(integer), scale: 0)
    }

    /// `mantissa × 10^-scale` exactly; nil when it needs more than 18 fraction digits or reaches 10^20.
    init?(mantissa: Int128, scale: Int) {
        guard scale >= 0, scale <= DecimalNumber.maxScale else { return nil }
        guard let value = DecimalNumber.make(negative: mantissa < 0, high: 0, low: mantissa.magnitude, scale: scale) else { return nil }
        self = value
    }

    /// The value of a magnitude given in 256 bits (`high × 2^128 + low`) at `scale`, rounded once,
    /// half away from zero, to at most 18 fraction digits; nil when it reaches 10^20.
    static func make(negative: Bool, high: UInt128, low: UInt128, scale: Int) -> DecimalNumber? {
        var magnitude: UInt128
        var scale = scale
        if scale > maxScale {
            // Products have at most 36 fraction digits, so at most 18 are dropped.
            let drop = scale - maxScale
            guard drop <= 38 else { return nil }
            let divisor = powers[drop]
            guard high < divisor else { return nil }
            let (quotient, remainder) = divisor.dividingFullWidth((high: high, low: low))
            magnitude = quotient
            if remainder >= divisor - remainder {
                let (next, overflow) = magnitude.addingReportingOverflow(1)
                if overflow { return nil }
                magnitude = next
            }
            scale = maxScale
        } else {
            guard high == 0 else { return nil }
            magnitude = low
        }
        guard magnitude < powers[integerDigits + scale] else { return nil }
        while scale > 0, magnitude % 10 == 0 { magnitude /= 10; scale -= 1 }
        if magnitude == 0 { scale = 0 }
        let signed = Int128(magnitude)
        return DecimalNumber(canonical: negative ? -signed : signed, scale: scale)
    }

    /// Parses `123`, `-4.50`, `0.1`; more than 18 fraction digits are rounded once, half away
    /// from zero. Nil if it is not a number or reaches 10^20.
    init?(parsing text: Substring) {
        var body = text.utf8[...]
        var negative = false
        if body.first == UInt8(ascii: "-") { negative = true; body = body.dropFirst() } else if body.first == UInt8(ascii: "+") { body = body.dropFirst() }
        var magnitude: UInt128 = 0
        var scale = 0
        var seenPoint = false
        var seenDigit = false
        var roundUp = false
        var integerDigits = 0
        var droppedDigits = 0
        for byte in body {
            if byte == UInt8(ascii: ".") {
                if seenPoint { return nil }
                seenPoint = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            seenDigit = true
            let digit = UInt128(byte - UInt8(ascii: "0"))
            if seenPoint {
                if scale == DecimalNumber.maxScale {
                    // Only the first digit dropped decides half away from zero.
                    if droppedDigits == 0 { roundUp = digit >= 5 }
                    droppedDigits += 1
                    continue
                }
                scale += 1
            } else if magnitude > 0 || digit > 0 {
                integerDigits += 1
                if integerDigits > DecimalNumber.integerDigits { return nil }
            }
            magnitude = magnitude * 10 + digit
        }
        guard seenDigit else { return nil }
        if roundUp { magnitude += 1 }
        guard let value = DecimalNumber.make(negative: negative, high: 0, low: magnitude, scale: scale) else { return nil }
        self = value
    }

    /// Both mantissas at the larger scale; exact, since every magnitude at scale 18 is below 10^38.
    private static func aligned(_ a: DecimalNumber, _ b: DecimalNumber) -> (Int128, Int128, Int) {
        let scale = Swift.max(a.scale, b.scale)
        return (a.mantissa * Int128(powers[scale - a.scale]), b.mantissa * Int128(powers[scale - b.scale]), scale)
    }

    func adding(_ other: DecimalNumber) -> DecimalNumber? {
        let (a, b, scale) = DecimalNumber.aligned(self, other)
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : DecimalNumber(mantissa: sum, scale: scale)
    }

    func subtracting(_ other: DecimalNumber) -> DecimalNumber? {
        let (a, b, scale) = DecimalNumber.aligned(self, other)
        let (difference, overflow) = a.subtractingReportingOverflow(b)
        return overflow ? nil : DecimalNumber(mantissa: difference, scale: scale)
    }

    /// The exact product (up to 36 fraction digits, in 256 bits), rounded once.
    func multiplying(_ other: DecimalNumber) -> DecimalNumber? {
        let product = mantissa.magnitude.multipliedFullWidth(by: other.mantissa.magnitude)
        return DecimalNumber.make(negative: isNegative != other.isNegative, high: product.high, low: product.low,
                                  scale: scale + other.scale)
    }

    /// The quotient to `divisionScale` digits, rounded once, half away from zero; nil when
    /// dividing by zero or when the quotient reaches 10^20.
    func dividing(by other: DecimalNumber) -> DecimalNumber? {
        guard !other.isZero else { return nil }
        // quotient × 10^12 = (m1 / 10^s1) / (m2 / 10^s2) × 10^12 = m1 × 10^(12 + s2 - s1) / m2.
        let shift = DecimalNumber.divisionScale + other.scale - scale
        var divisor = other.mantissa.magnitude
        var numerator: (high: UInt128, low: UInt128) = (0, mantissa.magnitude)
        if shift >= 0 {
            numerator = mantissa.magnitude.multipliedFullWidth(by: DecimalNumber.powers[shift])
        } else {
            let (scaled, overflow) = divisor.multipliedReportingOverflow(by: DecimalNumber.powers[-shift])
            // A divisor past 2^128 against a numerator below 2^127: less than half a unit.
            if overflow { return DecimalNumber(0) }
            divisor = scaled
        }
        guard numerator.high < divisor else { return nil }
        var (quotient, remainder) = divisor.dividingFullWidth(numerator)
        if remainder >= divisor - remainder {
            guard quotient < UInt128.max else { return nil }
            quotient += 1
        }
        return DecimalNumber.make(negative: isNegative != other.isNegative, high: 0, low: quotient,
                                  scale: DecimalNumber.divisionScale)
    }

    /// Half away from zero (四舍五入) to `digits` places; negative digits round to tens,
    /// hundreds, …; nil when the result reaches 10^20 (`round(99999999999999999999.5, 0)`).
    func rounded(digits: Int64) -> DecimalNumber? {
        if digits >= Int64(scale) { return self }
        // Every magnitude is below 10^20, so below half of 10^21: rounding to it gives zero.
        if digits < -Int64(DecimalNumber.integerDigits) { return DecimalNumber(0) }
        let drop = Int64(scale) - digits
        let unit = DecimalNumber.powers[Int(drop)]
        let magnitude = mantissa.magnitude
        var quotient = magnitude / unit
        let remainder = magnitude % unit
        if remainder >= unit - remainder { quotient += 1 }
        if digits >= 0 { return DecimalNumber.make(negative: isNegative, high: 0, low: quotient, scale: Int(digits)) }
        // Back to units: quotient × 10^-digits, which must stay below 10^20.
        let (value, overflow) = quotient.multipliedReportingOverflow(by: DecimalNumber.powers[Int(-digits)])
        guard !overflow else { return nil }
        return DecimalNumber.make(negative: isNegative, high: 0, low: value, scale: 0)
    }

    var negated: DecimalNumber { DecimalNumber(canonical: -mantissa, scale: scale) }

    /// The value as an integer when it has no fraction and fits 64 bits.
    var integerValue: Int64? { scale == 0 ? Int64(exactly: mantissa) : nil }

    static func < (a: DecimalNumber, b: DecimalNumber) -> Bool {
        let (x, y, _) = aligned(a, b)
        return x < y
    }

    var description: String {
        var digits = String(mantissa.magnitude)
        if scale > 0 {
            if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return isNegative ? "-" + digits : digits
    }
}
