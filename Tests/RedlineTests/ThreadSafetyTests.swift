import Foundation
import Testing
@testable import Redline
import RedlineExprGen

/// One compiled program and one dataset, evaluated from 8 threads at once (each run itself
/// parallel over chunks of subjects), give exactly the decisions of one run. Run under
/// `--sanitize=thread` too (README, "Limits and hostile input").
@Suite struct ThreadSafetyTests {
    @Test func eightThreadsDecideAsOne() throws {
        let program = try EngineSupport.program("Rules/three-always.rl")
        var enterprises = "id,name,industry,county,owner,status,employees\n"
        var hazards = "id,enterprise_id,level,category,found_on,deadline,rectified_on,responsible_unit\n"
        var orders = "id,enterprise_id,kind,issued_on\n", inspections = "id,enterprise_id,date,producing\n"
        var random = SeededRandom(seed: 2026)
        for e in 0..<3_000 {
            enterprises += "E\(e),企业\(e),coal,县\(e % 7),主\(e),operating,\(10 + e % 500)\n"
        }
        for h in 0..<6_000 {
            let e = random.below(3_000), found = 19_700 + random.below(200)
            let rectified = random.below(3) == 0 ? "" : CivilDate.format(Int32(found + random.below(90)))
            hazards += "H\(h),E\(e),\(random.below(4) == 0 ? "major" : "general"),c,\(CivilDate.format(Int32(found))),\(CivilDate.format(Int32(found + 30))),\(rectified),u\n"
        }
        for o in 0..<800 { orders += "O\(o),E\(random.below(3_000)),\(random.below(2) == 0 ? "suspend" : "close"),\(CivilDate.format(Int32(19_700 + random.below(150))))\n" }
        for i in 0..<4_000 { inspections += "I\(i),E\(random.below(3_000)),\(CivilDate.format(Int32(19_700 + random.below(200)))),\(random.below(2) == 0)\n" }
        let loaded = program.loadData(csv: ["enterprises": enterprises, "hazards": hazards, "orders": orders, "inspections": inspections], name: "threads")
        let dataset = try #require(loaded.dataset, "\(DiagnosticRenderer.text(loaded.diagnostics))")
        let asOf = CalendarDate(iso: "2024-06-30")!
        let writer = ReportWriter(program: program, dataset: dataset)
        let alone = writer.render(program.run(on: dataset, asOf: asOf), as: .csv)
        #expect(alone.split(separator: "\n").count > 100)
        let reports = ParallelSlots<String>(count: 8)
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            var text = writer.render(program.run(on: dataset, asOf: asOf), as: .csv)
            // Queries and expressions share the program and the dataset too.
            if let answer = program.query("from h in hazards where h.level == \"major\" select h.id", on: dataset, asOf: asOf).textRows.last {
                text += answer.joined()
            }
            text += program.evaluate("count h in hazards where h.rectified_on is missing", asOf: asOf, data: dataset).literal ?? "?"
            reports.set(thread, text)
        }
        let tail = (program.query("from h in hazards where h.level == \"major\" select h.id", on: dataset, asOf: asOf).textRows.last ?? []).joined()
            + (program.evaluate("count h in hazards where h.rectified_on is missing", asOf: asOf, data: dataset).literal ?? "?")
        for report in reports.all { #expect(report == alone + tail) }
    }
}
