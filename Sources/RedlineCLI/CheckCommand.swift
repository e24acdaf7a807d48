import ArgumentParser
import Foundation
import Redline

/// `redline check FILE.rl...`: parse and check, print every diagnostic, exit 1 on any error.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check rule files and print every error and warning."
    )

    @Argument(help: "Rule files (.rl).")
    var files: [String]

    @Option(help: "Output format: text or json.")
    var format: String = "text"

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    @OptionGroup var diagnosticOptions: DiagnosticOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one rule file") }
        if !["text", "json"].contains(format) { throw ValidationError("--format must be text or json") }
    }

    func run() throws {
        // Each file is a policy of its own (it declares the tables it uses), checked together with
        // its tests in NAME.test.rl; a test file given alone is checked with its policy.
        var groups: [[String]] = []
        var seen: Set<String> = []
        for path in files {
            let policy = path.hasSuffix(".test.rl") ? String(path.dropLast(".test.rl".count)) + ".rl" : path
            let tests = String(policy.dropLast(".rl".count)) + ".test.rl"
            guard seen.insert(policy).inserted else { continue }
            var group: [String] = []
            if FileManager.default.fileExists(atPath: policy) || policy == path { group.append(policy) }
            if FileManager.default.fileExists(atPath: tests), !group.contains(tests) { group.append(tests) }
            groups.append(group.isEmpty ? [path] : group)
        }
        let diagnostics = try groups.flatMap { Program.compile(try Output.readRuleFiles($0)).diagnostics }
        let language = diagnosticOptions.language
        if format == "json" {
            Output.write(DiagnosticRenderer.json(diagnostics, language: language))
        } else {
            Output.error(DiagnosticRenderer.text(diagnostics, language: language))
        }
        let failed = diagnostics.contains { $0.severity == .error } || (strict && !diagnostics.isEmpty)
        if failed { throw ExitCode(1) }
    }
}
