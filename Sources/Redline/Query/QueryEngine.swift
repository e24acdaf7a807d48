import Foundation

/// The answer to a query: a header and rows of values.
public struct QueryResult: Sendable {
    /// Column titles.
    public let header: [String]
    let rows: [[Value]]
    /// Rows before `limit` was applied.
    public let matchedRows: Int
    /// Rows in the answer (at most the query's `limit`).
    public var rowCount: Int { rows.count }

    /// "18 rows", or "0 of 18 rows (limit 0)" when `limit` cut the answer.
    public func countLine(_ language: Language) -> String {
        Catalog.rowCount(shown: rowCount, matched: matchedRows).in(language)
    }
    /// Errors that prevented an answer.
    public let diagnostics: [Diagnostic]
    /// Seconds spent evaluating.
    public let seconds: Double
    let describe: @Sendable (Value) -> String
    var names: RecordNamer? = nil

    /// The rows as typed values (records as `RecordID`s), in the answer's order.
    public var values: [[HostValue]] { rows.map { $0.map { $0.hostValue(names) } } }

    /// Whether the query produced an answer.
    public var succeeded: Bool { !diagnostics.contains { $0.severity == .error } }

    /// The rows as text: dates ISO, records as `table key`, missing as `—`.
    public var textRows: [[String]] { rows.map { $0.map(describe) } }

    /// The answer as a table, CSV or JSON; `maxRows` cuts a table with "… N more rows".
    /// `rawCSV` leaves formula-like text cells as they are (see `CSVText`).
    public func render(_ format: ReportFormat, maxRows: Int? = nil, rawCSV: Bool = false) -> String {
        switch format {
        case .table: return TextTable.render(header: header, rows: textRows, maxRows: maxRows)
        case .csv: return CSVText.render(header: header, rows: rows.map { $0.map { $0.isMissing ? "" : describe($0) } }, raw: rawCSV)
        case .json:
            let objects = rows.map { row in
                "  {" + zip(header, row).map { title, value in
                    let json: String
                    switch value {
                    case .missing: json = "null"
                    case .bool(let b): json = b ? "true" : "false"
                    case .int(let i): json = String(i)
                    case .decimal(let d): json = d.description
                    default: json = JSONText.quote(describe(value))
                    }
                    return "\(JSONText.quote(title)): \(json)"
                }.joined(separator: ", ") + "}"
            }
            return "[\n" + objects.joined(separator: ",\n") + (objects.isEmpty ? "]\n" : "\n]\n")
        }
    }
}

extension Program {
    /// Runs one exploratory query over the data (`from h in hazards where … group by … select …
    /// sort by … limit …`), with this program's definitions in scope.
    public func query(_ text: String, on data: Dataset?, asOf date: CalendarDate, limits: EvaluationLimits = EvaluationLimits(),
                      cancellation: CancellationFlag? = nil) -> QueryResult {
        QueryEngine(program: checked, dataset: data, limits: limits, cancellation: cancellation).run(text, asOf: date)
    }
}

struct QueryEngine {
    let program: CheckedProgram
    let dataset: Dataset?
    let limits: EvaluationLimits
    let cancellation: CancellationFlag?

    private func failure(_ diagnostics: [Diagnostic]) -> QueryResult {
        QueryResult(header: [], rows: [], matchedRows: 0, diagnostics: diagnostics, seconds: 0, describe: { $0.display })
    }

    func run(_ text: String, asOf date: CalendarDate) -> QueryResult {
        let started = Date()
        let source = SourceFile(name: "<query>", text: text)
        var parser = Parser(source: source)
        guard let query = parser.parseQuery(), parser.diagnostics.isEmpty else { return failure(parser.diagnostics) }

        var checker = Checker()
        checker.schema = program.schema
        checker.definitions = program.definitions
        checker.hostFunctions = program.hostFunctions
        checker.beginCompilation()
        let collection = checker.bind(query.collection, Env(), source)
        guard let elementType = collection.type.element else {
            if collection.type != .error {
                checker.report(.error, Catalog.notAList(collection.type.name(in: program.schema)), at: query.collection.span, in: source)
            }
            return failure(checker.bag.items)
        }
        let slot = checker.newSlot()
        var env = Env()
        env.locals[query.variable.text] = Local(slot: slot, type: elementType)
        let filter = query.filter.map { checker.bind($0, env, source) }
        if let filter { checker.requireBool(filter, Catalog.theWhereClause, in: source) }
        let groupKey = query.groupKey.map { checker.bind($0, env, source) }

        // Default columns: the group key and its count, or every column of a record, or the value.
        var items = query.select
        if items.isEmpty {
            if let groupKey = query.groupKey {
                items = [SelectItem(title: query.groupName ?? "key", value: .expression(groupKey)), SelectItem(title: "count", value: .aggregate(.count, nil))]
            } else if case .record(let table) = elementType {
                items = program.schema.tables[table].columns.map { column in
                    let name = Name(text: column.name, span: query.variable.span)
                    let variable = Expr(id: -1, span: query.variable.span, kind: .name(query.variable.text), height: 1)
                    return SelectItem(title: column.name, value: .expression(Expr(id: -1, span: query.variable.span, kind: .member(variable, name), height: 2)))
                }
            } else {
                items = [SelectItem(title: query.variable.text, value: .expression(Expr(id: -1, span: query.variable.span, kind: .name(query.variable.text), height: 1)))]
            }
        }
        var columns: [(title: String, aggregate: Aggregate?, value: Bound?)] = []
        for item in items {
            switch item.value {
            case .expression(let expr): columns.append((item.title, nil, checker.bind(expr, env, source)))
            case .aggregate(let aggregate, let expr):
                if groupKey == nil {
                    checker.report(.error, Catalog.aggregateNeedsGroup, at: query.variable.span, in: source)
                }
                columns.append((item.title, aggregate, expr.map { checker.bind($0, env, source) }))
            }
        }
        var sortKeys: [(column: Int?, value: Bound?, descending: Bool)] = []
        for (key, descending) in query.sort {
            switch key {
            case .column(let title):
                if let index = columns.firstIndex(where: { $0.title == title }) {
                    sortKeys.append((index, nil, descending))
                } else if groupKey == nil {
                    let expr = Expr(id: -1, span: query.variable.span, kind: .name(title), height: 1)
                    sortKeys.append((nil, checker.bind(expr, env, source), descending))
                } else {
                    checker.report(.error, Catalog.unknownSortColumn(title), at: query.variable.span, in: source,
                                   hint: Suggestions.hint(Suggestions.nearest(to: title, in: columns.map(\.title))))
                }
            case .expression(let expr):
                let text = source.text(of: expr.span)
                if let index = columns.firstIndex(where: { $0.title == text }) {
                    sortKeys.append((index, nil, descending))
                } else {
                    sortKeys.append((nil, checker.bind(expr, env, source), descending))
                }
            }
        }
        let bound = [collection] + [filter, groupKey].compactMap { $0 } + columns.compactMap(\.value) + sortKeys.compactMap(\.value)
        if checker.bag.hasErrors || bound.contains(where: \.containsError) { return failure(checker.bag.items) }
        if let dataset {
            // Data loaded for a run may leave out text columns no rule reads: refuse rather than
            // show them as missing (one error says it; the rest would repeat it).
            for root in bound {
                root.visit { node in
                    if !checker.bag.hasErrors, case .column(_, let table, let column) = node.kind, dataset.unreadColumns[table].contains(column) {
                        checker.report(.error, Catalog.columnNotLoaded(program.schema.tables[table].columns[column].name,
                                                                       table: program.schema.tables[table].name),
                                       at: node.span, in: source)
                    }
                }
            }
            if checker.bag.hasErrors { return failure(checker.bag.items) }
        }

        let planner = Planner(schema: program.schema, dataset: dataset)
        let execution = QueryExecution(
            collection: planner.planCollection(collection), slot: slot, slotCount: checker.nextSlot,
            filter: filter.map(planner.plan), groupKey: groupKey.map(planner.plan),
            columns: columns.map { ($0.aggregate, $0.value.map(planner.plan)) },
            sortKeys: sortKeys.map { ($0.column, $0.value.map(planner.plan), $0.descending) },
            limit: query.limit, today: date.dayNumber, dataset: dataset, limits: limits,
            budget: EvaluationBudget(limits, cancellation: cancellation))
        do {
            let (rows, matched) = try execution.run()
            let schema = program.schema
            let data = dataset
            return QueryResult(header: columns.map(\.title), rows: rows, matchedRows: matched, diagnostics: [],
                               seconds: Date().timeIntervalSince(started), describe: { value in
                                   QueryEngine.describe(value, schema: schema, dataset: data)
                               }, names: data.map { RecordNamer(schema: schema, dataset: $0) })
        } catch {
            return failure([error.diagnostic])
        }
    }

    static func describe(_ value: Value, schema: Schema, dataset: Dataset?) -> String {
        switch value {
        case .missing: return "—"
        case .record(let ref):
            let key = dataset?.keyText(table: Int(ref.table), row: ref.row) ?? "\(ref.row)"
            return "\(schema.tables[Int(ref.table)].name) \(key)"
        case .list(let items): return "[" + items.map { describe($0, schema: schema, dataset: dataset) }.joined(separator: ", ") + "]"
        default: return value.display
        }
    }
}
