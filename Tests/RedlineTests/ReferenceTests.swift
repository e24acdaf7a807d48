import Foundation
import Testing
@testable import Redline

/// The three-always policy on 100,000 generated enterprises, checked row for row against an
/// independent implementation written here directly in Swift (plain string splitting and
/// dictionaries; no part of the engine).
@Suite struct ReferenceTests {
    struct Hazard { let id: String; let level: String; let found: String; let deadline: String; let rectified: String }
    struct Inspection { let id: String; let date: String; let producing: Bool }

    /// Reads a generated CSV (no quoted fields) as rows of fields, header dropped.
    static func rows(_ path: String) throws -> [[Substring]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    }

    /// subject → (action, rule, evidence ids), by the policy's text. Dates compare as ISO strings.
    static func reference(_ folder: String, asOf: String) throws -> [String: (String, String, [String])] {
        var hazards: [String: [Hazard]] = [:]
        for r in try rows(folder + "/hazards.csv") {
            hazards[String(r[1]), default: []].append(Hazard(id: String(r[0]), level: String(r[2]), found: String(r[4]),
                                                              deadline: String(r[5]), rectified: String(r[6])))
        }
        var orders: [String: [String]] = [:]
        for r in try rows(folder + "/orders.csv") where r[2] == "suspend" || r[2] == "close" {
            orders[String(r[1]), default: []].append(String(r[3]))
        }
        var inspections: [String: [Inspection]] = [:]
        for r in try rows(folder + "/inspections.csv") {
            inspections[String(r[1]), default: []].append(Inspection(id: String(r[0]), date: String(r[2]), producing: r[3] == "true"))
        }
        var decisions: [String: (String, String, [String])] = [:]
        for r in try rows(folder + "/enterprises.csv") {
            let e = String(r[0])
            let mine = (hazards[e] ?? []).sorted { $0.id < $1.id }
            let refer = (inspections[e] ?? []).filter { i in
                i.producing && i.date <= asOf && (orders[e] ?? []).contains { $0 < i.date }
            }.map(\.id).sorted()
            let close = mine.filter { $0.level == "major" && $0.deadline < asOf && ($0.rectified.isEmpty || $0.rectified > $0.deadline) }.map(\.id)
            let suspend = mine.filter { $0.level == "major" && $0.found <= asOf && ($0.rectified.isEmpty || $0.rectified > asOf) }.map(\.id)
            if !refer.isEmpty { decisions[e] = ("refer", "refer_illegal_production", refer) }
            else if !close.isEmpty { decisions[e] = ("close", "close_overdue_major_hazard", close) }
            else if !suspend.isEmpty { decisions[e] = ("suspend", "suspend_major_hazard", suspend) }
        }
        return decisions
    }

    /// Register order (ledgers appended as events happen, each row naming any enterprise: how
    /// agencies keep them and `redline-gen`'s default) at 100k, and the grouped order at 20k.
    @Test(arguments: [("register", 100_000), ("grouped", 20_000)])
    func engineMatchesIndependentReference(order: String, enterprises: Int) throws {
        let folder = try EngineSupport.folder([:])
        let generator = Process()
        generator.executableURL = Support.redlineBinary.deletingLastPathComponent().appendingPathComponent("redline-gen")
        generator.arguments = ["--enterprises", String(enterprises), "--seed", "20240630", "--out", folder, "--order", order]
        try generator.run()
        generator.waitUntilExit()
        #expect(generator.terminationStatus == 0)
        if order == "register" {
            // The hazard ledger really is in found-on order, not grouped by enterprise.
            let hazards = try ReferenceTests.rows(folder + "/hazards.csv")
            #expect(zip(hazards, hazards.dropFirst()).allSatisfy { $0[4] <= $1[4] })
            #expect(zip(hazards, hazards.dropFirst()).filter { $0[1] != $1[1] }.count > hazards.count / 2)
        }

        let program = try EngineSupport.program("Rules/three-always.rl")
        let expected = try ReferenceTests.reference(folder, asOf: "2024-06-30")
        #expect(expected.count > enterprises / 10)
        // As the REPL and JSON reports load (every column, every fired rule's evidence), and as
        // `run` to CSV loads (only the columns the rules read, the deciding rule's evidence).
        for (columns, detail) in [(ColumnSelection.all, RunDetail.everyRule), (.readByRules, .decidingRule)] {
            let dataset = try #require(program.loadData(directory: folder, options: LoadOptions(columns: columns)).dataset)
            #expect(dataset.rowCount(of: "enterprises") == enterprises)
            let result = program.run(on: dataset, asOf: EngineSupport.asOf, detail: detail)
            var actual: [String: (String, String, [String])] = [:]
            for decision in result.decisions {
                let outcome = try #require(decision.decidingOutcome)
                actual[decision.subject.key] = (outcome.action, outcome.rule, outcome.evidence.map(\.key))
            }
            #expect(actual.count == expected.count)
            var mismatches: [String] = []
            for (subject, want) in expected {
                guard let got = actual[subject] else { mismatches.append("\(subject): missing"); continue }
                if got.0 != want.0 || got.1 != want.1 || got.2 != want.2 { mismatches.append("\(subject): \(got) != \(want)") }
            }
            #expect(mismatches.isEmpty, "\(columns): \(mismatches.prefix(5))")
        }
        try? FileManager.default.removeItem(atPath: folder)
    }
}
