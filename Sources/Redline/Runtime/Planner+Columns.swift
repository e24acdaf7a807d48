/// Column reads specialised by the column's storage: the closure captures the typed array, so a
/// read is an array index. (Text comparisons with literals are condition nodes: `textTest`.)
extension Planner {
    func planColumn(_ record: @escaping Plan, table: Int, column: Int, _ span: SourceSpan, _ source: SourceFile?) -> Plan {
        guard let data = dataset?.tables[table] else { return noData(table, span, source) }
        let storage = data.columns[column]
        // A missing cell is noted for the frame (`Frame.recordsMissing`) where it is read.
        switch storage {
        case .date(let days):
            return { frame throws(EvaluationError) in
                guard case .record(let ref) = try record(frame) else { return .missing }
                let day = days[Int(ref.row)]
                if day == ColumnData.missingDate {
                    frame.readMissing(table: table, row: ref.row, column: column)
                    return .missing
                }
                return .date(day)
            }
        case .bool(let flags):
            return { frame throws(EvaluationError) in
                guard case .record(let ref) = try record(frame) else { return .missing }
                let flag = flags[Int(ref.row)]
                if flag == ColumnData.missingBool {
                    frame.readMissing(table: table, row: ref.row, column: column)
                    return .missing
                }
                return .bool(flag == 1)
            }
        case .int(let values, let missing):
            return { frame throws(EvaluationError) in
                guard case .record(let ref) = try record(frame) else { return .missing }
                let row = Int(ref.row)
                if missing[row] {
                    frame.readMissing(table: table, row: ref.row, column: column)
                    return .missing
                }
                return .int(values[row])
            }
        default:
            return { frame throws(EvaluationError) in
                guard case .record(let ref) = try record(frame) else { return .missing }
                let value = storage.value(Int(ref.row))
                if value.isMissing { frame.readMissing(table: table, row: ref.row, column: column) }
                return value
            }
        }
    }
}
