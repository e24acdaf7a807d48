/// Column reads specialised by the column's storage: the closure captures the typed array, so a
/// read is an array index. (Text comparisons with literals are condition nodes: `textTest`.)
extension Planner {
    func planColumn(_ record: @escaping Plan, table: Int, column: Int, _ span: SourceSpan, _ source: SourceFile?) -> Plan {
        guard let data = dataset?.tables[table] else { return noData(table, span, source) }
        let storage = data.columns[column]
        if recordMissing {
            return { frame throws(EvaluationError) in
                guard case .record(let ref) = try record(frame) else { return .missing }
                let value = storage.value(Int(ref.row))
                if value.isMissing { frame.missingReads.append(MissingRead(table: table, row: ref.row, column: column)) }
                return value
            }
        }
        switch storage {
        case .date(let days):
            return { frame throws(EvaluationError) in
                guard case .record(let ref) = try record(frame) else { return .missing }
                let day = days[Int(ref.row)]
                return day == ColumnData.missingDate ? .missing : .date(day)
            }
        case .bool(let flags):
            return { frame throws(EvaluationError) in
                guard case .record(let ref) = try record(frame) else { return .missing }
                let flag = flags[Int(ref.row)]
                return flag == ColumnData.missingBool ? .missing : .bool(flag == 1)
            }
        case .int(let values, let missing):
            return { frame throws(EvaluationError) in
                guard case .record(let ref) = try record(frame) else { return .missing }
                let row = Int(ref.row)
                return missing[row] ? .missing : .int(values[row])
            }
        default:
            return { frame throws(EvaluationError) in
                guard case .record(let ref) = try record(frame) else { return .missing }
                return storage.value(Int(ref.row))
            }
        }
    }
}
