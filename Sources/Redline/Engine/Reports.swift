import Foundation

/// Renders a run's decisions as an aligned table, CSV or JSON.
public enum ReportFormat: String, Sendable, CaseIterable {
    case table, csv, json
}

/// Writes run results; one writer for the CLI, the REPL and embedding hosts.
public struct ReportWriter: Sendable {
    let program: Program
    /// Where the decisions' data came from: a loaded dataset, or a database that ran the policy.
    enum Source: Sendable {
        case dataset(Dataset)
        case database(DatabaseRun)
    }
    let source: Source
    /// CSV cells as they are, formula-like ones included (see `CSVText`); off by default.
    public var rawCSV = false

    /// A writer for results of `program` over `dataset`.
    public init(program: Program, dataset: Dataset) {
        self.program = program
        self.source = .dataset(dataset)
    }

    /// A writer for the decisions a database computed (`Program.run(in:asOf:)`): the same
    /// reports, with the database in place of data files and no line numbers (a database row
    /// has none).
    public init(program: Program, databaseRun: DatabaseRun) {
        self.program = program
        self.source = .database(databaseRun)
    }

    /// One row per subject with a decision: the strongest action, the rule that gave it, its
    /// evidence (`;`-joined ids) and message; `undetermined` when no rule fired but one could not
    /// be decided for missing data.
    func rows(_ result: RunResult) -> [[String]] {
        result.decisions.map(row)
    }

    /// One subject's row of the report.
    func row(_ decision: Decision) -> [String] { ReportWriter.row(decision) }

    static func row(_ decision: Decision) -> [String] {
        if let outcome = decision.decidingOutcome {
            return [decision.subject.key, outcome.action, outcome.rule, outcome.evidence.map(\.key).joined(separator: ";"), outcome.message ?? ""]
        }
        let undetermined = decision.outcomes.filter { $0.kind == .undetermined }
        if !undetermined.isEmpty {
            let missing = undetermined.flatMap(\.missing).map(\.description)
            let years = Array(Set(undetermined.compactMap(\.noCalendarFor))).sorted()
            var reasons: [String] = []
            if !missing.isEmpty { reasons.append("missing data: " + missing.joined(separator: ", ")) }
            if !years.isEmpty { reasons.append("no holiday calendar for " + years.map(String.init).joined(separator: ", ")) }
            return [decision.subject.key, "undetermined", undetermined.map(\.rule).joined(separator: ";"),
                    (missing + years.map { "calendar \($0)" }).joined(separator: ";"), reasons.joined(separator: "; ")]
        }
        let failed = decision.outcomes.filter { $0.kind == .failed }
        return [decision.subject.key, "failed", failed.map(\.rule).joined(separator: ";"), "",
                failed.compactMap(\.error).joined(separator: "; ")]
    }

    static let header = ["subject", "action", "rule", "evidence", "message"]

    /// The report as UTF-8 bytes, in one piece.
    public func renderData(_ result: RunResult, as format: ReportFormat) -> Data {
        let parts = renderParts(result, as: format)
        var data = Data(capacity: parts.reduce(0) { $0 + $1.count })
        for part in parts { data.append(contentsOf: part) }
        return data
    }

    /// The report as UTF-8 bytes in consecutive pieces, to be written one after another: a large
    /// report is never held twice. CSV and JSON are written straight to bytes, in parallel chunks
    /// of decisions: a large run's report takes a fraction of the time of building Strings.
    public func renderParts(_ result: RunResult, as format: ReportFormat) -> [[UInt8]] {
        switch format {
        case .csv: return csvParts(result)
        case .json: return jsonParts(result)
        case .table: return [Array(render(result, as: .table).utf8)]
        }
    }

    private func csvParts(_ result: RunResult) -> [[UInt8]] {
        if let rows = result.csvRows { return [Array((csvHeader.joined(separator: ",") + "\n").utf8)] + rows }
        let decisions = result.decisions
        let chunkCount = max(1, min(64, decisions.count / 4096))
        let parts = ParallelSlots<[UInt8]>(count: chunkCount)
        let writer = self
        let labelled = hasLabels
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let start = decisions.count * chunk / chunkCount, end = decisions.count * (chunk + 1) / chunkCount
            var bytes: [UInt8] = []
            bytes.reserveCapacity((end - start) * 96)
            for index in start..<end {
                let decision = decisions[index]
                guard let outcome = decision.decidingOutcome else {
                    // Undetermined or failed subjects: the general row.
                    var cells = writer.row(decision)
                    if labelled { cells.insert(decision.subject.label ?? "", at: 1) }
                    for (column, cell) in cells.enumerated() {
                        if column > 0 { bytes.append(0x2C) }
                        CSVText.appendField(cell, to: &bytes, raw: writer.rawCSV)
                    }
                    bytes.append(0x0A)
                    continue
                }
                // The common row, written field by field without building an array of Strings.
                CSVText.appendField(decision.subject.key, to: &bytes, raw: writer.rawCSV)
                bytes.append(0x2C)
                if labelled {
                    CSVText.appendField(decision.subject.label ?? "", to: &bytes, raw: writer.rawCSV)
                    bytes.append(0x2C)
                }
                CSVText.appendField(outcome.action, to: &bytes, raw: writer.rawCSV)
                bytes.append(0x2C)
                CSVText.appendField(outcome.rule, to: &bytes, raw: writer.rawCSV)
                bytes.append(0x2C)
                if outcome.evidence.count == 1 {
                    CSVText.appendField(outcome.evidence[0].key, to: &bytes, raw: writer.rawCSV)
                } else {
                    CSVText.appendField(outcome.evidence.map(\.key).joined(separator: ";"), to: &bytes, raw: writer.rawCSV)
                }
                bytes.append(0x2C)
                CSVText.appendField(outcome.message ?? "", to: &bytes, raw: writer.rawCSV)
                bytes.append(0x0A)
            }
            parts.set(chunk, bytes)
        }
        let header = Array((csvHeader.joined(separator: ",") + "\n").utf8)
        return [header] + parts.all
    }

    /// The CSV report as rows of text, its header first: for writers of other formats (a
    /// workbook). Cells are as they are, with no formula neutralising (that is CSV's concern).
    public func reportRows(_ result: RunResult) -> [[String]] {
        let labelled = hasLabels
        return [csvHeader] + result.decisions.map { decision in
            var cells = row(decision)
            if labelled { cells.insert(decision.subject.label ?? "", at: 1) }
            return cells
        }
    }

    /// Whether a table declares a `label`: CSV reports then have a `label` column after `subject`.
    var hasLabels: Bool { program.checked.schema.tables.contains { $0.labelColumn != nil } }

    var csvHeader: [String] {
        hasLabels ? ["subject", "label", "action", "rule", "evidence", "message"] : ReportWriter.header
    }

    /// The report in a format.
    public func render(_ result: RunResult, as format: ReportFormat) -> String {
        switch format {
        case .table:
            // People read tables: the subject is shown with its label (`E001 甲煤矿`).
            let shown = result.decisions.map { decision -> [String] in
                var cells = row(decision)
                cells[0] = decision.subject.shown
                return cells
            }
            return TextTable.render(header: ReportWriter.header, rows: shown)
        case .csv: return String(decoding: renderData(result, as: .csv), as: UTF8.self)
        case .json: return json(result)
        }
    }

    /// The run summary (counts per action and per rule, skipped rows, timings) for stderr.
    public func summary(_ result: RunResult, language: Language = .en) -> String {
        func say(_ text: LocalizedText) -> String { text.in(language) }
        var out = say(Catalog.summaryHead(result.asOf.description, subjects: result.subjectCount, decided: result.decidedCount)) + "\n"
        let actions = (program.actions.reversed() + ["undetermined"]).compactMap { action in
            result.actionCounts[action].map { "\(action) \($0)" }
        }
        out += say(Catalog.summaryActions(actions.isEmpty ? nil : actions.joined(separator: ", "))) + "\n"
        for count in result.ruleCounts {
            out += say(Catalog.summaryRule(count.rule, fired: count.fired, undetermined: count.undetermined, failed: count.failed)) + "\n"
        }
        let skippedRows: [String: Int], loadSeconds: Double
        switch source {
        case .dataset(let dataset): (skippedRows, loadSeconds) = (dataset.skippedRows, dataset.loadSeconds)
        case .database(let run): (skippedRows, loadSeconds) = ([:], run.checkSeconds)
        }
        let skipped = skippedRows.values.reduce(0, +)
        let reasons = skippedRows.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        out += say(Catalog.summarySkipped(skipped, reasons: reasons)) + "\n"
        out += say(Catalog.summaryTime(load: Self.seconds(loadSeconds), evaluation: Self.seconds(result.evaluationSeconds))) + "\n"
        return out
    }

    static func seconds(_ value: Double) -> String {
        let milliseconds = Int((value * 1000).rounded())
        return "\(milliseconds / 1000).\(String(format: "%03d", milliseconds % 1000)) s"
    }

    // MARK: JSON

    private func json(_ result: RunResult) -> String { String(decoding: renderData(result, as: .json), as: UTF8.self) }

    /// The JSON report: a head, the decisions rendered in parallel chunks, a tail.
    private func jsonParts(_ result: RunResult) -> [[UInt8]] {
        let pieces = jsonPieces(result)
        let parts = ParallelSlots<[[UInt8]]>(count: pieces.chunkCount)
        DispatchQueue.concurrentPerform(iterations: pieces.chunkCount) { chunk in parts.set(chunk, pieces.chunk(chunk)) }
        return [pieces.head] + parts.all.flatMap { $0 } + [pieces.tail]
    }

    /// The report's pieces when the run rendered them already (`RunDetail.csvReport`, in that
    /// format), else nil. (A `jsonReport` run's entries are rendered as they are written:
    /// `streamParts`.)
    public func renderedParts(_ result: RunResult, as format: ReportFormat) -> [[UInt8]]? {
        switch format {
        case .csv where result.csvRows != nil: return csvParts(result)
        default: return nil
        }
    }

    /// The limit that stopped the rendering of a `jsonReport` run's entries, if one did: the
    /// report is then incomplete, and must not be kept.
    public func renderingStopped(_ result: RunResult) -> RunStop? {
        result.pendingJSON?.stopped.map { RunStop($0, subjectsEvaluated: result.subjectCount) }
    }

    /// The report in pieces written as they are rendered, in order: a large JSON report's
    /// chunks are rendered on all cores while the ones before them are written, so writing
    /// (a quarter of a gigabyte at a million enterprises) overlaps rendering. Tables and CSV
    /// are rendered first, then written.
    public func streamParts(_ result: RunResult, as format: ReportFormat, _ write: ([UInt8]) throws -> Void) rethrows {
        guard format == .json else {
            var parts = renderParts(result, as: format)
            for index in parts.indices {
                try write(parts[index])
                parts[index] = []
            }
            return
        }
        let pieces = jsonPieces(result)
        let parts = ParallelSlots<[[UInt8]]>(count: pieces.chunkCount)
        let ready = (0..<pieces.chunkCount).map { _ in DispatchSemaphore(value: 0) }
        let window = RenderWindow(size: 4 * ProcessInfo.processInfo.activeProcessorCount)
        let done = DispatchGroup()
        done.enter()
        DispatchQueue.global().async {
            DispatchQueue.concurrentPerform(iterations: pieces.chunkCount) { chunk in
                // No further ahead of the writing than the window: the chunks written are
                // freed, and their memory serves the chunks rendered next.
                if window.waitForTurn(chunk) { parts.set(chunk, pieces.chunk(chunk)) }
                ready[chunk].signal()
            }
            done.leave()
        }
        // The renderers keep no reference to what is written: whatever happens here (a write
        // that fails), they are let through and waited for before returning.
        defer {
            window.abandon()
            done.wait()
        }
        try write(pieces.head)
        for chunk in 0..<pieces.chunkCount {
            ready[chunk].wait()
            for part in parts.take(chunk) ?? [] { try write(part) }
            window.written(chunk)
        }
        try write(pieces.tail)
    }

    /// How far rendering may run ahead of writing: chunk k is rendered once fewer than `size`
    /// chunks before it are still unwritten. A chunk waits only for chunks before it, which
    /// never wait for it; once the writer stops (done, or failed), nothing waits.
    private final class RenderWindow: @unchecked Sendable {
        private let condition = NSCondition()
        private let size: Int
        private var writtenCount = 0
        private var abandoned = false

        init(size: Int) { self.size = max(2, size) }

        /// Waits for chunk `chunk`'s turn; false if the writer is gone (render nothing).
        func waitForTurn(_ chunk: Int) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            while chunk >= writtenCount + size && !abandoned { condition.wait() }
            return !abandoned
        }

        func written(_ chunk: Int) {
            condition.lock()
            writtenCount = chunk + 1
            condition.broadcast()
            condition.unlock()
        }

        func abandon() {
            condition.lock()
            abandoned = true
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The JSON report's head and tail, and a function rendering each chunk of decisions.
    private func jsonPieces(_ result: RunResult) -> (head: [UInt8], chunkCount: Int, chunk: @Sendable (Int) -> [[UInt8]], tail: [UInt8]) {
        var out = "{\n"
        out += "  \"as_of\": \(JSONText.quote(result.asOf.description)),\n"
        out += "  \"redline_version\": \(JSONText.quote(RedlineVersion.number)),\n"
        out += "  \"rule_files\": [" + program.ruleFiles.map {
            "{\"path\": \(JSONText.quote($0.name)), \"sha256\": \(JSONText.quote($0.sha256))}"
        }.joined(separator: ", ") + "],\n"
        let calendar: WorkCalendar
        switch source {
        case .dataset(let dataset):
            out += "  \"data_files\": [" + dataset.files.map { file in
                "{\"path\": \(JSONText.quote(file.path)), \"table\": \(JSONText.quote(file.table)), \"encoding\": \(JSONText.quote(file.encoding)), "
                    + "\"rows\": \(file.rows), \"sha256\": \(file.sha256.map(JSONText.quote) ?? "null")}"
            }.joined(separator: ", ") + "],\n"
            calendar = dataset.calendar
        case .database(let run):
            // The decisions were computed where the data is: no file was read, nothing to hash.
            out += "  \"database\": {\"source\": \(JSONText.quote(run.source)), \"engine\": \(JSONText.quote(run.dialect.rawValue))},\n"
            calendar = run.calendar
        }
        out += "  \"calendar\": {\"name\": \(JSONText.quote(calendar.name)), \"years\": "
            + (calendar.years.map { "[\($0.lowerBound), \($0.upperBound)]" } ?? "null")
            + ", \"sha256\": \(calendar.sha256.map(JSONText.quote) ?? "null")},\n"
        out += "  \"summary\": {\"subjects\": \(result.subjectCount), \"actions\": {"
        out += (program.actions + ["undetermined"]).compactMap { action in
            result.actionCounts[action].map { "\(JSONText.quote(action)): \($0)" }
        }.joined(separator: ", ") + "}, \"rules\": {"
        out += result.ruleCounts.map { "\(JSONText.quote($0.rule)): {\"fired\": \($0.fired), \"undetermined\": \($0.undetermined), \"failed\": \($0.failed)}" }
            .joined(separator: ", ") + "}},\n"
        out += "  \"decisions\": ["
        let tail = Array((result.decidedCount == 0 ? "]\n}\n" : "\n  ]\n}\n").utf8)
        if let pending = result.pendingJSON {
            return (Array(out.utf8), pending.chunkCount, { pending.render($0) }, tail)
        }
        let decisions = result.decisions
        let layout = jsonLayout
        let chunkCount = max(1, min(64, decisions.count / 1024))
        let writer = self
        let chunk: @Sendable (Int) -> [[UInt8]] = { chunk in
            let start = decisions.count * chunk / chunkCount, end = decisions.count * (chunk + 1) / chunkCount
            var out = JSONBytes()
            out.bytes.reserveCapacity((end - start) * 768)
            let local = JSONChunkLayout(layout)
            for index in start..<end {
                out.raw(index == 0 ? "\n" : ",\n")
                writer.appendDecision(decisions[index], local, to: &out)
            }
            return [out.bytes]
        }
        return (Array(out.utf8), chunkCount, chunk, tail)
    }

    /// The JSON report's layout for this writer's program and source.
    var jsonLayout: JSONLayout { JSONLayout(program: program, source: source) }

    /// What every decision of a JSON report repeats, quoted once: per subject table its rules'
    /// names and actions, per table its name and the names of the columns its records show.
    struct JSONLayout: @unchecked Sendable {
        struct Rule {
            let name: String
            let quotedName: [UInt8]
            let quotedAction: [UInt8]
        }
        struct Table {
            let quotedName: [UInt8]
            /// The columns shown (not those left out of the load), each with `"name": `.
            let columns: [(prefix: [UInt8], data: ColumnData?)]
            let lines: LineNumbers
        }
        let rulesByTable: [[Rule]]
        let tables: [Table]
        /// Each action's name, quoted, by its index.
        let quotedActions: [[UInt8]]

        init(program: Program, source: Source) {
            let schema = program.checked.schema
            func quoted(_ text: String) -> [UInt8] {
                var bytes: [UInt8] = []
                JSONText.appendQuoted(text, to: &bytes)
                return bytes
            }
            quotedActions = schema.actions.map(quoted)
            rulesByTable = schema.tables.indices.map { table in
                program.checked.rules.filter { $0.subjectTable == table }.map {
                    Rule(name: $0.name, quotedName: quoted($0.name), quotedAction: quoted(schema.actions[$0.action]))
                }
            }
            tables = schema.tables.indices.map { index in
                let columns = schema.tables[index].columns
                switch source {
                case .dataset(let dataset):
                    // Columns left out of the load (`ColumnSelection.readByRules`) are left out
                    // here too, rather than shown as missing.
                    let unread = dataset.unreadColumns[index]
                    return Table(quotedName: quoted(schema.tables[index].name),
                                 columns: columns.indices.filter { !unread.contains($0) }.map { (quoted(columns[$0].name) + Array(": ".utf8), dataset.tables[index].columns[$0]) },
                                 lines: dataset.tables[index].lines)
                case .database:
                    return Table(quotedName: quoted(schema.tables[index].name),
                                 columns: columns.map { (quoted($0.name) + Array(": ".utf8), nil) }, lines: LineNumbers([]))
                }
            }
        }
    }

    /// One decision, with every rule over the subject's table, including those that did not
    /// fire. Written as bytes: a large report is mostly this, and Strings made it slow.
    func appendDecision(_ decision: Decision, _ layout: JSONChunkLayout, to out: inout JSONBytes) {
        let action = decision.action ?? (decision.isUndetermined ? "undetermined" : "failed")
        out.raw("    {\"subject\": "); out.quoted(decision.subject.key)
        if let label = decision.subject.label { out.raw(", \"label\": "); out.quoted(label) }
        out.raw(", \"table\": "); out.bytes.append(contentsOf: layout.tables[decision.subject.tableIndex].quotedName)
        out.raw(", \"action\": "); out.quoted(action)
        out.raw(", \"rules\": [")
        let rules = layout.rulesByTable[decision.subject.tableIndex]
        // (A database run's records are named by key, not row: they are written each time.)
        var written = WrittenRecords()
        var reusesRecords = false
        if case .dataset = source { reusesRecords = true }
        for index in rules.indices {
            let rule = rules[index]
            let outcome = decision.outcomes.first { $0.rule == rule.name }
            out.raw(index == 0 ? "\n      {" : ",\n      {")
            out.raw("\"rule\": "); out.bytes.append(contentsOf: rule.quotedName)
            out.raw(", \"action\": "); out.bytes.append(contentsOf: rule.quotedAction)
            out.raw(", \"outcome\": "); out.quoted(outcome?.kind.rawValue ?? RuleOutcome.Kind.notFired.rawValue)
            if let outcome {
                if let message = outcome.message { out.raw(", \"message\": "); out.quoted(message) }
                if !outcome.evidence.isEmpty {
                    out.raw(", \"evidence\": [")
                    for (n, record) in outcome.evidence.enumerated() {
                        if n > 0 { out.raw(", ") }
                        if reusesRecords, written.copy(table: record.tableIndex, row: record.row, in: &out) { continue }
                        let start = out.bytes.count
                        appendRecord(record, layout.tables[record.tableIndex], to: &out)
                        if reusesRecords { written.note(table: record.tableIndex, row: record.row, start..<out.bytes.count) }
                    }
                    out.raw("]")
                }
                if !outcome.missing.isEmpty {
                    out.raw(", \"missing\": [")
                    for (n, field) in outcome.missing.enumerated() {
                        if n > 0 { out.raw(", ") }
                        out.raw("{\"table\": "); out.quoted(field.record.table)
                        out.raw(", \"key\": "); out.quoted(field.record.key)
                        out.raw(", \"column\": "); out.quoted(field.column)
                        out.raw("}")
                    }
                    out.raw("]")
                }
                if let error = outcome.error { out.raw(", \"error\": "); out.quoted(error) }
                if let year = outcome.noCalendarFor { out.raw(", \"no_calendar_for\": "); out.text(String(year)) }
            }
            out.raw("}")
        }
        out.raw("\n    ]}")
    }

    /// An evidence record with every value of its row: the values that decided the rule.
    private func appendRecord(_ record: RecordID, _ table: JSONChunkLayout.Table, to out: inout JSONBytes) {
        guard case .dataset = source else {
            appendDatabaseRecord(record, to: &out)
            return
        }
        var key = record.key
        key.withUTF8 { ReportWriter.appendRecord(row: Int(record.row), key: $0, table, to: &out) }
    }

    /// A dataset's evidence record: its table, key, line and every value shown.
    static func appendRecord(row: Int, key: UnsafeBufferPointer<UInt8>, _ table: JSONChunkLayout.Table, to out: inout JSONBytes) {
        out.raw("{\"table\": "); out.bytes.append(contentsOf: table.quotedName)
        out.raw(", \"key\": "); JSONText.appendQuoted(utf8: key, to: &out.bytes)
        out.raw(", \"line\": "); out.integer(Int64(table.lines[row]))
        out.raw(", \"values\": {")
        let cells = table.cells
        for index in cells.indices {
            if index > 0 { out.raw(", ") }
            cells[index].write(row, to: &out)
        }
        out.raw("}}")
    }

    /// An evidence record of a database run: its values as the database holds them, read by key.
    private func appendDatabaseRecord(_ record: RecordID, to out: inout JSONBytes) {
        guard case .database(let run) = source else { return }
        let schema = program.checked.schema.tables[record.tableIndex]
        out.raw("{\"table\": "); out.quoted(record.table)
        out.raw(", \"key\": "); out.quoted(record.key)
        out.raw(", \"values\": {")
        let values = run.records.indices.contains(record.tableIndex) ? run.records[record.tableIndex][record.key] : nil
        for (index, column) in schema.columns.enumerated() {
            if index > 0 { out.raw(", ") }
            out.quoted(column.name)
            out.raw(": ")
            out.text(ReportWriter.jsonValue(values.map { $0.indices.contains(index) ? $0[index] : .missing } ?? .missing))
        }
        out.raw("}}")
    }

    static func jsonValue(_ value: Value) -> String {
        switch value {
        case .missing: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .decimal(let d): return d.description
        default: return JSONText.quote(value.display)
        }
    }
}

/// The evidence records already written for one decision, and where: rules often share their
/// evidence (the same hazards suspend and close), and a dataset record's bytes depend on its
/// row alone, so a record met again is copied rather than written again.
struct WrittenRecords {
    private var records: [(table: Int, row: Int32, bytes: Range<Int>)] = []

    mutating func removeAll() { records.removeAll(keepingCapacity: true) }

    /// Appends the bytes of the record at (`table`, `row`) if it was written; whether it was.
    func copy(table: Int, row: Int32, in out: inout JSONBytes) -> Bool {
        guard let earlier = records.first(where: { $0.row == row && $0.table == table }) else { return false }
        // Copied out first: appending a slice of the same array would copy all of it.
        let again = Array(out.bytes[earlier.bytes])
        out.bytes.append(contentsOf: again)
        return true
    }

    /// The record just written at `bytes` (the first 32 of a decision are kept).
    mutating func note(table: Int, row: Int32, _ bytes: Range<Int>) {
        if records.count < 32 { records.append((table, row, bytes)) }
    }
}

/// JSON written straight to bytes.
struct JSONBytes {
    var bytes: [UInt8] = []

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Text already in JSON form (numbers, `null`, a quoted string).
    mutating func text(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// A string, quoted and escaped.
    mutating func quoted(_ text: String) { JSONText.appendQuoted(text, to: &bytes) }

    mutating func integer(_ value: Int64) {
        if value >= 0 && value < 10 { bytes.append(0x30 + UInt8(value)); return }
        guard value > 0 else { bytes.append(contentsOf: String(value).utf8); return }
        // Digits from the last, into a small buffer (line numbers: one per evidence record).
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var rest = value, at = buffer.count
            while rest > 0 {
                at -= 1
                buffer[at] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
                rest /= 10
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[at...]))
        }
    }

    /// A date as a quoted `YYYY-MM-DD` (ten bytes), `null` when missing.
    mutating func day(_ day: Int32) {
        if day == ColumnData.missingDate { raw("null"); return }
        let (year, month, date) = CivilDate.components(day)
        guard (0...9999).contains(year) else { quoted(CivilDate.format(day)); return }
        func digit(_ value: Int) -> UInt8 { UInt8(truncatingIfNeeded: 0x30 + value) }
        // Into a buffer on the stack: an array literal would be allocated per date.
        var text: (UInt64, UInt32) = (0, 0)
        withUnsafeMutableBytes(of: &text) { buffer in
            (buffer[0], buffer[1], buffer[2], buffer[3], buffer[4], buffer[5]) =
                (0x22, digit(year / 1000), digit(year / 100 % 10), digit(year / 10 % 10), digit(year % 10), 0x2D)
            (buffer[6], buffer[7], buffer[8], buffer[9], buffer[10], buffer[11]) =
                (digit(month / 10), digit(month % 10), 0x2D, digit(date / 10), digit(date % 10), 0x22)
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<12]))
        }
    }
}

/// A JSON report's layout as one chunk of it reads it: objects of the chunk's own, with copies
/// of the small arrays, so that what every decision reads (rule names, quoted names, columns)
/// is reference counted on one core only.
final class JSONChunkLayout {
    final class Rule {
        let name: String
        let quotedName: [UInt8]
        let quotedAction: [UInt8]
        init(_ rule: ReportWriter.JSONLayout.Rule) {
            name = PlannedRule.ownCopy(rule.name)
            quotedName = rule.quotedName.map { $0 }
            quotedAction = rule.quotedAction.map { $0 }
        }
    }
    final class Table {
        let quotedName: [UInt8]
        let cells: [JSONCells]
        let lines: LineNumbers
        init(_ table: ReportWriter.JSONLayout.Table) {
            quotedName = table.quotedName.map { $0 }
            cells = table.columns.map { JSONCells(prefix: $0.prefix.map { $0 }, data: $0.data) }
            lines = table.lines
        }
    }
    let rulesByTable: [[Rule]]
    let tables: [Table]
    let quotedActions: [[UInt8]]

    init(_ layout: ReportWriter.JSONLayout) {
        rulesByTable = layout.rulesByTable.map { $0.map(Rule.init) }
        tables = layout.tables.map(Table.init)
        quotedActions = layout.quotedActions.map { $0.map { $0 } }
    }
}

/// One column's `"name": value` for the evidence records of a JSON report, read through this
/// object's own stored arrays. Each chunk of the report makes its own: reading a shared
/// `ColumnData` copies its arrays (a reference count raised and lowered per cell), and with the
/// same arrays counted from both cores those updates took 40% of a million-subject report.
final class JSONCells {
    private enum Kind { case text, date, int, bool, reference, other, absent }
    private let kind: Kind
    private let prefix: [UInt8]
    /// Text ids (text), or the referenced rows (reference).
    private let ids: [Int32]
    /// A text column's pool, read through its addresses (`pool` keeps them alive).
    private let pool: TextPool?
    private let text: PoolView?
    private let days: [Int32]
    private let ints: [Int64]
    private let missing: [Bool]
    private let flags: [UInt8]
    /// A reference's target key column.
    private let key: JSONCells?
    private let other: ColumnData?

    init(prefix: [UInt8], data: ColumnData?) {
        self.prefix = prefix
        var kind = Kind.absent
        var ids: [Int32] = [], pool: TextPool? = nil, days: [Int32] = [], ints: [Int64] = [], missing: [Bool] = []
        var flags: [UInt8] = [], key: JSONCells? = nil, other: ColumnData? = nil
        switch data {
        case .text(let textIds, let textPool)?:
            kind = .text
            (ids, pool) = (textIds, textPool)
        case .date(let values)?: kind = .date; days = values
        case .int(let values, let absent)?: kind = .int; (ints, missing) = (values, absent)
        case .bool(let values)?: kind = .bool; flags = values
        case .reference(let rows, let target)?:
            kind = .reference
            ids = rows
            key = JSONCells(prefix: [], data: target)
        case let column?: kind = .other; other = column
        case nil: break
        }
        (self.kind, self.ids, self.pool, self.text, self.days, self.ints, self.missing, self.flags, self.key, self.other) =
            (kind, ids, pool, pool?.view, days, ints, missing, flags, key, other)
    }

    /// `"name": value` for a row.
    func write(_ row: Int, to out: inout JSONBytes) {
        out.bytes.append(contentsOf: prefix)
        value(row, to: &out)
    }

    /// Reads the row's cell (and a text's bytes) without writing anything. A record's cells
    /// are in rows far apart in a register, each read a cache miss: touched first for all the
    /// records of a rule, the misses overlap instead of coming one after another as written.
    func touch(_ row: Int) -> Int {
        switch kind {
        case .text:
            let id = ids[row]
            return id < 0 ? 0 : text?.touch(id) ?? 0
        case .date: return Int(days[row])
        case .int: return Int(truncatingIfNeeded: ints[row])
        case .bool: return Int(flags[row])
        case .reference:
            let target = ids[row]
            return target < 0 ? 0 : key?.touch(Int(target)) ?? 0
        case .other, .absent: return 0
        }
    }

    private func value(_ row: Int, to out: inout JSONBytes) {
        switch kind {
        case .absent: return
        case .text:
            let id = Int(ids[row])
            if id < 0 { out.raw("null"); return }
            text?.withBytes(Int32(id)) { JSONText.appendQuoted(utf8: $0, to: &out.bytes) }
        case .date: out.day(days[row])
        case .int: if missing[row] { out.raw("null") } else { out.integer(ints[row]) }
        case .bool:
            let flag = flags[row]
            if flag == ColumnData.missingBool { out.raw("null") } else if flag == 1 { out.raw("true") } else { out.raw("false") }
        case .reference:
            let target = ids[row]
            if target < 0 { out.raw("null") } else { key?.value(Int(target), to: &out) }
        case .other:
            if let other { out.text(ReportWriter.jsonValue(other.value(row))) }
        }
    }
}
