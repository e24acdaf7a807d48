// A Swift host of Redline. It keeps its register in memory (here: read from Rules/sample's CSV
// files by its own code, typed as the host's database would type them), hands the rows to
// Redline, registers a host function, runs the three-always policy as of 2024-06-30 and prints
// the decisions — the same as `redline run Rules/three-always.rl --data Rules/sample --as-of 2024-06-30`.
//
//   swift run --package-path Examples/Embedding EmbeddingExample Rules/three-always.rl Rules/sample
import Foundation
import Redline

/// Splits one CSV line (quoted fields allowed, as in Rules/sample).
func fields(_ line: Substring) -> [String] {
    var out: [String] = [], field = "", quoted = false
    var rest = line[...]
    while let c = rest.popFirst() {
        if quoted {
            if c == "\"" {
                if rest.first == "\"" { field.append("\""); rest.removeFirst() } else { quoted = false }
            } else { field.append(c) }
        } else if c == "\"" { quoted = true } else if c == "," { out.append(field); field = "" } else { field.append(c) }
    }
    out.append(field)
    return out
}

/// One of the host's tables: its rows typed the way the host keeps them.
func table(_ name: String, folder: String, types: [String: HostType]) throws -> HostTable {
    let text = try String(contentsOfFile: "\(folder)/\(name).csv", encoding: .utf8)
    let lines = text.split(separator: "\n")
    guard let header = lines.first else { return HostTable(name, columns: [], rows: []) }
    let columns = fields(header)
    let rows = lines.dropFirst().map { line in
        zip(columns, fields(line)).map { column, cell -> HostValue in
            if cell.isEmpty { return nil }
            switch types[column] {
            case .int?: return Int64(cell).map(HostValue.int) ?? .text(cell)
            case .date?: return CalendarDate(iso: cell).map(HostValue.date) ?? .text(cell)
            case .bool?: return .bool(["true", "是", "1"].contains(cell))
            default: return .text(cell)
            }
        }
    }
    return HostTable(name, columns: columns, rows: Array(rows))
}

/// 重点时段 from the agency's own calendar: here the fortnight before National Day and the holiday.
let keyPeriod = HostFunction("in_key_period", parameters: [.date], result: .bool) { arguments in
    guard case .date(let day) = arguments[0],
          let start = CalendarDate(year: 2024, month: 9, day: 16), let end = CalendarDate(year: 2024, month: 10, day: 7) else { return nil }
    return .bool(day >= start && day <= end)
}

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: EmbeddingExample RULES.rl DATA-DIR\n".utf8))
    exit(2)
}
let policyText = try String(contentsOfFile: arguments[1], encoding: .utf8)
let program = Program.compile([RuleSource(name: arguments[1], text: policyText)], functions: [keyPeriod])
guard !program.hasErrors else {
    FileHandle.standardError.write(Data(DiagnosticRenderer.text(program.diagnostics).utf8))
    exit(1)
}
let tables = try [
    table("enterprises", folder: arguments[2], types: ["employees": .int]),
    table("hazards", folder: arguments[2], types: ["found_on": .date, "deadline": .date, "rectified_on": .date]),
    table("orders", folder: arguments[2], types: ["issued_on": .date]),
    table("inspections", folder: arguments[2], types: ["date": .date, "producing": .bool]),
]
let loaded = program.loadData(tables: tables)
guard let dataset = loaded.dataset else {
    FileHandle.standardError.write(Data(DiagnosticRenderer.text(loaded.diagnostics).utf8))
    exit(1)
}
guard let asOf = CalendarDate(iso: "2024-06-30") else { exit(1) }
let result = program.run(on: dataset, asOf: asOf, limits: EvaluationLimits(timeout: 60))
if let stop = result.stopped {
    FileHandle.standardError.write(Data("stopped: \(stop.message()); undecided: \(stop.undecided.map(\.key))\n".utf8))
    exit(1)
}
print(ReportWriter(program: program, dataset: dataset).render(result, as: .table), terminator: "")

// Typed values for the host's own logic, and the host function called from an expression.
let found = program.evaluate("count h in hazards where in_key_period(h.found_on + 4 months)", asOf: asOf, data: dataset)
let strongest = result.decisions.compactMap(\.action).sorted().joined(separator: ", ")
FileHandle.standardError.write(Data("hazards found four months before a key period: \(found.value ?? .missing)\nactions: \(strongest)\n".utf8))
