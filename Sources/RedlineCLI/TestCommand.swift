import ArgumentParser
import Foundation
import Redline
import RedlineXLSX

/// `redline test RULES...`: run the `test` cases written in each rule file (and in `NAME.test.rl`
/// beside it); exit 1 if any case fails.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the test cases written beside the rules; exit 1 if any fails."
    )

    @Argument(help: "Rule files (.rl); a FILE.test.rl beside one is read with it.")
    var files: [String]

    @OptionGroup var calendarOption: CalendarOption

    @OptionGroup var diagnosticOptions: DiagnosticOptions

    @OptionGroup var limitOptions: LimitOptions

    @Flag(name: .customLong("allow-data-outside"), help: "Let `given data` read folders outside the test file's folder.")
    var allowDataOutside = false

    func run() throws {
        let interrupt = LimitOptions.interruptFlag()
        let calendar = try calendarOption.resolve(language: diagnosticOptions.language)
        var anyFailed = false
        let policies = files.filter { !$0.hasSuffix(".test.rl") }
        for path in policies {
            var paths = [path]
            let companion = (path as NSString).deletingPathExtension + ".test.rl"
            if FileManager.default.fileExists(atPath: companion) { paths.append(companion) }
            let program = Program.compile(try Output.readRuleFiles(paths))
            let errors = program.diagnostics.filter { $0.severity == .error }
            if !errors.isEmpty {
                Output.error(DiagnosticRenderer.text(errors, language: diagnosticOptions.language))
                anyFailed = true
                continue
            }
            Output.write("== \(paths.joined(separator: " + "))\n")
            let report = program.runTests(language: diagnosticOptions.language, limits: limitOptions.limits, cancellation: interrupt,
                                          allowDataOutside: allowDataOutside, calendar: calendar,
                                          spreadsheetReader: WorkbookReader.reader)
            Output.write(report.text)
            if report.failed > 0 || report.passed == 0 { anyFailed = true }
        }
        if anyFailed { throw ExitCode(1) }
    }
}
