import Foundation

/// Runs a planned query: filter (in parallel over chunks of rows), group, project, sort, limit.
struct QueryExecution: @unchecked Sendable {
    let collection: CollectionPlan
    let slot: Int
    let slotCount: Int
    let filter: Plan?
    let groupKey: Plan?
    let columns: [(aggregate: Aggregate?, value: Plan?)]
    let sortKeys: [(column: Int?, value: Plan?, descending: Bool)]
    let limit: Int?
    let today: Int32
    let dataset: Dataset?
    let limits: EvaluationLimits
    /// One budget for the whole query: every chunk's frame charges it.
    let budget: EvaluationBudget

    static func evaluate(_ plan: Plan?, _ frame: Frame) throws(EvaluationError) -> Value {
        guard let plan else { return .missing }
        return try plan(frame)
    }

    func frame() -> Frame {
        Frame(slotCount: slotCount, today: today, dataset: dataset, limits: limits, budget: budget)
    }

    func run() throws(EvaluationError) -> ([[Value]], Int) {
        let elements = try matchingElements()
        if elements.count > limits.maxListSize { throw .listLimit(limits.maxListSize, SourceSpan(start: 0, end: 0), nil) }
        var rows: [[Value]]
        var sortValues: [[Value]] = []
        let frame = frame()
        if let groupKey {
            rows = try grouped(elements, key: groupKey, frame)
        } else {
            // Without sorting, only the rows shown need their columns computed.
            let needed = sortKeys.isEmpty ? Array(elements.prefix(limit ?? elements.count)) : elements
            rows = []
            rows.reserveCapacity(needed.count)
            for element in needed {
                frame.slots[slot] = element
                var row: [Value] = []
                for column in columns { row.append(try QueryExecution.evaluate(column.value, frame)) }
                rows.append(row)
                if !sortKeys.isEmpty {
                    var keys: [Value] = []
                    for key in sortKeys { keys.append(try QueryExecution.evaluate(key.value, frame)) }
                    sortValues.append(keys)
                }
            }
        }
        let matched = groupKey == nil ? elements.count : rows.count
        if !sortKeys.isEmpty { rows = sorted(rows, sortValues) }
        if let limit, rows.count > limit { rows = Array(rows.prefix(limit)) }
        return (rows, matched)
    }

    /// The elements passing the filter, in collection order. Whole tables are filtered in
    /// parallel chunks, each with its own frame.
    private func matchingElements() throws(EvaluationError) -> [Value] {
        let start = frame()
        let elements = try collection(start)
        let table: Int32
        let rows: [Int32]
        switch elements {
        case .missing: return []
        case .values(let values):
            guard let filter else { return values }
            var kept: [Value] = []
            for value in values {
                start.slots[slot] = value
                if case .bool(true) = try filter(start) { kept.append(value) }
            }
            return kept
        case .rows(let t, let slice): table = t; rows = Array(slice)
        case .allRows(let t, let count): table = t; rows = Array(0..<count)
        }
        guard let filter else { return rows.map { .record(RecordRef(table: table, row: $0)) } }
        let chunkCount = max(1, min(rows.count / 4096, ProcessInfo.processInfo.activeProcessorCount * 4))
        let chunkSize = (rows.count + chunkCount - 1) / chunkCount
        let results = ParallelSlots<Result<[Int32], EvaluationError>>(count: chunkCount)
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let frame = frame()
            var kept: [Int32] = []
            do {
                var index = chunk * chunkSize
                let end = min(rows.count, index + chunkSize)
                while index < end {
                    let row = rows[index]
                    try frame.step(.none, nil)
                    frame.slots[slot] = .record(RecordRef(table: table, row: row))
                    if case .bool(true) = try filter(frame) { kept.append(row) }
                    index += 1
                }
                results.set(chunk, .success(kept))
            } catch let failure as EvaluationError {
                results.set(chunk, .failure(failure))
            } catch {}
        }
        var matched: [Value] = []
        for result in results.all {
            switch result {
            case .success(let kept): matched += kept.map { .record(RecordRef(table: table, row: $0)) }
            case .failure(let error): throw error
            }
        }
        return matched
    }

    private func grouped(_ elements: [Value], key: Plan, _ frame: Frame) throws(EvaluationError) -> [[Value]] {
        var groupIndex: [Value: Int] = [:]
        var groups: [(first: Value, accumulators: [Value?], count: Int64, unknown: [Bool])] = []
        for element in elements {
            frame.slots[slot] = element
            let keyValue = try key(frame)
            let index: Int
            if let existing = groupIndex[keyValue] {
                index = existing
            } else {
                index = groups.count
                groupIndex[keyValue] = index
                groups.append((element, Array(repeating: nil, count: columns.count), 0, Array(repeating: false, count: columns.count)))
            }
            groups[index].count += 1
            for (c, column) in columns.enumerated() {
                guard let aggregate = column.aggregate, aggregate != .count, let plan = column.value else { continue }
                let value = try plan(frame)
                if value.isMissing { groups[index].unknown[c] = true; continue }
                guard let current = groups[index].accumulators[c] else { groups[index].accumulators[c] = value; continue }
                switch aggregate {
                case .sum: groups[index].accumulators[c] = try Operations.arithmetic(.add, current, value, frame, .none, nil)
                case .min: if try Operations.ordering(value, current, .none, nil) < 0 { groups[index].accumulators[c] = value }
                case .max: if try Operations.ordering(value, current, .none, nil) > 0 { groups[index].accumulators[c] = value }
                case .count: break
                }
            }
        }
        var rows: [[Value]] = []
        for group in groups {
            frame.slots[slot] = group.first
            var row: [Value] = []
            for (c, column) in columns.enumerated() {
                switch column.aggregate {
                case .count?: row.append(.int(group.count))
                case .some: row.append(group.unknown[c] ? .missing : (group.accumulators[c] ?? (column.aggregate == .sum ? .int(0) : .missing)))
                case nil: row.append(try QueryExecution.evaluate(column.value, frame))
                }
            }
            rows.append(row)
        }
        return rows
    }

    /// Stable sort; missing values last whatever the direction.
    private func sorted(_ rows: [[Value]], _ expressionValues: [[Value]]) -> [[Value]] {
        let indices = Array(rows.indices)
        func key(_ row: Int, _ k: Int) -> Value {
            if let column = sortKeys[k].column { return rows[row][column] }
            return expressionValues.indices.contains(row) ? expressionValues[row][k] : .missing
        }
        let order = indices.sorted { a, b in
            for k in sortKeys.indices {
                let x = key(a, k), y = key(b, k)
                if x.isMissing != y.isMissing { return y.isMissing }
                if x.isMissing { continue }
                let comparison = (try? Operations.ordering(x, y, .none, nil)) ?? 0
                if comparison != 0 { return sortKeys[k].descending ? comparison > 0 : comparison < 0 }
            }
            return a < b
        }
        return order.map { rows[$0] }
    }
}
