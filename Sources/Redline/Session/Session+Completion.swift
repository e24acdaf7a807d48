import Foundation

/// Tab completion: commands after `:`, files after `:load` and `:data`, columns after `x.` when
/// `x`'s table can be told from the input, otherwise keywords, tables, definitions and functions.
extension Session {
    /// Candidates for `word`, the text being completed, given everything typed before it
    /// (earlier lines of an unfinished input included).
    public func completions(for word: String, before: String) -> [String] {
        let context = (pending + [before]).joined(separator: "\n")
        let trimmed = before.trimmingCharacters(in: .whitespaces)
        if pending.isEmpty, trimmed.isEmpty, word.hasPrefix(":") {
            return Session.commands.map { ":" + $0.name }.filter { $0.hasPrefix(word) }
        }
        if pending.isEmpty, trimmed.hasPrefix(":") {
            let command = trimmed.dropFirst().split(separator: " ").first.map(String.init) ?? ""
            switch command {
            case "load", "data": return Session.paths(matching: word, directoriesOnly: command == "data")
            case "schema": return program.tableNames.filter { $0.hasPrefix(word) }
            case "why-not" where trimmed.split(separator: " ").count >= 2: return program.ruleNames.filter { $0.hasPrefix(word) }
            case "format": return ReportFormat.allCases.map(\.rawValue).filter { $0.hasPrefix(word) }
            case "timing": return ["on", "off"].filter { $0.hasPrefix(word) }
            case "help": return Session.commands.map(\.name).filter { $0.hasPrefix(word) }
            default: return []
            }
        }
        if before.hasSuffix(".") {
            let path = Session.trailingPath(before)
            if let table = tableOf(path, in: context) {
                return program.checked.schema.tables[table].memberNames.sorted().filter { $0.hasPrefix(word) }
            }
            return []
        }
        var names = Keyword.allCases.flatMap(\.spellings) + program.tableNames
        names += program.checked.definitions.keys.sorted() + Builtin.allCases.flatMap(\.names)
        names += ["from", "group", "by", "select", "sort", "limit", "desc", "asc"]
        names += Session.variables(in: context)
        var seen = Set<String>()
        return names.filter { $0.hasPrefix(word) && seen.insert($0).inserted }
    }

    /// `h.enterprise.` → ["h", "enterprise"].
    static func trailingPath(_ text: String) -> [String] {
        var path: [String] = []
        var current = ""
        for character in text.dropLast().reversed() {
            if character == "." {
                path.insert(current, at: 0)
                current = ""
            } else if character.isLetter || character.isNumber || character == "_" {
                current = String(character) + current
            } else {
                break
            }
        }
        path.insert(current, at: 0)
        return path.filter { !$0.isEmpty }
    }

    /// Variables bound by `x in …` / `x 属于 …` in the text.
    static func variables(in text: String) -> [String] {
        bindings(in: text).map(\.variable)
    }

    /// `x in COLLECTION` pairs: the variable and the collection's text.
    static func bindings(in text: String) -> [(variable: String, collection: [String])] {
        var lexer = Lexer(source: SourceFile(name: "<input>", text: text))
        let tokens = lexer.tokenize()
        var found: [(String, [String])] = []
        for index in tokens.indices.dropLast(2) {
            guard let variable = tokens[index].identifier, tokens[index + 1].keyword == .in else { continue }
            var collection: [String] = []
            var next = index + 2
            while next < tokens.count, let name = tokens[next].identifier {
                collection.append(name)
                next += 1
                guard next < tokens.count, tokens[next].kind == .dot else { break }
                next += 1
            }
            if !collection.isEmpty { found.append((variable, collection)) }
        }
        return found
    }

    /// The table a member path leads to: a variable bound in the input, then references followed.
    func tableOf(_ path: [String], in context: String, depth: Int = 0) -> Int? {
        guard let head = path.first, depth < 8 else { return nil }
        let schema = program.checked.schema
        var table: Int?
        if let binding = Session.bindings(in: context).last(where: { $0.variable == head }) {
            table = tableOf(collection: binding.collection, in: context, depth: depth + 1)
        }
        guard var current = table else { return nil }
        for member in path.dropFirst() {
            let info = schema.tables[current]
            if let column = info.forward[member], let target = info.columns[column].target {
                current = target
            } else if let reverse = info.reverse[member] {
                current = reverse.table
            } else {
                return nil
            }
        }
        return current
    }

    /// A collection's element table: a table's name, or a path ending in a backward reference.
    private func tableOf(collection: [String], in context: String, depth: Int) -> Int? {
        let schema = program.checked.schema
        if collection.count == 1, let table = schema.tableIndex[collection[0]] { return table }
        guard collection.count >= 2 else { return nil }
        return tableOf(collection, in: context, depth: depth)
    }

    /// File names starting with the typed prefix (directories end with `/`).
    static func paths(matching prefix: String, directoriesOnly: Bool) -> [String] {
        let directory = prefix.contains("/") ? String(prefix[..<(prefix.lastIndex(of: "/") ?? prefix.startIndex)]) + "/" : ""
        let namePrefix = String(prefix.dropFirst(directory.count))
        let listed = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
        return listed.filter { $0.hasPrefix(namePrefix) && !$0.hasPrefix(".") }.sorted().compactMap { name in
            var isDirectory: ObjCBool = false
            // A name that vanished since it was listed is dropped.
            guard FileManager.default.fileExists(atPath: directory + name, isDirectory: &isDirectory) else { return nil }
            if directoriesOnly && !isDirectory.boolValue { return nil }
            return directory + name + (isDirectory.boolValue ? "/" : "")
        }
    }
}
