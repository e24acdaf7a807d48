import Foundation
import Testing
@testable import Redline

/// CSV and JSON reports rendered as subjects are decided (`RunDetail.csvReport`) or after the
/// run from what it noted (`jsonReport`, `PendingJSON`) — what `redline run --format csv|json`
/// does — are byte for byte the reports
/// `ReportWriter` renders from the decisions: labelled and unlabelled tables, several pieces of
/// evidence, undetermined and failed subjects, cells that need quoting, formula-like cells with
/// and without `rawCSV`, a run that decides nothing.
@Suite struct ReportsWhileDecidingTests {
    /// The JSON report from decisions and as decided; the summary counts of both.
    static func bothJSON(_ program: Program, _ data: Dataset, asOf: CalendarDate = EngineSupport.asOf) -> (String, String) {
        let writer = ReportWriter(program: program, dataset: data)
        let decided = program.run(on: data, asOf: asOf, detail: .everyRule)
        let rendered = program.run(on: data, asOf: asOf, detail: .jsonReport)
        #expect(rendered.decisions.isEmpty)
        #expect(rendered.decidedCount == decided.decisions.count)
        // Rendered after the run, as it is written (`PendingJSON`), and whole.
        var streamed: [UInt8] = []
        writer.streamParts(rendered, as: .json) { streamed += $0 }
        #expect(writer.renderedParts(rendered, as: .json) == nil)
        #expect(writer.renderingStopped(rendered) == nil)
        #expect(String(decoding: streamed, as: UTF8.self) == writer.render(rendered, as: .json))
        return (writer.render(decided, as: .json), writer.render(rendered, as: .json))
    }

    static func bothReports(_ program: Program, _ data: Dataset, raw: Bool = false) -> (fromDecisions: String, asDecided: String,
                                                                                            summaries: (String, String)) {
        var writer = ReportWriter(program: program, dataset: data)
        writer.rawCSV = raw
        let decided = program.run(on: data, asOf: EngineSupport.asOf, detail: .decidingRule)
        let rendered = program.run(on: data, asOf: EngineSupport.asOf, detail: .csvReport(raw: raw))
        #expect(rendered.decisions.isEmpty)
        func timeless(_ summary: String) -> String { summary.split(separator: "\n").filter { !$0.contains("time:") && !$0.contains("时间") }.joined(separator: "\n") }
        return (writer.render(decided, as: .csv), writer.render(rendered, as: .csv),
                (timeless(writer.summary(decided)), timeless(writer.summary(rendered))))
    }

    @Test(arguments: ["three-always.rl", "三个一律.rl", "rectification-ledger.rl"])
    func policiesOnTheSample(_ file: String) throws {
        let program = try EngineSupport.program("Rules/" + file)
        let data = try #require(EngineSupport.load(program, EngineSupport.sample).dataset)
        for raw in [false, true] {
            let reports = ReportsWhileDecidingTests.bothReports(program, data, raw: raw)
            #expect(reports.asDecided == reports.fromDecisions)
            #expect(reports.summaries.0 == reports.summaries.1)
            #expect(reports.asDecided.split(separator: "\n").count > 3)
        }
        let json = ReportsWhileDecidingTests.bothJSON(program, data)
        #expect(json.0 == json.1)
        // A date before any record: nothing decided, an empty list of decisions.
        let none = ReportsWhileDecidingTests.bothJSON(program, data, asOf: CalendarDate(iso: "1990-01-01")!)
        #expect(none.0 == none.1)
    }

    /// A JSON run's entries are rendered after it: Ctrl-C (or the deadline) between the run and
    /// the end of the writing stops the rendering, and the writer says so, so that the report
    /// is not kept as if complete. Without it, the same run renders in full.
    @Test func cancellingWhileTheJSONReportIsRenderedIsReported() throws {
        let program = try EngineSupport.program("Rules/three-always.rl")
        let data = try #require(EngineSupport.load(program, EngineSupport.sample).dataset)
        let writer = ReportWriter(program: program, dataset: data)
        let flag = CancellationFlag()
        let result = program.run(on: data, asOf: EngineSupport.asOf, cancellation: flag, detail: .jsonReport)
        #expect(result.stopped == nil && result.decidedCount > 0)
        flag.cancel()
        var streamed: [UInt8] = []
        writer.streamParts(result, as: .json) { streamed += $0 }
        #expect(writer.renderingStopped(result)?.kind == .cancelled)
        #expect(!String(decoding: streamed, as: UTF8.self).contains("\"subject\""))

        let whole = program.run(on: data, asOf: EngineSupport.asOf, detail: .jsonReport)
        var all: [UInt8] = []
        writer.streamParts(whole, as: .json) { all += $0 }
        #expect(writer.renderingStopped(whole) == nil)
        #expect(String(decoding: all, as: UTF8.self).components(separatedBy: "\"subject\"").count - 1 == whole.decidedCount)
    }

    /// Failed and undetermined subjects, evidence lists, an unlabelled table next to a labelled one.
    @Test func failuresUnknownsAndEvidenceLists() throws {
        let program = Program.compile([RuleSource(name: "p.rl", text: ElementTruthsTests.policy)])
        let data = try #require(program.loadData(directory: try ElementTruthsTests.data()).dataset)
        let reports = ReportsWhileDecidingTests.bothReports(program, data)
        #expect(reports.asDecided == reports.fromDecisions)
        #expect(reports.summaries.0 == reports.summaries.1)
        #expect(reports.asDecided.contains(",failed,") && reports.asDecided.contains(",undetermined,") && reports.asDecided.contains(";"))
        let json = ReportsWhileDecidingTests.bothJSON(program, data)
        #expect(json.0 == json.1)
        #expect(json.1.contains("\"missing\"") && json.1.contains("\"error\""))
    }

    /// Keys, labels and messages holding commas, quotes, line breaks and leading `=`.
    @Test func cellsThatNeedQuoting() throws {
        let policy = """
        table people key id label name { id: text, name: text, note: text }
        table marks key id { id: text, person_id: text -> people, kind: text }
        actions flag
        rule marked "m" for p in people
          when some m in p.marks where m.kind == "bad"
          then flag p because "{p.note} / {m.id}"
        """
        let program = Program.compile([RuleSource(name: "p.rl", text: policy)])
        #expect(!program.hasErrors, "\(DiagnosticRenderer.text(program.diagnostics))")
        let folder = try EngineSupport.folder([
            "people.csv": Array("id,name,note\n\"P,1\",\"Li \"\"Lei\"\"\",=1+2\nP2,,\"two\nlines\"\n=P3,王,plain\n".utf8),
            "marks.csv": Array("id,person_id,kind\n\"M,1\",\"P,1\",bad\nM2,\"P,1\",bad\nM3,P2,bad\n=M4,=P3,bad\nM5,P2,good\n".utf8),
        ])
        let data = try #require(program.loadData(directory: folder).dataset)
        for raw in [false, true] {
            let reports = ReportsWhileDecidingTests.bothReports(program, data, raw: raw)
            #expect(reports.asDecided == reports.fromDecisions)
            #expect(reports.asDecided.contains("\"M,1;M2\""))
        }
        let json = ReportsWhileDecidingTests.bothJSON(program, data)
        #expect(json.0 == json.1)
    }
}
