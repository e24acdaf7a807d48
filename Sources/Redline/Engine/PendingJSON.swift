import Foundation

/// A subject some rule fired for (or left undetermined, or failed on), as a JSON run notes it.
struct DecidedSubject {
    let row: Int32
    /// The strongest action among the rules that fired (an index into the actions), or -1.
    let action: Int32
    /// Bit i: rule i of the subject table fired (when `plain`).
    let fired: UInt64
    /// Every rule fired or did not (and there are at most 64): the entry is written from
    /// `fired`. Otherwise (missing cells, a failure) the subject is decided again to write it.
    let plain: Bool
}

/// The subjects one chunk of a JSON run decided, in order.
final class DecidedSubjects {
    var subjects: [DecidedSubject] = []
}

/// A JSON report's decision entries, rendered after the run. The report opens with the run's
/// summary (counts by action and rule), known only once every subject is decided; rendering
/// the entries while deciding held the whole report in memory (a quarter of a gigabyte at a
/// million enterprises) until the summary could be written before it. Rendered after the run,
/// chunk by chunk on all cores, each chunk is written as soon as those before it are
/// (`ReportWriter.streamParts`) and its memory is used again by the next: no more than a few
/// chunks are held, and writing overlaps rendering.
///
/// The run noted, per subject, which rules fired; rendering collects their evidence and
/// messages as the run would have. A limit reached while rendering (the deadline, Ctrl-C, the
/// step budget) stops it: `stopped` says so, and the report must not be taken as complete.
final class PendingJSON: @unchecked Sendable {
    private let engine: RuleEngine
    private let writer: ReportWriter
    private let date: CalendarDate
    private let budget: EvaluationBudget
    private let keyIdsAreRows: [Bool]
    /// Chunks of about `chunkSubjects` subjects, each of one subject table, in report order.
    private let chunks: [(table: Int, subjects: ArraySlice<DecidedSubject>, first: Bool)]
    static let chunkSubjects = 4096

    init(engine: RuleEngine, writer: ReportWriter, tables: [(table: Int, subjects: [DecidedSubject])], date: CalendarDate,
         budget: EvaluationBudget, keyIdsAreRows: [Bool]) {
        (self.engine, self.writer, self.date, self.budget, self.keyIdsAreRows) = (engine, writer, date, budget, keyIdsAreRows)
        var chunks: [(table: Int, subjects: ArraySlice<DecidedSubject>, first: Bool)] = []
        for part in tables {
            var start = 0
            while start < part.subjects.count {
                let end = min(part.subjects.count, start + PendingJSON.chunkSubjects)
                chunks.append((part.table, part.subjects[start..<end], chunks.isEmpty))
                start = end
            }
        }
        self.chunks = chunks
    }

    var chunkCount: Int { chunks.count }

    /// The limit that stopped the rendering, if one did.
    var stopped: EvaluationError? { budget.stopped }

    /// One chunk's entries, each after `,\n` (the report's first after `\n`), in blocks.
    func render(_ chunk: Int) -> [[UInt8]] {
        let (table, subjects, first) = chunks[chunk]
        guard budget.stopped == nil else { return [] }
        let (rules, ruleNumbers, names, frame) = engine.worker(table: table, date: date, budget: budget, keyIdsAreRows: keyIdsAreRows)
        let json = JSONDecisionWriter(writer: writer, layout: JSONChunkLayout(writer.jsonLayout), names: names, table: table,
                                      ruleNames: rules.map(\.name))
        json.nextIsFirst = first
        var counts = OutcomeCounts(actions: engine.program.schema.actions.count, rules: engine.program.rules.count)
        do throws(EvaluationError) {
            for (done, subject) in subjects.enumerated() {
                if done & 0xF == 0 { try budget.check(.none, nil) }
                if subject.plain, subject.action >= 0, json.rulesInLayoutOrder {
                    try engine.writeJSON(rules, table: table, subject: subject.row, frame: frame, action: Int(subject.action),
                                         fired: subject.fired, json: json)
                } else {
                    _ = try engine.decide(rules, table: table, subject: subject.row, frame: frame, keepAll: false, counts: &counts,
                                          ruleNumbers: ruleNumbers, names: names, json: json)
                }
            }
        } catch {
            _ = budget.record(error)
        }
        return json.takeBlocks()
    }
}
