import Foundation
import Redline

/// `redline-bench DATA_DIR [RULES.rl] [--runs N]`: loads the data as `run` does and evaluates the
/// policy N times; loads it again with every column and runs an interactive-style query N times;
/// prints timings and peak memory.
@main
enum Main {
    static func seconds(_ start: Date) -> Double { Date().timeIntervalSince(start) }

    static func peakMemoryMB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024 // kilobytes on Linux
    }

    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var runs = 3
        if let index = arguments.firstIndex(of: "--runs"), index + 1 < arguments.count {
            runs = Int(arguments[index + 1]) ?? 3
            arguments.removeSubrange(index...(index + 1))
        }
        guard let directory = arguments.first else {
            writeToStandardError("usage: redline-bench DATA_DIR [RULES.rl] [--runs N]\n")
            exit(2)
        }
        let rulesPath = arguments.count > 1 ? arguments[1] : "Rules/three-always.rl"
        guard let ruleBytes = FileManager.default.contents(atPath: rulesPath) else {
            writeToStandardError("redline-bench: cannot read \(rulesPath)\n")
            exit(2)
        }
        let asOf = CalendarDate(iso: "2024-06-30")!
        let program = Program.compile([RuleSource(name: rulesPath, bytes: [UInt8](ruleBytes))])
        guard !program.hasErrors else { print(DiagnosticRenderer.text(program.diagnostics)); exit(1) }

        // First the data as `redline run` to a table or CSV loads it (text columns no rule reads
        // left out), evaluated N times; in a scope of its own, so it is freed before the second
        // load, of every column, as the REPL loads it for the query.
        do {
            let projectedStart = Date()
            let projected = program.loadData(directory: directory, options: LoadOptions(columns: .readByRules))
            let projectedTime = seconds(projectedStart)
            guard projected.dataset != nil else {
                print(DiagnosticRenderer.text(projected.diagnostics))
                exit(1)
            }
            var evaluations: [Double] = []
            var decisions = 0
            if let data = projected.dataset {
                for _ in 0..<runs {
                    let start = Date()
                    let result = program.run(on: data, asOf: asOf, detail: .decidingRule)
                    evaluations.append(seconds(start))
                    decisions = result.decisions.count
                }
            }
            print(String(format: "load (columns the rules read, as `run` to CSV loads): %.3f s", projectedTime))
            print(String(format: "evaluate (%d subjects with an outcome): best %.3f s, runs %@", decisions, evaluations.min() ?? 0,
                         evaluations.map { String(format: "%.3f", $0) }.joined(separator: " ")))
            print(String(format: "end to end (load + best evaluation): %.3f s", projectedTime + (evaluations.min() ?? 0)))
        }

        let loadStart = Date()
        let loaded = program.loadData(directory: directory)
        let loadTime = seconds(loadStart)
        guard let data = loaded.dataset else { print(DiagnosticRenderer.text(loaded.diagnostics)); exit(1) }
        let rows = data.files.map { "\($0.table) \($0.rows)" }.joined(separator: ", ")
        print("data: \(rows)")
        print(String(format: "load (every column, as the REPL loads): %.3f s", loadTime))

        let query = """
        from h in hazards where h.level == "major" and h.rectified_on is missing and h.deadline < today \
        and h.enterprise.county == "小店区"
        """
        var queries: [Double] = []
        var matched = 0
        for _ in 0..<runs {
            let start = Date()
            let answer = program.query(query, on: data, asOf: asOf)
            queries.append(seconds(start))
            matched = answer.matchedRows
        }
        print(String(format: "query (open major hazards past deadline in one county, %d rows): best %.3f s", matched, queries.min() ?? 0))
        print(String(format: "peak memory: %.0f MB", peakMemoryMB()))
    }
}

/// A message on standard error through write(2) (`FileHandle.write(_:)` traps when a write fails).
func writeToStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}
