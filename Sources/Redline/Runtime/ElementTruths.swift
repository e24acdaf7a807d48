import Foundation

/// The truth of a quantifier's condition for every row of its table, computed once per run, in
/// row order, when the condition reads nothing but its own element: its columns, references
/// followed from it, constants and `today`, and no loop (`some h in e.hazards where h.level ==
/// "major" and unrectified(h, today)`). The quantifier then reads a byte per element instead of
/// evaluating the condition there.
///
/// Why: a register lists rows as events happen, so the hazards of one enterprise lie far apart;
/// evaluating the condition per enterprise reads each hazard's cells from a random place, a
/// cache miss per cell. Here each cell is read once, in the order it lies in memory, and the
/// enterprise's loop touches one byte per hazard. It is the same condition node evaluated the
/// same way, so the outcome cannot differ; an element whose condition fails (an error) is marked
/// and evaluated again where the quantifier meets it, so errors are absorbed or reported there
/// as before. Steps are still counted per element the quantifier visits.
final class ElementTruths: @unchecked Sendable {
    /// A condition, by where it is written and the table its element is a row of: a condition
    /// that reads only its element means the same wherever a definition is expanded.
    struct Key: Hashable {
        let file: ObjectIdentifier?
        let span: SourceSpan
        let table: Int
    }

    /// Marks an element whose condition failed: evaluated again where it is met.
    static let failed: UInt8 = 3

    private var storage: [Key: UnsafeMutableBufferPointer<UInt8>] = [:]

    deinit {
        for buffer in storage.values { buffer.deallocate() }
    }

    func truths(_ key: Key) -> UnsafeBufferPointer<UInt8>? {
        storage[key].map { UnsafeBufferPointer($0) }
    }

    /// A quantifier's condition, if it is worth computing for every row of `table`.
    static func key(_ condition: Bound, slot: Int, table: Int) -> Key? {
        guard readsOnlyItsElement(condition, slot: slot) else { return nil }
        return Key(file: condition.source.map(ObjectIdentifier.init), span: condition.span, table: table)
    }

    /// Whether a condition reads no variable but `slot` (a definition's parameters stand for
    /// their arguments, which are part of the condition) and runs no loop.
    static func readsOnlyItsElement(_ condition: Bound, slot: Int) -> Bool {
        var used: Set<Int> = [], parameters: Set<Int> = []
        var simple = true
        condition.visit { node in
            switch node.kind {
            case .local(let local, _): used.insert(local)
            case .definition(_, let arguments, _): for argument in arguments { parameters.insert(argument.slot) }
            case .quantifier, .aggregate, .tableRows, .reverse, .hostCall, .error: simple = false
            default: break
            }
        }
        return simple && used.subtracting(parameters).subtracting([slot]).isEmpty
    }

    /// Computes the truths of every quantifier condition in `rules` that reads only its element,
    /// over all cores. A deadline or cancellation met meanwhile leaves the rest uncomputed (the
    /// run then stops where it evaluates).
    init(rules: [CheckedRule], schema: Schema, dataset: Dataset, today: Int32, slotCount: Int,
         limits: EvaluationLimits, budget: EvaluationBudget) {
        var wanted: [Key: (condition: Bound, slot: Int, table: Int)] = [:]
        var order: [Key] = []
        for rule in rules {
            rule.condition.visit { node in
                guard case .quantifier(_, let slot, _, let collection, let condition) = node.kind else { return }
                let table: Int
                switch collection.kind {
                case .reverse(_, let referencing, _): table = referencing
                case .tableRows(let all): table = all
                default: return
                }
                guard let key = ElementTruths.key(condition, slot: slot, table: table), wanted[key] == nil else { return }
                wanted[key] = (condition, slot, table)
                order.append(key)
            }
        }
        for key in order {
            guard let (condition, slot, table) = wanted[key], budget.stopped == nil else { continue }
            let count = dataset.tables[table].rowCount
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(count, 1))
            let chunkSize = 1 << 16
            let chunks = (count + chunkSize - 1) / chunkSize
            let complete = ParallelSlots<Bool>(count: max(chunks, 1))
            let shared = SharedTruths(buffer)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                // Each chunk plans its own node: plans shared between cores would have their
                // reference counts updated from both (RuleEngine.evaluate says why that is slow).
                let planner = Planner(schema: schema, dataset: dataset)
                let node = planner.conditionNode(condition)
                let asValue = planner.valueReads.contains(slot)
                let frame = Frame(slotCount: slotCount, today: today, dataset: dataset, limits: limits, budget: budget)
                do throws(EvaluationError) { try budget.check(.none, nil) } catch {
                    budget.record(error)
                    return
                }
                let out = shared.buffer
                for row in (chunk * chunkSize)..<min(count, (chunk + 1) * chunkSize) {
                    if asValue { frame.slots[slot] = .record(RecordRef(table: Int32(table), row: Int32(row))) } else { frame.slots.rows[slot] = Int32(row) }
                    do throws(EvaluationError) { out[row] = try node.truth(frame) } catch { out[row] = ElementTruths.failed }
                }
                complete.set(chunk, true)
            }
            if (0..<chunks).allSatisfy({ complete.get($0) == true }) {
                storage[key] = buffer
            } else {
                buffer.deallocate()
            }
        }
    }
}

/// A buffer the chunks of one computation write, each its own rows.
private struct SharedTruths: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<UInt8>
    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }
}
