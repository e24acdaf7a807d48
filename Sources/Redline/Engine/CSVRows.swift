/// The JSON report's decision entries rendered as subjects are decided (`RunDetail.jsonReport`),
/// each right after its subject, while the rows its evidence names are in the cache.
final class JSONDecisionWriter {
    var bytes = JSONBytes()
    private(set) var count = 0
    private let writer: ReportWriter
    private let layout: JSONChunkLayout

    init(writer: ReportWriter, layout: JSONChunkLayout) {
        self.writer = writer
        self.layout = layout
    }

    func append(_ decision: Decision) {
        bytes.raw(",\n")
        writer.appendDecision(decision, layout, to: &bytes)
        count += 1
    }
}

/// Rows of the CSV report rendered as subjects are decided (`RunDetail.csvReport`), into the
/// bytes `ReportWriter` would write from the subjects' `Decision`s: the subject's key, its label
/// where a table has labels, then the deciding rule's action, name, evidence keys (`;` between)
/// and message; an undetermined or failed subject's row from its `Decision` (they are few).
/// Keys and labels are copied from the tables' text, with no String made for them. One writer
/// per chunk of subjects: the chunks' rows are written in order.
final class CSVRowWriter {
    private(set) var bytes: [UInt8] = []
    private(set) var rows = 0
    private let raw: Bool
    private let labelled: Bool
    private let names: RecordNamer
    private var evidence: [UInt8] = []
    /// The deciding rule's message, rendered here by the engine before `appendDecided`.
    var message: [UInt8] = []

    init(raw: Bool, labelled: Bool, names: RecordNamer) {
        self.raw = raw
        self.labelled = labelled
        self.names = names
    }

    /// A subject some rule fired for: the row of the rule that decides its action.
    func appendDecided(table: Int, subject: Int32, action: String, rule: String, evidence found: [(slot: Int, values: [Value])]) {
        names.withKeyBytes(table: table, row: subject) { CSVText.appendField(utf8: $0, to: &bytes, raw: raw) }
        bytes.append(0x2C)
        if labelled {
            names.withLabelBytes(table: table, row: subject) { CSVText.appendField(utf8: $0, to: &bytes, raw: raw) }
            bytes.append(0x2C)
        }
        CSVText.appendField(action, to: &bytes, raw: raw)
        bytes.append(0x2C)
        CSVText.appendField(rule, to: &bytes, raw: raw)
        bytes.append(0x2C)
        // The keys joined first, then written as one field (quoted as a whole if need be).
        evidence.removeAll(keepingCapacity: true)
        var keys = 0
        for entry in found {
            for case .record(let ref) in entry.values {
                if keys > 0 { evidence.append(0x3B) }
                keys += 1
                names.withKeyBytes(table: Int(ref.table), row: ref.row) { evidence.append(contentsOf: $0) }
            }
        }
        evidence.withUnsafeBufferPointer { CSVText.appendField(utf8: $0, to: &bytes, raw: raw) }
        bytes.append(0x2C)
        message.withUnsafeBufferPointer { CSVText.appendField(utf8: $0, to: &bytes, raw: raw) }
        bytes.append(0x0A)
        rows += 1
    }

    /// An undetermined or failed subject: its row as the report renders it from the decision.
    func appendGeneral(_ decision: Decision) {
        var cells = ReportWriter.row(decision)
        if labelled { cells.insert(decision.subject.label ?? "", at: 1) }
        for (column, cell) in cells.enumerated() {
            if column > 0 { bytes.append(0x2C) }
            CSVText.appendField(cell, to: &bytes, raw: raw)
        }
        bytes.append(0x0A)
        rows += 1
    }
}
