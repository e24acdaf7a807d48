import Foundation

/// Which subjects no rule can fire on, proven before the run from the truths `ElementTruths`
/// computes, so that the run does not visit them.
///
/// Why: most subjects of a register fire nothing (three in four enterprises at 1M), yet each
/// was visited: every rule's loop run over its rows to find that no element holds. A register
/// kept in event order puts those rows far apart. The hand-written program and the compiled SQL
/// start from the other end: from the rows whose condition can hold, to the subjects they name.
///
/// What is proven, and why it is the evaluator's own answer: a proof reads only truths computed
/// by the same condition nodes the run evaluates (never a second reading of the language), and
/// uses two facts of how those nodes evaluate:
/// - `a and b` is `no` when either side is `no`: the left side is evaluated first and `no`
///   decides; a right side that is `no` decides too, and absorbs an error of the left side
///   (`AndCondition`);
/// - `some x in s.rows where c` is `no` when every element's `c` is `no` (none failed), and
///   when there is no element at all (`RowsQuantifier`).
/// `(count x in s.rows where c) >= k` (or `> k`, either way round) is `no` when every element's
/// `c` is known (an unknown one makes the count missing, a failed one an error) and fewer than
/// `k` (`k + 1`) of them are `yes`.
/// A condition that reads nothing but the subject itself (`for h in hazards when open_on(h,
/// today) and h.deadline < today`) is `no` where its truth, computed before the run for every
/// row of the subject table by the same node, is `no` (a failed one is not).
/// An element's condition is `no` when its truth computed before the run is `no` (a failed
/// one is not), or when one of its `and` sides is, or when it is a condition proven `no` for
/// the subject alone (`some o in e.orders where o.kind == "close" and o.issued_on < i.date` is
/// `no` for every inspection `i` when no order of `e` is a closure).
///
/// Skipped subjects take no steps, so a run could reach its step limit later than it would
/// have. Subjects are skipped only when the steps of the whole run, every subject and every
/// rule, cannot reach the limit (bounded from the row counts: `StepBound`); a run near its
/// limit visits every subject and stops where it always did.
struct SubjectPruning {
    /// An element condition whose truths a proof reads, with what computing them takes.
    struct ElementCondition {
        let key: ElementTruths.Key
        let condition: Bound
        let slot: Int
        let table: Int
    }

    /// A condition of one element proven `no`.
    indirect enum ElementProof {
        /// The element's condition, computed before the run, is `no`.
        case truths(ElementCondition)
        /// A condition about the subject alone (it does not read the element) is `no`.
        case subject(SubjectProof)
        case either(ElementProof, ElementProof)
    }

    /// A condition of the subject proven `no`.
    indirect enum SubjectProof {
        /// The condition reads only the subject, and its truth computed before the run is `no`.
        case truths(ElementCondition)
        /// No row referencing the subject, or each one's condition proven `no` (`element` nil:
        /// nothing proves an element's condition `no`, so only a subject without rows).
        case noElementHolds(ReverseReference, element: ElementProof?)
        /// Every element's condition is known, and fewer than `atLeast` of them are `yes`.
        case fewerHold(ReverseReference, element: ElementCondition, atLeast: Int64)
        case either(SubjectProof, SubjectProof)
    }

    /// A condition's proof for subjects in `subjectSlot`, rows of `subjectTable`, if it has one
    /// of the shapes above.
    static func proof(_ condition: Bound, subjectSlot: Int, subjectTable: Int) -> SubjectProof? {
        if let key = ElementTruths.key(condition, slot: subjectSlot, table: subjectTable) {
            return .truths(ElementCondition(key: key, condition: condition, slot: subjectSlot, table: subjectTable))
        }
        switch condition.kind {
        case .and(let left, let right):
            return either(proof(left, subjectSlot: subjectSlot, subjectTable: subjectTable),
                          proof(right, subjectSlot: subjectSlot, subjectTable: subjectTable), SubjectProof.either)
        case .compare(let op, let left, let right):
            // The count on the left: `count >= k`, `count > k` (and `k <= count`, `k < count`).
            let (count, limit, strict): (Bound, Bound, Bool)
            switch op {
            case .greaterEqual: (count, limit, strict) = (left, right, false)
            case .greater: (count, limit, strict) = (left, right, true)
            case .lessEqual: (count, limit, strict) = (right, left, false)
            case .less: (count, limit, strict) = (right, left, true)
            default: return nil
            }
            guard case .aggregate(.count, let slot, _, let collection, nil, let filter?) = count.kind,
                  case .reverse(let record, let referencing, let column) = collection.kind, case .local(subjectSlot, _) = record.kind,
                  case .constant(.int(let k)) = limit.kind,
                  let key = ElementTruths.key(filter, slot: slot, table: referencing) else { return nil }
            let (atLeast, overflow) = strict ? k.addingReportingOverflow(1) : (k, false)
            guard !overflow else { return nil }
            return .fewerHold(ReverseReference(table: referencing, column: column),
                              element: ElementCondition(key: key, condition: filter, slot: slot, table: referencing), atLeast: atLeast)
        case .quantifier(.some, let slot, _, let collection, let inner):
            guard case .reverse(let record, let referencing, let column) = collection.kind,
                  case .local(subjectSlot, _) = record.kind else { return nil }
            return .noElementHolds(ReverseReference(table: referencing, column: column),
                                   element: elementProof(inner, slot: slot, table: referencing, subjectSlot: subjectSlot, subjectTable: subjectTable))
        default:
            return nil
        }
    }

    static func elementProof(_ condition: Bound, slot: Int, table: Int, subjectSlot: Int, subjectTable: Int) -> ElementProof? {
        if let key = ElementTruths.key(condition, slot: slot, table: table) {
            return .truths(ElementCondition(key: key, condition: condition, slot: slot, table: table))
        }
        if case .and(let left, let right) = condition.kind {
            return either(elementProof(left, slot: slot, table: table, subjectSlot: subjectSlot, subjectTable: subjectTable),
                          elementProof(right, slot: slot, table: table, subjectSlot: subjectSlot, subjectTable: subjectTable), ElementProof.either)
        }
        return proof(condition, subjectSlot: subjectSlot, subjectTable: subjectTable).map { .subject($0) }
    }

    /// Either side's proof, or both (either proves the `and` `no`).
    private static func either<Proof>(_ a: Proof?, _ b: Proof?, _ both: (Proof, Proof) -> Proof) -> Proof? {
        guard let a else { return b }
        guard let b else { return a }
        return both(a, b)
    }

    /// The element conditions whose truths a proof reads: computed with the run's other truths.
    static func elementConditions(_ proof: SubjectProof) -> [ElementCondition] {
        switch proof {
        case .truths(let needed): return [needed]
        case .fewerHold(_, let element, _): return [element]
        case .either(let a, let b): return elementConditions(a) + elementConditions(b)
        case .noElementHolds(_, let element): return element.map(elementConditions) ?? []
        }
    }

    static func elementConditions(_ proof: ElementProof) -> [ElementCondition] {
        switch proof {
        case .truths(let needed): return [needed]
        case .subject(let inner): return elementConditions(inner)
        case .either(let a, let b): return elementConditions(a) + elementConditions(b)
        }
    }

    /// Per subject row, 1 where the proof holds. Nil if a truth it reads was not computed (a
    /// deadline met meanwhile).
    static func evaluate(_ proof: SubjectProof, subjectTable: Int, dataset: Dataset,
                         truths: (ElementTruths.Key) -> UnsafeBufferPointer<UInt8>?,
                         verdicts: (ElementTruths.VerdictKey) -> ElementTruths.Verdicts?) -> UnsafeMutableBufferPointer<UInt8>? {
        let count = dataset.tables[subjectTable].rowCount
        switch proof {
        case .truths(let needed):
            guard let computed = truths(needed.key) else { return nil }
            let out = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(count, 1))
            for row in 0..<count { out[row] = computed[row] == Truth.no ? 1 : 0 }
            return out
        case .fewerHold(let reference, let element, let atLeast):
            guard let computed = truths(element.key), let index = dataset.tables[subjectTable].reverse[reference] else { return nil }
            let shared = SharedProofInputs(block: index.block, truths: [computed], subjectRows: [])
            return perSubject(count) { subject in
                let block = shared.block, computed = shared.truths[0]
                var holding: Int64 = 0
                for position in block.positions(of: subject) {
                    let truth = computed[Int(block.rows[position])]
                    if truth == Truth.yes { holding += 1 } else if truth != Truth.no { return false }
                }
                return holding < atLeast
            }
        case .either(let a, let b):
            guard let left = evaluate(a, subjectTable: subjectTable, dataset: dataset, truths: truths, verdicts: verdicts) else { return nil }
            guard let right = evaluate(b, subjectTable: subjectTable, dataset: dataset, truths: truths, verdicts: verdicts) else {
                left.deallocate()
                return nil
            }
            for row in 0..<count where right[row] == 1 { left[row] = 1 }
            right.deallocate()
            return left
        case .noElementHolds(let reference, let element):
            if case .truths(let needed)? = element,
               let verdict = verdicts(ElementTruths.VerdictKey(condition: needed.key, quantifier: .some, reference: reference)) {
                // The quantifier's own verdict per subject, computed for the run already.
                let out = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(count, 1))
                for row in 0..<count { out[row] = verdict.truth[row] == Truth.no ? 1 : 0 }
                return out
            }
            guard let index = dataset.tables[subjectTable].reverse[reference] else { return nil }
            // The element's proof as the truths and subject rows it reads: an element is proven
            // `no` when any of them says so.
            var elementTruths: [UnsafeBufferPointer<UInt8>] = []
            var subjectRows: [UnsafeMutableBufferPointer<UInt8>] = []
            defer { for rows in subjectRows { rows.deallocate() } }
            var pending = element.map { [$0] } ?? []
            while let next = pending.popLast() {
                switch next {
                case .either(let a, let b): pending += [a, b]
                case .truths(let needed):
                    guard let computed = truths(needed.key) else { return nil }
                    elementTruths.append(computed)
                case .subject(let inner):
                    guard let rows = evaluate(inner, subjectTable: subjectTable, dataset: dataset, truths: truths, verdicts: verdicts) else { return nil }
                    subjectRows.append(rows)
                }
            }
            let shared = SharedProofInputs(block: index.block, truths: elementTruths, subjectRows: subjectRows.map { UnsafeBufferPointer($0) })
            return perSubject(count) { subject in
                let block = shared.block, truths = shared.truths
                if shared.subjectRows.contains(where: { $0[subject] == 1 }) { return true }
                for position in block.positions(of: subject) {
                    let row = Int(block.rows[position])
                    if !truths.contains(where: { $0[row] == Truth.no }) { return false }
                }
                return true
            }
        }
    }
}

/// What a proof reads per subject, shared by the cores that evaluate it.
extension SubjectPruning {
    /// Per subject row, 1 where `proven` holds, computed in chunks of subjects on all cores.
    fileprivate static func perSubject(_ count: Int, _ proven: @Sendable (Int) -> Bool) -> UnsafeMutableBufferPointer<UInt8> {
        let out = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(count, 1))
        let shared = SharedTruths(out)
        let chunkSize = 1 << 16
        DispatchQueue.concurrentPerform(iterations: (count + chunkSize - 1) / chunkSize) { chunk in
            for subject in (chunk * chunkSize)..<min(count, (chunk + 1) * chunkSize) { shared.buffer[subject] = proven(subject) ? 1 : 0 }
        }
        return out
    }
}

private struct SharedProofInputs: @unchecked Sendable {
    let block: RowBlock
    let truths: [UnsafeBufferPointer<UInt8>]
    let subjectRows: [UnsafeBufferPointer<UInt8>]
}

/// An upper bound on the steps an expression takes, when its loops all run over rows
/// referencing the subject: each such loop takes a step per row and its body's steps per row.
/// Other loops (over a whole table, over an element's rows, in a host's hands) have no bound
/// here.
indirect enum StepBound {
    case none
    case loop(RowBlock, body: StepBound)
    case sum([StepBound])

    static func of(_ expression: Bound, subjectSlot: Int, subjectTable: Int, dataset: Dataset) -> StepBound? {
        var loops = false
        expression.visit { node in if node.runsLoop { loops = true } }
        guard loops else { return StepBound.none }
        func of(_ part: Bound) -> StepBound? { StepBound.of(part, subjectSlot: subjectSlot, subjectTable: subjectTable, dataset: dataset) }
        func rows(_ collection: Bound) -> RowBlock? {
            guard case .reverse(let record, let referencing, let column) = collection.kind, case .local(subjectSlot, _) = record.kind else { return nil }
            return dataset.tables[subjectTable].reverse[ReverseReference(table: referencing, column: column)]?.block
        }
        func all(_ parts: [Bound]) -> StepBound? {
            var bounds: [StepBound] = []
            for part in parts {
                guard let bound = of(part) else { return nil }
                bounds.append(bound)
            }
            return .sum(bounds)
        }
        switch expression.kind {
        case .quantifier(_, _, _, let collection, let condition):
            guard let block = rows(collection), let body = of(condition) else { return nil }
            return .loop(block, body: body)
        case .aggregate(_, _, _, let collection, let value, let filter):
            guard let block = rows(collection), let body = all([value, filter].compactMap { $0 }) else { return nil }
            return .loop(block, body: body)
        case .column(let inner, _, _), .forward(let inner, _, _, _), .negate(let inner), .not(let inner), .isMissing(let inner, _):
            return of(inner)
        case .arithmetic(_, let a, let b), .compare(_, let a, let b), .and(let a, let b), .or(let a, let b), .membership(let a, let b, _):
            return all([a, b])
        case .list(let items), .call(_, let items):
            return all(items)
        case .template(let parts):
            return all(parts.compactMap { part in if case .value(let value) = part { return value } else { return nil } })
        default:
            return nil
        }
    }

    /// The bound over all subjects together, saturating at `Int.max`: a loop takes a step per
    /// row of its collection over all subjects, and each row its body's most for one subject.
    var total: Int {
        switch self {
        case .none: return 0
        case .sum(let parts): return parts.reduce(0) { StepBound.add($0, $1.total) }
        case .loop(let block, let body): return StepBound.multiply(block.rowCount, StepBound.add(1, body.most))
        }
    }

    /// The most steps for any one subject.
    var most: Int {
        switch self {
        case .none: return 0
        case .sum(let parts): return parts.reduce(0) { StepBound.add($0, $1.most) }
        case .loop(let block, let body):
            var rows = 0
            for subject in 0..<max(0, block.offsetCount - 1) { rows = max(rows, block.positions(of: subject).count) }
            return StepBound.multiply(rows, StepBound.add(1, body.most))
        }
    }

    private static func add(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? Int.max : sum
    }

    private static func multiply(_ a: Int, _ b: Int) -> Int {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? Int.max : product
    }
}
