import Foundation
@testable import Redline

/// Running policies over data from the tests, through the public API (as the CLI does).
enum EngineSupport {
    static let asOf = CalendarDate(iso: "2024-06-30")!
    static let sample = "Rules/sample"
    static let calendar = "Rules/calendar/cn.csv"

    static func program(_ ruleFile: String) throws -> Program {
        let url = Support.root.appendingPathComponent(ruleFile)
        return Program.compile([RuleSource(name: ruleFile, bytes: [UInt8](try Data(contentsOf: url)))])
    }

    /// Loads data (paths relative to the repository root, as the golden files show them).
    static func load(_ program: Program, _ directory: String, lenient: Bool = false, hash: Bool = false) -> DataLoadResult {
        let previous = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(Support.root.path)
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        return program.loadData(directory: directory, options: LoadOptions(lenient: lenient, hashFiles: hash, calendarPath: calendar))
    }

    /// A temporary folder with the given files.
    static func folder(_ files: [String: [UInt8]]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("redline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, bytes) in files { try Data(bytes).write(to: url.appendingPathComponent(name)) }
        return url.path
    }

    static func sampleFiles() throws -> [String: String] {
        var files: [String: String] = [:]
        for name in ["enterprises", "hazards", "orders", "inspections"] {
            files[name + ".csv"] = try String(contentsOf: Support.root.appendingPathComponent("Rules/sample/\(name).csv"), encoding: .utf8)
        }
        return files
    }

    /// subject → action for a run.
    static func actions(_ result: RunResult) -> [String: String] {
        var map: [String: String] = [:]
        for decision in result.decisions { map[decision.subject.key] = decision.action ?? (decision.isUndetermined ? "undetermined" : "failed") }
        return map
    }
}
