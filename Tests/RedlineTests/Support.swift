import Foundation
@testable import Redline

/// Helpers shared by the tests: lexing, parsing and evaluating snippets, paths to fixtures.
enum Support {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/Fixtures")

    /// Whether golden files should be rewritten instead of compared.
    static var recording: Bool { ProcessInfo.processInfo.environment["REDLINE_RECORD"] == "1" }

    static func tokens(_ text: String) -> (kinds: [TokenKind], diagnostics: [Diagnostic]) {
        var lexer = Lexer(source: SourceFile(name: "t.rl", text: text))
        let tokens = lexer.tokenize()
        return (tokens.map(\.kind).dropLast().map { $0 }, lexer.diagnostics)
    }

    static func expression(_ text: String) -> (Expr?, [Diagnostic]) {
        var parser = Parser(source: SourceFile(name: "<expr>", text: text))
        let expr = parser.parseStandaloneExpression()
        return (expr, parser.diagnostics)
    }

    /// Evaluates with an empty program; returns the literal form or the first error's message.
    /// Working days are Monday to Friday unless a calendar is given: these tests are about the
    /// arithmetic (CalendarTests are about the holidays).
    static func eval(_ text: String, asOf: String = "2024-06-30", calendar: WorkCalendar = .mondayToFriday) -> String {
        let result = Program.compile([]).evaluate(text, asOf: CalendarDate(iso: asOf)!, calendar: calendar)
        return result.literal ?? ("error: " + (result.diagnostics.first?.message ?? "?"))
    }

    static func check(_ text: String, name: String = "t.rl") -> String {
        DiagnosticRenderer.text(Program.compile([RuleSource(name: name, text: text)]).diagnostics)
    }

    /// A fully parenthesised rendering of an expression tree, to test precedence.
    static func sexpr(_ e: Expr) -> String {
        switch e.kind {
        case .integer(let i): return String(i)
        case .decimal(let d): return d.description
        case .date(let d): return CivilDate.format(d)
        case .bool(let b): return String(b)
        case .duration(let n, let unit): return "\(n)\(unit.rawValue)"
        case .text(let parts):
            return "\"" + parts.map { part -> String in
                switch part {
                case .literal(let s): return s
                case .expr(let inner): return "{" + sexpr(inner) + "}"
                }
            }.joined() + "\""
        case .name(let n): return n
        case .today: return "today"
        case .missing: return "missing"
        case .list(let items): return "[" + items.map(sexpr).joined(separator: " ") + "]"
        case .unary(let op, let a): return "(\(op.rawValue) \(sexpr(a)))"
        case .binary(let op, let a, let b): return "(\(op.rawValue) \(sexpr(a)) \(sexpr(b)))"
        case .isMissing(let a, let negated): return "(\(negated ? "present" : "missing") \(sexpr(a)))"
        case .membership(let a, let b, let negated): return "(\(negated ? "not-in" : "in") \(sexpr(a)) \(sexpr(b)))"
        case .member(let a, let name): return "(. \(sexpr(a)) \(name.text))"
        case .call(let name, let args): return "(\(name.text) " + args.map(sexpr).joined(separator: " ") + ")"
        case .quantifier(let q, let binding, let condition):
            return "(\(q.rawValue) \(binding.variable.text) \(sexpr(binding.collection)) \(sexpr(condition)))"
        case .aggregate(let a, let value, let binding, let filter):
            return "(\(a.rawValue)\(value.map { " " + sexpr($0) } ?? "") \(binding.variable.text) \(sexpr(binding.collection))\(filter.map { " " + sexpr($0) } ?? ""))"
        case .error: return "<error>"
        }
    }

    /// The built `redline` executable, next to the test bundle.
    static var redlineBinary: URL {
        let bundle = Bundle.main.bundleURL
        let candidates = [bundle.deletingLastPathComponent().appendingPathComponent("redline"),
                          bundle.appendingPathComponent("redline")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// Runs `redline` (or another program) with arguments; returns exit status, stdout and stderr.
    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                    directory: URL? = nil, executable: URL? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = executable ?? redlineBinary
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? root
        var env = ProcessInfo.processInfo.environment
        env["LANG"] = "C.UTF-8"
        env["LC_ALL"] = nil
        for (k, v) in environment { env[k] = v }
        process.environment = env
        // stderr goes to a file, stdout to a pipe read to the end: neither can fill up and block.
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("redline-stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        let errHandle = try FileHandle(forWritingTo: errURL)
        let out = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = errHandle
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errHandle.close()
        let errData = (try? Data(contentsOf: errURL)) ?? Data()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
