import ArgumentParser
import Foundation
import Redline

/// `redline eval 'EXPR'`: evaluate one expression and print its value.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate one expression and print its value."
    )

    @Argument(help: "The expression, e.g. '2024-01-31 + 1 month'.")
    var expression: String

    @Option(name: .customLong("rules"), help: "Rule files whose definitions the expression may use.")
    var ruleFiles: [String] = []

    @Option(name: .customLong("as-of"), help: "The date `today` stands for (YYYY-MM-DD; default: the current date).")
    var asOf: String?

    @OptionGroup var calendarOption: CalendarOption

    @OptionGroup var diagnosticOptions: DiagnosticOptions

    @OptionGroup var limitOptions: LimitOptions

    func run() throws {
        let date = try Output.parseDate(asOf, option: "--as-of")
        let program = Program.compile(try Output.readRuleFiles(ruleFiles))
        let language = diagnosticOptions.language
        if program.hasErrors {
            Output.error(DiagnosticRenderer.text(program.diagnostics, language: language))
            throw ExitCode(1)
        }
        let calendar = try calendarOption.resolve(language: language)
        let result = program.evaluate(expression, asOf: date, calendar: calendar, limits: limitOptions.limits, cancellation: LimitOptions.interruptFlag())
        guard let literal = result.literal else {
            Output.error(DiagnosticRenderer.text(result.diagnostics, language: language))
            throw ExitCode(1)
        }
        Output.write(literal + "\n")
    }
}
