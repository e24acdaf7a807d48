import Foundation

/// Calls of host functions (`HostFunction`): arguments converted to the host's values, the
/// result checked against the declared type and converted back.
extension Planner {
    func planHostCall(_ function: HostFunction, _ arguments: [Plan], _ span: SourceSpan, _ source: SourceFile?) -> Plan {
        let names = dataset.map { RecordNamer(schema: schema, dataset: $0) }
        let declared = function.result
        return { frame throws(EvaluationError) in
            var values: [HostValue] = []
            values.reserveCapacity(arguments.count)
            var failure: EvaluationError? = nil
            for argument in arguments {
                do throws(EvaluationError) {
                    let value = try argument(frame)
                    // As for the standard library: a missing argument gives a missing result,
                    // and the host is not asked.
                    if value.isMissing { return .missing }
                    values.append(value.hostValue(names))
                } catch {
                    if error.isLimit { throw error }
                    if failure == nil { failure = error }
                }
            }
            if let failure { throw failure }
            let result: HostValue
            do {
                result = try function.body(values)
            } catch {
                throw .hostFunction(function.name, Planner.describe(error), span, source)
            }
            guard let value = Planner.accept(result, as: declared) else {
                if case .decimal(let d) = result, declared == .decimal {
                    throw .hostFunction(function.name, "it returned \(HostValue.plain(d)), beyond the decimals Redline keeps (below 10^20)", span, source)
                }
                throw .hostFunction(function.name, "it returned \(Planner.typeName(result)), but it is declared to return \(declared)", span, source)
            }
            return value
        }
    }

    /// A host error as one line: its description, control characters escaped.
    static func describe(_ error: any Error) -> String {
        let text = (error as? LocalizedError)?.errorDescription ?? String(describing: error)
        return TerminalText.escaped(text, keepingLineBreaks: false)
    }

    static func typeName(_ value: HostValue) -> String {
        switch value {
        case .list: return "a list"
        case .record(let r): return "a record of `\(r.table)`"
        default: return value.type.map { "\($0)" } ?? "missing"
        }
    }

    /// The interpreter's value for a host function's result, if it has the declared type (an int
    /// is a decimal too; missing fits every type).
    static func accept(_ result: HostValue, as declared: HostType) -> Value? {
        switch (result, declared) {
        case (.missing, _): return .missing
        case (.int(let i), .decimal): return .decimal(DecimalNumber(i))
        case (.list(let items), .list(let element)):
            var values: [Value] = []
            for item in items {
                guard let value = accept(item, as: element) else { return nil }
                values.append(value)
            }
            return .list(values)
        case (.list, _), (_, .list), (.record, _): return nil
        default:
            guard result.type == declared else { return nil }
            return try? Value(host: result)
        }
    }
}
