/// The JSON report's decision entries of one chunk of subjects, rendered after the run
/// (`PendingJSON`). A subject whose rules all fired or did not (nearly every reported one) is
/// written straight from its rows (`beginDecision` … `closeDecision`): keys, labels, messages
/// and evidence as bytes, with no `Decision` made; an undetermined or failed subject goes
/// through its `Decision` (`append`). Both write what `ReportWriter.appendDecision` writes.
final class JSONDecisionWriter {
    /// The chunk's report so far, in blocks of about a megabyte: one array grown to a chunk's
    /// 15 MB would be copied at each doubling, and its pages faulted in twice. A decision is
    /// written straight into the current block, which has room for any but a huge one.
    private var blocks: [[UInt8]] = []
    private var block = JSONBytes()
    /// Where the current decision starts in the block: one a limit interrupted is dropped from
    /// there by the next (or by `takeBlocks`).
    private var decisionStart = 0
    /// The message of the rule being written, rendered by the engine.
    var message: [UInt8] = []
    private let writer: ReportWriter
    private let layout: JSONChunkLayout
    private let names: RecordNamer
    /// Records already written for this decision.
    private var written = WrittenRecords()
    /// Whether the engine's rules of the subject table are the layout's, in its order (so a
    /// rule's place in one is its place in the other): the direct path is taken only then.
    let rulesInLayoutOrder: Bool
    private static let blockSize = 1 << 20, headroom = 1 << 16

    init(writer: ReportWriter, layout: JSONChunkLayout, names: RecordNamer, table: Int, ruleNames: [String]) {
        self.writer = writer
        self.layout = layout
        self.names = names
        rulesInLayoutOrder = layout.rulesByTable.indices.contains(table) && layout.rulesByTable[table].map(\.name) == ruleNames
    }

    /// The blocks written, in order; the writer is done with.
    func takeBlocks() -> [[UInt8]] {
        block.bytes.removeSubrange(decisionStart...)
        if !block.bytes.isEmpty { blocks.append(block.bytes) }
        block = JSONBytes()
        decisionStart = 0
        defer { blocks = [] }
        return blocks
    }

    /// Whether the next entry is the report's first (no comma before it).
    var nextIsFirst = false

    private func separate(_ out: inout JSONBytes) {
        out.raw(nextIsFirst ? "\n" : ",\n")
        nextIsFirst = false
    }

    /// A new decision's place: the end of the last one written, in a block with room.
    private func startDecision() {
        block.bytes.removeSubrange(decisionStart...)
        if block.bytes.capacity - block.bytes.count < JSONDecisionWriter.headroom {
            if !block.bytes.isEmpty { blocks.append(block.bytes) }
            block = JSONBytes()
            block.bytes.reserveCapacity(JSONDecisionWriter.blockSize)
        }
        decisionStart = block.bytes.count
        written.removeAll()
    }

    /// A subject's `Decision` (undetermined and failed outcomes, missing fields, errors).
    func append(_ decision: Decision) {
        startDecision()
        separate(&block)
        writer.appendDecision(decision, layout, to: &block)
        endDecision()
    }

    /// `{"subject": …, "rules": [` for a subject decided `action` (an index into the actions).
    func beginDecision(table: Int, subject: Int32, action: Int) {
        startDecision()
        // Written to a local moved out of the property and back: a class's property is checked
        // for exclusive access at every use.
        var block = self.block
        self.block = JSONBytes()
        defer { self.block = block }
        separate(&block)
        block.raw("    {\"subject\": ")
        names.withKeyBytes(table: table, row: subject) { JSONText.appendQuoted(utf8: $0, to: &block.bytes) }
        names.withLabel(table: table, row: subject) { label in
            block.raw(", \"label\": ")
            JSONText.appendQuoted(utf8: label, to: &block.bytes)
        }
        block.raw(", \"table\": "); block.bytes.append(contentsOf: layout.tables[table].quotedName)
        block.raw(", \"action\": "); block.bytes.append(contentsOf: layout.quotedActions[action])
        block.raw(", \"rules\": [")
    }

    /// The rule at `index` of the subject table's rules, fired or not; a fired rule's message
    /// (in `message` when `hasMessage`) and evidence follow.
    func appendRule(table: Int, index: Int, fired: Bool, hasMessage: Bool, evidence found: [(slot: Int, values: [Value])]) {
        let rule = layout.rulesByTable[table][index]
        var block = self.block
        self.block = JSONBytes()
        defer { self.block = block }
        block.raw(index == 0 ? "\n      {" : ",\n      {")
        block.raw("\"rule\": "); block.bytes.append(contentsOf: rule.quotedName)
        block.raw(", \"action\": "); block.bytes.append(contentsOf: rule.quotedAction)
        guard fired else {
            block.raw(", \"outcome\": \"not fired\"}")
            return
        }
        block.raw(", \"outcome\": \"fired\"")
        if hasMessage {
            block.raw(", \"message\": ")
            message.withUnsafeBufferPointer { JSONText.appendQuoted(utf8: $0, to: &block.bytes) }
        }
        var records = 0
        for entry in found {
            for case .record(let ref) in entry.values {
                block.raw(records == 0 ? ", \"evidence\": [" : ", ")
                records += 1
                let table = Int(ref.table)
                if written.copy(table: table, row: ref.row, in: &block) { continue }
                let start = block.bytes.count
                names.withKeyBytes(table: table, row: ref.row) { key in
                    ReportWriter.appendRecord(row: Int(ref.row), key: key, layout.tables[table], to: &block)
                }
                written.note(table: table, row: ref.row, start..<block.bytes.count)
            }
        }
        block.raw(records == 0 ? "}" : "]}")
    }

    /// Reads every cell of the evidence records before any is written or named in a message
    /// (`JSONCells.touch`).
    func touch(_ found: [(slot: Int, values: [Value])]) {
        var sum = 0
        for entry in found {
            for case .record(let ref) in entry.values {
                let table = layout.tables[Int(ref.table)], row = Int(ref.row)
                sum &+= Int(table.lines[row])
                for cell in table.cells { sum &+= cell.touch(row) }
            }
        }
        touched = sum
    }
    /// What `touch` read, kept so that its reads are not optimised away.
    private var touched = 0

    /// The end of the subject's entry, which goes to the report.
    func closeDecision() {
        block.raw("\n    ]}")
        endDecision()
    }

    private func endDecision() {
        decisionStart = block.bytes.count
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
