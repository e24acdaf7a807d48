import Foundation
import Testing
@testable import Redline

/// Limits that hold per evaluation: steps counted over a whole run, a deadline, cancellation,
/// in every entry point, and a stopped run reported as stopped.
@Suite struct LimitsTests {
    static let policy = """
        table enterprises key id { id: text }
        table hazards key id { id: text, enterprise_id: text -> enterprises, level: text }
        actions flag
        rule pairs for e in enterprises
          when some h in e.hazards where some g in hazards where g.level == h.level and g.id != h.id
          then flag e
        """

    /// `count` enterprises with two hazards each, every level different: each subject's
    /// condition goes through all the hazards twice, and nothing fires.
    static func tables(enterprises count: Int) -> [String: String] {
        var enterprises = "id\n", hazards = "id,enterprise_id,level\n"
        for i in 0..<count {
            enterprises += "E\(i)\n"
            hazards += "H\(i)a,E\(i),L\(i)a\nH\(i)b,E\(i),L\(i)b\n"
        }
        return ["enterprises": enterprises, "hazards": hazards]
    }

    static func data(_ program: Program, enterprises count: Int) -> Dataset? {
        program.loadData(csv: tables(enterprises: count), name: "limits").dataset
    }

    static let asOf = CalendarDate(iso: "2024-06-30")!

    @Test func stepsAreCountedOverTheWholeRun() throws {
        let program = Program.compile([RuleSource(name: "p.rl", text: LimitsTests.policy)])
        let data = try #require(LimitsTests.data(program, enterprises: 300))
        // Each subject alone takes 1,200 steps: the budget is used up by the run, not by one subject.
        let result = program.run(on: data, asOf: LimitsTests.asOf, limits: EvaluationLimits(maxSteps: 100_000))
        let stop = try #require(result.stopped)
        #expect(stop.kind == .steps)
        #expect(stop.subjectsEvaluated < 300)
        #expect(stop.message() == "the evaluation took more than 100000 steps")
        // With room enough, the same run completes and says nothing.
        let whole = program.run(on: data, asOf: LimitsTests.asOf, limits: EvaluationLimits(maxSteps: 400_000))
        #expect(whole.stopped == nil)
        #expect(whole.subjectCount == 300)
    }

    @Test func aDeadlineStopsARunawayRun() throws {
        let program = Program.compile([RuleSource(name: "p.rl", text: LimitsTests.policy)])
        let data = try #require(LimitsTests.data(program, enterprises: 5_000))
        let result = program.run(on: data, asOf: LimitsTests.asOf, limits: EvaluationLimits(timeout: 0.3))
        let stop = try #require(result.stopped)
        #expect(stop.kind == .deadline)
        #expect(stop.message() == "the evaluation took longer than 0.3 seconds (the time limit)")
        #expect(stop.subjectsEvaluated < 5_000)
    }

    @Test func cancellationBeforeAndDuringARun() throws {
        let program = Program.compile([RuleSource(name: "p.rl", text: LimitsTests.policy)])
        let data = try #require(LimitsTests.data(program, enterprises: 5_000))
        let early = CancellationFlag()
        early.cancel()
        let before = program.run(on: data, asOf: LimitsTests.asOf, cancellation: early)
        #expect(before.stopped?.kind == .cancelled)
        #expect(before.stopped?.subjectsEvaluated == 0)
        #expect(before.decisions.isEmpty)

        let flag = CancellationFlag()
        // From a thread of its own: the run keeps every dispatch worker busy.
        Thread { Thread.sleep(forTimeInterval: 0.2); flag.cancel() }.start()
        let during = program.run(on: data, asOf: LimitsTests.asOf, cancellation: flag)
        #expect(during.stopped?.kind == .cancelled)
        #expect(during.stopped?.message(.zh) == "已中断")
    }

    @Test func everyEntryPointHonoursTheLimits() throws {
        let program = Program.compile([RuleSource(name: "p.rl", text: LimitsTests.policy)])
        let data = try #require(LimitsTests.data(program, enterprises: 2_000))
        let small = EvaluationLimits(maxSteps: 1_000)
        let query = program.query("from h in hazards where some g in hazards where g.level == h.level", on: data,
                                  asOf: LimitsTests.asOf, limits: small)
        #expect(query.diagnostics.map(\.message) == ["the evaluation took more than 1000 steps"])
        let expression = program.evaluate("count h in hazards where some g in hazards where g.id == h.id", asOf: LimitsTests.asOf,
                                          data: data, limits: small)
        #expect(expression.diagnostics.map(\.message) == ["the evaluation took more than 1000 steps"])
        let cancelled = CancellationFlag()
        cancelled.cancel()
        let interrupted = program.evaluate("count h in hazards where some g in hazards where g.id == h.id", asOf: LimitsTests.asOf,
                                           data: data, limits: EvaluationLimits(timeout: 60), cancellation: cancelled)
        #expect(interrupted.diagnostics.map(\.message) == ["interrupted"])
        let explanation = try #require(program.explain(subject: "E1", on: data, asOf: LimitsTests.asOf, limits: small))
        #expect(explanation.rules.first?.outcome.kind == .failed)
        #expect(explanation.rules.first?.outcome.error == "the evaluation took more than 1000 steps")
        let tests = Program.compile([RuleSource(name: "t.rl", text: LimitsTests.policy + """

            test "one enterprise" as of 2024-06-30
              given enterprises (id) ("E1")
              given hazards (id, enterprise_id, level) ("H1", "E1", "a") ("H2", "E1", "a")
              expect E1 flag
            """)])
        #expect(tests.runTests().failed == 0)
        #expect(tests.runTests(limits: EvaluationLimits(maxSteps: 1)).text.contains("the evaluation took more than 1 steps"))
    }

    @Test func ctrlCStopsARunWithoutAReport() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("redline-limits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let tables = LimitsTests.tables(enterprises: 5_000)
        for (name, text) in tables { try text.write(to: folder.appendingPathComponent("\(name).csv"), atomically: true, encoding: .utf8) }
        try LimitsTests.policy.write(to: folder.appendingPathComponent("p.rl"), atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("report.csv")
        try "the previous report\n".write(to: output, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = Support.redlineBinary
        process.arguments = ["run", folder.appendingPathComponent("p.rl").path, "--data", folder.path, "--as-of", "2024-06-30",
                             "--format", "csv", "--output", output.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Once it is evaluating (the data loads in well under a second), interrupt it.
        Thread.sleep(forTimeInterval: 1.0)
        kill(process.processIdentifier, SIGINT)
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 1)
        #expect(message.contains("redline: the run was stopped: interrupted;"))
        #expect(try String(contentsOf: output, encoding: .utf8) == "the previous report\n")
    }

    @Test func timeoutOnTheCommandLine() throws {
        let result = try Support.run(["eval", "--timeout", "0.2", "count a in [1,2,3,4,5,6,7,8,9,10] where some b in [1,2,3,4,5,6,7,8,9,10] where some c in [1,2,3,4,5,6,7,8,9,10] where some d in [1,2,3,4,5,6,7,8,9,10] where some e in [1,2,3,4,5,6,7,8,9,10] where some f in [1,2,3,4,5,6,7,8,9,10] where some g in [1,2,3,4,5,6,7,8,9,10] where some h in [1,2,3,4,5,6,7,8,9,10] where some i in [1,2,3,4,5,6,7,8,9,10] where some j in [1,2,3,4,5,6,7,8,9,10] where j > 10"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: the evaluation took longer than 0.2 seconds (the time limit)"))
        #expect(try Support.run(["eval", "--timeout", "-1", "1"]).status == 2)
    }
}
