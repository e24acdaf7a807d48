import Foundation

/// The REPL's meta commands (`:help`, `:load`, `:data`, …), each with its help text.
extension Session {
    struct Command {
        let name: String
        let arguments: String
        let help: LocalizedText
    }

    static let commands: [Command] = [
        Command(name: "help", arguments: "[COMMAND]", help: Catalog.helpHelp),
        Command(name: "load", arguments: "FILE.rl", help: Catalog.helpLoad),
        Command(name: "data", arguments: "DIR", help: Catalog.helpData),
        Command(name: "tables", arguments: "", help: Catalog.helpTables),
        Command(name: "schema", arguments: "TABLE", help: Catalog.helpSchema),
        Command(name: "rules", arguments: "", help: Catalog.helpRules),
        Command(name: "run", arguments: "", help: Catalog.helpRun),
        Command(name: "explain", arguments: "SUBJECT", help: Catalog.helpExplain),
        Command(name: "why-not", arguments: "SUBJECT RULE", help: Catalog.helpWhyNot),
        Command(name: "as-of", arguments: "[DATE]", help: Catalog.helpAsOf),
        Command(name: "calendar", arguments: "[FILE|none|cn]", help: Catalog.helpCalendar),
        Command(name: "format", arguments: "table|csv|json", help: Catalog.helpFormat),
        Command(name: "timing", arguments: "on|off", help: Catalog.helpTiming),
        Command(name: "read", arguments: "FILE", help: Catalog.helpRead),
        Command(name: "reset", arguments: "", help: Catalog.helpReset),
        Command(name: "quit", arguments: "", help: Catalog.helpQuit),
    ]

    func command(_ line: String) -> Response {
        let parts = line.dropFirst().split(separator: " ", maxSplits: 1).map(String.init)
        let name = parts.first ?? ""
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch name {
        case "help", "h", "?": return .output(help(argument))
        case "quit", "q", "exit": return .quit
        case "load": return load(argument)
        case "data":
            guard !argument.isEmpty else { return .error(say(Catalog.usage(":data DIR")) + "\n") }
            return loadData(argument)
        case "tables": return tables()
        case "schema": return schemaOf(argument)
        case "rules": return rules()
        case "run": return run()
        case "explain", "why-not": return explain(argument, onlyRule: name == "why-not")
        case "as-of":
            if argument.isEmpty { return .output(say(Catalog.asOfIs(asOf.description)) + "\n") }
            guard let date = CalendarDate(iso: argument) else { return .error(say(Catalog.notADate(argument)) + "\n") }
            asOf = date
            return .output(say(Catalog.asOfIs(asOf.description)) + "\n")
        case "calendar": return chooseCalendar(argument)
        case "read": return readScript(argument)
        case "format":
            guard let chosen = ReportFormat(rawValue: argument) else { return .error(say(Catalog.usage(":format table|csv|json")) + "\n") }
            format = chosen
            return .output(say(Catalog.formatIs(chosen.rawValue)) + "\n")
        case "timing":
            guard argument == "on" || argument == "off" else { return .error(say(Catalog.usage(":timing on|off")) + "\n") }
            timing = argument == "on"
            return .output(say(Catalog.timingIs(argument)) + "\n")
        case "reset":
            reset()
            return .output(say(Catalog.resetDone) + "\n")
        default:
            let names = Session.commands.map(\.name)
            return .error(say(Catalog.unknownCommand(name, hint: Suggestions.nearest(to: name, in: names))) + "\n")
        }
    }

    /// `:calendar` shows the calendar in force; `:calendar FILE`, `none` or `cn` changes it (and
    /// reloads the data, which carries it).
    private func chooseCalendar(_ argument: String) -> Response {
        if !argument.isEmpty {
            let chosen: WorkCalendar
            switch argument {
            case "none": chosen = .mondayToFriday
            case "cn": chosen = .china
            default:
                let loaded = WorkCalendar.load(path: argument)
                guard let read = loaded.calendar else {
                    return .error(DiagnosticRenderer.text(loaded.diagnostics, language: language))
                }
                chosen = read
            }
            calendar = chosen
            if let directory = dataDirectory, case .error(let text) = loadData(directory) { return .error(text) }
        }
        let years = calendar.years.map { "\($0.lowerBound)–\($0.upperBound)" }
        return .output(say(Catalog.calendarIs(calendar.name, years: years)) + "\n")
    }

    /// `:read FILE`: the file's lines as if typed, one after another (psql's `\i`, sqlite3's
    /// `.read`). Output and errors are gathered in order; the script goes on after an error, as
    /// a session would. A script may read others, at most 16 deep (a file reading itself stops).
    private func readScript(_ path: String) -> Response {
        guard !path.isEmpty else { return .error(say(Catalog.usage(":read FILE")) + "\n") }
        guard readDepth < 16 else { return .error(say(Catalog.readTooDeep(path)) + "\n") }
        guard InputFile.isRegular(path), let data = FileManager.default.contents(atPath: path) else {
            return .error(say(Catalog.cannotRead(path)) + "\n")
        }
        readDepth += 1
        defer { readDepth -= 1 }
        var out = "", failed = false
        let text = String(decoding: data, as: UTF8.self)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            switch submit(String(line.hasSuffix("\r") ? line.dropLast() : line)) {
            case .output(let shown): out += shown
            case .error(let shown): out += shown; failed = true
            case .needsMore: continue
            case .quit: return failed ? .error(out) : .output(out)
            }
        }
        // An unfinished construct at the end of the file ends there, as an empty line ends it.
        if isContinuing {
            switch submit("") {
            case .output(let shown): out += shown
            case .error(let shown): out += shown; failed = true
            default: break
            }
        }
        return failed ? .error(out) : .output(out)
    }

    private func help(_ topic: String) -> String {
        let wanted = topic.hasPrefix(":") ? String(topic.dropFirst()) : topic
        if let command = Session.commands.first(where: { $0.name == wanted }) {
            return ":\(command.name) \(command.arguments)\n  \(say(command.help))\n"
        }
        var out = say(Catalog.helpIntro)
        let width = Session.commands.map { $0.name.count + $0.arguments.count + 2 }.max() ?? 0
        for command in Session.commands {
            let head = ":\(command.name) \(command.arguments)"
            out += "  " + head + String(repeating: " ", count: max(1, width - head.count + 2)) + say(command.help) + "\n"
        }
        return out
    }

    private func load(_ path: String) -> Response {
        guard !path.isEmpty else { return .error(say(Catalog.usage(":load FILE.rl")) + "\n") }
        guard let data = FileManager.default.contents(atPath: path) else { return .error(say(Catalog.cannotRead(path)) + "\n") }
        let source = RuleSource(name: path, bytes: [UInt8](data))
        let candidate = Program.compile(sources + [source])
        if candidate.hasErrors { return .error(DiagnosticRenderer.text(candidate.diagnostics, language: language)) }
        let tablesChanged = candidate.tableNames != program.tableNames
        sources.append(source)
        program = candidate
        var out = say(Catalog.loadedRules(path, rules: candidate.ruleNames.count, tables: candidate.tableNames.count)) + "\n"
        if tablesChanged, let directory = dataDirectory {
            if case .output(let text) = loadData(directory) { out += text } else { dataset = nil }
        }
        return .output(out)
    }

    private func tables() -> Response {
        let names = program.tableNames
        if names.isEmpty { return .output(say(Catalog.noTables) + "\n") }
        let rows = names.map { name in [name, dataset?.rowCount(of: name).map(String.init) ?? "—"] }
        return .output(TextTable.render(header: ["table", "rows"], rows: rows))
    }

    private func schemaOf(_ name: String) -> Response {
        let schema = program.checked.schema
        guard let table = schema.table(named: name) else {
            return .error(say(Catalog.noTable(name, hint: Suggestions.nearest(to: name, in: schema.tables.map(\.name)))) + "\n")
        }
        var rows: [[String]] = table.columns.enumerated().map { index, column in
            let type = column.type.name(in: schema).en + (column.optional ? "?" : "")
            var note = index == table.keyColumn ? "key" : ""
            if let target = column.target {
                let navigation = table.forward.first { $0.value == index }?.key ?? ""
                note = "-> \(schema.tables[target].name)" + (navigation.isEmpty ? "" : " (.\(navigation))")
            }
            return [column.name, type, note]
        }
        for (name, reverse) in table.reverse.sorted(by: { $0.key < $1.key }) {
            rows.append([name, "list of \(schema.tables[reverse.table].name)", "rows referring here"])
        }
        return .output(TextTable.render(header: ["name", "type", ""], rows: rows))
    }

    private func rules() -> Response {
        let checked = program.checked
        if checked.rules.isEmpty { return .output(say(Catalog.noRules) + "\n") }
        let rows = checked.rules.map { rule in
            [rule.name, checked.schema.actions[rule.action], checked.schema.tables[rule.subjectTable].name, rule.policy ?? ""]
        }
        return .output(TextTable.render(header: ["rule", "action", "subjects", "policy"], rows: rows))
    }

    private func run() -> Response {
        guard let dataset else { return .error(say(Catalog.noData) + "\n") }
        cancellation.reset()
        let result = program.run(on: dataset, asOf: asOf, cancellation: cancellation, detail: format == .json ? .everyRule : .decidingRule)
        let writer = ReportWriter(program: program, dataset: dataset)
        if format == .table {
            let rows = writer.rows(result)
            return .output(TextTable.render(header: ReportWriter.header, rows: rows, maxRows: rowLimit) + writer.summary(result, language: language))
        }
        return .output(writer.render(result, as: format))
    }

    private func explain(_ argument: String, onlyRule: Bool) -> Response {
        guard let dataset else { return .error(say(Catalog.noData) + "\n") }
        let parts = argument.split(separator: " ").map(String.init)
        guard let subject = parts.first, !onlyRule || parts.count == 2 else {
            return .error(say(Catalog.usage(onlyRule ? ":why-not SUBJECT RULE" : ":explain SUBJECT")) + "\n")
        }
        cancellation.reset()
        guard let explanation = program.explain(subject: subject, on: dataset, asOf: asOf, cancellation: cancellation, language: language) else {
            return .error(say(Catalog.noSubject(subject)) + "\n")
        }
        guard onlyRule else { return .output(explanation.text) }
        let ruleName = parts[1]
        guard let rule = explanation.rules.first(where: { $0.rule == ruleName }) else {
            return .error(say(Catalog.noRuleFor(ruleName, table: explanation.subject.table,
                                                hint: Suggestions.nearest(to: ruleName, in: explanation.rules.map(\.rule)))) + "\n")
        }
        var out = Catalog.explainOneRule(rule.rule, Catalog.outcomeKind(rule.outcome.kind).in(language),
                                         subject: "\(explanation.subject.table) \(explanation.subject.key)", asOf: asOf.description).in(language) + "\n"
        for reason in rule.reasons { out += "  " + reason.replacingOccurrences(of: "\n", with: "\n  ") + "\n" }
        return .output(out)
    }
}
