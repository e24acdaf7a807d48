/// Quantifiers and aggregates: loops over a collection with the element in a slot.
extension Planner {
    /// Runs `body` for each element (bound to `slot`) until it returns false.
    @inline(__always)
    static func forEach(_ elements: Elements, slot: Int, _ frame: Frame, _ span: SourceSpan, _ source: SourceFile?,
                        _ body: (Frame) throws(EvaluationError) -> Bool) throws(EvaluationError) {
        switch elements {
        case .missing: return
        case .values(let values):
            for value in values {
                try frame.step(span, source)
                frame.slots[slot] = value
                if try !body(frame) { return }
            }
        case .rows(let table, let rows):
            for row in rows {
                try frame.step(span, source)
                frame.slots[slot] = .record(RecordRef(table: table, row: row))
                if try !body(frame) { return }
            }
        case .allRows(let table, let count):
            var row: Int32 = 0
            while row < count {
                try frame.step(span, source)
                frame.slots[slot] = .record(RecordRef(table: table, row: row))
                if try !body(frame) { return }
                row += 1
            }
        }
    }

    /// An aggregate's filter (`count h in e.hazards where h.level == "major"`) read from its truth
    /// per element, computed before the run by the filter's own node (`ElementTruths`), as a
    /// quantifier reads its condition's. An element whose filter failed, and a run naming the
    /// missing cells a condition reads, evaluate the filter in place.
    static func filterReading(_ truths: UnsafeBufferPointer<UInt8>, slot: Int, _ filter: @escaping Plan) -> Plan {
        let shared = ComputedTruths(truths)
        return { frame throws(EvaluationError) in
            let truths = shared.truths
            guard !frame.recordsMissing, case .record(let ref) = frame.slots[slot], ref.row >= 0, Int(ref.row) < truths.count else {
                return try filter(frame)
            }
            switch truths[Int(ref.row)] {
            case Truth.yes: return .bool(true)
            case Truth.no: return .bool(false)
            case Truth.unknown: return .missing
            default: return try filter(frame)
            }
        }
    }

    /// Aggregates are strict about missing data: if the filter is unknown for an element, or a
    /// value is missing, the result is missing (unknown), never a silently smaller number. That
    /// decides the result whatever the other elements hold, so an element that fails is absorbed
    /// by a missing one anywhere in the collection, as in `and` (Grammar.md §7): the order of
    /// the elements never changes the outcome. `sum` of nothing is the zero of its type.
    func planAggregate(_ aggregate: Aggregate, slot: Int, _ collection: @escaping CollectionPlan, _ value: Plan?, _ filter: Plan?,
                       zero: Value, _ span: SourceSpan, _ source: SourceFile?) -> Plan {
        return { frame throws(EvaluationError) in
            let elements = try collection(frame)
            if case .missing = elements { return .missing }
            var count: Int64 = 0
            var unknown = false
            var failure: EvaluationError? = nil
            var accumulator: Value? = nil
            try Planner.forEach(elements, slot: slot, frame, span, source) { frame throws(EvaluationError) in
                do throws(EvaluationError) {
                    if let filter {
                        switch try filter(frame) {
                        case .bool(true): break
                        case .bool(false): return true
                        default: unknown = true; return false
                        }
                    }
                    count += 1
                    guard let value else { return true }
                    let v = try value(frame)
                    if v.isMissing { unknown = true; return false }
                    // After a failure only a missing element can still decide: stop accumulating.
                    guard failure == nil else { return true }
                    guard let current = accumulator else { accumulator = v; return true }
                    switch aggregate {
                    case .sum: accumulator = try Operations.arithmetic(.add, current, v, frame, span, source)
                    case .min:
                        if case .bool(true) = try Operations.compare(.less, v, current, span, source) { accumulator = v }
                    case .max:
                        if case .bool(true) = try Operations.compare(.greater, v, current, span, source) { accumulator = v }
                    case .count: break
                    }
                } catch {
                    if error.isLimit { throw error }
                    if failure == nil { failure = error }
                }
                return true
            }
            if unknown { return .missing }
            if let failure { throw failure }
            switch aggregate {
            case .count: return .int(count)
            case .sum: return accumulator ?? zero
            case .min, .max: return accumulator ?? .missing
            }
        }
    }
}

/// Truths computed before a run (owned by its `ElementTruths`, which outlives the plans that
/// read them), as plans capture them.
struct ComputedTruths: @unchecked Sendable {
    let truths: UnsafeBufferPointer<UInt8>
    init(_ truths: UnsafeBufferPointer<UInt8>) { self.truths = truths }
}
