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
        // Each file is a policy of its own: it declares the tables it uses.
        let diagnostics = try Output.readRuleFiles(files).flatMap { Program.compile([$0]).diagnostics }
        let language = diagnosticOptions.language
        if format == "json" {
            print(DiagnosticRenderer.json(diagnostics, language: language), terminator: "")
        } else {
            Output.error(DiagnosticRenderer.text(diagnostics, language: language))
        }
        let failed = diagnostics.contains { $0.severity == .error } || (strict && !diagnostics.isEmpty)
        if failed { throw ExitCode(1) }
    }
}
